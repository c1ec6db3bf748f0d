#include "neurhom/mesh/coarse_mesh.hpp"

#include <algorithm>

#include "neurhom/core/error.hpp"

namespace neurhom {

CoarseMesh::CoarseMesh(int coarse_n, int fine_n) {
  require(coarse_n >= 1, "-coarse_n must be at least 1 (got " + std::to_string(coarse_n) + ")");
  require(fine_n >= 1 && fine_n % coarse_n == 0,
          "-fine_n " + std::to_string(fine_n) + " must be a multiple of -coarse_n " + std::to_string(coarse_n));
  require(fine_n / coarse_n >= 2, "-fine_n must be at least twice -coarse_n (a coarse cell needs interior fine nodes)");
  cells = coarse_n;
  ratio = fine_n / coarse_n;
}

int CoarseMesh::cells_at_node(int i, int j) const {
  const int cx = (i == 0 || i == cells) ? 1 : 2;
  const int cy = (j == 0 || j == cells) ? 1 : 2;
  return cx * cy;
}

void Patch::t_nodes(int out[4]) const {
  const int a = T_I - I0, b = T_J - J0;
  out[0] = coarse_node(a, b);
  out[1] = coarse_node(a + 1, b);
  out[2] = coarse_node(a, b + 1);
  out[3] = coarse_node(a + 1, b + 1);
}

Patch make_patch(const CoarseMesh& mesh, int I, int J, int ell) {
  Patch p;
  p.I0 = std::max(0, I - ell);
  p.J0 = std::max(0, J - ell);
  p.cells_x = std::min(mesh.cells, I + ell + 1) - p.I0;
  p.cells_y = std::min(mesh.cells, J + ell + 1) - p.J0;
  p.T_I = I;
  p.T_J = J;
  p.ratio = mesh.ratio;
  return p;
}

Patch make_node_patch(const CoarseMesh& mesh, int i, int j, int ell) {
  Patch p;
  p.I0 = std::max(0, i - 1 - ell);
  p.J0 = std::max(0, j - 1 - ell);
  p.cells_x = std::min(mesh.cells, i + ell + 1) - p.I0;
  p.cells_y = std::min(mesh.cells, j + ell + 1) - p.J0;
  p.T_I = std::max(0, std::min(i - 1, mesh.cells - 1));
  p.T_J = std::max(0, std::min(j - 1, mesh.cells - 1));
  p.ratio = mesh.ratio;
  return p;
}

}  // namespace neurhom
