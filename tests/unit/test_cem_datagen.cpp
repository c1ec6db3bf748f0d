// cem-datagen on 2 ranks: the rows written in parallel equal a direct recomputation of the
// same samples on one rank (CEM projections of the source, the projected fine solutions, the
// steady-state features and coarse averages); split sizes; bad input.
#define BOOST_TEST_MODULE cem_datagen
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>

#include "neurhom/methods/multistage/cem_datagen.hpp"
#include "neurhom/methods/multistage/cem_time_sample.hpp"
#include "neurhom/cem/cem_space.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/problem.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

CemDatagenSettings small_settings() {
  CemDatagenSettings s;
  s.coarse_n = 4;
  s.fine_n = 32;
  s.oversampling = 2;
  s.steps = 3;
  s.samples = 4;  // 3 train + 1 test
  s.gamma = 5.0;
  s.output = "test_cem_datagen.h5";
  s.show_progress = false;
  return s;
}

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, m = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    d = std::max(d, std::abs(a[k] - b[k]));
    m = std::max(m, std::abs(b[k]));
  }
  return d / m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parallel_rows_equal_a_direct_recomputation) {
  const CemDatagenSettings s = small_settings();
  const CemDatagenResult r = generate_cem_dataset(PETSC_COMM_WORLD, s);
  BOOST_TEST(r.train == 3);
  BOOST_TEST(r.test == 1);
  const Hdf5File file(s.output, Hdf5File::Mode::Read, PETSC_COMM_WORLD);
  const int L = s.modes, N = 16, dim = N * L, steps = s.steps;
  BOOST_TEST((file.dataset_dims("/time/train/source_modes") == std::vector<hsize_t>{3, 3, 3, 16}));
  if (mpi_rank(PETSC_COMM_WORLD) != 0) return;

  // Row 2 of /time/train (written by rank 1) recomputed here.
  long long seed = 0;
  file.read_rows("/time/train/sample_seed", 2, 1, &seed);
  BOOST_TEST(static_cast<std::uint64_t>(seed) == sample_seed(s.seed, 0, 2));
  std::vector<double> projected(static_cast<size_t>(steps * dim)), modes(static_cast<size_t>(L * steps * N));
  std::vector<double> target(static_cast<size_t>(dim)), steady_target(static_cast<size_t>(N)), p(3);
  file.read_rows("/time/train/source_projected", 2, 1, projected.data());
  file.read_rows("/time/train/source_modes", 2, 1, modes.data());
  file.read_rows("/time/train/linear_target", 2, 1, target.data());

  const StructuredGrid grid(PETSC_COMM_SELF, s.fine_n);
  const CoarseMesh mesh(s.coarse_n, s.fine_n);
  const auto kappa = make_coefficient(s.coefficient, PETSC_COMM_SELF);
  CemSettings cs;
  cs.oversampling = s.oversampling;
  CemSpace space(grid, mesh, cs);
  space.compute(*kappa);
  const auto f = make_source("paper-cem", static_cast<std::uint64_t>(seed));
  OwnedVec F = grid.create_vector();
  const double dt = s.final_time / steps;
  for (int n = 1; n <= steps; ++n) {
    assemble_load(grid, *f, n * dt, F);
    const std::vector<double> expected = local_values(space.restrict_vector(F));
    const std::vector<double> got(projected.begin() + (n - 1) * dim, projected.begin() + n * dim);
    BOOST_TEST(max_rel(got, expected) < 1e-12);
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < L; ++k)
        BOOST_TEST(modes[static_cast<size_t>((k * steps + n - 1) * N + i)] == expected[static_cast<size_t>(i * L + k)]);
  }
  // Linear target: (R'R)^{-1} R' u_h(T), i.e. R target is the L2(l2)-best fit of u_h(T).
  FemInputs in;
  in.coefficient = kappa.get();
  in.source = f.get();
  FemSettings fem;
  fem.kind = ProblemKind::Parabolic;
  fem.final_time = s.final_time;
  fem.steps = steps;
  const FemSolution u = solve_fem(grid, in, fem);
  OwnedMat gram;
  MatTransposeMatMult(space.R(), space.R(), MAT_INITIAL_MATRIX, PETSC_DEFAULT, gram.out());
  OwnedVec c = space.create_coarse_vector(), b = space.restrict_vector(u.u);
  OwnedKSP ksp = create_direct_ksp(gram, "test_");
  solve_checked(ksp, b, c, "gram");
  BOOST_TEST(max_rel(target, local_values(c)) < 1e-8);

  // Steady-state row 0 of /steady/test: admissible p, coarse averages of the fine solution.
  file.read_rows("/steady/test/p", 0, 1, p.data());
  file.read_rows("/steady/test/target", 0, 1, steady_target.data());
  const double pp[3] = {p[0], p[1], p[2]};
  const auto steady = make_function_field(
      [pp](double x, double y) {
        double k = 0;
        for (int j = 0; j < 3; ++j) k += steady_kappa_component(j, x, y, pp);
        return k;
      },
      "steady");
  FemInputs sin;
  const auto one = make_source("one", 1);
  sin.coefficient = steady.get();
  sin.source = one.get();
  const std::vector<double> nodes = grid.to_natural(solve_fem(grid, sin, FemSettings()).u);
  double mean00 = 0;  // coarse cell 0 = fine cells [0, 8)^2
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      mean00 += 0.25 * (nodes[y * 33 + x] + nodes[y * 33 + x + 1] + nodes[(y + 1) * 33 + x] + nodes[(y + 1) * 33 + x + 1]) / 64;
  BOOST_TEST(std::abs(steady_target[0] - mean00) < 1e-8 * std::abs(mean00));
  std::remove(s.output.c_str());
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_clear_error) {
  CemDatagenSettings s = small_settings();
  s.samples = 1;
  BOOST_CHECK_EXCEPTION(generate_cem_dataset(PETSC_COMM_WORLD, s), Error, [](const Error& e) {
    return std::string(e.what()).find("-samples must be at least 2") != std::string::npos;
  });
  CemDatagenSettings p = small_settings();
  BOOST_CHECK_EXCEPTION(parse_cem_problems("linear,heat", p), Error, [](const Error& e) {
    return std::string(e.what()).find("unknown problem 'heat' (-problems)") != std::string::npos;
  });
  CemDatagenSettings m = small_settings();
  m.modes = 100;  // r = 8: 81 dofs per cell
  m.output = "bad_modes.h5";
  BOOST_CHECK_THROW(generate_cem_dataset(PETSC_COMM_WORLD, m), Error);
  FILE* leftover = std::fopen("bad_modes.h5", "r");
  BOOST_TEST(leftover == nullptr);
  if (leftover) std::fclose(leftover);
}

