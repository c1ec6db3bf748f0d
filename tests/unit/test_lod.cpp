// PG-LOD (lod/): quasi-interpolation, correctors, convergence against the fine FEM solution.
// Sizes are small (fine mesh 64) so the suite runs in seconds; the coefficients vary on
// every fine cell (levels k = 8 sampled at fine-cell centres), i.e. eps = h.
#define BOOST_TEST_MODULE lod
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/coef/random.hpp"
#include "neurhom/lod/lod_study.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/patch/patch_operators.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

std::unique_ptr<CellField> coefficient(const std::string& family, double beta = 5.0) {
  CoefficientOptions o;
  o.family = family;
  o.level = 8;
  o.beta = beta;
  o.seed = 21;
  return make_coefficient(o, PETSC_COMM_WORLD);
}

LodComparison compare(const CellField& a, int coarse_n, int ell, int fine_n = 64, LodProblem problem = LodProblem()) {
  const StructuredGrid grid(PETSC_COMM_WORLD, fine_n);
  LodSettings s;
  s.ell = ell;
  const auto f = make_source("one", 1);
  return compare_lod_with_fine(grid, CoarseMesh(coarse_n, fine_n), a, *f, s, problem);
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(quasi_interpolation_is_a_projection_reproducing_coarse_q1) {
  const CoarseMesh mesh(4, 16);
  const QuasiInterpolation qi(mesh);
  const Patch whole = make_patch(mesh, 0, 0, mesh.cells);  // the whole domain
  BOOST_REQUIRE(whole.cells_x == 4 && whole.cells_y == 4);
  std::vector<double> v(static_cast<size_t>(whole.fine_nodes()));
  for (size_t k = 0; k < v.size(); ++k) v[k] = counter_uniform(1, 0, k) - 0.5;
  const std::vector<double> c = qi.apply(whole, v);
  // w = sum_i c_i lambda_i is in V_H; I_H w must return c (I_H I_H = I_H).
  std::vector<double> w(v.size(), 0.0);
  for (int i = 0; i < whole.coarse_nodes(); ++i) {
    const auto lambda = coarse_basis(whole, i);
    for (size_t k = 0; k < w.size(); ++k) w[k] += c[static_cast<size_t>(i)] * lambda[k];
  }
  const std::vector<double> cc = qi.apply(whole, w);
  for (size_t i = 0; i < c.size(); ++i) BOOST_TEST(std::abs(cc[i] - c[i]) < 1e-13);
  // Boundary coarse nodes get 0; interior ones are generally nonzero for random v.
  BOOST_TEST(c[0] == 0.0);
  BOOST_TEST(std::abs(c[static_cast<size_t>(whole.coarse_node(2, 2))]) > 0.0);
  // The local L2 projection reproduces Q1 on a cell: P_K Phi = I.
  const DenseMatrix& P = qi.local_projection();
  const int r = mesh.ratio;
  for (int k = 0; k < 4; ++k)
    for (int l = 0; l < 4; ++l) {
      double s = 0;
      for (int y = 0; y <= r; ++y)
        for (int x = 0; x <= r; ++x) {
          const double sx = double(x) / r, ty = double(y) / r;
          const double phi[4] = {(1 - sx) * (1 - ty), sx * (1 - ty), (1 - sx) * ty, sx * ty};
          s += P(k, y * (r + 1) + x) * phi[l];
        }
      BOOST_TEST(std::abs(s - (k == l ? 1.0 : 0.0)) < 1e-13);
    }
}

BOOST_AUTO_TEST_CASE(correctors_lie_in_the_kernel_of_quasi_interpolation) {
  const CoarseMesh mesh(8, 64);
  const QuasiInterpolation qi(mesh);
  PatchCorrector corrector(mesh);
  const auto a = coefficient("ms");
  for (const auto& cell : {std::pair<int, int>{0, 0}, {3, 0}, {4, 4}, {7, 6}}) {  // corner, edge, interior
    const Patch patch = make_patch(mesh, cell.first, cell.second, 2);
    const PatchMatrices m = corrector.compute(patch, patch_cell_values(patch, *a, 64), false, true);
    for (const auto& q : m.correctors) {
      BOOST_TEST(max_abs(q) > 1e-3);                            // a genuine correction
      BOOST_TEST(max_abs(qi.apply(patch, q)) < 1e-12 * max_abs(q));  // I_H q = 0
    }
  }
}

BOOST_AUTO_TEST_CASE(constant_coefficient_converges_like_coarse_fem) {
  // With this L2-projection-based I_H the correctors of a constant coefficient do NOT vanish
  // in 2D (the a-orthogonal complement of ker I_H is not V_H), but PG-LOD converges at the
  // Q1 rate O(H^2) in L2 to the fine solution, as coarse FEM does.
  const auto a = make_function_field([](double, double) { return 1.0; }, "one");
  const double e4 = compare(*a, 4, 2).l2_error_vs_fine, e8 = compare(*a, 8, 2).l2_error_vs_fine,
               e16 = compare(*a, 16, 2).l2_error_vs_fine;
  BOOST_TEST_MESSAGE("constant: L2 errors " << e4 << " " << e8 << " " << e16);
  BOOST_TEST(std::log2(e4 / e8) > 1.8);
  BOOST_TEST(std::log2(e8 / e16) > 1.8);
}

BOOST_AUTO_TEST_CASE(error_decreases_with_H_and_ell) {
  for (const std::string family : {"levels", "ms"}) {
    const auto a = coefficient(family);
    const LodComparison h4 = compare(*a, 4, 2), h8 = compare(*a, 8, 2), h16 = compare(*a, 16, 2);
    BOOST_TEST_MESSAGE(family << " vs H: L2 " << h4.l2_error_vs_fine << " " << h8.l2_error_vs_fine << " "
                              << h16.l2_error_vs_fine << "; energy " << h4.energy_error_vs_fine << " "
                              << h8.energy_error_vs_fine << " " << h16.energy_error_vs_fine);
    // Theory: O(H) in L2 for f in L2 once ell ~ |log H|; asserted as a clear decrease.
    BOOST_TEST(h8.l2_error_vs_fine < 0.6 * h4.l2_error_vs_fine);
    BOOST_TEST(h16.l2_error_vs_fine < 0.6 * h8.l2_error_vs_fine);
    BOOST_TEST(h16.energy_error_vs_fine < h8.energy_error_vs_fine);
    // ell at fixed H = 1/16: exponential decay until the discretization error dominates.
    const LodComparison l1 = compare(*a, 16, 1), l3 = compare(*a, 16, 3);
    BOOST_TEST_MESSAGE(family << " vs ell: energy " << l1.energy_error_vs_fine << " " << h16.energy_error_vs_fine
                              << " " << l3.energy_error_vs_fine);
    BOOST_TEST(h16.energy_error_vs_fine < 0.8 * l1.energy_error_vs_fine);
    BOOST_TEST(l3.energy_error_vs_fine <= 1.01 * h16.energy_error_vs_fine);
  }
}

BOOST_AUTO_TEST_CASE(robust_to_contrast) {
  // alpha = 1, beta = 100 against beta = 5: the LOD error degrades by less than a factor 3.
  const double low = compare(*coefficient("levels", 5.0), 8, 2).l2_error_vs_fine;
  const double high = compare(*coefficient("levels", 100.0), 8, 2).l2_error_vs_fine;
  BOOST_TEST_MESSAGE("contrast 5: " << low << ", contrast 100: " << high);
  BOOST_TEST(high < 3.0 * low);
}

BOOST_AUTO_TEST_CASE(parabolic_lod_approaches_fine_solution) {
  LodProblem problem;
  problem.parabolic = true;
  problem.final_time = 0.1;
  problem.steps = 5;
  const auto a = coefficient("ms");
  const double e4 = compare(*a, 4, 2, 64, problem).l2_error_vs_fine;
  const double e8 = compare(*a, 8, 2, 64, problem).l2_error_vs_fine;
  const double e16 = compare(*a, 16, 2, 64, problem).l2_error_vs_fine;
  BOOST_TEST_MESSAGE("parabolic: L2 errors " << e4 << " " << e8 << " " << e16);
  BOOST_TEST(e8 < 0.6 * e4);
  BOOST_TEST(e16 < 0.6 * e8);
  BOOST_TEST(e16 < 0.02);
}

BOOST_AUTO_TEST_CASE(parabolic_lod_with_a_coefficient_changing_every_step) {
  // a(t) moves from one ms sample to another over (0, T]; patches are recomputed per step.
  std::shared_ptr<const CellField> a0 = coefficient("ms");
  CoefficientOptions o;
  o.family = "ms";
  o.seed = 22;
  std::shared_ptr<const CellField> a1 = make_coefficient(o, PETSC_COMM_WORLD);
  const CoefficientPath moving(a0, a1, 0.1), frozen(a0, a0, 0.1);
  BOOST_TEST(std::abs(moving.at(0.05)->value(3, 5, 64) - 0.5 * (a0->value(3, 5, 64) + a1->value(3, 5, 64))) < 1e-15);
  LodProblem problem;
  problem.parabolic = true;
  problem.final_time = 0.1;
  problem.steps = 5;
  const double e_static = compare(*a0, 8, 2, 64, problem).l2_error_vs_fine;
  problem.path = &frozen;  // a path that does not move reproduces the static solve
  const double e_frozen = compare(*a0, 8, 2, 64, problem).l2_error_vs_fine;
  BOOST_TEST(std::abs(e_frozen - e_static) < 1e-10 * e_static);
  problem.path = &moving;
  const double e4 = compare(*a0, 4, 2, 64, problem).l2_error_vs_fine;
  const double e8 = compare(*a0, 8, 2, 64, problem).l2_error_vs_fine;
  const double e16 = compare(*a0, 16, 2, 64, problem).l2_error_vs_fine;
  BOOST_TEST_MESSAGE("time-dependent coefficient: L2 errors " << e4 << " " << e8 << " " << e16);
  BOOST_TEST(e8 < 0.6 * e4);
  BOOST_TEST(e16 < 0.6 * e8);
  BOOST_TEST(e16 < 0.02);
}

BOOST_AUTO_TEST_CASE(extended_patch_extraction_matches_figure_3_1) {
  // ell = 1 around the corner cell T = (0, 0) (Fig. 3.1): 3 x 3 coarse cells of r x r fine
  // cells; the first coarse row and column lie outside D and hold 0, the rest is A.
  const CoarseMesh mesh(4, 16);
  const auto a = coefficient("ms");
  const int r = mesh.ratio, side = 3 * r;
  BOOST_TEST(extended_patch_cells(mesh, 1) == side * side);
  BOOST_TEST(extended_patch_cells(CoarseMesh(32, 256), 2) == 1600);  // the paper's setting
  BOOST_TEST(extended_patch_nodes(2) == 36);
  const auto corner = extract_patch_coefficient(*a, mesh, 0, 0, 1);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const double v = corner[static_cast<size_t>(y * side + x)];
      if (x < r || y < r) BOOST_TEST_REQUIRE(v == 0.0);
      else BOOST_TEST_REQUIRE(v == a->value(x - r, y - r, 16));
    }
  const auto edge = extract_patch_coefficient(*a, mesh, 3, 1, 1);  // right edge: last coarse column outside
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const double v = edge[static_cast<size_t>(y * side + x)];
      BOOST_TEST_REQUIRE((x >= 2 * r ? v == 0.0 : v == a->value(2 * r + x, y, 16)));
    }
  const auto inner = extract_patch_coefficient(*a, mesh, 2, 2, 1);
  for (double v : inner) BOOST_TEST_REQUIRE(v > 0.0);
}

