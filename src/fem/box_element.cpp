#include "neurhom/fem/box_element.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"

namespace neurhom::box {

namespace {
int bit(int b, int d) { return (b >> d) & 1; }
}  // namespace

std::vector<double> stiffness(int dim, const std::array<double, 3>& h) {
  const int n = nodes_per_cell(dim);
  std::vector<double> k(static_cast<size_t>(n * n), 0.0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      double sum = 0;
      for (int d = 0; d < dim; ++d) {
        double term = (bit(a, d) == bit(b, d) ? 1.0 : -1.0) / h[static_cast<size_t>(d)];
        for (int e = 0; e < dim; ++e)
          if (e != d) term *= (bit(a, e) == bit(b, e) ? 2.0 : 1.0) * h[static_cast<size_t>(e)] / 6.0;
        sum += term;
      }
      k[static_cast<size_t>(a * n + b)] = sum;
    }
  return k;
}

std::vector<double> mass(int dim, const std::array<double, 3>& h) {
  const int n = nodes_per_cell(dim);
  std::vector<double> m(static_cast<size_t>(n * n), 0.0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      double v = 1;
      for (int d = 0; d < dim; ++d) v *= (bit(a, d) == bit(b, d) ? 2.0 : 1.0) * h[static_cast<size_t>(d)] / 6.0;
      m[static_cast<size_t>(a * n + b)] = v;
    }
  return m;
}

ShapeValues shape(int dim, const std::array<double, 3>& xi, const std::array<double, 3>& h) {
  ShapeValues s;
  const int n = nodes_per_cell(dim);
  for (int b = 0; b < n; ++b) {
    std::array<double, 3> l{}, dl{};
    for (int d = 0; d < dim; ++d) {
      const auto D = static_cast<size_t>(d);
      l[D] = bit(b, d) ? xi[D] : 1.0 - xi[D];
      dl[D] = (bit(b, d) ? 1.0 : -1.0) / h[D];
    }
    double phi = 1;
    for (int d = 0; d < dim; ++d) phi *= l[static_cast<size_t>(d)];
    s.phi[static_cast<size_t>(b)] = phi;
    for (int d = 0; d < dim; ++d) {
      double g = dl[static_cast<size_t>(d)];
      for (int e = 0; e < dim; ++e)
        if (e != d) g *= l[static_cast<size_t>(e)];
      s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)] = g;
    }
  }
  return s;
}

const Gauss1d& gauss_1d(int p) {
  static const std::array<Gauss1d, 4> rules = [] {
    std::array<Gauss1d, 4> r;
    const auto map = [](std::vector<double> x, std::vector<double> w) {  // from [-1,1] to [0,1]
      Gauss1d g;
      for (size_t i = 0; i < x.size(); ++i) {
        g.x.push_back(0.5 * (x[i] + 1.0));
        g.w.push_back(0.5 * w[i]);
      }
      return g;
    };
    const double s3 = std::sqrt(1.0 / 3.0), s35 = std::sqrt(3.0 / 5.0);
    const double a = std::sqrt(3.0 / 7.0 - 2.0 / 7.0 * std::sqrt(6.0 / 5.0)), b = std::sqrt(3.0 / 7.0 + 2.0 / 7.0 * std::sqrt(6.0 / 5.0));
    const double wa = (18.0 + std::sqrt(30.0)) / 36.0, wb = (18.0 - std::sqrt(30.0)) / 36.0;
    r[0] = map({0.0}, {2.0});
    r[1] = map({-s3, s3}, {1.0, 1.0});
    r[2] = map({-s35, 0.0, s35}, {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0});
    r[3] = map({-b, -a, a, b}, {wb, wa, wa, wb});
    return r;
  }();
  require(p >= 1 && p <= 4, "gauss_1d: 1 to 4 points");
  return rules[static_cast<size_t>(p - 1)];
}

std::vector<BoxQuadraturePoint> gauss_box(int dim, int p) {
  const Gauss1d& g = gauss_1d(p);
  std::vector<BoxQuadraturePoint> pts;
  const int n3 = dim == 3 ? p : 1;
  for (int k = 0; k < n3; ++k)
    for (int j = 0; j < p; ++j)
      for (int i = 0; i < p; ++i) {
        BoxQuadraturePoint q;
        q.xi = {g.x[static_cast<size_t>(i)], g.x[static_cast<size_t>(j)], dim == 3 ? g.x[static_cast<size_t>(k)] : 0.0};
        q.weight = g.w[static_cast<size_t>(i)] * g.w[static_cast<size_t>(j)] * (dim == 3 ? g.w[static_cast<size_t>(k)] : 1.0);
        pts.push_back(q);
      }
  return pts;
}

}  // namespace neurhom::box
