#include "neurhom/methods/multistage/steady_sample.hpp"

#include <algorithm>

#include "neurhom/coef/source.hpp"
#include "neurhom/coef/steady_coefficient.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

SteadySample solve_steady_sample(const StructuredGrid& grid, int coarse_n, std::uint64_t seed) {
  const int n = grid.n(), r = n / coarse_n, N = coarse_n * coarse_n;
  require(coarse_n >= 1 && r * coarse_n == n, "steady sample: the fine grid must refine the coarse mesh");
  const SteadyParameters draw = draw_steady_parameters(seed, n);
  const double* p = draw.p.data();
  SteadySample row;
  row.rejected = draw.rejected;
  row.p.assign(draw.p.begin(), draw.p.end());
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
  const FemSolution u = solve_fem(grid, in, FemSettings());
  const std::vector<double> nodes = grid.to_natural(u.u);
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
