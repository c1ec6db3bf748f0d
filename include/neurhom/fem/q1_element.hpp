#pragma once
// Bilinear (Q1) element on a square cell of side h.
//
// Local node order (lexicographic, x fastest, as in the DMDA):
//   2 --- 3
//   |     |
//   0 --- 1
// On the reference cell [0,1]^2: phi_0 = (1-s)(1-t), phi_1 = s(1-t), phi_2 = (1-s)t, phi_3 = st.
// Physical gradients are reference gradients / h, the Jacobian determinant is h^2. Hence in
// 2D the stiffness matrix of a cell, int_K a grad phi_j . grad phi_i, is a * K_ref with
//   K_ref = 1/6 [ 4 -1 -1 -2; -1 4 -2 -1; -1 -2 4 -1; -2 -1 -1 4 ]    (independent of h)
// and the mass matrix is h^2/36 [ 4 2 2 1; 2 4 1 2; 2 1 4 2; 1 2 2 4 ].
#include <array>
#include <vector>

namespace neurhom::q1 {

using ElementMatrix = std::array<double, 16>;  // row-major 4 x 4
using ElementVector = std::array<double, 4>;

const ElementMatrix& reference_stiffness();
ElementMatrix mass(double h);
// int_K A grad phi_j . grad phi_i for a constant symmetric tensor A = [a11 a12; a12 a22] on a
// square cell (independent of h in 2D): a11 K_xx + a22 K_yy + a12 (K_xy + K_yx); for
// A = a I it is a K_ref.
ElementMatrix tensor_stiffness(double a11, double a12, double a22);

// Tensor Gauss rule on the reference cell with shape functions tabulated at its points.
struct Quadrature {
  struct Point {
    double s, t;                            // reference coordinates in [0,1]^2
    double weight;                          // weights sum to 1 (the reference area)
    std::array<double, 4> phi;              // phi_k(s, t)
    std::array<std::array<double, 2>, 4> dphi;  // reference gradients d(phi_k)/d(s, t)
  };
  std::vector<Point> points;
};

// points_per_direction in 1..4 (exact for polynomials of degree 2p-1 per direction).
const Quadrature& gauss(int points_per_direction);

}  // namespace neurhom::q1
