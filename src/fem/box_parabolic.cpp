#include "neurhom/fem/box_parabolic.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/fem/linear_solve.hpp"

namespace neurhom {

BoxTimeProblem constant_in_time(const BoxProblem& p) {
  BoxTimeProblem tp;
  tp.coefficient = p.coefficient;
  if (p.source) tp.source = [f = p.source](const Point3& x, double) { return f(x); };
  if (p.dirichlet) tp.dirichlet = [g = p.dirichlet](const Point3& x, double) { return g(x); };
  if (p.neumann) tp.neumann = [g = p.neumann](const Point3& x, int face, double) { return g(x, face); };
  return tp;
}

BoxTimeSolution solve_box_parabolic(const BoxGrid& grid, const BoxBoundary& bc, const BoxTimeProblem& problem, double final_time,
                                    int steps, bool show_progress) {
  require(final_time > 0, "-T must be positive");
  require(steps >= 1, "-steps must be at least 1");
  require(static_cast<bool>(problem.coefficient), "solve_box_parabolic: no coefficient");
  WallTimer timer;
  BoxTimeSolution sol;
  const double dt = final_time / steps;
  std::array<double, 3> h{1, 1, 1};
  for (int d = 0; d < grid.dim(); ++d) h[static_cast<size_t>(d)] = grid.h(d);
  const std::vector<double> ones(static_cast<size_t>(grid.num_local_cells()), 1.0);
  const OwnedMat M = assemble_box_matrix(grid, ones, box::mass(grid.dim(), h));
  OwnedMat K = assemble_box_stiffness(grid, sample_box_cells(grid, problem.coefficient, "the coefficient"));
  NH_PETSC(MatAYPX(K, dt, M, SAME_NONZERO_PATTERN));  // K = dt A + M
  OwnedMat Kc;
  NH_PETSC(MatDuplicate(K, MAT_COPY_VALUES, Kc.out()));
  const std::vector<MatStencil> rows = box_dirichlet_nodes(grid, bc);
  NH_PETSC(MatZeroRowsColumnsStencil(Kc, static_cast<PetscInt>(rows.size()), rows.data(), 1.0, nullptr, nullptr));
  LinearSolver solver(grid.comm(), Kc, "box_");
  NH_PETSC(KSPSetInitialGuessNonzero(solver.ksp(), PETSC_TRUE));
  sol.u = grid.create_vector();
  if (problem.initial) interpolate_box(grid, problem.initial, sol.u);
  sol.assembly_seconds = timer.seconds();
  timer.reset();
  OwnedVec b, lift, xD;
  NH_PETSC(VecDuplicate(sol.u, b.out()));
  NH_PETSC(VecDuplicate(sol.u, lift.out()));
  NH_PETSC(VecDuplicate(sol.u, xD.out()));
  Progress progress("fem", "time step", steps, grid.comm());
  for (int n = 1; n <= steps; ++n) {
    const double t = n * dt;
    OwnedVec F = problem.source ? assemble_box_load(grid, [&](const Point3& x) { return problem.source(x, t); }) : grid.create_vector();
    if (problem.neumann) add_box_neumann_load(grid, bc, [&](const Point3& x, int face) { return problem.neumann(x, face, t); }, F);
    NH_PETSC(MatMult(M, sol.u, b));
    NH_PETSC(VecAXPY(b, dt, F));
    // lift the Dirichlet values of t: b -= K x_D, then b_D = g_D(t)
    NH_PETSC(VecSet(xD, 0.0));
    const PointFunction g = [&](const Point3& x) { return problem.dirichlet ? problem.dirichlet(x, t) : 0.0; };
    set_box_dirichlet_values(grid, bc, g, xD);
    NH_PETSC(MatMult(K, xD, lift));
    NH_PETSC(VecAXPY(b, -1.0, lift));
    set_box_dirichlet_values(grid, bc, g, b);
    solver.solve(b, sol.u);
    if (show_progress) progress.update(n);
  }
  if (show_progress) progress.finish();
  sol.iterations = solver.total_iterations();
  sol.solve_seconds = timer.seconds();
  return sol;
}

}  // namespace neurhom
