#pragma once
// Homogeneous Dirichlet conditions on the boundary of (0,1)^2.
//
// Matrices: boundary rows and columns are zeroed with 1 on the diagonal
// (MatZeroRowsColumns), which keeps a symmetric operator symmetric so CG applies.
// Right-hand sides: boundary entries are set to the boundary value 0.
#include <vector>

#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

class DirichletBoundary {
 public:
  explicit DirichletBoundary(const StructuredGrid& grid);

  // Global (PETSc-ordering) indices of the boundary nodes owned by this rank.
  const std::vector<PetscInt>& rows() const { return rows_; }

  void apply_symmetric(Mat A) const;   // zero rows+columns, diagonal 1
  void apply_rows(Mat A) const;        // zero rows only, diagonal 1 (for Jacobians)
  void zero(Vec b) const;              // b_i = 0 on boundary rows
  // r_i = u_i on boundary rows (residual of the condition u = 0).
  void set_residual(Vec r, Vec u) const;

 private:
  std::vector<PetscInt> rows_;
  std::vector<PetscInt> local_rows_;  // the same nodes as offsets in this rank's block
};

}  // namespace neurhom
