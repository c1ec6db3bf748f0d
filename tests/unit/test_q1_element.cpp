// fem/q1_element: element matrices against hand-computed values and quadrature.
#define BOOST_TEST_MODULE q1_element
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/fem/q1_element.hpp"

using namespace neurhom;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_CASE(stiffness_hand_values) {
  // Hand computation on the unit square: int grad phi_0 . grad phi_0 = 2/3,
  // phi_0/phi_1 (edge neighbours) = -1/6, phi_0/phi_3 (diagonal) = -1/3.
  const auto& k = q1::reference_stiffness();
  BOOST_TEST(k[0] == 2.0 / 3.0, tt::tolerance(1e-15));
  BOOST_TEST(k[1] == -1.0 / 6.0, tt::tolerance(1e-15));
  BOOST_TEST(k[2] == -1.0 / 6.0, tt::tolerance(1e-15));
  BOOST_TEST(k[3] == -1.0 / 3.0, tt::tolerance(1e-15));
  for (int r = 0; r < 4; ++r) {
    double row = 0;
    for (int c = 0; c < 4; ++c) {
      row += k[r * 4 + c];
      BOOST_TEST(k[r * 4 + c] == k[c * 4 + r]);  // symmetric
    }
    BOOST_TEST(std::abs(row) < 1e-15);  // constants in the kernel
  }
}

BOOST_AUTO_TEST_CASE(mass_hand_values) {
  // int_K phi_0^2 = h^2/9, edge neighbours h^2/18, diagonal h^2/36; total = |K| = h^2.
  const double h = 0.25;
  const auto m = q1::mass(h);
  BOOST_TEST(m[0] == h * h / 9.0, tt::tolerance(1e-15));
  BOOST_TEST(m[1] == h * h / 18.0, tt::tolerance(1e-15));
  BOOST_TEST(m[3] == h * h / 36.0, tt::tolerance(1e-15));
  double total = 0;
  for (double v : m) total += v;
  BOOST_TEST(total == h * h, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(matrices_match_quadrature) {
  // The 2x2 Gauss rule integrates the Q1 products exactly.
  const auto& quad = q1::gauss(2);
  const double h = 0.5;
  const auto m = q1::mass(h);
  const auto& k = q1::reference_stiffness();
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      double mq = 0, kq = 0;
      for (const auto& p : quad.points) {
        mq += p.weight * h * h * p.phi[r] * p.phi[c];
        kq += p.weight * (p.dphi[r][0] * p.dphi[c][0] + p.dphi[r][1] * p.dphi[c][1]);
      }
      BOOST_TEST(mq == m[r * 4 + c], tt::tolerance(1e-13));
      BOOST_TEST(kq == k[r * 4 + c], tt::tolerance(1e-13));
    }
  }
}

BOOST_AUTO_TEST_CASE(gauss_rules_are_exact_to_their_degree) {
  for (int p = 1; p <= 4; ++p) {
    const int degree = 2 * p - 1;
    double integral = 0;
    for (const auto& q : q1::gauss(p).points) integral += q.weight * std::pow(q.s, degree) * std::pow(q.t, degree);
    BOOST_TEST(integral == 1.0 / ((degree + 1) * (degree + 1)), tt::tolerance(1e-13));
  }
}
