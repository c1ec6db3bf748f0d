#pragma once
// The fine Cartesian mesh of a box (0,L1) x (0,L2) [x (0,L3)] in 2 or 3 dimensions: n1 x n2
// [x n3] cells of size h_d = L_d / n_d, prod (n_d + 1) Q1 nodes, distributed with a PETSc DMDA
// (box stencil, width 1). The dimension-general counterpart of StructuredGrid (the unit square,
// which the 2D methods still use; issue 30 moves them over step by step).
//
// Indices: a node is (i, j, k) with k = 0 in 2D; natural order ((k (n2+1)) + j) (n1+1) + i,
// i.e. stored [z][y][x] as HDF5 fields are. A cell (i, j, k) (lower corner node (i, j, k)) is
// owned by the rank owning that node, so every cell is owned exactly once. Faces are numbered
// 2 d + s: 0 x-, 1 x+, 2 y-, 3 y+, 4 z-, 5 z+ (s = 0: x_d = 0, s = 1: x_d = L_d).
#include <mpi.h>
#include <petscdmda.h>

#include <array>
#include <string>
#include <vector>

#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

using Point3 = std::array<double, 3>;  // (x1, x2, x3); x3 = 0 in 2D

struct BoxShape {
  int dim = 2;
  std::array<int, 3> cells = {1, 1, 1};        // n_d (cells[2] = 1 and unused in 2D)
  std::array<double, 3> lengths = {1, 1, 1};   // L_d
  // "8,8" / "8,8,8" with "1,2[,3]": Error naming the option for a wrong entry count, a
  // non-positive or non-integer cell count, a non-positive length.
  static BoxShape parse(int dim, const std::string& cells, const std::string& lengths);
  std::string describe() const;  // "8 x 8 x 8 cells on (0,1) x (0,1) x (0,1)"
  long long num_cells() const;
};

class BoxGrid {
 public:
  // Collective. Throws Error if the DMDA cannot decompose the nodes over the ranks.
  BoxGrid(MPI_Comm comm, const BoxShape& shape);

  MPI_Comm comm() const { return comm_; }
  DM dm() const { return dm_; }
  const BoxShape& shape() const { return shape_; }
  int dim() const { return shape_.dim; }
  int cells(int d) const { return shape_.cells[static_cast<size_t>(d)]; }
  double length(int d) const { return shape_.lengths[static_cast<size_t>(d)]; }
  double h(int d) const { return length(d) / cells(d); }
  double cell_volume() const;
  PetscInt num_nodes() const;

  // Owned node and cell ranges per direction (d = 2 in 2D: {0, 1}).
  IndexRange nodes(int d) const { return nodes_[static_cast<size_t>(d)]; }
  IndexRange owned_cells(int d) const { return cells_[static_cast<size_t>(d)]; }
  PetscInt num_local_cells() const;
  // Index of an owned cell in local cell arrays (x fastest over the owned block).
  PetscInt local_cell(PetscInt i, PetscInt j, PetscInt k) const {
    return ((k - cells_[2].begin) * cells_[1].size() + (j - cells_[1].begin)) * cells_[0].size() + (i - cells_[0].begin);
  }
  Point3 node_point(PetscInt i, PetscInt j, PetscInt k) const { return {i * h(0), j * h(1), dim() == 3 ? k * h(2) : 0.0}; }
  Point3 cell_centre(PetscInt i, PetscInt j, PetscInt k) const {
    return {(i + 0.5) * h(0), (j + 0.5) * h(1), dim() == 3 ? (k + 0.5) * h(2) : 0.0};
  }
  // The face (0..2 dim - 1) a node lies on, as a bit mask (bit f set: on face f).
  unsigned faces_of_node(PetscInt i, PetscInt j, PetscInt k) const;
  // DMDA stencil of node (i, j, k) (k ignored in 2D).
  MatStencil stencil(PetscInt i, PetscInt j, PetscInt k) const;

  OwnedVec create_vector() const;               // global (PETSc ordering), zeroed
  OwnedMat create_matrix() const;               // Q1 sparsity (DMCreateMatrix), zeroed
  std::vector<double> to_natural(Vec global) const;  // [z][y][x] on every rank

 private:
  MPI_Comm comm_;
  BoxShape shape_;
  OwnedDM dm_;
  std::array<IndexRange, 3> nodes_, cells_;
};

}  // namespace neurhom
