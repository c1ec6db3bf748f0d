#include "neurhom/patch/patch_kkt.hpp"

#include <algorithm>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"

namespace neurhom {

KktFactorization::KktFactorization() {
  NH_PETSC(MatInitializePackage());
  PetscBool available = PETSC_FALSE;
  NH_PETSC(MatSolverTypeGet(MATSOLVERMUMPS, MATSEQAIJ, MAT_FACTOR_CHOLESKY, &available, nullptr, nullptr));
  require(available, "patch solver 'kkt' (-patch_solver) needs MUMPS, which this PETSc build lacks; use cholmod or petsc");
}

void KktFactorization::assemble_bordered(Shape& shape, const SparseRows& C, bool first) const {
  const PetscInt n = shape.n, nc = shape.nc;
  if (first) {  // exact preallocation: the rows of A, plus the constraint columns in each fine row
    std::vector<PetscInt> nnz(static_cast<size_t>(n + nc), 0);
    for (PetscInt i = 0; i < n; ++i) {
      PetscInt ncols = 0;
      NH_PETSC(MatGetRow(shape.A, i, &ncols, nullptr, nullptr));
      nnz[static_cast<size_t>(i)] = ncols;
      NH_PETSC(MatRestoreRow(shape.A, i, &ncols, nullptr, nullptr));
    }
    for (PetscInt c = 0; c < nc; ++c) {
      const auto& row = C[static_cast<size_t>(c)];
      nnz[static_cast<size_t>(n + c)] = static_cast<PetscInt>(row.size()) + 1;  // + the (zero) diagonal
      for (const auto& [k, v] : row) ++nnz[static_cast<size_t>(k)];
    }
    Mat K = nullptr;
    NH_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, n + nc, n + nc, 0, nnz.data(), &K));
    NH_PETSC(MatSetOption(K, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
    shape.K = OwnedMat(K);
  } else {
    NH_PETSC(MatZeroEntries(shape.K));
  }
  for (PetscInt i = 0; i < n; ++i) {
    PetscInt ncols = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* vals = nullptr;
    NH_PETSC(MatGetRow(shape.A, i, &ncols, &cols, &vals));
    NH_PETSC(MatSetValues(shape.K, 1, &i, ncols, cols, vals, INSERT_VALUES));
    NH_PETSC(MatRestoreRow(shape.A, i, &ncols, &cols, &vals));
  }
  for (PetscInt c = 0; c < nc; ++c) {
    const PetscInt row = n + c;
    for (const auto& [k, v] : C[static_cast<size_t>(c)]) {
      const PetscInt col = k;
      NH_PETSC(MatSetValue(shape.K, row, col, v, INSERT_VALUES));
      NH_PETSC(MatSetValue(shape.K, col, row, v, INSERT_VALUES));
    }
    NH_PETSC(MatSetValue(shape.K, row, row, 0.0, INSERT_VALUES));
  }
  NH_PETSC(MatAssemblyBegin(shape.K, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(shape.K, MAT_FINAL_ASSEMBLY));
}

void KktFactorization::factor(const std::string& shape_key, const std::function<void(Mat*)>& assemble, const SparseRows& C) {
  current_ = nullptr;  // an evicted shape may have been the current one
  Shape& shape = shapes_.get(shape_key);
  WallTimer timer;
  const bool first = assemble_shape_matrix(shape.A, assemble);
  size_t c_nonzeros = 0;
  for (const auto& row : C) c_nonzeros += row.size();
  if (first) {
    PetscInt n = 0;
    NH_PETSC(MatGetSize(shape.A, &n, nullptr));
    shape.n = static_cast<int>(n);
    shape.nc = static_cast<int>(C.size());
    shape.c_nonzeros = c_nonzeros;
  } else if (static_cast<int>(C.size()) != shape.nc || c_nonzeros != shape.c_nonzeros) {
    throw LocalError("KktFactorization: the constraint rows of patch shape '" + shape_key + "' changed their pattern");
  }
  for (const auto& row : C)
    for (const auto& [k, v] : row) require(k >= 0 && k < shape.n, "KktFactorization: constraint column out of range");
  assemble_bordered(shape, C, first);
  timings_.assembly += timer.seconds();

  timer.reset();
  MatFactorInfo info;
  NH_PETSC(MatFactorInfoInitialize(&info));
  if (first) {
    NH_PETSC(MatGetFactor(shape.K, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, shape.F.out()));  // K indefinite: LDL' (SYM = 2)
    if (shape.nc > 0) {
      OwnedIS schur;
      NH_PETSC(ISCreateStride(PETSC_COMM_SELF, shape.nc, shape.n, 1, schur.out()));
      NH_PETSC(MatFactorSetSchurIS(shape.F, schur));
    }
    OwnedIS row, col;  // MUMPS orders by itself (ICNTL(7)); PETSc's interface still takes an ordering
    NH_PETSC(MatGetOrdering(shape.K, MATORDERINGNATURAL, row.out(), col.out()));
    NH_PETSC(MatCholeskyFactorSymbolic(shape.F, shape.K, row, &info));
  }
  NH_PETSC(MatCholeskyFactorNumeric(shape.F, shape.K, &info));
  timings_.factorization += timer.seconds();
  current_ = &shape;
}

void KktFactorization::solve_many(const std::vector<std::vector<double>>& r, std::vector<std::vector<double>>& x) const {
  if (!current_) throw LocalError("KktFactorization::solve_many before factor()");
  const auto k = static_cast<PetscInt>(r.size());
  x.assign(r.size(), {});
  if (k == 0) return;
  const PetscInt n = current_->n, m = current_->n + current_->nc;
  OwnedMat B, X;
  NH_PETSC(MatCreateSeqDense(PETSC_COMM_SELF, m, k, nullptr, B.out()));
  NH_PETSC(MatCreateSeqDense(PETSC_COMM_SELF, m, k, nullptr, X.out()));
  PetscScalar* b = nullptr;
  NH_PETSC(MatDenseGetArrayWrite(B, &b));  // column-major, leading dimension m; the constraint part 0
  std::fill(b, b + static_cast<size_t>(m) * static_cast<size_t>(k), 0.0);
  for (PetscInt c = 0; c < k; ++c) {
    const auto& rc = r[static_cast<size_t>(c)];
    require(static_cast<PetscInt>(rc.size()) == n, "KktFactorization::solve_many: right-hand side of the wrong size");
    std::copy(rc.begin(), rc.end(), b + c * m);
  }
  NH_PETSC(MatDenseRestoreArrayWrite(B, &b));
  NH_PETSC(MatMatSolve(current_->F, B, X));
  const PetscScalar* xv = nullptr;
  NH_PETSC(MatDenseGetArrayRead(X, &xv));
  for (PetscInt c = 0; c < k; ++c) x[static_cast<size_t>(c)].assign(xv + c * m, xv + c * m + n);
  NH_PETSC(MatDenseRestoreArrayRead(X, &xv));
}

}  // namespace neurhom
