// Backward Euler + Newton for u_t - div(kappa exp(gamma u) grad u) = f (see problem.hpp).
//
// Per step, SNES solves R(u) = M (u - u^n) + dt (N(u) - F(t_{n+1})) = 0, with boundary rows
// replaced by R_i = u_i; N and its Jacobian come from nonlinear_operator.hpp.
// A step whose Newton iteration fails (line search, divergence, NaN) is retried from u^n as
// two backward Euler half steps, recursively up to kMaxNewtonHalvings times (2^8 = 256 sub-steps of
// one step): the solution is then reported at the same time levels, with a smaller local step
// where the nonlinearity needed it (counted in FemSolution::substeps). Steps that converge are
// untouched, so results of problems that never fail do not change.
#include "neurhom/fem/nonlinear_solve.hpp"

#include <cmath>
#include <exception>
#include <functional>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/nonlinear_operator.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/fem/step_halving.hpp"
#include "neurhom/fem/time_series.hpp"

namespace neurhom {

namespace {


struct StepContext {
  const StructuredGrid* grid;
  const std::vector<double>* kappa;
  const DirichletBoundary* bc;
  double gamma;
  double dt;
  Mat M;
  Vec u_old;
  Vec dt_load;  // dt * F(t_{n+1})
  Vec scratch;
};

void residual(const StepContext& c, Vec u, Vec r) {
  nonlinear_flux(*c.grid, *c.kappa, c.gamma, c.dt, u, r);
  NH_PETSC(VecWAXPY(c.scratch, -1.0, c.u_old, u));
  NH_PETSC(MatMultAdd(c.M, c.scratch, r, r));
  NH_PETSC(VecAXPY(r, -1.0, c.dt_load));
  c.bc->set_residual(r, u);
}

void jacobian(const StepContext& c, Vec u, Mat J) {
  nonlinear_flux_jacobian(*c.grid, *c.kappa, c.gamma, c.dt, u, J);
  NH_PETSC(MatAXPY(J, 1.0, c.M, SAME_NONZERO_PATTERN));
  c.bc->apply_rows(J);
}

// SNES callbacks: C++ exceptions must not cross PETSc's C frames.
PetscErrorCode residual_callback(SNES, Vec u, Vec r, void* ctx) {
  try {
    residual(*static_cast<StepContext*>(ctx), u, r);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode jacobian_callback(SNES, Vec u, Mat J, Mat, void* ctx) {
  try {
    jacobian(*static_cast<StepContext*>(ctx), u, J);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

}  // namespace

void solve_nonlinear(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings,
                     FemSolution& solution) {
  require(std::isfinite(settings.gamma), "-gamma must be finite");
  WallTimer timer;
  const double dt = settings.final_time / settings.steps;
  OwnedMat M = create_operator(grid), J = create_operator(grid);
  assemble_mass(grid, M);
  NH_PETSC(MatSetOption(J, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
  const DirichletBoundary bc(grid);
  OwnedVec u_old = grid.create_vector(), dt_load = grid.create_vector(), scratch = grid.create_vector();
  OwnedVec r = grid.create_vector();
  StepContext context{&grid, &solution.cell_values, &bc, settings.gamma, dt, M, u_old, dt_load, scratch};

  OwnedSNES snes;
  NH_PETSC(SNESCreate(grid.comm(), snes.out()));
  NH_PETSC(SNESSetOptionsPrefix(snes, "nl_"));
  NH_PETSC(SNESSetFunction(snes, r, residual_callback, &context));
  NH_PETSC(SNESSetJacobian(snes, J, J, jacobian_callback, &context));
  NH_PETSC(SNESSetType(snes, SNESNEWTONLS));
  NH_PETSC(SNESSetTolerances(snes, 1e-50, 1e-10, 1e-14, 50, 10000));
  KSP ksp = nullptr;
  NH_PETSC(SNESGetKSP(snes, &ksp));
  NH_PETSC(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 10000));
  NH_PETSC(SNESSetFromOptions(snes));
  solution.assembly_seconds = timer.seconds();

  timer.reset();
  TimeSeries series(grid, inputs, settings, solution);
  Progress progress("fem", "step", settings.steps, grid.comm());
  PetscInt newton_total = 0, step_newton = 0;
  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
  // one backward Euler step of solution.u from t0 by h (fem/step_halving.hpp halves it on a failure)
  const auto attempt = [&](double t0, double h) {
    context.dt = h;
    NH_PETSC(VecCopy(solution.u, u_old));
    assemble_load(grid, *inputs.source, t0 + h, dt_load);
    NH_PETSC(VecScale(dt_load, h));
    NH_PETSC(SNESSolve(snes, nullptr, solution.u));
    NH_PETSC(SNESGetConvergedReason(snes, &reason));
    PetscInt newton = 0, linear = 0;
    NH_PETSC(SNESGetIterationNumber(snes, &newton));
    NH_PETSC(SNESGetLinearSolveIterations(snes, &linear));
    solution.linear_iterations += linear;
    step_newton += newton;
    return reason >= 0;
  };
  for (int step = 1; step <= settings.steps; ++step) {
    const double t = step * dt;
    step_newton = 0;
    solution.substeps += advance_with_halving(solution.u, t - dt, dt, kMaxNewtonHalvings, attempt, [&] {
      return "Newton did not converge at time step " + std::to_string(step) + " (t = " + format_number(t) + ") even with " +
             std::to_string(1 << kMaxNewtonHalvings) + " sub-steps: " + SNESConvergedReasons[reason] +
             "; try more -steps or other -nl_snes_* options";
    });
    newton_total += step_newton;
    series.after_step(step, t);
    if (settings.show_progress) progress.update(step, "Newton its " + std::to_string(step_newton));
  }
  solution.newton_iterations += newton_total;
  if (settings.show_progress) progress.finish();
  solution.steps = settings.steps;
  solution.solve_seconds = timer.seconds();
}

}  // namespace neurhom
