#pragma once
// Constrained energy minimization on one patch, shared by the LOD correctors and the CEM
// basis (sequential, free fine nodes of the patch; see coarse_mesh.hpp).
//
// Both methods solve saddle-point systems with the patch stiffness A (zero Dirichlet on the
// patch boundary) and a few dense constraint rows C (nc x n_free):
//     [ A  C' ] [ x  ]   [ r ]
//     [ C  0  ] [ mu ] = [ g ]
// Schur complement (Engwer, Henning, Malqvist, Peterseim 2019): Y = A^{-1} C', S = C Y
// (nc x nc, dense SPD), then
//     x = A^{-1} r - Y S^{-1} (C A^{-1} r - g).
//   LOD corrector (g = 0):  q = z - Y S^{-1} C z with z = A^{-1} r      -> remove_constraint
//   CEM basis     (r = 0):  psi = Y S^{-1} g                             -> minimizer
//
// PatchFactorization keeps one sparse Cholesky factorization of A per patch shape: the
// symbolic analysis (nested dissection) is done once per shape and reused for every patch
// of that shape; only the numeric factorization is repeated (the shapes in a ShapeCache,
// shape_cache.hpp: the 8 most recently used).
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/patch/shape_cache.hpp"

namespace neurhom {

// The matrix of a cached patch shape: created by `assemble` on the shape's first use (returns
// true), refilled in its pattern afterwards (kept symbolic factorizations stay valid).
bool assemble_shape_matrix(OwnedMat& A, const std::function<void(Mat*)>& assemble);

struct PatchSolveTimings {
  double assembly = 0, factorization = 0;
};

class PatchFactorization {
 public:
  // solver: a PETSc MatSolverType that can do Cholesky on SeqAIJ ("petsc", "cholmod", "mumps").
  explicit PatchFactorization(std::string solver = "petsc");
  // Assembles the free-node stiffness of `patch` with the fine cell values `cells` and
  // factors it; later solve() calls use this factorization.
  void factor(const Patch& patch, const std::vector<double>& cells);
  // The same for any patch operator: `assemble` fills *A (created by it on the first call of
  // this shape key, later calls reuse its nonzero pattern, so the symbolic factorization
  // stays valid). The box/3D patches (lod/box_lod.hpp) use it.
  void factor(const std::string& shape_key, const std::function<void(Mat*)>& assemble);
  // out = A^{-1} rhs for the patch of the last factor() call.
  void solve(const std::vector<double>& rhs, std::vector<double>& out) const;
  // out[c] = A^{-1} rhs[c] for many right-hand sides at once (MatMatSolve: one blocked
  // triangular solve, BLAS 3 in CHOLMOD and MUMPS; column by column for PETSc's own factor).
  void solve_many(const std::vector<std::vector<double>>& rhs, std::vector<std::vector<double>>& out) const;
  const PatchSolveTimings& timings() const { return timings_; }

 private:
  struct Shape {
    OwnedMat A, F;
    OwnedIS row, col;
    OwnedVec b, x;
  };
  std::string solver_;
  ShapeCache<Shape> shapes_;
  Shape* current_ = nullptr;
  PatchSolveTimings timings_;
};

class ConstrainedSolve {
 public:
  // Y = A^{-1} C' and the Cholesky factor of S = C Y. C: nc x n_free, row-major.
  ConstrainedSolve(const PatchFactorization& factorization, const DenseMatrix& C);
  // The same with C given by the nonzeros of its rows (k, C_ck), k < cols (3D patches: C is
  // sparse, and dense would be nc x n_free).
  using SparseRows = std::vector<std::vector<std::pair<int, double>>>;
  ConstrainedSolve(const PatchFactorization& factorization, SparseRows rows, int cols);
  // z <- z - Y S^{-1} C z  (the A-orthogonal projection onto ker C)
  void remove_constraint(std::vector<double>& z) const;
  // argmin { x' A x : C x = g } = Y S^{-1} g
  std::vector<double> minimizer(std::vector<double> g) const;
  int constraints() const { return static_cast<int>(rows_.size()); }

 private:
  void build(const PatchFactorization& factorization);
  double row_dot(int row, const std::vector<double>& v) const;  // (C v)_row
  int cols_;
  std::vector<std::vector<std::pair<int, double>>> rows_;  // nonzeros of C per row
  std::vector<std::vector<double>> Y_;
  DenseMatrix S_;
};

}  // namespace neurhom
