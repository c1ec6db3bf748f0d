#pragma once
// Coarse meshes and patches on boxes in 2D and 3D, and the fine-scale operators on one patch
// (sequential, patch-local numbering), shared by the box PG-LOD (lod/box_lod.hpp) and the
// box CEM-GMsFEM (cem/box_cem.hpp); the counterpart of coarse_mesh.hpp / patch_operators.hpp
// of the unit square.
//
// A patch is a block of coarse cells [first, first + cells) (per direction) around a centre
// cell T, clipped at the domain; its fine nodes and cells are numbered x fastest. A fine node
// is free unless it lies on the patch boundary inside the domain or on a Dirichlet face of
// the domain (a patch touching a Neumann face keeps its nodes there free).
//   box_apply_cells      y += sum over fine cells (all, or those inside T) of a_c E v
//   box_free_index       patch node -> free index (-1: fixed)
//   box_coarse_hat       the coarse Q1 hat of a patch coarse node at all patch fine nodes
//   box_restrict_to_coarse (lambda_i' y) for all patch coarse nodes i
//   assemble_box_free_matrix  sum_c w_c E on the free nodes into a SeqAIJ matrix (created on
//                        first use, later calls keep its pattern: cached symbolic factorizations)
#include <petscmat.h>

#include <array>
#include <string>
#include <vector>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/fem/box_boundary.hpp"
#include "neurhom/mesh/box_grid.hpp"

namespace neurhom {

using Index3 = std::array<int, 3>;

class BoxCoarseMesh {
 public:
  // fine: the fine mesh (n_d = N_d r); Error unless every n_d is a multiple of ratio.
  BoxCoarseMesh(const BoxShape& fine, int ratio, const BoxBoundary& bc);
  int dim() const { return fine_.dim; }
  int ratio() const { return r_; }
  int cells(int d) const { return N_[static_cast<size_t>(d)]; }
  const BoxShape& fine() const { return fine_; }
  const BoxBoundary& bc() const { return bc_; }
  long num_cells() const;
  long num_nodes() const;
  long node_index(const Index3& node) const;  // natural order, x fastest
  Index3 cell_of(long index) const;           // natural order, x fastest
  bool dirichlet_node(const Index3& node) const;
  int cells_containing(const Index3& node) const;  // coarse cells of the domain touching the node

 private:
  BoxShape fine_;
  int r_;
  BoxBoundary bc_;
  Index3 N_{1, 1, 1};
};

struct BoxPatch {
  int dim = 2, r = 1;
  Index3 first{0, 0, 0}, cells{1, 1, 1}, centre{0, 0, 0};  // coarse cells [first, first + cells), T
  unsigned touches = 0;  // bit f: the patch lies on domain face f
  int fine_nodes(int d) const { return cells[static_cast<size_t>(d)] * r + 1; }
  long num_fine_nodes() const;
  long num_fine_cells() const;
  long num_coarse_nodes() const;
  long coarse_node(const Index3& local) const;  // patch-local coarse node index, x fastest
  std::string shape_key() const;
};

BoxPatch make_box_patch(const BoxCoarseMesh& mesh, const Index3& centre, int ell);

// Index helpers of one patch: fine nodes and cells x fastest.
struct PatchIndex {
  const BoxPatch& p;
  Index3 M{1, 1, 1};  // fine nodes per direction
  Index3 C{1, 1, 1};  // fine cells per direction
  explicit PatchIndex(const BoxPatch& patch);
  long node(int i, int j, int k) const { return (static_cast<long>(k) * M[1] + j) * M[0] + i; }
  std::array<long, 8> cell_nodes(int i, int j, int k) const;  // the 2^d fine nodes of fine cell (i, j, k)
  template <class F>
  void for_cells(F&& f) const {
    for (int k = 0; k < C[2]; ++k)
      for (int j = 0; j < C[1]; ++j)
        for (int i = 0; i < C[0]; ++i) f(i, j, k);
  }
  template <class F>
  void for_nodes(F&& f) const {
    for (int k = 0; k < M[2]; ++k)
      for (int j = 0; j < M[1]; ++j)
        for (int i = 0; i < M[0]; ++i) f(i, j, k);
  }
};

// The patch solver by default: in 3D `kkt` where this PETSc build has MUMPS and the caller
// solves LOD correctors (bordered = true: the saddle point with the constraints as the Schur
// block, patch_kkt.hpp; faster than cholmod + the constraint solves: docs/lod.md), else
// cholmod, else petsc; petsc in 2D. CEM (its basis needs C-side data g) passes false.
std::string default_box_patch_solver(int dim, bool bordered);

std::vector<double> box_patch_cell_values(const BoxPatch& patch, const BoxShape& fine, const BoxCellField& field);
std::array<double, 3> box_fine_sizes(const BoxShape& fine);
void box_apply_cells(const PatchIndex& ix, const std::vector<double>& a, const std::vector<double>& element, bool centre_only,
                     const std::vector<double>& v, std::vector<double>& y);
std::vector<int> box_free_index(const PatchIndex& ix, const BoxBoundary& bc, int* count);
std::vector<double> box_coarse_hat(const PatchIndex& ix, const Index3& q);
std::vector<double> box_restrict_to_coarse(const PatchIndex& ix, const std::vector<double>& y);
void assemble_box_free_matrix(const PatchIndex& ix, const std::vector<int>& free, int n_free, const std::vector<double>& weights,
                              const std::vector<double>& element, Mat* A);

}  // namespace neurhom
