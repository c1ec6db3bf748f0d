#pragma once
// The four test cases of Leung, Lin, Zhang 2021 (NH-PINN, Sec. 5), shared by the FEM
// references (homog/homog_cases.hpp) and the PINNs (methods/nhpinn/net/nhpinn.hpp). PETSc-free.
//
//   elliptic2d  -div(a(x/eps) grad u) = f on (0,1)^2, u = 0;  a(y) = 2 + sin(2 pi y1) cos(2 pi y2),
//               f = sin x1 + cos x2, eps = 1/8 (Sec. 5.2); cell Y = (0,1)^2
//   slow1d      -(a(x, x/eps) u')' = f on (0, pi), u = 0;  a(x, y) = 0.5 sin(2 pi y) + sin x + 2,
//               f = sin x, eps = 1/8 (Sec. 5.3); exact a*(x) = sqrt((2 + sin x)^2 - 1/4)
//   reaction1d  u_t - D u'' + (1/eps) r(x/eps) u = f on (-pi, pi), u = 0;  D = 2, r(y) = cos y,
//               f = sin(2 pi x), eps = 1/10 or 1/50 (Sec. 5.4); cell Y = (0, 2 pi):
//               -D N'' = -r, N = -cos(y) / D, r* = <r N> = -1/(2D) = -1/4 (Appendix A);
//               T and u(x, 0) are not in the paper: T = 1, u_0 = 0.01 sin x (our choice)
#include <functional>
#include <string>

namespace neurhom {

struct HomogenizationCase {
  std::string name;
  int dim = 1;
  double eps = 0.125;
  double x0 = 0, x1 = 1;       // 1D interval; 2D: the unit square
  double cell_period = 1.0;     // |Y| (1D); 2D: the unit cell
  // elliptic2d: a(y1, y2) and f(x1, x2)
  std::function<double(double, double)> a2d, f2d;
  // slow1d: a(x, y); reaction1d: D and r(y); both: f(x)
  std::function<double(double, double)> a1d;
  std::function<double(double)> f1d, r;
  double diffusion = 2.0;
  double final_time = 1.0;
  std::function<double(double)> initial;  // reaction1d u(x, 0)
  // Known exact homogenized data (tests): slow1d a*(x), reaction1d N(y) and r*.
  std::function<double(double)> exact_a_star, exact_cell;
  double exact_r_star = 0;
};

// name: elliptic2d, slow1d, reaction1d; eps <= 0 takes the paper's (1/8, 1/8, 1/10).
// Throws Error for an unknown name.
HomogenizationCase make_homogenization_case(const std::string& name, double eps = 0);
std::string homogenization_case_names();  // "elliptic2d, slow1d, reaction1d"

}  // namespace neurhom
