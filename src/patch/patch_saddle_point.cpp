#include "neurhom/patch/patch_saddle_point.hpp"

#include <algorithm>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

PatchFactorization::PatchFactorization(std::string solver) : solver_(std::move(solver)) {
  require(solver_ != "kkt", "patch solver 'kkt' (-patch_solver) is implemented for the box PG-LOD (lod -dim 3, -cells, -box) only; "
                            "use petsc, cholmod or mumps here");
}

void PatchFactorization::factor(const Patch& patch, const std::vector<double>& cells) {
  factor(patch.shape_key(), [&](Mat* A) { assemble_free_stiffness(patch, cells, A); });
}

bool assemble_shape_matrix(OwnedMat& A, const std::function<void(Mat*)>& assemble) {
  Mat a = A.get();
  const bool first = a == nullptr;
  assemble(&a);
  if (first) A = OwnedMat(a);
  return first;
}

void PatchFactorization::factor(const std::string& shape_key, const std::function<void(Mat*)>& assemble) {
  current_ = nullptr;  // an evicted shape may have been the current one
  Shape& shape = shapes_.get(shape_key);
  WallTimer timer;
  const bool first = assemble_shape_matrix(shape.A, assemble);
  timings_.assembly += timer.seconds();

  timer.reset();
  MatFactorInfo info;
  NH_PETSC(MatFactorInfoInitialize(&info));
  if (first) {
    PetscBool available = PETSC_FALSE;
    NH_PETSC(MatSolverTypeGet(solver_.c_str(), MATSEQAIJ, MAT_FACTOR_CHOLESKY, &available, nullptr, nullptr));
    require(available, "patch solver '" + solver_ + "' (-lod_patch_solver) cannot do Cholesky in this PETSc build");
    NH_PETSC(MatGetFactor(shape.A, solver_.c_str(), MAT_FACTOR_CHOLESKY, shape.F.out()));
    NH_PETSC(MatGetOrdering(shape.A, MATORDERINGND, shape.row.out(), shape.col.out()));
    NH_PETSC(MatCholeskyFactorSymbolic(shape.F, shape.A, shape.row, &info));
    NH_PETSC(MatCreateVecs(shape.A, shape.x.out(), shape.b.out()));
  }
  NH_PETSC(MatCholeskyFactorNumeric(shape.F, shape.A, &info));
  timings_.factorization += timer.seconds();
  current_ = &shape;
}

void PatchFactorization::solve(const std::vector<double>& rhs, std::vector<double>& out) const {
  if (!current_) throw LocalError("PatchFactorization::solve before factor()");
  PetscScalar* b = nullptr;
  NH_PETSC(VecGetArray(current_->b, &b));
  std::copy(rhs.begin(), rhs.end(), b);
  NH_PETSC(VecRestoreArray(current_->b, &b));
  NH_PETSC(MatSolve(current_->F, current_->b, current_->x));
  const PetscScalar* x = nullptr;
  NH_PETSC(VecGetArrayRead(current_->x, &x));
  out.assign(x, x + rhs.size());
  NH_PETSC(VecRestoreArrayRead(current_->x, &x));
}

void PatchFactorization::solve_many(const std::vector<std::vector<double>>& rhs, std::vector<std::vector<double>>& out) const {
  if (!current_) throw LocalError("PatchFactorization::solve_many before factor()");
  const auto k = static_cast<PetscInt>(rhs.size());
  out.assign(rhs.size(), {});
  if (k == 0) return;
  PetscInt n = 0;
  NH_PETSC(VecGetSize(current_->b, &n));
  OwnedMat B, X;
  NH_PETSC(MatCreateSeqDense(PETSC_COMM_SELF, n, k, nullptr, B.out()));
  NH_PETSC(MatCreateSeqDense(PETSC_COMM_SELF, n, k, nullptr, X.out()));
  PetscScalar* b = nullptr;
  NH_PETSC(MatDenseGetArrayWrite(B, &b));  // column-major, leading dimension n
  for (PetscInt c = 0; c < k; ++c) std::copy(rhs[static_cast<size_t>(c)].begin(), rhs[static_cast<size_t>(c)].end(), b + c * n);
  NH_PETSC(MatDenseRestoreArrayWrite(B, &b));
  NH_PETSC(MatMatSolve(current_->F, B, X));
  const PetscScalar* x = nullptr;
  NH_PETSC(MatDenseGetArrayRead(X, &x));
  for (PetscInt c = 0; c < k; ++c) out[static_cast<size_t>(c)].assign(x + c * n, x + (c + 1) * n);
  NH_PETSC(MatDenseRestoreArrayRead(X, &x));
}

