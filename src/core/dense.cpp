#include "neurhom/core/dense.hpp"

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
