// PG-LOD on 2 ranks equals PG-LOD on 1 rank: the same S_A entries (1e-12 relative to its
// largest entry: different summation order only) and the same coarse solution (1e-10).
#define BOOST_TEST_MODULE lod_parallel
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/core/mpi_util.hpp"
#include "neurhom/lod/pglod.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

BOOST_AUTO_TEST_CASE(same_matrix_and_solution_on_1_and_2_ranks) {
  BOOST_REQUIRE(mpi_size(PETSC_COMM_WORLD) == 2);
  CoefficientOptions o;
  o.family = "ms";
  o.seed = 4;
  const auto a = make_coefficient(o, PETSC_COMM_WORLD);
  const auto f = make_source("cos-x1", 1);
  const CoarseMesh mesh(8, 64);
  LodSettings s;
  s.ell = 2;
  PgLod parallel(PETSC_COMM_WORLD, mesh, s), serial(PETSC_COMM_SELF, mesh, s);
  parallel.compute(*a);
  serial.compute(*a);
  BOOST_TEST(parallel.total_patches() == 64);
  BOOST_TEST(serial.local_patches().size() == 64u);
  OwnedMat Sp = parallel.stiffness(), Ss = serial.stiffness();
  PetscReal scale = 0;
  NH_PETSC(MatNorm(Ss, NORM_MAX, &scale));
  PetscInt first, last;
  NH_PETSC(MatGetOwnershipRange(Sp, &first, &last));
  double worst = 0;
  const PetscInt n = static_cast<PetscInt>(mesh.num_nodes());
  std::vector<PetscInt> cols(static_cast<size_t>(n));
  for (PetscInt k = 0; k < n; ++k) cols[static_cast<size_t>(k)] = k;
  std::vector<PetscScalar> vp(static_cast<size_t>(n)), vs(static_cast<size_t>(n));
  for (PetscInt row = first; row < last; ++row) {
    NH_PETSC(MatGetValues(Sp, 1, &row, n, cols.data(), vp.data()));
    NH_PETSC(MatGetValues(Ss, 1, &row, n, cols.data(), vs.data()));
    for (PetscInt k = 0; k < n; ++k) worst = std::max(worst, std::abs(vp[static_cast<size_t>(k)] - vs[static_cast<size_t>(k)]));
  }
  BOOST_TEST(max_ranks(PETSC_COMM_WORLD, worst) < 1e-12 * scale);

  OwnedVec Up = parallel.solve_elliptic(*f), Us = serial.solve_elliptic(*f);
  const std::vector<double> up = gather_to_all(Up), us = gather_to_all(Us);
  double diff = 0, norm = 0;
  for (size_t k = 0; k < up.size(); ++k) {
    diff += (up[k] - us[k]) * (up[k] - us[k]);
    norm += us[k] * us[k];
  }
  BOOST_TEST_MESSAGE("relative difference of U, 1 vs 2 ranks: " << std::sqrt(diff / norm));
  BOOST_TEST(std::sqrt(diff / norm) < 1e-10);
}
