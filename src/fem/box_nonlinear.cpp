#include "neurhom/fem/box_nonlinear.hpp"

#include <petscsnes.h>

#include <cmath>

#include "box_access.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/step_halving.hpp"

namespace neurhom {

namespace {

struct Context {
  const BoxGrid* grid;
  const BoxBoundary* bc;
  const BoxTimeProblem* problem;
  double gamma, dt, t;
  std::vector<double> kappa;  // owned cells
  Mat M;
  Vec u_old, F;  // F: load + Neumann data at t
  std::vector<box::BoxQuadraturePoint> points;
  std::array<double, 3> h;
};

template <class F>
void for_owned_cells(const BoxGrid& grid, F&& f) {
  for (PetscInt k = grid.owned_cells(2).begin; k < grid.owned_cells(2).end; ++k)
    for (PetscInt j = grid.owned_cells(1).begin; j < grid.owned_cells(1).end; ++j)
      for (PetscInt i = grid.owned_cells(0).begin; i < grid.owned_cells(0).end; ++i) f(i, j, k);
}

// element loop: u at the 2^d nodes, the shape values at the Gauss points
template <class F>
void element_loop(const Context& c, Vec x, F&& f) {
  const BoxGrid& grid = *c.grid;
  const int dim = grid.dim(), n = box::nodes_per_cell(dim);
  box_detail::GhostedValues values(grid, x);
  for_owned_cells(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    std::array<double, 8> ue{};
    for (int b = 0; b < n; ++b) ue[static_cast<size_t>(b)] = values.at(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
    f(i, j, k, ue);
  });
}

// The quadrature points of one cell with nodal values ue: f(shape values s, grad u_h, a) with
// a = kappa exp(gamma u_h) w_q |cell| (the residual's and the Jacobian's common factor).
template <class F>
void for_quadrature_points(const Context& c, double kappa, const std::array<double, 8>& ue, F&& f) {
  const int dim = c.grid->dim(), n = box::nodes_per_cell(dim);
  const double volume = c.grid->cell_volume();
  for (const auto& q : c.points) {
    const auto s = box::shape(dim, q.xi, c.h);
    double uq = 0;
    std::array<double, 3> g{};
    for (int b = 0; b < n; ++b) {
      uq += ue[static_cast<size_t>(b)] * s.phi[static_cast<size_t>(b)];
      for (int d = 0; d < dim; ++d) g[static_cast<size_t>(d)] += ue[static_cast<size_t>(b)] * s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)];
    }
    f(s, g, kappa * std::exp(c.gamma * uq) * q.weight * volume);
  }
}

PetscErrorCode residual(SNES, Vec x, Vec r, void* ptr) {
  PetscFunctionBeginUser;
  const Context& c = *static_cast<Context*>(ptr);
  const BoxGrid& grid = *c.grid;
  const int dim = grid.dim(), n = box::nodes_per_cell(dim);
  PetscCall(VecSet(r, 0.0));
  {
    box_detail::LocalAccumulator acc(grid);
    element_loop(c, x, [&](PetscInt i, PetscInt j, PetscInt k, const std::array<double, 8>& ue) {
      std::array<double, 8> re{};
      const auto add = [&](const auto& s, const std::array<double, 3>& g, double a) {  // a grad u . grad phi_b
        for (int b = 0; b < n; ++b) {
          double dot = 0;
          for (int d = 0; d < dim; ++d) dot += g[static_cast<size_t>(d)] * s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)];
          re[static_cast<size_t>(b)] += a * dot;
        }
      };
      for_quadrature_points(c, c.kappa[static_cast<size_t>(grid.local_cell(i, j, k))], ue, add);
      acc.add_cell(dim, i, j, k, re);
    });
    acc.add_to(r);
  }
  // + M (u - u_old) / dt - F
  Vec du;
  PetscCall(VecDuplicate(x, &du));
  PetscCall(VecWAXPY(du, -1.0, c.u_old, x));
  PetscCall(VecScale(du, 1.0 / c.dt));
  PetscCall(MatMultAdd(c.M, du, r, r));
  PetscCall(VecDestroy(&du));
  PetscCall(VecAXPY(r, -1.0, c.F));
  // Dirichlet rows: u - g_D(t)
  PetscScalar* rv = nullptr;
  const PetscScalar* xv = nullptr;
  PetscCall(VecGetArray(r, &rv));
  PetscCall(VecGetArrayRead(x, &xv));
  const unsigned mask = c.bc->dirichlet_mask();
  PetscInt at = 0;
  for (PetscInt k = grid.nodes(2).begin; k < grid.nodes(2).end; ++k)
    for (PetscInt j = grid.nodes(1).begin; j < grid.nodes(1).end; ++j)
      for (PetscInt i = grid.nodes(0).begin; i < grid.nodes(0).end; ++i, ++at)
        if (grid.faces_of_node(i, j, k) & mask)
          rv[at] = xv[at] - (c.problem->dirichlet ? c.problem->dirichlet(grid.node_point(i, j, k), c.t) : 0.0);
  PetscCall(VecRestoreArray(r, &rv));
  PetscCall(VecRestoreArrayRead(x, &xv));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian(SNES, Vec x, Mat J, Mat, void* ptr) {
  PetscFunctionBeginUser;
  const Context& c = *static_cast<Context*>(ptr);
  const BoxGrid& grid = *c.grid;
  const int dim = grid.dim(), n = box::nodes_per_cell(dim);
  PetscCall(MatZeroEntries(J));
  std::vector<double> ke(static_cast<size_t>(n * n));
  element_loop(c, x, [&](PetscInt i, PetscInt j, PetscInt k, const std::array<double, 8>& ue) {
    std::fill(ke.begin(), ke.end(), 0.0);
    const auto add = [&](const auto& s, const std::array<double, 3>& g, double a) {  // a (grad phi_c + gamma phi_c grad u) . grad phi_b
      for (int b = 0; b < n; ++b) {
        double gu_b = 0;
        for (int d = 0; d < dim; ++d) gu_b += g[static_cast<size_t>(d)] * s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)];
        for (int cc = 0; cc < n; ++cc) {
          double gg = 0;
          for (int d = 0; d < dim; ++d)
            gg += s.grad[static_cast<size_t>(cc)][static_cast<size_t>(d)] * s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)];
          ke[static_cast<size_t>(b * n + cc)] += a * (gg + c.gamma * s.phi[static_cast<size_t>(cc)] * gu_b);
        }
      }
    };
    for_quadrature_points(c, c.kappa[static_cast<size_t>(grid.local_cell(i, j, k))], ue, add);
    std::array<MatStencil, 8> st{};
    for (int b = 0; b < n; ++b) st[static_cast<size_t>(b)] = grid.stencil(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
    NH_PETSC(MatSetValuesStencil(J, n, st.data(), n, st.data(), ke.data(), ADD_VALUES));
  });
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAXPY(J, 1.0 / c.dt, c.M, SUBSET_NONZERO_PATTERN));
  const std::vector<MatStencil> rows = box_dirichlet_nodes(grid, *c.bc);
  PetscCall(MatZeroRowsStencil(J, static_cast<PetscInt>(rows.size()), rows.data(), 1.0, nullptr, nullptr));
  PetscFunctionReturn(0);
}

}  // namespace

