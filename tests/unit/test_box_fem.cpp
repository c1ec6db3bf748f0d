// Q1 on boxes in 2D and 3D with per-face boundary conditions (issue 30, box_fem.hpp): the
// element against the 2D square element, manufactured-solution rates in 3D with mixed faces,
// the linear patch test (exact for any mix of faces), the face fluxes of a linear solution
// (a Neumann face conserves flux), and the same solution on 1 and on all ranks.
#define BOOST_TEST_MODULE box_fem
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/fem/box_nonlinear.hpp"
#include "neurhom/fem/box_parabolic.hpp"
#include "neurhom/fem/box_verify.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

BOOST_AUTO_TEST_CASE(square_cells_reproduce_the_2d_element_and_hexahedra_kill_constants) {
  const double h = 0.25;
  const auto k = box::stiffness(2, {h, h, 1});
  const auto m = box::mass(2, {h, h, 1});
  for (size_t e = 0; e < 16; ++e) {
    BOOST_TEST(std::abs(k[e] - q1::reference_stiffness()[e]) < 1e-15);
    BOOST_TEST(std::abs(m[e] - q1::mass(h)[e]) < 1e-16);
  }
  const std::array<double, 3> hex = {0.5, 0.25, 2.0};
  const auto k3 = box::stiffness(3, hex);
  const auto m3 = box::mass(3, hex);
  double total = 0;
  for (int a = 0; a < 8; ++a) {
    double row = 0;
    for (int b = 0; b < 8; ++b) {
      row += k3[static_cast<size_t>(a * 8 + b)];
      total += m3[static_cast<size_t>(a * 8 + b)];
      BOOST_TEST(std::abs(k3[static_cast<size_t>(a * 8 + b)] - k3[static_cast<size_t>(b * 8 + a)]) < 1e-15);
    }
    BOOST_TEST(std::abs(row) < 1e-14);
  }
  BOOST_TEST(std::abs(total - 0.25) < 1e-15);  // the mass matrix integrates 1 over the cell
  // the stiffness by quadrature of the shape gradients
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b) {
      double q = 0;
      for (const auto& p : box::gauss_box(3, 2)) {
        const auto s = box::shape(3, p.xi, hex);
        for (int d = 0; d < 3; ++d) q += p.weight * 0.25 * s.grad[static_cast<size_t>(a)][static_cast<size_t>(d)] * s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)];
      }
      BOOST_TEST(std::abs(q - k3[static_cast<size_t>(a * 8 + b)]) < 1e-13);
    }
}

BOOST_AUTO_TEST_CASE(manufactured_rates_in_3d_with_mixed_faces_on_a_box) {
  // 2 x 3 x 2 cells on (0,1) x (0,1.5) x (0,1), refined to 16 x 24 x 16
  const BoxShape shape = BoxShape::parse(3, "2,3,2", "1,1.5,1");
  const BoxBoundary bc = BoxBoundary::parse(3, "D,N,N,D,D,N");
  BoxConvergenceSettings settings;
  settings.meshes = 4;
  const BoxConvergenceResult r = run_box_convergence_study(PETSC_COMM_WORLD, shape, bc, settings);
  BOOST_TEST_MESSAGE("3D mixed faces: L2 rate " << r.l2_rate << ", H1 rate " << r.h1_rate);
  BOOST_TEST(r.l2_rate >= 1.9);
  BOOST_TEST(r.h1_rate >= 0.95);
  for (size_t k = 1; k < r.levels.size(); ++k) {
    BOOST_TEST(r.levels[k].l2_error < r.levels[k - 1].l2_error);
    BOOST_TEST(r.levels[k].h1_error < r.levels[k - 1].h1_error);
  }
  for (const auto& l : r.levels) BOOST_TEST(l.flux_balance < 1e-8);  // sum of face fluxes + int f = 0
}

