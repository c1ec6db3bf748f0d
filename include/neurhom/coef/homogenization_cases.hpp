#pragma once
// The four test cases of Leung, Lin, Zhang 2021 (NH-PINN, Sec. 5), shared by the FEM
// references (homog/homog_cases.hpp) and the PINNs (methods/nhpinn/net/nhpinn.hpp). PETSc-free.
//
//   elliptic2d  -div(a(x/eps) grad u) = f on (0,1)^2, u = 0;  a(y) = 2 + sin(2 pi y1) cos(2 pi y2),
//               f = sin x1 + cos x2, eps = 1/8 (Sec. 5.2); cell Y = (0,1)^2
//   slow1d      -(a(x, x/eps) u')' = f on (0, pi), u = 0;  a(x, y) = 0.5 sin(2 pi y) + sin x + 2,
//               f = sin x, eps = 1/8 (Sec. 5.3); exact a*(x) = sqrt((2 + sin x)^2 - 1/4)
//   reaction1d  u_t - D u'' + (1/eps) r(x/eps) u = f on (-pi, pi), u = 0;  D = 2,
//               f = sin(2 pi x), eps = 1/10 or 1/50 (Sec. 5.4). The paper writes the reaction both
//               ways, so both readings are cases (`reaction_cell`):
//                 "2pi" (default, eq. (21)): r(y) = cos y on Y = (0, 2 pi): -D N'' = -r,
//                       N = -cos(y) / D, r* = <r N> = -1/(2D) = -1/4
//                 "1"   (the Appendix's cell): r(y) = cos(2 pi y) on Y = (0, 1):
//                       N = -cos(2 pi y) / (4 pi^2 D), r* = -1/(8 pi^2 D) = -1/(16 pi^2)
//               T and u(x, 0) are not in the paper: T = 1, u_0 = A sin(k x) with A = 0.01, k = 1
//               (our defaults; `final_time`, `initial_amplitude`, `initial_wavenumber`)
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
  std::string reaction_cell;              // reaction1d: "2pi" or "1" (the reading of r)
  // Known exact homogenized data (tests): slow1d a*(x), reaction1d N(y) and r*.
  std::function<double(double)> exact_a_star, exact_cell;
  double exact_r_star = 0;
};

// What a user may choose of a case beyond its name (reaction1d only but eps).
struct HomogenizationCaseOptions {
  double eps = 0;                    // <= 0: the paper's (1/8, 1/8, 1/10)
  std::string reaction_cell = "2pi"; // reaction1d: "2pi" (r = cos y on (0, 2 pi)) or "1" (cos 2 pi y on (0, 1))
  double final_time = 1.0;           // reaction1d T
  double initial_amplitude = 0.01;   // reaction1d u_0 = A sin(k x)
  int initial_wavenumber = 1;
};

// name: elliptic2d, slow1d, reaction1d. Throws Error for an unknown name or a bad option,
// naming it.
HomogenizationCase make_homogenization_case(const std::string& name, const HomogenizationCaseOptions& options);
HomogenizationCase make_homogenization_case(const std::string& name, double eps = 0);
std::string homogenization_case_names();  // "elliptic2d, slow1d, reaction1d"

}  // namespace neurhom
