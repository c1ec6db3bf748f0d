// coef/: the coefficient families and sources are deterministic, in their stated ranges,
// have the structure the papers define, and reject bad input with clear errors.
#define BOOST_TEST_MODULE coefficients
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {
std::unique_ptr<CellField> family(const std::string& name, std::uint64_t seed = 5, int level = 3) {
  CoefficientOptions o;
  o.family = name;
  o.seed = seed;
  o.level = level;
  return make_coefficient(o, PETSC_COMM_WORLD);
}
}  // namespace

BOOST_AUTO_TEST_CASE(counter_rng_is_deterministic_and_uniform) {
  BOOST_TEST(counter_uniform(1, 2, 3) == counter_uniform(1, 2, 3));
  BOOST_TEST(counter_uniform(1, 2, 3) != counter_uniform(1, 2, 4));
  BOOST_TEST(counter_uniform(1, 2, 3) != counter_uniform(2, 2, 3));
  double mean = 0;
  const int count = 100000;
  for (int k = 0; k < count; ++k) {
    const double u = counter_uniform(9, 0, static_cast<std::uint64_t>(k));
    BOOST_TEST_REQUIRE((u >= 0.0 && u < 1.0));
    mean += u / count;
  }
  BOOST_TEST(std::abs(mean - 0.5) < 0.005);  // 5 sigma of the mean is 0.0046
}

BOOST_AUTO_TEST_CASE(levels_are_constant_on_level_cells) {
  // Level 3 on a 64 x 64 mesh: blocks of 8 x 8 fine cells share one U[1,5] value.
  const auto a = family("levels", 5, 3);
  const long n = 64;
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) {
      const double v = a->value(i, j, n);
      BOOST_TEST_REQUIRE((v >= 1.0 && v <= 5.0));
      BOOST_TEST_REQUIRE(v == a->value((i / 8) * 8, (j / 8) * 8, n));
    }
  BOOST_TEST(a->value(0, 0, n) != a->value(8, 0, n));
  // Evaluation on a finer mesh gives the same field (the level mesh is resolution free).
  BOOST_TEST(a->value(3, 5, 64) == a->value(6, 10, 128));
}

BOOST_AUTO_TEST_CASE(ms_is_mean_of_levels_in_range) {
  const auto a = family("ms", 5);
  double lo = 1e9, hi = -1e9;
  for (long j = 0; j < 256; j += 3)
    for (long i = 0; i < 256; i += 3) {
      lo = std::min(lo, a->value(i, j, 256));
      hi = std::max(hi, a->value(i, j, 256));
    }
  BOOST_TEST(lo >= 1.0);
  BOOST_TEST(hi <= 5.0);
  BOOST_TEST(hi - lo > 0.5);  // varies
  BOOST_TEST(hi - lo < 4.0);  // averaging of 9 levels concentrates values around 3
}

