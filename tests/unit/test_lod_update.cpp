// Selective corrector updates along a time-dependent coefficient (lod/corrector_indicator,
// PgLod::update): the indicator e_T is zero for an unchanged coefficient, grows with the change,
// and bounds the true corrector change with constant 1 (corrector_indicator.hpp); tol = 0 is
// full recomputation and tol = infinity keeps the correctors of t = 0, both to round-off.
#define BOOST_TEST_MODULE lod_update
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/coef/coefficient_paths.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/lod/corrector_indicator.hpp"
#include "neurhom/lod/lod_study.hpp"
#include "neurhom/patch/patch_operators.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

const CoarseMesh kMesh(4, 32);  // H = 1/4, h = 1/32

std::vector<double> random_cells(const Patch& p, std::uint64_t seed, double lo = 1.0, double hi = 10.0) {
  std::vector<double> a(static_cast<size_t>(p.fine_nx() * p.fine_ny()));
  for (size_t k = 0; k < a.size(); ++k) a[k] = lo + (hi - lo) * counter_uniform(seed, 3, k);
  return a;
}

// a (1 + delta g) with g in [0, 1] random on the fine cells of the coarse cell (ci, cj) of the
// patch (patch-local coarse indices), a elsewhere
std::vector<double> perturbed(const Patch& p, const std::vector<double>& a, double delta, int ci, int cj) {
  std::vector<double> b = a;
  for (int y = 0; y < p.fine_ny(); ++y)
    for (int x = 0; x < p.fine_nx(); ++x)
      if (x / p.ratio == ci && y / p.ratio == cj) {
        const auto k = static_cast<size_t>(y * p.fine_nx() + x);
        b[k] = a[k] * (1 + delta * counter_uniform(99, 5, k));
      }
  return b;
}

struct Correctors {
  std::vector<std::vector<double>> q;
};

Correctors correctors(const Patch& p, const std::vector<double>& cells) {
  PatchCorrector corrector(kMesh);
  return {corrector.compute(p, cells, false, true).correctors};
}

}  // namespace

BOOST_AUTO_TEST_CASE(generalized_eigenvalue_of_small_pencils) {
  DenseMatrix a(3, 3);
  const double v[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2};
  for (int k = 0; k < 9; ++k) a.data[static_cast<size_t>(k)] = v[k];
  const auto ev = symmetric_eigenvalues(a);  // 3, 3 +- sqrt(3)
  BOOST_TEST(std::abs(ev[0] - (3 - std::sqrt(3.0))) < 1e-12);
  BOOST_TEST(std::abs(ev[1] - 3) < 1e-12);
  BOOST_TEST(std::abs(ev[2] - (3 + std::sqrt(3.0))) < 1e-12);
  DenseMatrix b(3, 3);  // B = diag(1, 2, 4): max of a_ii / b_ii for diagonal E
  b(0, 0) = 1;
  b(1, 1) = 2;
  b(2, 2) = 4;
  DenseMatrix e(3, 3);
  e(0, 0) = 1;
  e(1, 1) = 6;
  e(2, 2) = 8;
  BOOST_TEST(std::abs(largest_generalized_eigenvalue(e, b) - 3) < 1e-12);
  BOOST_TEST(std::abs(largest_generalized_eigenvalue(a, b) - symmetric_eigenvalues(a).back()) > 1e-3);
}

BOOST_AUTO_TEST_CASE(indicator_is_zero_for_an_unchanged_coefficient) {
  for (int I : {0, 1}) {  // a corner patch (clipped) and an interior one
    const Patch p = make_patch(kMesh, I, I, 1);
    const auto a = random_cells(p, 7);
    BOOST_TEST(corrector_error_indicator(p, correctors(p, a).q, a, a) == 0.0);
  }
}

BOOST_AUTO_TEST_CASE(indicator_grows_with_the_change_and_is_linear_for_small_changes) {
  const Patch p = make_patch(kMesh, 1, 2, 1);
  const auto a = random_cells(p, 8);
  const auto q = correctors(p, a).q;
  std::vector<double> e;
  for (double delta : {1e-3, 1e-2, 1e-1, 1.0}) e.push_back(corrector_error_indicator(p, q, a, perturbed(p, a, delta, 0, 1)));
  BOOST_TEST_MESSAGE("e_T for delta = 1e-3, 1e-2, 1e-1, 1: " << e[0] << " " << e[1] << " " << e[2] << " " << e[3]);
  for (size_t k = 1; k < e.size(); ++k) BOOST_TEST(e[k] > e[k - 1]);
  BOOST_TEST(std::abs(e[1] / e[0] - 10) < 0.2);  // e_T = O(delta) as delta -> 0
  // a change inside T weighs more than the same change in a neighbour cell of the patch
  const double inside = corrector_error_indicator(p, q, a, perturbed(p, a, 0.1, 1, 1));
  BOOST_TEST(inside > e[2]);
}

