// Coarse CEM solves (see cem_solver.hpp for the equations).
#include "neurhom/cem/cem_solver.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/nonlinear_operator.hpp"

namespace neurhom {

namespace {

double norm2(Vec v) {
  PetscReal n = 0;
  NH_PETSC(VecNorm(v, NORM_2, &n));
  return n;
}

// dt R' F_h(t) as a coarse vector.
OwnedVec coarse_load(const CemSpace& space, const Source& f, double t, double scale, Vec fine_scratch) {
  assemble_load(space.grid(), f, t, fine_scratch);
  OwnedVec F = space.restrict_vector(fine_scratch);
  NH_PETSC(VecScale(F, scale));
  return F;
}

// One backward Euler step of the nonlinear problem: Newton for G(c) = 0, c holds c^{n-1} on
// entry (also the initial guess) and c^n on exit. Returns the Newton iterations.
// J_cache keeps R' dN R between calls so that MatPtAP reuses its symbolic product.
int nonlinear_step(const CemSpace& space, Mat M_ms, const std::vector<double>& kappa, double gamma, double dt, Vec load,
                   Vec c, int step, OwnedMat& J_cache) {
  const StructuredGrid& grid = space.grid();
  OwnedVec c_old, G, trial_G, delta, trial, change, u = grid.create_vector(), flux = grid.create_vector();
  NH_PETSC(VecDuplicate(c, c_old.out()));
  NH_PETSC(VecDuplicate(c, change.out()));
  NH_PETSC(VecCopy(c, c_old));
  NH_PETSC(VecDuplicate(c, G.out()));
  NH_PETSC(VecDuplicate(c, trial_G.out()));
  NH_PETSC(VecDuplicate(c, delta.out()));
  NH_PETSC(VecDuplicate(c, trial.out()));
  OwnedMat J_fine = create_operator(grid);
  auto residual = [&](Vec x, Vec out) {  // G(x)
    space.prolong(x, u);
    nonlinear_flux(grid, kappa, gamma, dt, u, flux);
    NH_PETSC(MatMultTranspose(space.R(), flux, out));
    NH_PETSC(VecWAXPY(change, -1.0, c_old, x));
    NH_PETSC(MatMultAdd(M_ms, change, out, out));
    NH_PETSC(VecAXPY(out, -1.0, load));
  };
  residual(c, G);
  const double g0 = norm2(G);
  double g = g0;
  int it = 0;
  OwnedMat J;
  OwnedKSP ksp;
  double ratio = 1.0;  // ||G_k|| / ||G_{k-1}|| of the last iteration
  for (; it < 50 && g > 1e-10 * g0 && g > 1e-13; ++it) {
    if (!ksp || ratio > 0.1) {  // fresh Jacobian unless the lagged one still converges fast
      space.prolong(c, u);
      nonlinear_flux_jacobian(grid, kappa, gamma, dt, u, J_fine);
      if (!J_cache) {
        J_cache = space.project(J_fine);
      } else {
        NH_PETSC(MatPtAP(J_fine, space.R(), MAT_REUSE_MATRIX, PETSC_DEFAULT, J_cache.inout()));
      }
      NH_PETSC(MatDuplicate(J_cache, MAT_COPY_VALUES, J.out()));
      NH_PETSC(MatAXPY(J, 1.0, M_ms, DIFFERENT_NONZERO_PATTERN));
      ksp = create_direct_ksp(J, "cem_coarse_");
    }
    solve_checked(ksp, G, delta, "CEM Newton linear solve");  // J delta = G, step -delta
    double lambda = 1.0, g_trial = 0;
    for (int half = 0;; ++half) {
      NH_PETSC(VecWAXPY(trial, -lambda, delta, c));
      residual(trial, trial_G);
      g_trial = norm2(trial_G);
      if (std::isfinite(g_trial) && g_trial < g) break;
      if (half == 10)
        throw Error("CEM Newton: no decrease of the residual at time step " + std::to_string(step) +
                    " (||G|| = " + format_number(g) + "); try more -steps");
      lambda *= 0.5;
    }
    NH_PETSC(VecCopy(trial, c));
    NH_PETSC(VecCopy(trial_G, G));
    ratio = g_trial / g;
    g = g_trial;
  }
  if (g > 1e-10 * g0 && g > 1e-13)
    throw Error("CEM Newton did not converge in 50 iterations at time step " + std::to_string(step) +
                " (||G|| = " + format_number(g) + " from " + format_number(g0) + "); try more -steps");
  return it;
}

}  // namespace

CemSolution solve_cem(const CemSpace& space, const Source& f, const CemProblem& problem) {
  require(problem.kind == ProblemKind::Elliptic || (problem.final_time > 0 && problem.steps >= 1),
          "-T must be positive and -steps at least 1");
  require(std::isfinite(problem.gamma), "-gamma must be finite");
  WallTimer timer;
  const StructuredGrid& grid = space.grid();
  CemSolution out;
  OwnedMat A_h = create_operator(grid);
  assemble_stiffness(grid, space.fine_cell_values(), A_h);
  OwnedVec fine = grid.create_vector();
  out.c = space.create_coarse_vector();
  NH_PETSC(VecSet(out.c, 0.0));

  if (problem.kind == ProblemKind::Elliptic) {
    OwnedMat A_ms = space.project(A_h);
    OwnedVec F = coarse_load(space, f, 0.0, 1.0, fine);
    OwnedKSP ksp = create_direct_ksp(A_ms, "cem_coarse_");
    solve_checked(ksp, F, out.c, "coarse CEM solve");
  } else {
    const double dt = problem.final_time / problem.steps;
    OwnedMat M_h = create_operator(grid);
    assemble_mass(grid, M_h);
    OwnedMat M_ms = space.project(M_h);
    OwnedMat system;
    OwnedKSP ksp;
    if (problem.kind == ProblemKind::Parabolic) {
      system = space.project(A_h);
      NH_PETSC(MatAYPX(system, dt, M_ms, DIFFERENT_NONZERO_PATTERN));  // M_ms + dt A_ms
      ksp = create_direct_ksp(system, "cem_coarse_");
    }
    OwnedVec rhs;
    NH_PETSC(VecDuplicate(out.c, rhs.out()));
    OwnedMat J_cache;
    Progress progress("cem", "time step", problem.steps, grid.comm());
    for (int n = 1; n <= problem.steps; ++n) {
      OwnedVec load = coarse_load(space, f, n * dt, dt, fine);
      if (problem.kind == ProblemKind::Parabolic) {
        NH_PETSC(MatMultAdd(M_ms, out.c, load, rhs));
        solve_checked(ksp, rhs, out.c, "coarse CEM solve");
      } else {
        out.newton_iterations +=
            nonlinear_step(space, M_ms, space.fine_cell_values(), problem.gamma, dt, load, out.c, n, J_cache);
      }
      progress.update(n);
    }
    progress.finish();
  }
  out.u = grid.create_vector();
  space.prolong(out.c, out.u);
  out.seconds = timer.seconds();
  return out;
}

}  // namespace neurhom
