#include "neurhom/lod/patch_extraction.hpp"

#include "neurhom/core/petsc_util.hpp"

namespace neurhom {

int extended_patch_cells(const CoarseMesh& mesh, int ell) {
  const int side = (2 * ell + 1) * mesh.ratio;
  return side * side;
}

int extended_patch_nodes(int ell) { return (2 * ell + 2) * (2 * ell + 2); }

std::vector<double> extract_patch_coefficient(const CellField& field, const CoarseMesh& mesh, int I, int J,
                                              int ell) {
  const int side = (2 * ell + 1) * mesh.ratio;
  const long n = mesh.fine_cells();
  const long x0 = static_cast<long>(I - ell) * mesh.ratio, y0 = static_cast<long>(J - ell) * mesh.ratio;
  std::vector<double> values(static_cast<size_t>(side) * static_cast<size_t>(side), 0.0);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const long gx = x0 + x, gy = y0 + y;
      if (gx >= 0 && gy >= 0 && gx < n && gy < n) values[static_cast<size_t>(y * side + x)] = field.value(gx, gy, n);
    }
  return values;
}

std::vector<double> extend_local_matrix(const PatchMatrices& local, int ell) {
  const Patch& p = local.patch;
  const int side = 2 * ell + 2;
  std::vector<double> out(static_cast<size_t>(side * side * 4), 0.0);
  // Extended node (a, b) <-> global coarse node (T_I - ell + a, T_J - ell + b).
  for (int b = 0; b <= p.cells_y; ++b)
    for (int a = 0; a <= p.cells_x; ++a) {
      const int ea = p.I0 + a - (p.T_I - ell), eb = p.J0 + b - (p.T_J - ell);
      for (int j = 0; j < 4; ++j)
        out[static_cast<size_t>((eb * side + ea) * 4 + j)] = local.S[static_cast<size_t>(p.coarse_node(a, b) * 4 + j)];
    }
  return out;
}

void add_extended_matrix(Mat A, const CoarseMesh& mesh, int I, int J, int ell, const std::vector<double>& values) {
  const int side = 2 * ell + 2;
  std::vector<PetscInt> rows(static_cast<size_t>(side * side));
  for (int b = 0; b < side; ++b)
    for (int a = 0; a < side; ++a) {
      const int gi = I - ell + a, gj = J - ell + b;
      const bool inside = gi >= 0 && gj >= 0 && gi <= mesh.cells && gj <= mesh.cells;
      rows[static_cast<size_t>(b * side + a)] = inside ? static_cast<PetscInt>(mesh.node_index(gi, gj)) : -1;
    }
  const PetscInt cols[4] = {static_cast<PetscInt>(mesh.node_index(I, J)), static_cast<PetscInt>(mesh.node_index(I + 1, J)),
                            static_cast<PetscInt>(mesh.node_index(I, J + 1)),
                            static_cast<PetscInt>(mesh.node_index(I + 1, J + 1))};
  NH_PETSC(MatSetValues(A, static_cast<PetscInt>(rows.size()), rows.data(), 4, cols, values.data(), ADD_VALUES));
}

}  // namespace neurhom
