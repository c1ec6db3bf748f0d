#pragma once
// Coarse Galerkin solves on V_ms = range(R) (cem_space.hpp); all three problems of
// problem.hpp, u = 0 on the boundary (every CEM basis function vanishes there):
//   elliptic   A_ms c = R' F_h,                         A_ms = R' A_h R
//   parabolic  (M_ms + dt A_ms) c^n = M_ms c^{n-1} + dt R' F_h(t_n),   c^0 = 0 (backward Euler)
//   nonlinear  a = kappa exp(gamma u): per backward Euler step Newton on the coarse space
//              for  G(c) = M_ms (c - c^{n-1}) + R' [dt N(R c)] - dt R' F_h(t_n) = 0,
//              Jacobian  M_ms + R' [dt dN(R c)] R, with N and dN evaluated on the FINE grid
//              (nonlinear_operator.hpp); the fixed point is the Galerkin projection of the
//              fine discrete problem (R' dN R by MatPtAP, symbolic product reused). The Jacobian and its LU
//              are kept while each iteration still reduces ||G|| 10x (lagged Newton) and
//              refreshed otherwise. Backtracking on ||G|| (halving, at most 10 times);
//              stops at ||G|| <= 1e-10 ||G_0|| or 1e-13, at most 50 iterations.
// Coarse systems: direct LU (MUMPS), options prefix -cem_coarse_.
#include "neurhom/cem/cem_space.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

struct CemProblem {
  ProblemKind kind = ProblemKind::Elliptic;
  double final_time = 1.0;  // -T
  int steps = 10;           // -steps
  double gamma = 1.0;       // -gamma
};

struct CemSolution {
  OwnedVec c;  // coefficients in V_ms
  OwnedVec u;  // R c on the fine grid (PETSc ordering)
  long long newton_iterations = 0;
  double seconds = 0;
};

// Collective. Throws Error when a coarse solve or Newton fails.
CemSolution solve_cem(const CemSpace& space, const Source& f, const CemProblem& problem);

}  // namespace neurhom