BoxNonlinearSolution solve_box_nonlinear(const BoxGrid& grid, const BoxBoundary& bc, const BoxTimeProblem& problem, double gamma,
                                         double final_time, int steps, bool show_progress) {
  require(final_time > 0, "-T must be positive");
  require(steps >= 1, "-steps must be at least 1");
  WallTimer timer;
  Context c;
  c.grid = &grid;
  c.bc = &bc;
  c.problem = &problem;
  c.gamma = gamma;
  c.dt = final_time / steps;
  c.kappa = sample_box_cells(grid, problem.coefficient, "the coefficient");
  c.points = box::gauss_box(grid.dim(), 2);
  c.h = {grid.h(0), grid.h(1), grid.dim() == 3 ? grid.h(2) : 1.0};
  const std::vector<double> ones(static_cast<size_t>(grid.num_local_cells()), 1.0);
  const OwnedMat M = assemble_box_matrix(grid, ones, box::mass(grid.dim(), c.h));
  c.M = M;
  BoxNonlinearSolution sol;
  sol.u = grid.create_vector();
  if (problem.initial) interpolate_box(grid, problem.initial, sol.u);
  OwnedVec u_old, r;
  NH_PETSC(VecDuplicate(sol.u, u_old.out()));
  NH_PETSC(VecDuplicate(sol.u, r.out()));
  OwnedMat J = grid.create_matrix();
  NH_PETSC(MatSetOption(J, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));  // the Dirichlet rows are zeroed every Newton step
  OwnedSNES snes;
  NH_PETSC(SNESCreate(grid.comm(), snes.out()));
  NH_PETSC(SNESSetOptionsPrefix(snes, "box_nl_"));
  NH_PETSC(SNESSetFunction(snes, r, residual, &c));
  NH_PETSC(SNESSetJacobian(snes, J, J, jacobian, &c));
  NH_PETSC(SNESSetTolerances(snes, 1e-12, 1e-10, 1e-14, 50, 1000));
  NH_PETSC(SNESSetFromOptions(snes));
  Progress progress("fem", "time step", steps, grid.comm());
  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
  PetscInt step_newton = 0;
  // one backward Euler step of sol.u from t0 by h (fem/step_halving.hpp halves it on a failure)
  const auto attempt = [&](double t0, double h) {
    c.t = t0 + h;
    c.dt = h;
    NH_PETSC(VecCopy(sol.u, u_old));
    c.u_old = u_old;
    OwnedVec F = problem.source ? assemble_box_load(grid, [&](const Point3& x) { return problem.source(x, c.t); }) : grid.create_vector();
    if (problem.neumann) add_box_neumann_load(grid, bc, [&](const Point3& x, int face) { return problem.neumann(x, face, c.t); }, F);
    c.F = F;
    NH_PETSC(SNESSolve(snes, nullptr, sol.u));
    NH_PETSC(SNESGetConvergedReason(snes, &reason));
    PetscInt its = 0, lits = 0;
    NH_PETSC(SNESGetIterationNumber(snes, &its));
    NH_PETSC(SNESGetLinearSolveIterations(snes, &lits));
    step_newton += its;
    sol.linear_iterations += lits;
    return reason >= 0;
  };
  const double dt = final_time / steps;
  for (int n = 1; n <= steps; ++n) {
    step_newton = 0;
    sol.substeps += advance_with_halving(sol.u, (n - 1) * dt, dt, kMaxNewtonHalvings, attempt, [&] {
      return "Newton did not converge in time step " + std::to_string(n) + " even with " + std::to_string(1 << kMaxNewtonHalvings) +
             " sub-steps (" + SNESConvergedReasons[reason] + "): try more -steps or -box_nl_snes_linesearch_type bt";
    });
    sol.newton_iterations += step_newton;
    if (show_progress) progress.update(n);
  }
  if (show_progress) progress.finish();
  sol.seconds = timer.seconds();
  return sol;
}

}  // namespace neurhom
