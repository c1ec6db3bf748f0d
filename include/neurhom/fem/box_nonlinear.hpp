#pragma once
// The nonlinear parabolic problem on boxes in 2D and 3D (issue 30; 2D counterpart:
// nonlinear_solve.hpp):
//   u_t - div(kappa(x) exp(gamma u) grad u) = f(x, t),  u = g_D on the Dirichlet faces,
//   kappa exp(gamma u) grad u . n = g_N on the Neumann faces,  u(0) = u_0.
// Backward Euler; per step Newton (PETSc SNES, options prefix -box_nl_) on
//   R(u) = M (u - u^n) / dt + N(u) - F(t_{n+1}),  N(u)_b = sum_K sum_q w_q kappa_K exp(gamma u_q) grad u_q . grad phi_b
// with 2 Gauss points per direction, and the exact Jacobian
//   J = M / dt + sum w_q kappa exp(gamma u_q) (grad phi_c . grad phi_b + gamma phi_c grad u_q . grad phi_b);
// Dirichlet rows: R_i = u_i - g_D(x_i, t), identity rows in J. A step whose Newton iteration
// fails is an error naming the step (try more -steps).
#include "neurhom/fem/box_parabolic.hpp"

namespace neurhom {

struct BoxNonlinearSolution {
  OwnedVec u;
  long long newton_iterations = 0, linear_iterations = 0;
  int substeps = 0;  // steps split in two after a Newton failure (fem/step_halving.hpp)
  double seconds = 0;
};

BoxNonlinearSolution solve_box_nonlinear(const BoxGrid& grid, const BoxBoundary& bc, const BoxTimeProblem& problem, double gamma,
                                         double final_time, int steps, bool show_progress = false);

}  // namespace neurhom