BOOST_AUTO_TEST_CASE(extended_local_matrices_assemble_to_the_same_S_A) {
  const CoarseMesh mesh(6, 24);
  const int ell = 2;
  LodSettings s;
  s.ell = ell;
  PgLod lod(PETSC_COMM_SELF, mesh, s);
  lod.compute(*coefficient("ms"));
  OwnedMat direct = lod.stiffness();
  OwnedMat extended = create_coarse_matrix(PETSC_COMM_SELF, mesh, ell);
  for (const auto& p : lod.local_patches()) {
    const std::vector<double> ext = extend_local_matrix(p, ell);
    BOOST_REQUIRE(ext.size() == static_cast<size_t>(extended_patch_nodes(ell) * 4));
    // Rows of nodes outside D are zero.
    const int side = 2 * ell + 2;
    for (int b = 0; b < side; ++b)
      for (int a = 0; a < side; ++a) {
        const int gi = p.patch.T_I - ell + a, gj = p.patch.T_J - ell + b;
        if (gi < 0 || gj < 0 || gi > mesh.cells || gj > mesh.cells)
          for (int j = 0; j < 4; ++j) BOOST_TEST_REQUIRE(ext[static_cast<size_t>((b * side + a) * 4 + j)] == 0.0);
      }
    add_extended_matrix(extended, mesh, p.patch.T_I, p.patch.T_J, ell, ext);
  }
  NH_PETSC(MatAssemblyBegin(extended, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(extended, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAXPY(extended, -1.0, direct, DIFFERENT_NONZERO_PATTERN));
  PetscReal diff = 1;
  NH_PETSC(MatNorm(extended, NORM_MAX, &diff));
  BOOST_TEST(diff == 0.0);  // same values added in the same order: exactly equal
}
