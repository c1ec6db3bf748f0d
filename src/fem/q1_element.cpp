#include "neurhom/fem/q1_element.hpp"

#include <cmath>
#include <stdexcept>

namespace neurhom::q1 {

const ElementMatrix& reference_stiffness() {
  static const ElementMatrix k = [] {
    ElementMatrix m = {4, -1, -1, -2, -1, 4, -2, -1, -1, -2, 4, -1, -2, -1, -1, 4};
    for (double& v : m) v /= 6.0;
    return m;
  }();
  return k;
}

ElementMatrix tensor_stiffness(double a11, double a12, double a22) {
  ElementMatrix k{};
  for (const auto& q : gauss(2).points)  // exact: the integrands are bilinear per direction
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        const auto& gi = q.dphi[static_cast<size_t>(i)];
        const auto& gj = q.dphi[static_cast<size_t>(j)];
        k[static_cast<size_t>(i * 4 + j)] += q.weight * (a11 * gi[0] * gj[0] + a22 * gi[1] * gj[1] +
                                                         a12 * (gi[0] * gj[1] + gi[1] * gj[0]));
      }
  return k;
}

ElementMatrix mass(double h) {
  ElementMatrix m = {4, 2, 2, 1, 2, 4, 1, 2, 2, 1, 4, 2, 1, 2, 2, 4};
  for (double& v : m) v *= h * h / 36.0;
  return m;
}

static Quadrature make_gauss(int p) {
  // Gauss-Legendre points and weights on [0,1].
  std::vector<double> x, w;
  switch (p) {
    case 1: x = {0.5}; w = {1.0}; break;
    case 2: {
      const double d = 0.5 / std::sqrt(3.0);
      x = {0.5 - d, 0.5 + d};
      w = {0.5, 0.5};
      break;
    }
    case 3: {
      const double d = 0.5 * std::sqrt(0.6);
      x = {0.5 - d, 0.5, 0.5 + d};
      w = {5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0};
      break;
    }
    case 4: {
      const double a = std::sqrt(3.0 / 7.0 - 2.0 / 7.0 * std::sqrt(6.0 / 5.0));
      const double b = std::sqrt(3.0 / 7.0 + 2.0 / 7.0 * std::sqrt(6.0 / 5.0));
      const double wa = (18.0 + std::sqrt(30.0)) / 36.0, wb = (18.0 - std::sqrt(30.0)) / 36.0;
      x = {0.5 - 0.5 * b, 0.5 - 0.5 * a, 0.5 + 0.5 * a, 0.5 + 0.5 * b};
      w = {0.5 * wb, 0.5 * wa, 0.5 * wa, 0.5 * wb};
      break;
    }
    default: throw std::invalid_argument("q1::gauss supports 1 to 4 points per direction");
  }
  Quadrature q;
  for (size_t b = 0; b < x.size(); ++b) {
    for (size_t a = 0; a < x.size(); ++a) {
      Quadrature::Point pt;
      pt.s = x[a];
      pt.t = x[b];
      pt.weight = w[a] * w[b];
      const double s = pt.s, t = pt.t;
      pt.phi = {(1 - s) * (1 - t), s * (1 - t), (1 - s) * t, s * t};
      pt.dphi = {{{-(1 - t), -(1 - s)}, {(1 - t), -s}, {-t, (1 - s)}, {t, s}}};
      q.points.push_back(pt);
    }
  }
  return q;
}

const Quadrature& gauss(int p) {
  static const Quadrature rules[4] = {make_gauss(1), make_gauss(2), make_gauss(3), make_gauss(4)};
  if (p < 1 || p > 4) throw std::invalid_argument("q1::gauss supports 1 to 4 points per direction");
  return rules[p - 1];
}

}  // namespace neurhom::q1
