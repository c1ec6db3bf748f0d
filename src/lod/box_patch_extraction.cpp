#include "neurhom/lod/box_patch_extraction.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

long power(long base, int exponent) {
  long p = 1;
  for (int k = 0; k < exponent; ++k) p *= base;
  return p;
}

}  // namespace

long box_extended_patch_cells(int dim, int ratio, int ell) { return power(static_cast<long>(2 * ell + 1) * ratio, dim); }
long box_extended_patch_nodes(int dim, int ell) { return power(2 * ell + 2, dim); }

std::vector<double> extract_box_patch_coefficient(const BoxCellField& field, const BoxCoarseMesh& mesh, const Index3& T, int ell) {
  const int dim = mesh.dim(), r = mesh.ratio();
  const long side = static_cast<long>(2 * ell + 1) * r;
  const BoxShape& fine = mesh.fine();
  const CellIndex3 all = {fine.cells[0], fine.cells[1], dim == 3 ? fine.cells[2] : 1};
  std::vector<double> values(static_cast<size_t>(box_extended_patch_cells(dim, r, ell)), 0.0);
  const long nz = dim == 3 ? side : 1;
  size_t at = 0;
  for (long k = 0; k < nz; ++k)
    for (long j = 0; j < side; ++j)
      for (long i = 0; i < side; ++i, ++at) {
        const long local[3] = {i, j, k};
        CellIndex3 c{0, 0, 0};
        bool inside = true;
        for (int d = 0; d < dim; ++d) {
          c[static_cast<size_t>(d)] = static_cast<long>(T[static_cast<size_t>(d)] - ell) * r + local[d];
          inside = inside && c[static_cast<size_t>(d)] >= 0 && c[static_cast<size_t>(d)] < all[static_cast<size_t>(d)];
        }
        if (inside) values[at] = field.value(c, all);
      }
  return values;
}

std::vector<long> box_patch_global_nodes(const BoxCoarseMesh& mesh, const BoxPatch& patch) {
  std::vector<long> nodes(static_cast<size_t>(patch.num_coarse_nodes()));
  const Index3 cn = {patch.cells[0] + 1, patch.cells[1] + 1, patch.dim == 3 ? patch.cells[2] + 1 : 1};
  for (int qk = 0; qk < cn[2]; ++qk)
    for (int qj = 0; qj < cn[1]; ++qj)
      for (int qi = 0; qi < cn[0]; ++qi)
        nodes[static_cast<size_t>(patch.coarse_node({qi, qj, qk}))] =
            mesh.node_index({patch.first[0] + qi, patch.first[1] + qj, patch.first[2] + qk});
  return nodes;
}

long box_extended_global_node(const BoxCoarseMesh& mesh, const Index3& T, int ell, long q) {
  const int dim = mesh.dim();
  const long side = 2 * ell + 2;
  Index3 node{0, 0, 0};
  for (int d = 0; d < dim; ++d, q /= side) {
    const long g = T[static_cast<size_t>(d)] - ell + q % side;
    if (g < 0 || g > mesh.cells(d)) return -1;
    node[static_cast<size_t>(d)] = static_cast<int>(g);
  }
  return mesh.node_index(node);
}

std::vector<double> extend_box_local_matrix(const BoxPatchMatrices& local, const BoxCoarseMesh& mesh, int ell) {
  const BoxPatch& patch = local.patch;
  const int dim = mesh.dim(), n = 1 << dim;
  const long side = 2 * ell + 2;
  const long rows = box_extended_patch_nodes(dim, ell);
  require(static_cast<long>(local.S.size()) == patch.num_coarse_nodes() * n, "extend_box_local_matrix: S_T has the wrong size");
  std::vector<double> out(static_cast<size_t>(rows * n), 0.0);
  for (long q = 0; q < rows; ++q) {
    Index3 l{0, 0, 0};
    bool inside = true;
    long rest = q;
    for (int d = 0; d < dim; ++d, rest /= side) {
      const long g = patch.centre[static_cast<size_t>(d)] - ell + rest % side;  // global coarse node index in direction d
      inside = inside && g >= 0 && g <= mesh.cells(d);
      l[static_cast<size_t>(d)] = static_cast<int>(g - patch.first[static_cast<size_t>(d)]);
    }
    if (!inside) continue;
    const long row = patch.coarse_node(l);
    for (int j = 0; j < n; ++j) out[static_cast<size_t>(q * n + j)] = local.S[static_cast<size_t>(row * n + j)];
  }
  return out;
}

}  // namespace neurhom