BOOST_AUTO_TEST_CASE(coarse_mass_norm_equals_the_fine_grid_norm_of_the_function) {
  // stage_errors_l2 of multistage-eval: sqrt(c'(R'MR)c) is ||R c||_L2 computed on the fine grid
  const CemTimeSampler sampler(small_settings());
  const PetscInt n = sampler.space().dim();
  std::vector<double> c(static_cast<size_t>(n)), t(static_cast<size_t>(n)), d(static_cast<size_t>(n));
  for (size_t k = 0; k < c.size(); ++k) {
    c[k] = counter_uniform(3, 1, k) - 0.5;
    t[k] = counter_uniform(3, 2, k) - 0.5;
    d[k] = c[k] - t[k];
  }
  OwnedVec zero = sampler.grid().create_vector(), rt = sampler.grid().create_vector();
  NH_PETSC(VecSet(zero, 0.0));
  OwnedVec tc = sampler.space().create_coarse_vector();
  set_local_values(t, tc);
  sampler.space().prolong(tc, rt);
  const double direct = sampler.l2_distance(c, zero), direct_difference = sampler.l2_distance(c, rt);
  BOOST_TEST(direct > 0);
  BOOST_TEST(std::abs(sampler.coarse_l2_norm(c) - direct) < 1e-12 * direct);
  BOOST_TEST(std::abs(sampler.coarse_l2_norm(d) - direct_difference) < 1e-12 * direct_difference);
}