BOOST_AUTO_TEST_CASE(parabolic_rates_in_3d_with_mixed_faces_and_time_dependent_data) {
  // u = (1 + t) U: the Dirichlet values, the Neumann fluxes and the source change every step
  const BoxShape shape = BoxShape::parse(3, "2,2,3", "1,1,1.5");
  BoxConvergenceSettings settings;
  settings.meshes = 4;
  settings.parabolic = true;
  settings.final_time = 0.5;
  settings.steps = 3;
  const BoxConvergenceResult r = run_box_convergence_study(PETSC_COMM_WORLD, shape, BoxBoundary::parse(3, "N,D,D,N,D,N"), settings);
  BOOST_TEST_MESSAGE("3D parabolic: L2 rate " << r.l2_rate << ", H1 rate " << r.h1_rate);
  BOOST_TEST(r.l2_rate >= 1.9);
  BOOST_TEST(r.h1_rate >= 0.95);
  BOOST_TEST(r.levels.back().l2_relative < 1e-2);  // h = 1/16: ~(pi h)^2 / 2
}

BOOST_AUTO_TEST_CASE(nonlinear_rates_in_3d_with_mixed_faces) {
  // a = kappa exp(gamma u), gamma = 1, u = (1 + t) U with nonlinear Neumann fluxes
  BoxConvergenceSettings settings;
  settings.meshes = 4;
  settings.nonlinear = true;
  settings.gamma = 1.0;
  settings.final_time = 0.5;
  settings.steps = 2;
  const BoxConvergenceResult r =
      run_box_convergence_study(PETSC_COMM_WORLD, BoxShape::parse(3, "2,2,2", "1,1,1"), BoxBoundary::parse(3, "D,N,D,D,N,D"), settings);
  BOOST_TEST_MESSAGE("3D nonlinear: L2 rate " << r.l2_rate << ", H1 rate " << r.h1_rate << ", Newton its " << r.levels.back().iterations);
  BOOST_TEST(r.l2_rate >= 1.9);
  BOOST_TEST(r.h1_rate >= 0.95);
  BOOST_TEST(r.levels.back().iterations <= 2 * 6);  // quadratic convergence: a few Newton steps per time step
}

BOOST_AUTO_TEST_CASE(a_failing_newton_step_on_a_box_is_split_into_half_steps) {
  // gamma = 200, f = 10, one step to T = 1 from u = 0 takes 9 Newton iterations; allowed 8, the
  // full step fails and the shared step halving (fem/step_halving.hpp) completes it with
  // two quarter steps and a half step (7, 3 and 2 iterations)
  const BoxShape s = BoxShape::parse(3, "4,4,4", "1,1,1");
  const BoxGrid grid(PETSC_COMM_WORLD, s);
  BoxTimeProblem p;
  p.coefficient = [](const Point3&) { return 1.0; };
  p.source = [](const Point3&, double) { return 10.0; };
  NH_PETSC(PetscOptionsSetValue(nullptr, "-box_nl_snes_max_it", "8"));
  const BoxNonlinearSolution sol = solve_box_nonlinear(grid, BoxBoundary::all_dirichlet(3), p, 200.0, 1.0, 1);
  NH_PETSC(PetscOptionsClearValue(nullptr, "-box_nl_snes_max_it"));
  BOOST_TEST_MESSAGE("box Newton: " << sol.substeps << " halvings, " << sol.newton_iterations << " Newton iterations");
  BOOST_TEST(sol.substeps == 2);  // the step, then its first half
  PetscReal norm = 0;
  NH_PETSC(VecNorm(sol.u, NORM_2, &norm));
  BOOST_TEST((std::isfinite(norm) && norm > 0));
}

namespace {
// u = 1 + x / L1 + 2 y / L2 - z / L3 with a = 3: reproduced exactly by Q1 whatever the faces.
BoxProblem linear_problem(const BoxShape& s, std::array<double, 3> slope) {
  BoxProblem p;
  p.coefficient = [](const Point3&) { return 3.0; };
  p.dirichlet = [s, slope](const Point3& x) {
    double v = 1;
    for (int d = 0; d < s.dim; ++d) v += slope[static_cast<size_t>(d)] * x[static_cast<size_t>(d)] / s.lengths[static_cast<size_t>(d)];
    return v;
  };
  p.neumann = [s, slope](const Point3&, int face) {
    const int d = face / 2;
    return 3.0 * slope[static_cast<size_t>(d)] / s.lengths[static_cast<size_t>(d)] * (face % 2 ? 1.0 : -1.0);
  };
  return p;
}
}  // namespace

