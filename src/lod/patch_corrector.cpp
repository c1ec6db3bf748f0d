#include "neurhom/lod/patch_corrector.hpp"

#include <algorithm>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/lod/patch_operators.hpp"

namespace neurhom {

PatchCorrector::PatchCorrector(const CoarseMesh& mesh, std::string solver)
    : mesh_(mesh), qi_(mesh), solver_(std::move(solver)) {}

PatchCorrector::Shape& PatchCorrector::shape_for(const Patch& patch, const std::vector<double>& cells) {
  Shape& shape = shapes_[patch.shape_key()];
  WallTimer timer;
  Mat A = shape.A.get();
  const bool first = A == nullptr;
  assemble_free_stiffness(patch, cells, &A);
  if (first) shape.A = OwnedMat(A);
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
  return shape;
}

void PatchCorrector::solve(Shape& shape, const std::vector<double>& rhs, std::vector<double>& out) {
  PetscScalar* b = nullptr;
  NH_PETSC(VecGetArray(shape.b, &b));
  std::copy(rhs.begin(), rhs.end(), b);
  NH_PETSC(VecRestoreArray(shape.b, &b));
  NH_PETSC(MatSolve(shape.F, shape.b, shape.x));
  const PetscScalar* x = nullptr;
  NH_PETSC(VecGetArrayRead(shape.x, &x));
  out.assign(x, x + rhs.size());
  NH_PETSC(VecRestoreArrayRead(shape.x, &x));
}

PatchMatrices PatchCorrector::compute(const Patch& patch, const std::vector<double>& cells, bool with_mass,
                                      bool keep_correctors) {
  Shape& shape = shape_for(patch, cells);
  WallTimer timer;
  const int nf = patch.free_nodes();
  std::vector<int> constrained;
  const DenseMatrix B = qi_.constraint_matrix(patch, &constrained);
  const int nc = B.rows;

  // Y = A^{-1} B' (one column per constraint) and S = B Y.
  std::vector<std::vector<double>> Y(static_cast<size_t>(nc));
  std::vector<double> row(static_cast<size_t>(nf));
  for (int c = 0; c < nc; ++c) {
    std::copy(B.data.begin() + static_cast<long>(c) * nf, B.data.begin() + static_cast<long>(c + 1) * nf, row.begin());
    solve(shape, row, Y[static_cast<size_t>(c)]);
  }
  DenseMatrix S(nc, nc);
  for (int c = 0; c < nc; ++c)
    for (int d = 0; d <= c; ++d) {
      double s = 0;
      const double* bc = &B.data[static_cast<size_t>(c) * static_cast<size_t>(nf)];
      const std::vector<double>& yd = Y[static_cast<size_t>(d)];
      for (int k = 0; k < nf; ++k) s += bc[k] * yd[static_cast<size_t>(k)];
      S(c, d) = S(d, c) = s;
    }
  cholesky_factor(S);

  PatchMatrices result;
  result.patch = patch;
  const int ncoarse = patch.coarse_nodes();
  result.S.assign(static_cast<size_t>(ncoarse) * 4, 0.0);
  if (with_mass) result.M.assign(static_cast<size_t>(ncoarse) * 4, 0.0);
  int t_nodes[4];
  patch.t_nodes(t_nodes);
  const double h = 1.0 / mesh_.fine_cells();
  std::vector<double> k_lambda, rhs(static_cast<size_t>(nf)), z, q(static_cast<size_t>(patch.fine_nodes())), kq;
  for (int j = 0; j < 4; ++j) {
    const std::vector<double> lambda = coarse_basis(patch, t_nodes[j]);
    apply_stiffness(patch, cells, CellSet::Center, lambda, k_lambda);
    for (int y = 1; y < patch.fine_ny(); ++y)
      for (int x = 1; x < patch.fine_nx(); ++x)
        rhs[static_cast<size_t>(patch.free_node(x, y))] = k_lambda[static_cast<size_t>(patch.fine_node(x, y))];
    solve(shape, rhs, z);
    // q = z - Y S^{-1} B z
    std::vector<double> w(static_cast<size_t>(nc), 0.0);
    for (int c = 0; c < nc; ++c) {
      const double* bc = &B.data[static_cast<size_t>(c) * static_cast<size_t>(nf)];
      double s = 0;
      for (int k = 0; k < nf; ++k) s += bc[k] * z[static_cast<size_t>(k)];
      w[static_cast<size_t>(c)] = s;
    }
    cholesky_solve(S, w);
    for (int c = 0; c < nc; ++c) {
      const double wc = w[static_cast<size_t>(c)];
      const std::vector<double>& yc = Y[static_cast<size_t>(c)];
      for (int k = 0; k < nf; ++k) z[static_cast<size_t>(k)] -= wc * yc[static_cast<size_t>(k)];
    }
    std::fill(q.begin(), q.end(), 0.0);
    for (int y = 1; y < patch.fine_ny(); ++y)
      for (int x = 1; x < patch.fine_nx(); ++x)
        q[static_cast<size_t>(patch.fine_node(x, y))] = z[static_cast<size_t>(patch.free_node(x, y))];

    // S_T[:, j] = P'(K_T lambda_j) - P'(K q_j);  M_T[:, j] = P'(M_T lambda_j) - P'(M q_j)
    apply_stiffness(patch, cells, CellSet::Patch, q, kq);
    const std::vector<double> a1 = restrict_to_coarse(patch, k_lambda), a2 = restrict_to_coarse(patch, kq);
    for (int i = 0; i < ncoarse; ++i) result.S[static_cast<size_t>(i * 4 + j)] = a1[static_cast<size_t>(i)] - a2[static_cast<size_t>(i)];
    if (with_mass) {
      std::vector<double> m_lambda, mq;
      apply_mass(patch, h, CellSet::Center, lambda, m_lambda);
      apply_mass(patch, h, CellSet::Patch, q, mq);
      const std::vector<double> b1 = restrict_to_coarse(patch, m_lambda), b2 = restrict_to_coarse(patch, mq);
      for (int i = 0; i < ncoarse; ++i) result.M[static_cast<size_t>(i * 4 + j)] = b1[static_cast<size_t>(i)] - b2[static_cast<size_t>(i)];
    }
    if (keep_correctors) result.correctors.push_back(q);
  }
  timings_.solves += timer.seconds();
  ++timings_.patches;
  return result;
}

}  // namespace neurhom