BOOST_AUTO_TEST_CASE(box_levels_and_ms_equal_the_square_families_and_are_3d_level_fields) {
  // The box families levels/ms (coef/box_field.hpp) are the unit-square fields on a 2D square
  // value for value, and in 3D piecewise constant on the 2^K cells per direction of level K.
  for (const std::string name : {"levels", "ms"}) {
    CoefficientOptions o;
    o.family = name;
    o.seed = 11;
    o.level = 2;
    const auto square = make_coefficient(o, PETSC_COMM_WORLD);
    const auto box = make_box_coefficient(o, 2, PETSC_COMM_WORLD);
    const long n = 32;
    for (long j = 0; j < n; ++j)
      for (long i = 0; i < n; ++i) BOOST_TEST_REQUIRE(box->value({i, j, 0}, {n, n, 1}) == square->value(i, j, n));
  }
  CoefficientOptions o;
  o.family = "levels";
  o.seed = 3;
  o.level = 2;
  const auto a = make_box_coefficient(o, 3, PETSC_COMM_WORLD);
  const CellIndex3 n = {16, 8, 12};  // 4 x 2 x 3 fine cells per level cell
  double lo = 1e9, hi = -1e9;
  for (long k = 0; k < n[2]; ++k)
    for (long j = 0; j < n[1]; ++j)
      for (long i = 0; i < n[0]; ++i) {
        const double v = a->value({i, j, k}, n);
        BOOST_TEST_REQUIRE(v == a->value({(i / 4) * 4, (j / 2) * 2, (k / 3) * 3}, n));
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  BOOST_TEST(lo >= 1.0);
  BOOST_TEST(hi <= 5.0);
  BOOST_TEST(a->value({0, 0, 0}, n) != a->value({0, 0, 3}, n));  // z matters
  o.alpha = 0;
  BOOST_CHECK_THROW(make_box_coefficient(o, 3, PETSC_COMM_WORLD), Error);
}

BOOST_AUTO_TEST_CASE(cracks_and_channels_have_their_two_phases) {
  const auto cracks = family("cracks", 2);
  int in_cracks = 0, background = 0;
  for (long j = 0; j < 128; ++j)
    for (long i = 0; i < 128; ++i) {
      const double v = cracks->value(i, j, 128);
      if (v >= 4.0 && v <= 5.0) ++in_cracks;
      else if (v >= 1.0 && v <= 2.0) ++background;
    }
  BOOST_TEST(in_cracks + background == 128 * 128);
  BOOST_TEST(in_cracks > 100);
  BOOST_TEST(background > in_cracks);

  const auto channels = family("channels");
  double hi = 0, lo = 1e30;
  for (long j = 0; j < 100; ++j)
    for (long i = 0; i < 100; ++i) {
      hi = std::max(hi, channels->value(i, j, 100));
      lo = std::min(lo, channels->value(i, j, 100));
    }
  BOOST_TEST(hi == 1e4);
  BOOST_TEST(lo == 1.0);
}

BOOST_AUTO_TEST_CASE(analytic_families) {
  BOOST_TEST(family("smooth")->value(0, 0, 2) == 2.0 + 1.0, boost::test_tools::tolerance(1e-14));  // (1/4,1/4)
  const auto p = family("periodic");
  for (long i = 0; i < 64; ++i) BOOST_TEST((p->value(i, 3, 64) >= 1.0 && p->value(i, 3, 64) <= 3.0));
}

BOOST_AUTO_TEST_CASE(unknown_and_invalid_families_are_errors) {
  BOOST_CHECK_THROW(family("marble"), Error);
  CoefficientOptions o;
  o.family = "constant";
  o.value = -1;
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  o.family = "levels";
  o.alpha = 0;
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  o.family = "hdf5:nonexistent.h5:/a";
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  o.family = "hdf5:only-a-file";
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  BOOST_CHECK_THROW(make_source("nothing", 1), Error);
}

BOOST_AUTO_TEST_CASE(hdf5_field_is_prolonged_and_validated) {
  const std::string path = "coef_field.h5";
  {
    Hdf5File f(path, Hdf5File::Mode::Create, PETSC_COMM_WORLD);
    const std::vector<double> good = {1, 2, 3, 4};  // 2 x 2 cells, [y][x]
    const std::vector<double> bad = {1, 0, 3, 4};
    f.write_replicated("/a", {2, 2}, good.data());
    f.write_replicated("/bad", {2, 2}, bad.data());
    f.write_replicated("/line", {4}, good.data());
  }
  CoefficientOptions o;
  o.family = "hdf5:" + path + ":/a";
  const auto a = make_coefficient(o, PETSC_COMM_WORLD);
  BOOST_TEST(a->value(0, 0, 4) == 1.0);
  BOOST_TEST(a->value(3, 0, 4) == 2.0);  // x fastest
  BOOST_TEST(a->value(0, 3, 4) == 3.0);
  BOOST_CHECK_NO_THROW(a->check_mesh(8));
  BOOST_CHECK_THROW(a->check_mesh(5), Error);
  o.family = "hdf5:" + path + ":/bad";
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  o.family = "hdf5:" + path + ":/line";
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  o.family = "hdf5:" + path + ":/missing";
  BOOST_CHECK_THROW(make_coefficient(o, PETSC_COMM_WORLD), Error);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(paper_cem_source) {
  // Chung, Leung, Pun, Zhang 2020, eq. (5): zero outside the five boxes; in box 3,
  // f = 6 cos(t) + xi_3 with xi_3 in (-0.5, 0.5); xi depends on the seed only.
  const auto f = make_source("paper-cem", 4);
  BOOST_TEST(f->value(0.5, 0.5, 1.0) == 0.0);
  const double v = f->value(0.25, 0.2, 0.0);
  BOOST_TEST((v > 5.5 && v < 6.5));
  BOOST_TEST(make_source("paper-cem", 4)->value(0.25, 0.2, 0.0) == v);
  BOOST_TEST(make_source("paper-cem", 5)->value(0.25, 0.2, 0.0) != v);
  BOOST_TEST(make_source("x1-step", 1)->value(0.4, 0.1, 0) == 0.0);
  BOOST_TEST(make_source("x1-step", 1)->value(0.6, 0.1, 0) == 0.6);
}
