#pragma once
// Homogeneous Dirichlet conditions on the boundary of (0,1)^2.
//
// Matrices: boundary rows and columns are zeroed with 1 on the diagonal
// (MatZeroRowsColumns), which keeps a symmetric operator symmetric so CG applies.
// Right-hand sides: boundary entries are set to the boundary value 0.
#include <vector>

#include "neurhom/mesh/coarse_mesh.hpp"
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

// The same conditions on the coarse Q1 space of a CoarseMesh (node k = j (N + 1) + i, the
// row layout of the LOD and compression coarse matrices): the boundary rows a matrix with
// that layout owns on this rank.
class CoarseDirichlet {
 public:
  CoarseDirichlet(const CoarseMesh& mesh, Mat layout);

  const std::vector<PetscInt>& rows() const { return rows_; }
  // Zero rows+columns with `diagonal` on the diagonal (1: a solvable system; 0: the operator
  // restricted to the free nodes, e.g. for norms).
  void apply_symmetric(Mat A, double diagonal = 1.0) const;
  void zero(Vec b) const;  // b_i = 0 on boundary rows

 private:
  std::vector<PetscInt> rows_;
};

}  // namespace neurhom
