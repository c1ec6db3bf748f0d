// Periodic cell problems (homog/cell_problem.hpp): exact discrete a* for laminates (harmonic
// and arithmetic means), symmetry and O(h^2) convergence for a = 2 + sin(2 pi y1) cos(2 pi y2)
// (the coefficient of Leung, Lin, Zhang 2021, case 1), the same a* on 1 and 2 ranks, bad input;
// the tensor Q1 kernel and the homogenized solve (homog/homogenized_solve.hpp) against a
// manufactured solution.
#define BOOST_TEST_MODULE homog
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/homog/cell_problem.hpp"
#include "neurhom/homog/fem1d.hpp"
#include "neurhom/homog/homogenized_solve.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;
namespace tt = boost::test_tools;

namespace {
constexpr double kPi = 3.14159265358979323846;
}

BOOST_AUTO_TEST_CASE(laminate_gives_harmonic_and_arithmetic_means) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  const int n = 16;
  auto a1 = [](double y) { return 1.0 + 0.9 * std::sin(2 * kPi * y) + (y > 0.5 ? 3.0 : 0.0); };
  const CellProblemResult r = solve_cell_problems(comm, [&](double y1, double) { return a1(y1); }, n);
  double arithmetic = 0;
  for (int k = 0; k < n; ++k) arithmetic += a1((k + 0.5) / n) / n;
  const double harmonic = harmonic_mean_1d(a1, n);
  BOOST_TEST_MESSAGE("laminate: a*_11 = " << r.a_star[0] << " (harmonic " << harmonic << "), a*_22 = " << r.a_star[3]
                                          << " (arithmetic " << arithmetic << ")");
  BOOST_TEST(r.a_star[0] == harmonic, tt::tolerance(1e-8));    // CG tolerance 1e-10 relative
  BOOST_TEST(r.a_star[3] == arithmetic, tt::tolerance(1e-8));
  BOOST_TEST(std::abs(r.a_star[1]) < 1e-8);
  BOOST_TEST(std::abs(r.a_star[2]) < 1e-8);
  // 1D: a constant coefficient is its own homogenization.
  BOOST_TEST(harmonic_mean_1d([](double) { return 3.0; }, 7) == 3.0, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(oscillating_coefficient_converges_at_second_order) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  auto a = [](double y1, double y2) { return 2.0 + std::sin(2 * kPi * y1) * std::cos(2 * kPi * y2); };
  double previous = 0, previous_diff = 0;
  std::vector<double> rates;
  for (int n : {8, 16, 32, 64}) {
    const CellProblemResult r = solve_cell_problems(comm, a, n);
    BOOST_TEST(std::abs(r.a_star[1] - r.a_star[2]) < 1e-8 * r.a_star[0]);  // symmetric
    if (n > 8) {
      const double diff = std::abs(r.a_star[0] - previous);
      if (previous_diff > 0) rates.push_back(std::log2(previous_diff / diff));
      previous_diff = diff;
    }
    previous = r.a_star[0];
    BOOST_TEST_MESSAGE("n = " << n << ": a*_11 = " << r.a_star[0] << ", a*_22 = " << r.a_star[3] << ", a*_12 = "
                              << r.a_star[1] << ", " << r.iterations << " CG iterations");
  }
  // Differences of successive a* shrink at rate 2 (midpoint coefficient + Q1 energy).
  for (double rate : rates) BOOST_TEST(rate > 1.7);
  // Bounds: harmonic mean <= a* <= arithmetic mean (2) in every direction.
  BOOST_TEST(previous < 2.0);
  BOOST_TEST(previous > 1.7);
}

BOOST_AUTO_TEST_CASE(bad_input_is_an_error) {
  BOOST_CHECK_THROW(solve_cell_problems(PETSC_COMM_WORLD, [](double, double) { return 1.0; }, 2), Error);
  BOOST_CHECK_THROW(solve_cell_problems(PETSC_COMM_WORLD, [](double y1, double) { return y1 - 0.5; }, 8), Error);
}

BOOST_AUTO_TEST_CASE(tensor_kernel_and_homogenized_solve_converge) {
  // The tensor kernel with A = a I is a K_ref; with a full tensor the homogenized solve of a
  // manufactured u = sin(pi x) sin(pi y) converges at order 2 in L2 and 1 in H1.
  const auto k = q1::tensor_stiffness(3.0, 0.0, 3.0);
  for (int m = 0; m < 16; ++m) BOOST_TEST(k[static_cast<size_t>(m)] == 3.0 * q1::reference_stiffness()[static_cast<size_t>(m)], tt::tolerance(1e-14));
  const double a11 = 2.0, a12 = 0.5, a22 = 1.0;
  const auto f = make_function_source(
      [=](double x, double y, double) {
        return kPi * kPi * ((a11 + a22) * std::sin(kPi * x) * std::sin(kPi * y) -
                            2 * a12 * std::cos(kPi * x) * std::cos(kPi * y));
      },
      "manufactured");
  double previous_l2 = 0, previous_h1 = 0;
  for (int n : {16, 32, 64}) {
    const StructuredGrid grid(PETSC_COMM_WORLD, n);
    OwnedVec u = solve_homogenized(grid, [=](double, double) { return std::array<double, 3>{a11, a12, a22}; }, *f);
    const ErrorNorms e = error_vs_exact(
        grid, u, [](double x, double y) { return std::sin(kPi * x) * std::sin(kPi * y); },
        [](double x, double y) {
          return std::array<double, 2>{kPi * std::cos(kPi * x) * std::sin(kPi * y), kPi * std::sin(kPi * x) * std::cos(kPi * y)};
        });
    if (previous_l2 > 0) {
      BOOST_TEST_MESSAGE("n = " << n << ": L2 rate " << std::log2(previous_l2 / e.l2_error) << ", H1 rate "
                                << std::log2(previous_h1 / e.h1_error));
      BOOST_TEST(std::log2(previous_l2 / e.l2_error) > 1.9);
      BOOST_TEST(std::log2(previous_h1 / e.h1_error) > 0.95);
    }
    previous_l2 = e.l2_error;
    previous_h1 = e.h1_error;
  }
  // A tensor that is not positive definite is refused.
  const StructuredGrid grid(PETSC_COMM_WORLD, 8);
  BOOST_CHECK_THROW(solve_homogenized(grid, [](double, double) { return std::array<double, 3>{1.0, 2.0, 1.0}; }, *f), Error);
}

