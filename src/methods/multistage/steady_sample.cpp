#include "neurhom/methods/multistage/steady_sample.hpp"

#include <algorithm>

#include "neurhom/coef/source.hpp"
#include "neurhom/coef/steady_coefficient.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

namespace {

// -div(kappa grad u) = 1, u = 0 on the boundary, for a kappa that may change sign: the Q1
// system assembled from the raw cell values (no positivity check), solved by a direct LU.
OwnedVec solve_sign_indefinite(const StructuredGrid& grid, const CellField& kappa, const Source& f) {
  const IndexRange cx = grid.cell_x(), cy = grid.cell_y();
  std::vector<double> values(static_cast<size_t>(grid.num_local_cells()));
  for (PetscInt j = cy.begin; j < cy.end; ++j)
    for (PetscInt i = cx.begin; i < cx.end; ++i)
      values[static_cast<size_t>(grid.local_cell(i, j))] = kappa.value(i, j, grid.n());
  OwnedMat A = create_operator(grid);
  assemble_stiffness(grid, values, A);
  OwnedVec F = grid.create_vector(), u = grid.create_vector();
  assemble_load(grid, f, 0.0, F);
  const DirichletBoundary bc(grid);
  bc.apply_symmetric(A);
  bc.zero(F);
  const OwnedKSP ksp = create_direct_ksp(A, "steady_");
  solve_checked(ksp, F, u, "steady solve (literal reading, direct LU)");
  return u;
}

}  // namespace

SteadySample solve_steady_sample(const StructuredGrid& grid, int coarse_n, std::uint64_t seed, SteadyReading reading) {
  const int n = grid.n(), r = n / coarse_n, N = coarse_n * coarse_n;
  require(coarse_n >= 1 && r * coarse_n == n, "steady sample: the fine grid must refine the coarse mesh");
  const SteadyParameters draw = draw_steady_parameters(seed, n, reading);
  const double* p = draw.p.data();
  SteadySample row;
  row.rejected = draw.rejected;
  row.p.assign(draw.p.begin(), draw.p.end());
  row.kappa_min = steady_kappa_min(p, n);
  row.features.assign(static_cast<size_t>(3 * N), 0.0);
  for (int j = 0; j < 3; ++j)
    for (int cy = 0; cy < n; ++cy)
      for (int cx = 0; cx < n; ++cx)
        row.features[static_cast<size_t>(j * N + (cy / r) * coarse_n + cx / r)] +=
            steady_kappa_component(j, (cx + 0.5) / n, (cy + 0.5) / n, p) / (r * r);
  row.pooled_kappa.assign(static_cast<size_t>(N), -1e300);
  for (int cy = 0; cy < n; ++cy)
    for (int cx = 0; cx < n; ++cx) {
      double kappa = 0;
      for (int j = 0; j < 3; ++j) kappa += steady_kappa_component(j, (cx + 0.5) / n, (cy + 0.5) / n, p);
      double& m = row.pooled_kappa[static_cast<size_t>((cy / r) * coarse_n + cx / r)];
      m = std::max(m, kappa);
    }
  const auto kappa = make_steady_field(draw.p);
  const auto one = make_source("one", 1);
  FemInputs in;
  in.coefficient = kappa.get();
  in.source = one.get();
  const OwnedVec u = reading == SteadyReading::Reject ? std::move(solve_fem(grid, in, FemSettings()).u)
                                                      : solve_sign_indefinite(grid, *kappa, *one);
  const std::vector<double> nodes = grid.to_natural(u);
  row.target.assign(static_cast<size_t>(N), 0.0);
  for (int cy = 0; cy < n; ++cy)
    for (int cx = 0; cx < n; ++cx) {
      const auto at = [&](int x, int y) { return nodes[static_cast<size_t>(y * (n + 1) + x)]; };
      const double cell_mean = 0.25 * (at(cx, cy) + at(cx + 1, cy) + at(cx, cy + 1) + at(cx + 1, cy + 1));
      row.target[static_cast<size_t>((cy / r) * coarse_n + cx / r)] += cell_mean / (r * r);
    }
  return row;
}

}  // namespace neurhom
