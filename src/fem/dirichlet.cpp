#include "neurhom/fem/dirichlet.hpp"

namespace neurhom {

DirichletBoundary::DirichletBoundary(const StructuredGrid& grid) {
  // The DMDA numbers its global Vec rank by rank, each block in natural order.
  OwnedVec v = grid.create_vector();
  PetscInt first = 0;
  NH_PETSC(VecGetOwnershipRange(v, &first, nullptr));
  const IndexRange nx = grid.node_x(), ny = grid.node_y();
  for (PetscInt j = ny.begin; j < ny.end; ++j) {
    for (PetscInt i = nx.begin; i < nx.end; ++i) {
      if (!grid.on_boundary(i, j)) continue;
      const PetscInt offset = (j - ny.begin) * nx.size() + (i - nx.begin);
      local_rows_.push_back(offset);
      rows_.push_back(first + offset);
    }
  }
}

void DirichletBoundary::apply_symmetric(Mat A) const {
  NH_PETSC(MatZeroRowsColumns(A, static_cast<PetscInt>(rows_.size()), rows_.data(), 1.0, nullptr, nullptr));
}

void DirichletBoundary::apply_rows(Mat A) const {
  NH_PETSC(MatZeroRows(A, static_cast<PetscInt>(rows_.size()), rows_.data(), 1.0, nullptr, nullptr));
}

void DirichletBoundary::zero(Vec b) const {
  PetscScalar* a = nullptr;
  NH_PETSC(VecGetArray(b, &a));
  for (PetscInt k : local_rows_) a[k] = 0.0;
  NH_PETSC(VecRestoreArray(b, &a));
}

void DirichletBoundary::set_residual(Vec r, Vec u) const {
  PetscScalar* ra = nullptr;
  const PetscScalar* ua = nullptr;
  NH_PETSC(VecGetArray(r, &ra));
  NH_PETSC(VecGetArrayRead(u, &ua));
  for (PetscInt k : local_rows_) ra[k] = ua[k];
  NH_PETSC(VecRestoreArrayRead(u, &ua));
  NH_PETSC(VecRestoreArray(r, &ra));
}

CoarseDirichlet::CoarseDirichlet(const CoarseMesh& mesh, Mat layout) {
  PetscInt first = 0, last = 0;
  NH_PETSC(MatGetOwnershipRange(layout, &first, &last));
  for (PetscInt k = first; k < last; ++k) {
    const int i = static_cast<int>(k % mesh.nodes_per_side()), j = static_cast<int>(k / mesh.nodes_per_side());
    if (mesh.boundary_node(i, j)) rows_.push_back(k);
  }
}

void CoarseDirichlet::apply_symmetric(Mat A, double diagonal) const {
  NH_PETSC(MatZeroRowsColumns(A, static_cast<PetscInt>(rows_.size()), rows_.data(), diagonal, nullptr, nullptr));
}

void CoarseDirichlet::zero(Vec b) const {
  const PetscScalar zero = 0;
  for (PetscInt row : rows_) NH_PETSC(VecSetValues(b, 1, &row, &zero, INSERT_VALUES));
  NH_PETSC(VecAssemblyBegin(b));
  NH_PETSC(VecAssemblyEnd(b));
}

}  // namespace neurhom
