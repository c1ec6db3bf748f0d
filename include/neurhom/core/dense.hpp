#pragma once
// Small dense matrices (row-major) for the per-patch and per-cell algebra of LOD and CEM:
// a few hundred rows at most, so plain loops are fast enough and need no LAPACK.
#include <cstddef>
#include <vector>

namespace neurhom {

struct DenseMatrix {
  int rows = 0, cols = 0;
  std::vector<double> data;
  DenseMatrix() = default;
  DenseMatrix(int r, int c) : rows(r), cols(c), data(static_cast<std::size_t>(r) * static_cast<std::size_t>(c), 0.0) {}
  double& operator()(int i, int j) { return data[static_cast<std::size_t>(i) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(j)]; }
  double operator()(int i, int j) const { return data[static_cast<std::size_t>(i) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(j)]; }
};

// In-place Cholesky factor L (lower triangle) of a symmetric positive definite matrix.
// Throws LocalError if the matrix is not positive definite.
void cholesky_factor(DenseMatrix& a);
// Solves L L' x = b in place with the factor from cholesky_factor.
void cholesky_solve(const DenseMatrix& l, std::vector<double>& b);
// Inverse of a general small square matrix by Gauss-Jordan with partial pivoting.
DenseMatrix inverse(const DenseMatrix& a);

// Eigenvalues of a small symmetric matrix (cyclic Jacobi rotations), ascending.
std::vector<double> symmetric_eigenvalues(DenseMatrix a);
// Largest lambda of the pencil E x = lambda B x, E symmetric, B symmetric positive definite
// (B = L L', the largest eigenvalue of L^{-1} E L^{-T}). Throws LocalError if B is not SPD.
double largest_generalized_eigenvalue(const DenseMatrix& e, DenseMatrix b);

// Discrete relative l2 distance ||u - reference||_2 / ||reference||_2 of equal-length vectors.
double relative_l2_discrete(const std::vector<double>& u, const std::vector<double>& reference);

// Least-squares slope of y against x (observed convergence orders from log-log data).
double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace neurhom
