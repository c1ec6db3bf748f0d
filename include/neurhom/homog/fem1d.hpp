#pragma once
// 1D P1 finite elements on a DMDA for the 1D cases of Leung, Lin, Zhang 2021 (the FEM
// references of the 1D PINNs): on (x_0, x_1) with u = 0 at both ends,
//   elliptic   -(D(x) u')' + R(x) u = f(x)
//   parabolic  u_t - (D(x) u')' + R(x) u = f(x, t),  u(0) = u_0,  backward Euler:
//              (M + dt (A + R_h)) u^{n+1} = M u^n + dt F(t_{n+1})
// e.g. D = a(x, x / eps) (case 2) or the diffusion-reaction case D constant, R = r(x/eps)/eps.
// Element integrals with 3-point Gauss per cell (D, R and f vary inside a cell: resolve eps
// with h << eps and state h / eps); direct solve (LU, MUMPS in parallel, prefix -fem1d_).
// Results: the nodal values at all n + 1 nodes x_k = x_0 + k h, on every rank.
#include <functional>
#include <mpi.h>
#include <vector>

namespace neurhom {

struct Fem1dCoefficients {
  double x0 = 0.0, x1 = 1.0;
  std::function<double(double)> diffusion;  // D(x) > 0
  // R(x), may change sign (the diffusion-reaction case: R = r(x/eps)/eps with mean zero);
  // the system must stay nonsingular (parabolic: dt max(-R) < 1 keeps M + dt R positive).
  std::function<double(double)> reaction;   // (empty: 0)
};

std::vector<double> solve_elliptic_1d(MPI_Comm comm, int cells, const Fem1dCoefficients& c,
                                      const std::function<double(double)>& f);
std::vector<double> solve_parabolic_1d(MPI_Comm comm, int cells, const Fem1dCoefficients& c,
                                       const std::function<double(double, double)>& f,
                                       const std::function<double(double)>& initial, double final_time, int steps);

}  // namespace neurhom