BOOST_AUTO_TEST_CASE(linear_functions_are_exact_for_any_mix_of_faces) {
  const BoxShape s = BoxShape::parse(3, "3,4,5", "1,2,0.5");
  const std::array<double, 3> slope = {1.0, 2.0, -1.0};
  const BoxProblem p = linear_problem(s, slope);
  const BoxGrid grid(PETSC_COMM_WORLD, s);
  for (const char* faces : {"D,D,D,D,D,D", "D,N,N,N,N,N", "N,D,D,N,N,D"}) {
    const BoxSolution sol = solve_box_elliptic(grid, BoxBoundary::parse(3, faces), p);
    const BoxErrorNorms e = box_error_vs_exact(grid, sol.u, p.dirichlet, [&](const Point3&) {
      return Point3{slope[0] / s.lengths[0], slope[1] / s.lengths[1], slope[2] / s.lengths[2]};
    });
    BOOST_TEST_MESSAGE(faces << ": L2 error " << e.l2_error << ", H1 error " << e.h1_error);
    BOOST_TEST(e.l2_error < 1e-8 * e.l2_exact);
    BOOST_TEST(e.h1_error < 1e-8 * e.h1_exact);
  }
}

BOOST_AUTO_TEST_CASE(face_fluxes_of_a_linear_solution_and_a_neumann_face_conserves_flux) {
  // u = x / L1, a = 3: flux a/L1 * (L2 L3) out of x+, in through x-; insulated (N, g = 0) faces carry nothing
  const BoxShape s = BoxShape::parse(3, "4,3,2", "2,1,1.5");
  BoxProblem p = linear_problem(s, {1.0, 0.0, 0.0});
  const BoxGrid grid(PETSC_COMM_WORLD, s);
  const BoxSolution sol = solve_box_elliptic(grid, BoxBoundary::parse(3, "D,D,N,N,N,N"), p);
  const double expected = 3.0 / 2.0 * 1.0 * 1.5;
  BOOST_TEST(std::abs(sol.face_flux[1] - expected) < 1e-8);
  BOOST_TEST(std::abs(sol.face_flux[0] + expected) < 1e-8);
  for (int f = 2; f < 6; ++f) BOOST_TEST(std::abs(sol.face_flux[static_cast<size_t>(f)]) < 1e-14);
  // with a source, the Dirichlet faces take up exactly what the source and the Neumann face put in
  p.source = [](const Point3& x) { return 1.0 + x[0] * x[1]; };
  p.neumann = [](const Point3& x, int face) { return face == 3 ? 0.5 + x[2] : 0.0; };
  const BoxSolution q = solve_box_elliptic(grid, BoxBoundary::parse(3, "D,D,N,N,N,N"), p);
  double total = q.source_integral;
  for (int f = 0; f < 6; ++f) total += q.face_flux[static_cast<size_t>(f)];
  const double source = 2.0 * 1.0 * 1.5 + 2.0 * 0.5 * 1.5;       // int (1 + x y) over (0,2) x (0,1) x (0,1.5)
  BOOST_TEST(std::abs(q.source_integral - source) < 1e-12);
  BOOST_TEST(std::abs(q.face_flux[3] - 2.0 * (0.5 * 1.5 + 1.125)) < 1e-12);  // int_{y = 1} (0.5 + z)
  BOOST_TEST(std::abs(total) < 1e-8 * source);
}

