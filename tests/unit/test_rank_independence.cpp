// The same problem on 1 rank (PETSC_COMM_SELF) and on 2 ranks (PETSC_COMM_WORLD) gives the
// same solution to 1e-10 relative. Solver tolerances are tightened to 1e-13 so that what is
// compared is the discretization, not the different GAMG hierarchies on 1 and 2 ranks.
#define BOOST_TEST_MODULE rank_independence
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/problem.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

std::vector<double> solve_on(MPI_Comm comm, ProblemKind kind) {
  CoefficientOptions co;
  co.family = "ms";
  co.seed = 3;
  const auto a = make_coefficient(co, comm);
  const auto f = make_source("paper-cem", 3);
  const StructuredGrid grid(comm, 40);
  FemInputs in;
  in.coefficient = a.get();
  in.source = f.get();
  FemSettings s;
  s.kind = kind;
  s.final_time = 0.5;
  s.steps = 5;
  s.gamma = 2.0;
  const FemSolution solution = solve_fem(grid, in, s);
  return grid.to_natural(solution.u);
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, norm = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    diff += (a[k] - b[k]) * (a[k] - b[k]);
    norm += b[k] * b[k];
  }
  return std::sqrt(diff / norm);
}

void compare(ProblemKind kind) {
  BOOST_REQUIRE(mpi_size(PETSC_COMM_WORLD) == 2);
  PetscOptionsSetValue(nullptr, "-ksp_rtol", "1e-13");
  PetscOptionsSetValue(nullptr, "-nl_ksp_rtol", "1e-13");
  PetscOptionsSetValue(nullptr, "-nl_snes_rtol", "1e-13");
  const std::vector<double> parallel = solve_on(PETSC_COMM_WORLD, kind);
  const std::vector<double> serial = solve_on(PETSC_COMM_SELF, kind);
  BOOST_REQUIRE(parallel.size() == serial.size());
  const double rel = relative_difference(parallel, serial);
  BOOST_TEST_MESSAGE(to_string(kind) << ": relative difference 1 vs 2 ranks " << rel);
  BOOST_TEST(rel < 1e-10);
}

}  // namespace

BOOST_AUTO_TEST_CASE(elliptic) { compare(ProblemKind::Elliptic); }
BOOST_AUTO_TEST_CASE(parabolic) { compare(ProblemKind::Parabolic); }
BOOST_AUTO_TEST_CASE(nonlinear) { compare(ProblemKind::Nonlinear); }
