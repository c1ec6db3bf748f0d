// Backward Euler for u_t - div(a grad u) = f:  (M + dt A) u^{n+1} = M u^n + dt F(t_{n+1}).
// The system matrix is assembled and preconditioned once; each step is one KSP solve. With a
// time-dependent coefficient (FemInputs::coefficient_path), A = A(t_{n+1}) and the system
// matrix and preconditioner are rebuilt every step.
#include "neurhom/fem/parabolic_solve.hpp"

#include <memory>

#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/time_series.hpp"

namespace neurhom {

void solve_parabolic(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings,
                     FemSolution& solution) {
  WallTimer timer;
  const double dt = settings.final_time / settings.steps;
  OwnedMat M = create_operator(grid);
  assemble_mass(grid, M);
  const DirichletBoundary bc(grid);
  auto build_system = [&](const std::vector<double>& cells) {
    OwnedMat system = create_operator(grid);
    assemble_stiffness(grid, cells, system);
    NH_PETSC(MatScale(system, dt));
    NH_PETSC(MatAXPY(system, 1.0, M, SAME_NONZERO_PATTERN));
    bc.apply_symmetric(system);
    return system;
  };
  const CoefficientPath* path = inputs.coefficient_path;
  OwnedMat system = build_system(solution.cell_values);
  auto solver = std::make_unique<LinearSolver>(grid.comm(), system);
  solution.assembly_seconds = timer.seconds();

  timer.reset();
  TimeSeries series(grid, inputs, settings, solution);
  OwnedVec F = grid.create_vector(), rhs = grid.create_vector();
  Progress progress("fem", "step", settings.steps, grid.comm());
  for (int step = 1; step <= settings.steps; ++step) {
    const double t = step * dt;
    if (path) {
      solution.linear_iterations += solver->total_iterations();
      solution.cell_values = sample_cells(grid, *path->at(t), "coefficient");
      system = build_system(solution.cell_values);
      solver = std::make_unique<LinearSolver>(grid.comm(), system);
    }
    assemble_load(grid, *inputs.source, t, F);
    NH_PETSC(MatMult(M, solution.u, rhs));
    NH_PETSC(VecAXPY(rhs, dt, F));
    bc.zero(rhs);
    solver->solve(rhs, solution.u);
    series.after_step(step, t);
    if (settings.show_progress) progress.update(step);
  }
  if (settings.show_progress) progress.finish();
  solution.linear_iterations += solver->total_iterations();
  solution.steps = settings.steps;
  solution.solve_seconds = timer.seconds();
}

}  // namespace neurhom