BOOST_AUTO_TEST_CASE(all_ranks_and_one_rank_give_the_same_solution) {
  const BoxShape s = BoxShape::parse(3, "6,5,4", "1,1,1");
  const BoxManufactured m(s);
  const BoxBoundary bc = BoxBoundary::parse(3, "D,N,D,N,D,N");
  const BoxGrid all(PETSC_COMM_WORLD, s);
  const BoxGrid one(PETSC_COMM_SELF, s);
  const char* tight[] = {"-box_ksp_rtol", "1e-13"};
  PetscOptionsSetValue(nullptr, tight[0], tight[1]);
  const auto a = all.to_natural(solve_box_elliptic(all, bc, m.problem()).u);
  const auto b = one.to_natural(solve_box_elliptic(one, bc, m.problem()).u);
  PetscOptionsClearValue(nullptr, tight[0]);
  BOOST_REQUIRE(a.size() == b.size());
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    norm = std::max(norm, std::abs(b[i]));
  }
  BOOST_TEST(diff < 1e-10 * norm);
}

BOOST_AUTO_TEST_CASE(bad_shapes_and_faces_are_one_line_errors) {
  BOOST_CHECK_THROW(BoxShape::parse(3, "4,4", "1,1,1"), Error);
  BOOST_CHECK_THROW(BoxShape::parse(2, "4,4", "1,-1"), Error);
  BOOST_CHECK_THROW(BoxShape::parse(2, "4,2.5", "1,1"), Error);
  BOOST_CHECK_THROW(BoxShape::parse(4, "4,4,4,4", "1,1,1,1"), Error);
  BOOST_CHECK_THROW(BoxBoundary::parse(3, "D,D,D,D"), Error);
  BOOST_CHECK_THROW(BoxBoundary::parse(2, "N,N,N,N"), Error);
  BOOST_CHECK_THROW(BoxBoundary::parse(2, "D,D,Q,D"), Error);
  BOOST_TEST(BoxBoundary::parse(3, "ddnnDN").describe() == "D,D,N,N,D,N");
}

BOOST_AUTO_TEST_CASE(layered_field_has_its_layers_channels_and_range) {
  CoefficientOptions o;
  o.family = "layered";
  o.level = 4;
  o.contrast = 1e4;
  o.seed = 3;
  const auto f = make_box_coefficient(o, 3, PETSC_COMM_WORLD);
  const CellIndex3 n = {32, 32, 8};
  f->check_mesh(3, n);
  const double lo = std::pow(10.0, -0.125), hi = std::pow(10.0, 0.125) * 1e4;
  long channel_lower = 0, channel_upper = 0;
  for (long k = 0; k < n[2]; ++k)
    for (long j = 0; j < n[1]; ++j)
      for (long i = 0; i < n[0]; ++i) {
        const double v = f->value({i, j, k}, n);
        BOOST_REQUIRE(v >= lo && v <= hi);
        const bool channel = v >= 1e4 * lo;
        (k < 4 ? channel_lower : channel_upper) += channel ? 1 : 0;
      }
  BOOST_TEST(channel_lower == 0);      // layers 0-1 (lower half): no channels
  BOOST_TEST(channel_upper > 32 * 2);  // layers 2-3: two channels each, ~8 % of the cells
  BOOST_TEST(channel_upper < 32 * 32 * 4 / 4);
  BOOST_TEST(f->value({5, 7, 2}, n) == make_box_coefficient(o, 3, PETSC_COMM_WORLD)->value({5, 7, 2}, n));
  // a family of the unit square only (cracks) needs 2D and n1 = n2; levels/ms are box families (test_coefficients)
  CoefficientOptions cracks;
  cracks.family = "cracks";
  BOOST_CHECK_THROW(make_box_coefficient(cracks, 3, PETSC_COMM_WORLD)->check_mesh(3, n), Error);
  BOOST_CHECK_THROW(make_box_coefficient(cracks, 2, PETSC_COMM_WORLD)->check_mesh(2, {16, 8, 1}), Error);
  make_box_coefficient(cracks, 2, PETSC_COMM_WORLD)->check_mesh(2, {16, 16, 1});
}
