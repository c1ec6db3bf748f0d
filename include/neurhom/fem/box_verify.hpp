#pragma once
// Manufactured-solution study on boxes in 2D and 3D with per-face boundary conditions
// (`neurhom fem -verify -dim 3 -cells 4,4,4 -box 1,2,1 -bc D,D,N,N,D,N`):
//   u(x)     = prod_d sin(pi x_d / L_d + phi_d),  phi_d = 0.3 + 0.2 d  (nonzero on every face)
//   kappa(x) = 2 + prod_d sin(2 pi x_d / L_d)
//   f        = -div(kappa grad u) = -(kappa lap u + grad kappa . grad u),
//   g_D = u on the Dirichlet faces, g_N = kappa grad u . n on the Neumann faces.
// Parabolic (`-problem parabolic`): u(x, t) = (1 + t) U(x) with U the function above, so
// f = U - (1 + t) div(kappa grad U), u_0 = U; backward Euler is exact for u linear in t, so the
// rates at t = T are those of the space discretization.
// Nonlinear (`-problem nonlinear`, a = kappa exp(gamma u)): the same u, with
// f = U - exp(gamma u) (kappa lap u + grad kappa . grad u + gamma kappa |grad u|^2) and the
// Neumann data kappa exp(gamma u) grad u . n.
// Every mesh refines all cells of the previous one by 2; rate = log2(e_coarse / e_fine).
// Theory for Q1: 2 in L2, 1 in the H1 seminorm, whatever the faces' conditions.
#include <vector>

#include "neurhom/fem/box_fem.hpp"

namespace neurhom {

class BoxManufactured {
 public:
  explicit BoxManufactured(const BoxShape& shape) : shape_(shape) {}
  double u(const Point3& x) const;
  Point3 grad_u(const Point3& x) const;
  double kappa(const Point3& x) const;
  double f(const Point3& x) const;  // -div(kappa grad U)
  double laplacian(const Point3& x) const;
  Point3 grad_kappa(const Point3& x) const;
  double neumann(const Point3& x, int face) const;  // kappa grad u . n (outward)
  BoxProblem problem() const;

 private:
  BoxShape shape_;
};

struct BoxConvergenceLevel {
  std::array<int, 3> cells{};
  double h = 0;  // the largest cell side
  double l2_error = 0, h1_error = 0, l2_relative = 0, h1_relative = 0;
  double flux_balance = 0;  // |sum_faces flux + int f| / (sum_faces |flux| + |int f|): 0 up to the solver tolerance
  long long dofs = 0, iterations = 0;
  double seconds = 0;
};

struct BoxConvergenceResult {
  std::vector<BoxConvergenceLevel> levels;
  double l2_rate = 0, h1_rate = 0;  // finest pair
};

// meshes >= 2 meshes starting from `coarsest` (each doubling every cell count); parabolic:
// `steps` backward Euler steps to `final_time` on every mesh.
struct BoxConvergenceSettings {
  int meshes = 4;
  bool parabolic = false;
  bool nonlinear = false;  // implies time dependent
  double gamma = 0.5;
  double final_time = 0.5;
  int steps = 4;
};
BoxConvergenceResult run_box_convergence_study(MPI_Comm comm, const BoxShape& coarsest, const BoxBoundary& bc,
                                               const BoxConvergenceSettings& settings);

}  // namespace neurhom
