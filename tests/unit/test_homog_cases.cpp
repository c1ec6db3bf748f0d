// The FEM references of the NH-PINN cases (homog/homog_cases.hpp): the periodic 1D cell
// problem of the diffusion-reaction case against N = -cos(y)/D and r* = -1/4, a*(x) of the
// slowly varying case against sqrt((2 + sin x)^2 - 1/4), and e_4 (homogenized vs fine)
// shrinking with eps as homogenization theory says; bad input.
#define BOOST_TEST_MODULE homog_cases
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>

#include "neurhom/core/error.hpp"
#include "neurhom/homog/homog_cases.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

BOOST_AUTO_TEST_CASE(periodic_cell_problem_of_the_reaction_case) {
  // both readings of r: cos y on (0, 2 pi) (N = -cos(y)/D, r* = -1/4) and cos(2 pi y) on (0, 1)
  // (N = -cos(2 pi y)/(4 pi^2 D), r* = -1/(16 pi^2))
  for (const std::string reading : {"2pi", "1"}) {
    HomogenizationCaseOptions options;
    options.reaction_cell = reading;
    const HomogenizationCase c = make_homogenization_case("reaction1d", options);
    const double size = std::abs(c.exact_cell(0));  // max |N|
    BOOST_TEST(c.exact_r_star == (reading == "1" ? -1.0 / (16 * M_PI * M_PI) : -0.25), boost::test_tools::tolerance(1e-12));
    for (int n : {32, 64}) {
      const auto N = solve_periodic_cell_1d(c.diffusion, [&](double y) { return -c.r(y); }, c.cell_period, n);
      double err = 0, r_star = 0;
      for (int k = 0; k < n; ++k) {
        const double y = k * c.cell_period / n;
        err = std::max(err, std::abs(N[static_cast<size_t>(k)] - c.exact_cell(y)));
        r_star += c.r(y) * N[static_cast<size_t>(k)] / n;
      }
      BOOST_TEST_MESSAGE(reading << ", n = " << n << ": max |N_h - N| / max |N| = " << err / size << ", r* = " << r_star);
      BOOST_TEST(err < 4e-3 * size);
      BOOST_TEST(std::abs(r_star - c.exact_r_star) < 8e-3 * std::abs(c.exact_r_star));
    }
  }
  HomogenizationCaseOptions bad;
  bad.reaction_cell = "pi";
  BOOST_CHECK_THROW(make_homogenization_case("reaction1d", bad), Error);
  bad = {};
  bad.final_time = 0;
  BOOST_CHECK_THROW(make_homogenization_case("reaction1d", bad), Error);
  bad = {};
  bad.initial_wavenumber = 0;
  BOOST_CHECK_THROW(make_homogenization_case("reaction1d", bad), Error);
}

BOOST_AUTO_TEST_CASE(the_unit_cell_reading_is_at_the_papers_e4_for_eps_one_tenth) {
  // r = cos(2 pi y) on (0, 1): e4 = 0.0009 at eps = 1/10 (paper 0.0013); r = cos y on (0, 2 pi):
  // 0.167 (the first-order corrector alone is eps / (D sqrt 2) ~ 0.035 relative there)
  HomogCaseSettings s;
  s.fine_per_period = 16;
  HomogenizationCaseOptions unit;
  unit.reaction_cell = "1";
  const double e4_unit = run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("reaction1d", unit), s, "").e4;
  const double e4_2pi = run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("reaction1d"), s, "").e4;
  BOOST_TEST_MESSAGE("reaction1d eps = 1/10: e4 = " << e4_unit << " (cell (0, 1)), " << e4_2pi << " (cell (0, 2 pi))");
  BOOST_TEST(e4_unit < 2e-3);
  BOOST_TEST(e4_2pi > 0.1);
}

BOOST_AUTO_TEST_CASE(slowly_varying_a_star_and_e4) {
  HomogCaseSettings s;
  s.fine_per_period = 16;
  const HomogCaseResult r = run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("slow1d"), s, "");
  BOOST_TEST(r.a_star_error < 1e-10);  // the harmonic mean of a trigonometric a is exact
  BOOST_TEST_MESSAGE("slow1d e4 = " << r.e4);
  BOOST_TEST(r.e4 < 0.01);
}

BOOST_AUTO_TEST_CASE(homogenization_error_shrinks_with_eps) {
  HomogCaseSettings s;
  s.fine_per_period = 16;
  s.steps = 100;
  const double coarse = run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("reaction1d", 0.05), s, "").e4;
  const double fine = run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("reaction1d", 0.02), s, "").e4;
  BOOST_TEST_MESSAGE("reaction1d e4: eps 0.05 " << coarse << ", eps 0.02 " << fine);
  BOOST_TEST(fine < 0.6 * coarse);
  s.cell_n = 32;
  const HomogCaseResult e = run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("elliptic2d", 0.25), s, "");
  BOOST_TEST(std::abs(e.a_star[1] - e.a_star[2]) < 1e-10);
  BOOST_TEST(std::abs(e.a_star[0] - e.a_star[3]) < 1e-8);  // the coefficient is symmetric in y1 <-> y2 up to a shift
  BOOST_TEST(e.e4 < 0.05);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  BOOST_CHECK_THROW(make_homogenization_case("heat"), Error);
  BOOST_CHECK_THROW(make_homogenization_case("slow1d", 2.0), Error);
  HomogCaseSettings s;
  s.fine_per_period = 2;
  BOOST_CHECK_THROW(run_homog_case(PETSC_COMM_WORLD, make_homogenization_case("slow1d"), s, ""), Error);
}
