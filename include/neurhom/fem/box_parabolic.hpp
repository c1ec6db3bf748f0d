#pragma once
// The parabolic problem on boxes in 2D and 3D (issue 30; the 2D unit-square counterpart is
// parabolic_solve.hpp):
//   u_t - div(a grad u) = f(x, t),  u = g_D(x, t) on the Dirichlet faces,
//   a grad u . n = g_N(x, t) on the Neumann faces,  u(0) = u_0,
// Q1 in space (box_fem.hpp), backward Euler in time with dt = T / steps:
//   K u^{n+1} = M u^n + dt F(t_{n+1}),  K = M + dt A,
// where F(t) holds the load and the Neumann data at t. Dirichlet values at t_{n+1} are lifted
// each step (b -= K x_D, b_D = g_D) into the matrix K_c with the Dirichlet rows and columns
// replaced by the identity once (symmetric: CG + GAMG, prefix -box_).
#include <functional>

#include "neurhom/fem/box_fem.hpp"

namespace neurhom {

struct BoxTimeProblem {
  PointFunction coefficient;                             // a(x) > 0 (cell centres)
  std::function<double(const Point3&, double)> source;   // f(x, t) (empty: 0)
  std::function<double(const Point3&, double)> dirichlet;  // g_D(x, t) (empty: 0)
  std::function<double(const Point3&, int, double)> neumann;  // g_N(x, face, t) (empty: 0)
  PointFunction initial;                                  // u_0 (empty: 0), nodal interpolation
};

struct BoxTimeSolution {
  OwnedVec u;  // at t = T
  long long iterations = 0;
  double assembly_seconds = 0, solve_seconds = 0;
};

// The data of a steady problem as constant-in-time data (u_0 = 0): the parabolic forms of the
// box PG-LOD and CEM compare with the fine and coarse solutions of this problem.
BoxTimeProblem constant_in_time(const BoxProblem& problem);

BoxTimeSolution solve_box_parabolic(const BoxGrid& grid, const BoxBoundary& bc, const BoxTimeProblem& problem, double final_time,
                                    int steps, bool show_progress = false);

}  // namespace neurhom
