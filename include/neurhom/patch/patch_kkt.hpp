#pragma once
// The patch saddle point factored as one sparse symmetric matrix, the constraint unknowns
// eliminated last as the solver's Schur block (patch solver `kkt`; 3D PG-LOD default).
//
// The LOD corrector on a patch (see patch_saddle_point.hpp) solves
//     [ A  C' ] [ q  ]   [ r ]
//     [ C  0  ] [ mu ] = [ 0 ]        A: free-node patch stiffness (SPD), C: nc rows of I_H.
// ConstrainedSolve does it through Y = A^{-1} C': nc dense solves with the factor of A. In 3D
// that is as expensive as the factorization itself (a full patch at h/H = 1/8, ell = 2:
// 59,319 unknowns, nc = 216; CHOLMOD factor 1.28 s, the 216 solves 1.04 s), because a dense
// solve ignores that every row of C is local (the coarse cells around one coarse node).
//
// Here the bordered matrix K = [A C'; C 0] is factored by MUMPS (LDL', SYM = 2) with the nc
// constraint unknowns as its Schur block (ICNTL(19), PETSc MatFactorSetSchurIS): the fine
// unknowns are eliminated first (their pivots are those of A, SPD, no delayed pivots), the
// elimination carries C through the sparse factor, and what is left is the dense Schur
// complement -C A^{-1} C' (nc x nc), which PETSc factors. A solve with [r; 0] is then the
// condensation / Schur solve / expansion of PETSc's MatSolve_MUMPS and returns q with C q = 0
// to round-off. Same full patch: 1.51 s refactorization + 0.10 s for the 8 right-hand sides
// (benchmarks/lod3d.py, part `patch`, measures it in the program).
//
// The pattern of K is fixed per patch shape (shape key): the symbolic analysis is done once
// per shape and reused, as in PatchFactorization (ShapeCache: the 8 most recently used shapes).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "neurhom/core/petsc_util.hpp"
#include "neurhom/patch/patch_saddle_point.hpp"

namespace neurhom {

class KktFactorization {
 public:
  using SparseRows = ConstrainedSolve::SparseRows;
  // Throws a one-line error where this PETSc has no MUMPS.
  KktFactorization();
  // `assemble` fills the free-node stiffness *A (created on the first call of this shape key,
  // its pattern reused later); C: the constraint rows (column < n_free). K = [A C'; C 0] is
  // assembled and factored; the rows of C must have the same pattern for every patch of a shape.
  void factor(const std::string& shape_key, const std::function<void(Mat*)>& assemble, const SparseRows& C);
  // x[c] = the q-part of K^{-1} [r[c]; 0] for the last factor() call (one blocked solve).
  void solve_many(const std::vector<std::vector<double>>& r, std::vector<std::vector<double>>& x) const;
  const PatchSolveTimings& timings() const { return timings_; }

 private:
  struct Shape {
    OwnedMat A, K, F;
    int n = 0, nc = 0;
    size_t c_nonzeros = 0;
  };
  void assemble_bordered(Shape& shape, const SparseRows& C, bool first) const;
  ShapeCache<Shape> shapes_;
  Shape* current_ = nullptr;
  PatchSolveTimings timings_;
};

}  // namespace neurhom
