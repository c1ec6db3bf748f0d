#include "neurhom/core/dense.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "neurhom/core/error.hpp"

namespace neurhom {

void cholesky_factor(DenseMatrix& a) {
  const int n = a.rows;
  for (int j = 0; j < n; ++j) {
    double d = a(j, j);
    for (int k = 0; k < j; ++k) d -= a(j, k) * a(j, k);
    if (!(d > 0)) throw LocalError("cholesky_factor: matrix is not positive definite (pivot " + std::to_string(j) + ")");
    const double ljj = std::sqrt(d);
    a(j, j) = ljj;
    for (int i = j + 1; i < n; ++i) {
      double s = a(i, j);
      for (int k = 0; k < j; ++k) s -= a(i, k) * a(j, k);
      a(i, j) = s / ljj;
    }
  }
}

void cholesky_solve(const DenseMatrix& l, std::vector<double>& b) {
  const int n = l.rows;
  for (int i = 0; i < n; ++i) {
    double s = b[static_cast<size_t>(i)];
    for (int k = 0; k < i; ++k) s -= l(i, k) * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] = s / l(i, i);
  }
  for (int i = n - 1; i >= 0; --i) {
    double s = b[static_cast<size_t>(i)];
    for (int k = i + 1; k < n; ++k) s -= l(k, i) * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] = s / l(i, i);
  }
}

DenseMatrix inverse(const DenseMatrix& a) {
  const int n = a.rows;
  DenseMatrix m = a, inv(n, n);
  for (int i = 0; i < n; ++i) inv(i, i) = 1.0;
  for (int c = 0; c < n; ++c) {
    int pivot = c;
    for (int r = c + 1; r < n; ++r)
      if (std::abs(m(r, c)) > std::abs(m(pivot, c))) pivot = r;
    if (m(pivot, c) == 0.0) throw LocalError("inverse: singular matrix");
    for (int k = 0; k < n; ++k) {
      std::swap(m(c, k), m(pivot, k));
      std::swap(inv(c, k), inv(pivot, k));
    }
    const double d = m(c, c);
    for (int k = 0; k < n; ++k) {
      m(c, k) /= d;
      inv(c, k) /= d;
    }
    for (int r = 0; r < n; ++r) {
      if (r == c || m(r, c) == 0.0) continue;
      const double f = m(r, c);
      for (int k = 0; k < n; ++k) {
        m(r, k) -= f * m(c, k);
        inv(r, k) -= f * inv(c, k);
      }
    }
  }
  return inv;
}

std::vector<double> symmetric_eigenvalues(DenseMatrix a) {
  const int n = a.rows;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, scale = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) (i == j ? scale : off) += a(i, j) * a(i, j);
    if (off <= 1e-30 * scale || off == 0.0) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        if (a(p, q) == 0.0) continue;
        // rotation that zeroes a(p, q) (Golub, Van Loan, Alg. 8.5.1)
        const double theta = (a(q, q) - a(p, p)) / (2 * a(p, q));
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {
          const double akp = a(k, p), akq = a(k, q);
          a(k, p) = c * akp - s * akq;
          a(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {
          const double apk = a(p, k), aqk = a(q, k);
          a(p, k) = c * apk - s * aqk;
          a(q, k) = s * apk + c * aqk;
        }
      }
  }
  std::vector<double> values(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) values[static_cast<size_t>(i)] = a(i, i);
  std::sort(values.begin(), values.end());
  return values;
}

double largest_generalized_eigenvalue(const DenseMatrix& e, DenseMatrix b) {
  const int n = e.rows;
  cholesky_factor(b);
  // C = L^{-1} E L^{-T}: solve L X = E (columns), then L C' = X'
  DenseMatrix x(n, n), c(n, n);
  for (int col = 0; col < n; ++col)
    for (int i = 0; i < n; ++i) {
      double s = e(i, col);
      for (int k = 0; k < i; ++k) s -= b(i, k) * x(k, col);
      x(i, col) = s / b(i, i);
    }
  for (int row = 0; row < n; ++row)
    for (int i = 0; i < n; ++i) {
      double s = x(row, i);
      for (int k = 0; k < i; ++k) s -= b(i, k) * c(row, k);
      c(row, i) = s / b(i, i);
    }
  for (int i = 0; i < n; ++i)  // symmetrize the round-off
    for (int j = i + 1; j < n; ++j) c(i, j) = c(j, i) = 0.5 * (c(i, j) + c(j, i));
  return symmetric_eigenvalues(c).back();
}

double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    mx += x[k] / n;
    my += y[k] / n;
  }
  double sxy = 0, sxx = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
  }
  return sxy / sxx;
}

double relative_l2_discrete(const std::vector<double>& u, const std::vector<double>& reference) {
  double num = 0, den = 0;
  for (std::size_t k = 0; k < u.size() && k < reference.size(); ++k) {
    num += (u[k] - reference[k]) * (u[k] - reference[k]);
    den += reference[k] * reference[k];
  }
  return std::sqrt(num / den);
}

}  // namespace neurhom
