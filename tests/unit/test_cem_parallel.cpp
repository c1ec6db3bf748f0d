// CEM on 2 ranks equals CEM on 1 rank (each rank also solves the whole problem on
// PETSC_COMM_SELF): same basis (R applied to fixed coefficient vectors) and the same
// elliptic and nonlinear solutions, to 1e-8 relative.
#define BOOST_TEST_MODULE cem_parallel
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/cem/cem_solver.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

struct Run {
  std::vector<double> basis_image, elliptic, nonlinear;  // natural order, on every rank
  double lambda_min = 0, lambda_max = 0;
};

Run run_on(MPI_Comm comm) {
  CoefficientOptions o;
  o.family = "ms";
  o.seed = 9;
  const auto kappa = make_coefficient(o, comm);
  const auto f = make_source("one", 1);
  const CoarseMesh mesh(6, 36);
  const StructuredGrid grid(comm, mesh.fine_cells());
  CemSettings settings;
  settings.oversampling = 2;
  CemSpace space(grid, mesh, settings);
  space.compute(*kappa);
  Run run;
  run.lambda_min = space.eigenvalue_min();
  run.lambda_max = space.eigenvalue_max();
  // R c for c_k = pseudo-random values in [-0.5, 0.5) by global index.
  OwnedVec c = space.create_coarse_vector(), u = grid.create_vector();
  PetscInt first = 0, last = 0;
  VecGetOwnershipRange(c, &first, &last);
  for (PetscInt k = first; k < last; ++k) VecSetValue(c, k, counter_uniform(3, 0, static_cast<std::uint64_t>(k)) - 0.5, INSERT_VALUES);
  VecAssemblyBegin(c);
  VecAssemblyEnd(c);
  space.prolong(c, u);
  run.basis_image = grid.to_natural(u);
  CemProblem problem;
  run.elliptic = grid.to_natural(solve_cem(space, *f, problem).u);
  problem.kind = ProblemKind::Nonlinear;
  problem.final_time = 0.05;
  problem.steps = 2;
  problem.gamma = 2.0;
  run.nonlinear = grid.to_natural(solve_cem(space, *f, problem).u);
  return run;
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, n = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    d = std::max(d, std::abs(a[k] - b[k]));
    n = std::max(n, std::abs(b[k]));
  }
  return d / n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_ranks_give_the_basis_and_solutions_of_one_rank) {
  BOOST_REQUIRE(mpi_size(PETSC_COMM_WORLD) == 2);
  const Run parallel = run_on(PETSC_COMM_WORLD);
  const Run serial = run_on(PETSC_COMM_SELF);
  BOOST_TEST(parallel.basis_image.size() == serial.basis_image.size());
  BOOST_TEST(relative_difference(parallel.basis_image, serial.basis_image) < 1e-8);
  BOOST_TEST(relative_difference(parallel.elliptic, serial.elliptic) < 1e-8);
  BOOST_TEST(relative_difference(parallel.nonlinear, serial.nonlinear) < 1e-8);
  BOOST_TEST(std::abs(parallel.lambda_max - serial.lambda_max) < 1e-10 * serial.lambda_max);
  BOOST_TEST_MESSAGE("1 vs 2 ranks: basis " << relative_difference(parallel.basis_image, serial.basis_image)
                                            << ", elliptic " << relative_difference(parallel.elliptic, serial.elliptic)
                                            << ", nonlinear " << relative_difference(parallel.nonlinear, serial.nonlinear));
}
