#pragma once
// The two-level Cartesian hierarchy of LOD and CEM: a coarse mesh T_H of N x N cells over
// (0,1)^2 whose cells are each refined into r x r fine cells (fine mesh n = N r), and the
// patches N^ell(T) = ell layers of coarse cells around a coarse cell T, cut at the boundary.
//
// Patch-local numbering (all lexicographic, x fastest):
//   coarse cells  (a, b), 0 <= a < cells_x, 0 <= b < cells_y   <-> global (I0 + a, J0 + b)
//   coarse nodes  (a, b), 0 <= a <= cells_x, 0 <= b <= cells_y
//   fine nodes    (x, y), 0 <= x <= cells_x r, 0 <= y <= cells_y r
//   free fine nodes: the interior fine nodes of the patch (1..nx-1 per direction); every
//   patch boundary node is either on the domain boundary or on an interior cut, and the
//   correctors vanish on both.
#include <string>

namespace neurhom {

struct CoarseMesh {
  int cells = 0;  // N: coarse cells per side
  int ratio = 0;  // r: fine cells per coarse cell and direction
  CoarseMesh() = default;
  CoarseMesh(int coarse_n, int fine_n);  // throws Error unless fine_n = r coarse_n with r >= 2
  int fine_cells() const { return cells * ratio; }
  int nodes_per_side() const { return cells + 1; }
  long num_nodes() const { return static_cast<long>(cells + 1) * (cells + 1); }
  long num_cells() const { return static_cast<long>(cells) * cells; }
  long node_index(int i, int j) const { return static_cast<long>(j) * (cells + 1) + i; }
  bool boundary_node(int i, int j) const { return i == 0 || j == 0 || i == cells || j == cells; }
  // Number of coarse cells of the whole domain that contain coarse node (i, j): 1, 2 or 4.
  int cells_at_node(int i, int j) const;
};

struct Patch {
  int I0 = 0, J0 = 0;            // first coarse cell (global)
  int cells_x = 0, cells_y = 0;  // coarse cells per direction
  int T_I = 0, T_J = 0;          // the centre cell T (global)
  int ratio = 0;

  int fine_nx() const { return cells_x * ratio; }  // fine cells per direction
  int fine_ny() const { return cells_y * ratio; }
  int fine_nodes() const { return (fine_nx() + 1) * (fine_ny() + 1); }
  int fine_node(int x, int y) const { return y * (fine_nx() + 1) + x; }
  int free_nodes() const { return (fine_nx() - 1) * (fine_ny() - 1); }
  int free_node(int x, int y) const { return (y - 1) * (fine_nx() - 1) + (x - 1); }  // interior x, y only
  int coarse_nodes() const { return (cells_x + 1) * (cells_y + 1); }
  int coarse_node(int a, int b) const { return b * (cells_x + 1) + a; }
  // Patch-local coarse node indices of the 4 nodes of T (Q1 order: (0,0),(1,0),(0,1),(1,1)).
  void t_nodes(int out[4]) const;
  // Shape key: patches with equal keys have identical fine-grid sparsity.
  std::string shape_key() const { return std::to_string(cells_x) + "x" + std::to_string(cells_y); }
};

// N^l(T) for T = (I, J), truncated at the domain boundary.
Patch make_patch(const CoarseMesh& mesh, int I, int J, int ell);
// The node patch N^l(supp Lambda_z) of the coarse node z = (i, j): the (up to) 2 x 2 cells
// around z and ell layers of cells around them, truncated at the domain boundary (the
// patches of the nodal Deep Ritz correctors). Its "centre" T is the cell of supp Lambda_z
// with the smallest indices.
Patch make_node_patch(const CoarseMesh& mesh, int i, int j, int ell);

}  // namespace neurhom
