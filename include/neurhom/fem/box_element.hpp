#pragma once
// The tensor-product Q1 element on a box cell of sizes h_1 x h_2 [x h_3] (bilinear in 2D,
// trilinear hexahedra in 3D), the dimension-general counterpart of q1_element.hpp.
//
// Local node b = b_1 + 2 b_2 [+ 4 b_3] with b_d in {0, 1} (x fastest, the [z][y][x] order of
// the mesh); on the reference cell xi in [0,1]^d
//   phi_b(xi) = prod_d l_{b_d}(xi_d),  l_0 = 1 - xi, l_1 = xi.
// Element matrices by the tensor-product structure (exact, no quadrature):
//   K_ab = sum_d K1_d[a_d][b_d] prod_{e != d} M1_e[a_e][b_e],   M_ab = prod_d M1_d[a_d][b_d],
//   K1_d = [[1, -1], [-1, 1]] / h_d,  M1_d = [[2, 1], [1, 2]] h_d / 6.
// In 2D with h_1 = h_2 this is q1::reference_stiffness() and q1::mass(h) (tested).
#include <array>
#include <vector>

namespace neurhom::box {

constexpr int nodes_per_cell(int dim) { return 1 << dim; }

// Row-major (2^d x 2^d) element matrices of a cell with sizes h[0..dim).
std::vector<double> stiffness(int dim, const std::array<double, 3>& h);
std::vector<double> mass(int dim, const std::array<double, 3>& h);

// Values and physical gradients of the 2^d shape functions at the reference point xi.
struct ShapeValues {
  std::array<double, 8> phi{};
  std::array<std::array<double, 3>, 8> grad{};
};
ShapeValues shape(int dim, const std::array<double, 3>& xi, const std::array<double, 3>& h);

// Gauss-Legendre rule with p = 1..4 points on [0,1] (points, weights summing to 1).
struct Gauss1d {
  std::vector<double> x, w;
};
const Gauss1d& gauss_1d(int p);

// The tensor-product rule with p points per direction on [0,1]^dim (weights sum to 1).
struct BoxQuadraturePoint {
  std::array<double, 3> xi{};
  double weight = 0;
};
std::vector<BoxQuadraturePoint> gauss_box(int dim, int p);

}  // namespace neurhom::box