ConstrainedSolve::ConstrainedSolve(const PatchFactorization& factorization, const DenseMatrix& C)
    : cols_(C.cols), rows_(static_cast<size_t>(C.rows)) {
  const int nc = C.rows, nf = C.cols;
  // The constraint rows are local (a few coarse cells): keep their nonzeros only.
  for (int c = 0; c < nc; ++c) {
    const double* row = &C.data[static_cast<size_t>(c) * static_cast<size_t>(nf)];
    for (int k = 0; k < nf; ++k)
      if (row[k] != 0.0) rows_[static_cast<size_t>(c)].push_back({k, row[k]});
  }
  build(factorization);
}

ConstrainedSolve::ConstrainedSolve(const PatchFactorization& factorization, SparseRows rows, int cols)
    : cols_(cols), rows_(std::move(rows)) {
  for (const auto& row : rows_)
    for (const auto& [k, v] : row) require(k >= 0 && k < cols, "ConstrainedSolve: column out of range");
  build(factorization);
}

void ConstrainedSolve::build(const PatchFactorization& factorization) {
  const int nc = static_cast<int>(rows_.size()), nf = cols_;
  Y_.assign(static_cast<size_t>(nc), {});
  S_ = DenseMatrix(nc, nc);
  {  // Y = A^{-1} C' in one blocked solve
    std::vector<std::vector<double>> dense(static_cast<size_t>(nc), std::vector<double>(static_cast<size_t>(nf), 0.0));
    for (int c = 0; c < nc; ++c)
      for (const auto& [k, v] : rows_[static_cast<size_t>(c)]) dense[static_cast<size_t>(c)][static_cast<size_t>(k)] = v;
    factorization.solve_many(dense, Y_);
  }
  for (int c = 0; c < nc; ++c)
    for (int d = 0; d <= c; ++d) S_(c, d) = S_(d, c) = row_dot(c, Y_[static_cast<size_t>(d)]);
  try {
    cholesky_factor(S_);
  } catch (const LocalError&) {
    throw LocalError("the " + std::to_string(nc) +
                     " constraint rows of a patch are linearly dependent (too few fine nodes per coarse cell for the "
                     "number of constraints)");
  }
}

double ConstrainedSolve::row_dot(int row, const std::vector<double>& v) const {
  double s = 0;
  for (const auto& [k, value] : rows_[static_cast<size_t>(row)]) s += value * v[static_cast<size_t>(k)];
  return s;
}

void ConstrainedSolve::remove_constraint(std::vector<double>& z) const {
  const int nc = constraints();
  std::vector<double> w(static_cast<size_t>(nc));
  for (int c = 0; c < nc; ++c) w[static_cast<size_t>(c)] = row_dot(c, z);
  cholesky_solve(S_, w);
  for (int c = 0; c < nc; ++c) {
    const double wc = w[static_cast<size_t>(c)];
    const std::vector<double>& yc = Y_[static_cast<size_t>(c)];
    for (size_t k = 0; k < z.size(); ++k) z[k] -= wc * yc[k];
  }
}

std::vector<double> ConstrainedSolve::minimizer(std::vector<double> g) const {
  cholesky_solve(S_, g);
  std::vector<double> x(static_cast<size_t>(cols_), 0.0);
  for (int c = 0; c < constraints(); ++c) {
    const double gc = g[static_cast<size_t>(c)];
    if (gc == 0.0) continue;
    const std::vector<double>& yc = Y_[static_cast<size_t>(c)];
    for (size_t k = 0; k < x.size(); ++k) x[k] += gc * yc[k];
  }
  return x;
}

}  // namespace neurhom