BOOST_AUTO_TEST_CASE(indicator_bounds_the_true_corrector_change_with_constant_one) {
  double sharpest = 0;
  for (int I : {0, 1, 2}) {
    const Patch p = make_patch(kMesh, I, 1, 2);  // edge and interior patches
    const auto a = random_cells(p, 10 + static_cast<std::uint64_t>(I));
    const auto q = correctors(p, a).q;
    for (double delta : {0.05, 0.5, 5.0})
      for (int cell = 0; cell < 3; ++cell) {
        const auto b = perturbed(p, a, delta, std::min(cell, p.cells_x - 1), 1);
        const double e = corrector_error_indicator(p, q, a, b);
        const double change = corrector_change(p, q, correctors(p, b).q, b);
        BOOST_TEST(change <= e * (1 + 1e-9));
        sharpest = std::max(sharpest, change / e);
      }
    // a change everywhere (another random field)
    const auto b = random_cells(p, 50 + static_cast<std::uint64_t>(I));
    const double e = corrector_error_indicator(p, q, a, b), change = corrector_change(p, q, correctors(p, b).q, b);
    BOOST_TEST(change <= e * (1 + 1e-9));
    sharpest = std::max(sharpest, change / e);
  }
  BOOST_TEST_MESSAGE("largest true change / e_T: " << sharpest);
  BOOST_TEST(sharpest > 0.1);  // the bound is not vacuous
}

namespace {

struct PathRun {
  std::vector<double> U;
  std::vector<UpdateStep> steps;
};

PathRun run(const CoefficientPath& path, const std::string& policy, double tol) {
  LodSettings s;
  s.ell = 2;
  s.with_mass = true;
  s.keep_correctors = true;
  PgLod lod(PETSC_COMM_WORLD, CoarseMesh(8, 64), s);
  const auto f = make_source("one", 1);
  CorrectorUpdate update;
  update.policy = policy;
  update.tol = tol;
  PathRun r;
  OwnedVec U = lod.solve_parabolic(path, *f, 0.2, 4, update, &r.steps);
  r.U = gather_to_all(U);
  return r;
}

double distance(const std::vector<double>& a, const std::vector<double>& b) { return relative_l2_discrete(a, b); }

}  // namespace

BOOST_AUTO_TEST_CASE(selective_update_interpolates_between_recomputing_all_and_none) {
  const CoefficientPath path = moving_inclusion_path(0.2);
  const PathRun all = run(path, "all", 0), zero = run(path, "indicator", 0), inf = run(path, "indicator", 1e300),
                never = run(path, "never", 0), mid = run(path, "indicator", 0.1);
  // tol = 0 recomputes every corrector whose patch saw a change; the others are unchanged
  BOOST_TEST(distance(zero.U, all.U) < 1e-12);
  BOOST_TEST(distance(inf.U, never.U) < 1e-14);
  const double frozen = distance(never.U, all.U), selective = distance(mid.U, all.U);
  double fraction_zero = 0, fraction_mid = 0;
  for (size_t m = 0; m < all.steps.size(); ++m) {
    fraction_zero += zero.steps[m].recomputed_fraction / 4;
    fraction_mid += mid.steps[m].recomputed_fraction / 4;
    BOOST_TEST(all.steps[m].recomputed_fraction == 1.0);
    BOOST_TEST(never.steps[m].recomputed_fraction == 0.0);
    BOOST_TEST(mid.steps[m].indicator_max > 0);
  }
  BOOST_TEST_MESSAGE("moving inclusion, H = 1/8: frozen " << frozen << ", tol 0.1 " << selective << " ("
                                                          << fraction_mid << " recomputed), tol 0: " << fraction_zero);
  BOOST_TEST(fraction_zero < 1.0);  // a local change: patches far from the inclusion are kept
  BOOST_TEST(fraction_mid < fraction_zero);
  BOOST_TEST(frozen > 1e-3);
  BOOST_TEST(selective < 0.2 * frozen);
}

BOOST_AUTO_TEST_CASE(selective_update_rejects_bad_settings) {
  const CoefficientPath path = moving_inclusion_path(0.2);
  BOOST_CHECK_THROW(run(path, "sometimes", 0.1), Error);
  BOOST_CHECK_THROW(run(path, "indicator", -1), Error);
}

BOOST_AUTO_TEST_CASE(selective_update_keeps_the_error_against_the_fine_solution) {
  // the goal of issue 31 on a small case: within 10 % of full recomputation's error vs the fine FEM
  const CoefficientPath path = moving_inclusion_path(0.2);
  const StructuredGrid grid(PETSC_COMM_WORLD, 64);
  const auto f = make_source("one", 1);
  LodProblem problem;
  problem.parabolic = true;
  problem.path = &path;
  problem.final_time = 0.2;
  problem.steps = 4;
  LodSettings s;
  s.ell = 2;
  const auto start = path.at(0.0);
  const LodComparison all = compare_lod_with_fine(grid, CoarseMesh(8, 64), *start, *f, s, problem);
  problem.update.policy = "indicator";
  problem.update.tol = 0.1;
  const LodComparison selective = compare_lod_with_fine(grid, CoarseMesh(8, 64), *start, *f, s, problem);
  problem.update.policy = "never";
  const LodComparison never = compare_lod_with_fine(grid, CoarseMesh(8, 64), *start, *f, s, problem);
  BOOST_TEST_MESSAGE("L2 error vs fine: all " << all.l2_error_vs_fine << ", indicator 0.1 " << selective.l2_error_vs_fine
                                              << ", never " << never.l2_error_vs_fine);
  BOOST_TEST(selective.l2_error_vs_fine < 1.1 * all.l2_error_vs_fine);
  BOOST_TEST(never.l2_error_vs_fine > 1.1 * all.l2_error_vs_fine);
  BOOST_TEST(selective.steps.size() == 4u);
  BOOST_TEST(selective.initial_corrector_seconds > 0);
}