BOOST_AUTO_TEST_CASE(fem1d_converges_and_homogenizes) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  // Elliptic: -(D u')' + R u = f with D = 2 + sin x, R = 1, u = sin(pi x): nodal error O(h^2).
  Fem1dCoefficients c;
  c.diffusion = [](double x) { return 2.0 + std::sin(x); };
  c.reaction = [](double) { return 1.0; };
  auto exact = [](double x) { return std::sin(kPi * x); };
  auto f = [](double x) {
    return -(std::cos(x) * kPi * std::cos(kPi * x) - (2.0 + std::sin(x)) * kPi * kPi * std::sin(kPi * x)) +
           std::sin(kPi * x);
  };
  auto max_error = [&](const std::vector<double>& u, int n, const std::function<double(double)>& g) {
    double e = 0;
    for (int k = 0; k <= n; ++k) e = std::max(e, std::abs(u[static_cast<size_t>(k)] - g(static_cast<double>(k) / n)));
    return e;
  };
  const double e1 = max_error(solve_elliptic_1d(comm, 32, c, f), 32, exact);
  const double e2 = max_error(solve_elliptic_1d(comm, 64, c, f), 64, exact);
  BOOST_TEST_MESSAGE("1D elliptic: max nodal error " << e1 << " -> " << e2 << ", rate " << std::log2(e1 / e2));
  BOOST_TEST(std::log2(e1 / e2) > 1.9);

  // Parabolic: u = e^{-t} sin(pi x), D = 1: backward Euler is first order in dt (h fine).
  Fem1dCoefficients heat;
  heat.diffusion = [](double) { return 1.0; };
  auto source = [](double x, double t) { return (kPi * kPi - 1.0) * std::exp(-t) * std::sin(kPi * x); };
  auto at_T = [](double x) { return std::exp(-1.0) * std::sin(kPi * x); };
  const double p1 = max_error(solve_parabolic_1d(comm, 256, heat, source, exact, 1.0, 20), 256, at_T);
  const double p2 = max_error(solve_parabolic_1d(comm, 256, heat, source, exact, 1.0, 40), 256, at_T);
  BOOST_TEST_MESSAGE("1D parabolic: max error " << p1 << " -> " << p2 << ", rate in dt " << std::log2(p1 / p2));
  BOOST_TEST(std::log2(p1 / p2) > 0.9);

  // Homogenization in 1D: -(a(x/eps) u')' = 1 with a(y) = 0.5 sin(2 pi y) + 2 (resolved,
  // h = eps / 32) approaches the solution with a* = harmonic mean = sqrt(3.75) as eps -> 0.
  Fem1dCoefficients homogenized;
  const double a_star = harmonic_mean_1d([](double y) { return 0.5 * std::sin(2 * kPi * y) + 2.0; }, 4096);
  BOOST_TEST(a_star == std::sqrt(3.75), tt::tolerance(1e-10));
  homogenized.diffusion = [=](double) { return a_star; };
  std::vector<double> errors;
  for (int inv_eps : {8, 16, 32}) {
    Fem1dCoefficients fine;
    const double eps = 1.0 / inv_eps;
    fine.diffusion = [=](double x) { return 0.5 * std::sin(2 * kPi * x / eps) + 2.0; };
    const int n = 32 * inv_eps;
    const auto u_eps = solve_elliptic_1d(comm, n, fine, [](double) { return 1.0; });
    const auto u_0 = solve_elliptic_1d(comm, n, homogenized, [](double) { return 1.0; });
    double e = 0, scale = 0;
    for (size_t k = 0; k < u_eps.size(); ++k) {
      e = std::max(e, std::abs(u_eps[k] - u_0[k]));
      scale = std::max(scale, std::abs(u_0[k]));
    }
    errors.push_back(e / scale);
    BOOST_TEST_MESSAGE("eps = 1/" << inv_eps << ": max |u_eps - u_0| / max |u_0| = " << e / scale);
  }
  BOOST_TEST(errors[1] < 0.6 * errors[0]);  // O(eps)
  BOOST_TEST(errors[2] < 0.6 * errors[1]);
  BOOST_CHECK_THROW(solve_elliptic_1d(comm, 8, Fem1dCoefficients{0, 1, [](double) { return -1.0; }, nullptr},
                                      [](double) { return 1.0; }),
                    Error);
}
