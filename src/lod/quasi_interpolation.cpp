#include "neurhom/lod/quasi_interpolation.hpp"

#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

QuasiInterpolation::QuasiInterpolation(const CoarseMesh& mesh) : mesh_(mesh) {
  const int r = mesh.ratio, m = (r + 1) * (r + 1);
  // Phi: coarse Q1 basis at the fine nodes of the reference coarse cell.
  DenseMatrix phi(m, 4);
  for (int y = 0; y <= r; ++y)
    for (int x = 0; x <= r; ++x) {
      const double s = static_cast<double>(x) / r, t = static_cast<double>(y) / r;
      const double v[4] = {(1 - s) * (1 - t), s * (1 - t), (1 - s) * t, s * t};
      for (int k = 0; k < 4; ++k) phi(y * (r + 1) + x, k) = v[k];
    }
  // M_K Phi, assembled from fine element mass matrices (the scale h^2 cancels in P_K).
  const q1::ElementMatrix me = q1::mass(1.0);
  DenseMatrix m_phi(m, 4);
  for (int cy = 0; cy < r; ++cy)
    for (int cx = 0; cx < r; ++cx) {
      const int nodes[4] = {cy * (r + 1) + cx, cy * (r + 1) + cx + 1, (cy + 1) * (r + 1) + cx, (cy + 1) * (r + 1) + cx + 1};
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b)
          for (int k = 0; k < 4; ++k) m_phi(nodes[a], k) += me[a * 4 + b] * phi(nodes[b], k);
    }
  DenseMatrix gram(4, 4);  // Phi' M_K Phi
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      for (int n = 0; n < m; ++n) gram(i, j) += phi(n, i) * m_phi(n, j);
  const DenseMatrix gram_inv = inverse(gram);
  projection_ = DenseMatrix(4, m);
  for (int k = 0; k < 4; ++k)
    for (int n = 0; n < m; ++n)
      for (int l = 0; l < 4; ++l) projection_(k, n) += gram_inv(k, l) * m_phi(n, l);
}

std::vector<double> QuasiInterpolation::apply(const Patch& p, const std::vector<double>& fine) const {
  const int r = p.ratio;
  std::vector<double> coarse(static_cast<size_t>(p.coarse_nodes()), 0.0);
  for (int b = 0; b < p.cells_y; ++b)
    for (int a = 0; a < p.cells_x; ++a) {
      const int corner[4] = {p.coarse_node(a, b), p.coarse_node(a + 1, b), p.coarse_node(a, b + 1),
                             p.coarse_node(a + 1, b + 1)};
      for (int k = 0; k < 4; ++k) {
        double value = 0;
        for (int y = 0; y <= r; ++y)
          for (int x = 0; x <= r; ++x)
            value += projection_(k, y * (r + 1) + x) * fine[static_cast<size_t>(p.fine_node(a * r + x, b * r + y))];
        coarse[static_cast<size_t>(corner[k])] += value;
      }
    }
  for (int b = 0; b <= p.cells_y; ++b)
    for (int a = 0; a <= p.cells_x; ++a) {
      const int gi = p.I0 + a, gj = p.J0 + b;
      double& v = coarse[static_cast<size_t>(p.coarse_node(a, b))];
      v = mesh_.boundary_node(gi, gj) ? 0.0 : v / mesh_.cells_at_node(gi, gj);
    }
  return coarse;
}

DenseMatrix QuasiInterpolation::constraint_matrix(const Patch& p, std::vector<int>* constrained) const {
  const int r = p.ratio;
  std::vector<int> row_of(static_cast<size_t>(p.coarse_nodes()), -1);
  constrained->clear();
  for (int b = 0; b <= p.cells_y; ++b)
    for (int a = 0; a <= p.cells_x; ++a)
      if (!mesh_.boundary_node(p.I0 + a, p.J0 + b)) {
        row_of[static_cast<size_t>(p.coarse_node(a, b))] = static_cast<int>(constrained->size());
        constrained->push_back(p.coarse_node(a, b));
      }
  DenseMatrix B(static_cast<int>(constrained->size()), p.free_nodes());
  for (int b = 0; b < p.cells_y; ++b)
    for (int a = 0; a < p.cells_x; ++a) {
      const int corner[4][2] = {{a, b}, {a + 1, b}, {a, b + 1}, {a + 1, b + 1}};
      for (int k = 0; k < 4; ++k) {
        const int row = row_of[static_cast<size_t>(p.coarse_node(corner[k][0], corner[k][1]))];
        if (row < 0) continue;
        const double divisor = mesh_.cells_at_node(p.I0 + corner[k][0], p.J0 + corner[k][1]);
        for (int y = 0; y <= r; ++y)
          for (int x = 0; x <= r; ++x) {
            const int fx = a * r + x, fy = b * r + y;
            if (fx == 0 || fy == 0 || fx == p.fine_nx() || fy == p.fine_ny()) continue;  // not free
            B(row, p.free_node(fx, fy)) += projection_(k, y * (r + 1) + x) / divisor;
          }
      }
    }
  return B;
}

}  // namespace neurhom
