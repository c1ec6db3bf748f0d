#pragma once
// The fine Cartesian mesh of (0,1)^2: n x n square cells of size h = 1/n, (n+1)^2 Q1 nodes,
// distributed over the ranks of a communicator with a PETSc DMDA (box stencil, width 1).
//
// Ownership: nodes follow the DMDA decomposition; a cell (i,j) (lower-left node (i,j)) is
// owned by the rank that owns its lower-left node, so cells with i < n, j < n are
// partitioned exactly once. Global node index in natural order: j*(n+1) + i.
#include <mpi.h>
#include <petscdmda.h>

#include <vector>

#include "neurhom/core/petsc_util.hpp"

namespace neurhom {

struct IndexRange {
  PetscInt begin = 0;
  PetscInt end = 0;  // exclusive
  PetscInt size() const { return end - begin; }
};

class StructuredGrid {
 public:
  // Collective. Throws Error if n < 2 or if the communicator has more ranks than the DMDA
  // can decompose (n+1)^2 nodes into.
  StructuredGrid(MPI_Comm comm, int n);

  MPI_Comm comm() const { return comm_; }
  DM dm() const { return dm_; }
  int n() const { return n_; }
  double h() const { return 1.0 / n_; }
  PetscInt num_nodes() const { return static_cast<PetscInt>(n_ + 1) * (n_ + 1); }

  // Owned node ranges (global i, j indices).
  IndexRange node_x() const { return node_x_; }
  IndexRange node_y() const { return node_y_; }
  // Owned cell ranges.
  IndexRange cell_x() const { return cell_x_; }
  IndexRange cell_y() const { return cell_y_; }
  PetscInt num_local_cells() const { return cell_x_.size() * cell_y_.size(); }
  // Index of an owned cell in local cell arrays (row-major over the owned block).
  PetscInt local_cell(PetscInt i, PetscInt j) const {
    return (j - cell_y_.begin) * cell_x_.size() + (i - cell_x_.begin);
  }
  bool on_boundary(PetscInt i, PetscInt j) const { return i == 0 || j == 0 || i == n_ || j == n_; }

  // Vec in the DMDA's global (PETSc) ordering.
  OwnedVec create_vector() const;
  // Gathers a global Vec into natural order (j*(n+1)+i) on every rank.
  std::vector<double> to_natural(Vec global) const;

 private:
  MPI_Comm comm_;
  int n_;
  OwnedDM dm_;
  IndexRange node_x_, node_y_, cell_x_, cell_y_;
};

}  // namespace neurhom
