// CEM-GMsFEM on boxes in 2D and 3D (cem/box_cem.hpp): the 2D box path against the unit-square
// CEM of cem_study.hpp, the 3D energy error at contrast 1e4 decreasing in H and with the
// oversampling, 1 vs all ranks, and the parabolic problem.
#define BOOST_TEST_MODULE box_cem
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "neurhom/cem/box_cem.hpp"
#include "neurhom/cem/cem_study.hpp"
#include "neurhom/coef/box_field.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {
BoxCemResult run(MPI_Comm comm, const std::string& cells, const std::string& bc, int ratio, int modes, int m,
                 const BoxCellField& a, int steps = 0, double final_time = 1.0) {
  const int dim = static_cast<int>(std::count(cells.begin(), cells.end(), ',')) + 1;
  BoxCemSettings s;
  s.ratio = ratio;
  s.modes = modes;
  s.oversampling = m;
  s.steps = steps;
  s.final_time = final_time;
  s.progress = false;
  const auto f = make_source("one", 1);
  std::string box = "1";
  for (int d = 1; d < dim; ++d) box += ",1";
  return compare_box_cem_with_fine(comm, BoxShape::parse(dim, cells, box), BoxBoundary::parse(dim, bc), a, *f, s);
}

std::unique_ptr<BoxCellField> layered(int dim) {
  CoefficientOptions o;
  o.family = "layered";
  o.contrast = 1e4;
  o.level = 4;
  return make_box_coefficient(o, dim, PETSC_COMM_WORLD);
}
// the field of the square-vs-box comparisons: levels8, seed 21
CoefficientOptions square_levels8() {
  CoefficientOptions o;
  o.family = "levels";
  o.level = 8;
  o.seed = 21;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(square_box_matches_the_unit_square_cem) {
  const CoefficientOptions o = square_levels8();
  const auto square = make_coefficient(o, PETSC_COMM_WORLD);
  const StructuredGrid grid(PETSC_COMM_WORLD, 64);
  CemSettings cs;
  cs.modes = 3;
  cs.oversampling = 2;
  const auto f = make_source("one", 1);
  const CemComparison reference = compare_cem_with_fine(grid, CoarseMesh(8, 64), *square, *f, cs, CemProblem());
  const BoxCemResult box = run(PETSC_COMM_WORLD, "64,64", "D,D,D,D", 8, 3, 2, *make_box_coefficient(o, 2, PETSC_COMM_WORLD));
  BOOST_TEST_MESSAGE("square " << reference.energy_error_vs_fine << ", box " << box.energy_error_vs_fine);
  BOOST_TEST(std::abs(box.energy_error_vs_fine - reference.energy_error_vs_fine) < 1e-8 * reference.energy_error_vs_fine);
  BOOST_TEST(std::abs(box.l2_error_vs_fine - reference.l2_error_vs_fine) < 1e-8 * reference.l2_error_vs_fine);
  BOOST_TEST(box.dim == reference.dim_vms);
}

BOOST_AUTO_TEST_CASE(energy_error_in_3d_at_contrast_1e4_falls_with_H_and_the_oversampling) {
  const auto a = layered(3);
  const BoxCemResult h2 = run(PETSC_COMM_WORLD, "8,8,8", "D,D,N,N,D,D", 4, 4, 2, *a);
  const BoxCemResult h4 = run(PETSC_COMM_WORLD, "16,16,16", "D,D,N,N,D,D", 4, 4, 2, *a);
  const BoxCemResult h4m1 = run(PETSC_COMM_WORLD, "16,16,16", "D,D,N,N,D,D", 4, 4, 1, *a);
  BOOST_TEST_MESSAGE("3D CEM energy errors: H = 1/2 " << h2.energy_error_vs_fine << ", H = 1/4 " << h4.energy_error_vs_fine
                                                      << " (m = 1: " << h4m1.energy_error_vs_fine << ")");
  BOOST_TEST(h4.energy_error_vs_fine < 0.5 * h2.energy_error_vs_fine);
  BOOST_TEST(h4.energy_error_vs_fine < h4m1.energy_error_vs_fine);
  BOOST_TEST(h4.dim == 64 * 4);
  BOOST_TEST(h4.max_residual < 1e-8);
  BOOST_TEST(h4.lambda_min < 1e-10);  // the constant mode of the Neumann problem
}

BOOST_AUTO_TEST_CASE(one_rank_and_all_ranks_agree) {
  const auto a = layered(3);
  const BoxCemResult all = run(PETSC_COMM_WORLD, "12,8,8", "D,D,N,D,D,N", 4, 3, 1, *a);
  const BoxCemResult one = run(PETSC_COMM_SELF, "12,8,8", "D,D,N,D,D,N", 4, 3, 1, *a);
  BOOST_TEST(std::abs(all.energy_error_vs_fine - one.energy_error_vs_fine) < 1e-8 * one.energy_error_vs_fine);
  BOOST_TEST(all.dim == one.dim);
}

BOOST_AUTO_TEST_CASE(parabolic_box_cem_matches_the_unit_square_cem) {
  // -problem parabolic on boxes: backward Euler on V_ms with R' M R and R' A R; on the unit square
  // with Dirichlet faces the square's parabolic CEM (cem_solver.hpp) gives the same errors at t = T.
  const CoefficientOptions o = square_levels8();
  const auto square = make_coefficient(o, PETSC_COMM_WORLD);
  const StructuredGrid grid(PETSC_COMM_WORLD, 32);
  CemSettings cs;
  cs.modes = 3;
  cs.oversampling = 2;
  CemProblem p;
  p.kind = ProblemKind::Parabolic;
  p.final_time = 0.1;
  p.steps = 5;
  const auto f = make_source("one", 1);
  const CemComparison reference = compare_cem_with_fine(grid, CoarseMesh(4, 32), *square, *f, cs, p);
  const BoxCemResult box = run(PETSC_COMM_WORLD, "32,32", "D,D,D,D", 8, 3, 2, *make_box_coefficient(o, 2, PETSC_COMM_WORLD), 5, 0.1);
  BOOST_TEST_MESSAGE("parabolic: square " << reference.energy_error_vs_fine << " / " << reference.l2_error_vs_fine << ", box "
                                          << box.energy_error_vs_fine << " / " << box.l2_error_vs_fine);
  BOOST_TEST(std::abs(box.energy_error_vs_fine - reference.energy_error_vs_fine) < 1e-7 * reference.energy_error_vs_fine);
  BOOST_TEST(std::abs(box.l2_error_vs_fine - reference.l2_error_vs_fine) < 1e-7 * reference.l2_error_vs_fine);
  const BoxCemResult b3 = run(PETSC_COMM_WORLD, "8,8,8", "D,D,N,N,D,D", 4, 3, 1, *layered(3), 3, 0.05);
  BOOST_TEST_MESSAGE("parabolic 3D: energy " << b3.energy_error_vs_fine << ", L2 " << b3.l2_error_vs_fine);
  BOOST_TEST(b3.energy_error_vs_fine < 0.5);
}
