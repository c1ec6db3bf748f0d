// fem/assembly on the distributed DMDA (run on 1 and 2 ranks): the assembled stiffness is
// symmetric with the constants in its null space before boundary conditions, the mass
// matrix integrates 1 exactly, and invalid coefficients give a clear error.
#define BOOST_TEST_MODULE assembly
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;
namespace tt = boost::test_tools;

namespace {
CoefficientOptions ms_options() {
  CoefficientOptions o;
  o.family = "ms";
  o.seed = 7;
  return o;
}
}  // namespace

BOOST_AUTO_TEST_CASE(stiffness_symmetric_with_constant_null_space) {
  const StructuredGrid grid(PETSC_COMM_WORLD, 24);
  const auto a = make_coefficient(ms_options(), PETSC_COMM_WORLD);
  const auto cells = sample_cells(grid, *a, "coefficient");
  OwnedMat A = create_operator(grid);
  assemble_stiffness(grid, cells, A);
  PetscBool symmetric = PETSC_FALSE;
  NH_PETSC(MatIsSymmetric(A, 1e-14, &symmetric));
  BOOST_TEST(symmetric == PETSC_TRUE);

  OwnedVec ones = grid.create_vector(), image = grid.create_vector();
  NH_PETSC(VecSet(ones, 1.0));
  NH_PETSC(MatMult(A, ones, image));
  PetscReal residual = 0, norm_a = 0;
  NH_PETSC(VecNorm(image, NORM_INFINITY, &residual));
  NH_PETSC(MatNorm(A, NORM_INFINITY, &norm_a));
  BOOST_TEST(residual <= 1e-13 * norm_a);

  // A non-constant vector is not in the kernel: u^T A u = a(u, u) > 0.
  OwnedVec x = grid.create_vector();
  interpolate(grid, [](double x1, double x2) { return x1 * x1 + x2; }, x);
  NH_PETSC(MatMult(A, x, image));
  PetscScalar energy = 0;
  NH_PETSC(VecDot(x, image, &energy));
  BOOST_TEST(energy > 0.1);
}

BOOST_AUTO_TEST_CASE(stiffness_energy_of_linear_function) {
  // For u = x1 and a = c constant, a(u, u) = c |D| = c exactly.
  const StructuredGrid grid(PETSC_COMM_WORLD, 16);
  const auto a = make_function_field([](double, double) { return 3.0; }, "3");
  OwnedMat A = create_operator(grid);
  assemble_stiffness(grid, sample_cells(grid, *a, "coefficient"), A);
  OwnedVec u = grid.create_vector(), Au = grid.create_vector();
  interpolate(grid, [](double x1, double) { return x1; }, u);
  NH_PETSC(MatMult(A, u, Au));
  PetscScalar energy = 0;
  NH_PETSC(VecDot(u, Au, &energy));
  BOOST_TEST(energy == 3.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(mass_and_load_integrate_exactly) {
  const StructuredGrid grid(PETSC_COMM_WORLD, 20);
  OwnedMat M = create_operator(grid);
  assemble_mass(grid, M);
  OwnedVec ones = grid.create_vector(), Mo = grid.create_vector();
  NH_PETSC(VecSet(ones, 1.0));
  NH_PETSC(MatMult(M, ones, Mo));
  PetscScalar area = 0;
  NH_PETSC(VecDot(ones, Mo, &area));
  BOOST_TEST(area == 1.0, tt::tolerance(1e-13));

  // sum_i F_i = int f for f = x1 (2x2 Gauss is exact for it).
  const auto f = make_function_source([](double x1, double, double) { return x1; }, "x1");
  OwnedVec F = grid.create_vector();
  assemble_load(grid, *f, 0.0, F);
  PetscScalar total = 0;
  NH_PETSC(VecSum(F, &total));
  BOOST_TEST(total == 0.5, tt::tolerance(1e-13));
}

BOOST_AUTO_TEST_CASE(dirichlet_keeps_symmetry_and_fixes_boundary) {
  const StructuredGrid grid(PETSC_COMM_WORLD, 12);
  const auto a = make_coefficient(ms_options(), PETSC_COMM_WORLD);
  OwnedMat A = create_operator(grid);
  assemble_stiffness(grid, sample_cells(grid, *a, "coefficient"), A);
  const DirichletBoundary bc(grid);
  BOOST_TEST(sum_ranks(PETSC_COMM_WORLD, static_cast<long long>(bc.rows().size())) == 4LL * 12);
  bc.apply_symmetric(A);
  PetscBool symmetric = PETSC_FALSE;
  NH_PETSC(MatIsSymmetric(A, 1e-14, &symmetric));
  BOOST_TEST(symmetric == PETSC_TRUE);
  for (PetscInt row : bc.rows()) {
    PetscScalar diag = 0;
    NH_PETSC(MatGetValues(A, 1, &row, 1, &row, &diag));
    BOOST_TEST(diag == 1.0);
  }
}

BOOST_AUTO_TEST_CASE(non_positive_coefficient_is_a_clear_error) {
  const StructuredGrid grid(PETSC_COMM_WORLD, 8);
  // Zero on a single cell owned by whichever rank: every rank must throw the same Error.
  const auto bad = make_function_field([](double x1, double x2) { return (x1 > 0.9 && x2 > 0.9) ? 0.0 : 1.0; }, "bad");
  try {
    sample_cells(grid, *bad, "coefficient");
    BOOST_FAIL("expected an Error");
  } catch (const Error& e) {
    const std::string message = e.what();
    BOOST_TEST(message.find("not positive") != std::string::npos);
    BOOST_TEST(message.find("cell (7,7)") != std::string::npos);
  }
  const auto nan = make_function_field([](double, double) { return std::nan(""); }, "nan");
  BOOST_CHECK_THROW(sample_cells(grid, *nan, "coefficient"), Error);
}

BOOST_AUTO_TEST_CASE(too_small_mesh_is_a_clear_error) {
  BOOST_CHECK_THROW(StructuredGrid(PETSC_COMM_WORLD, 0), Error);
  BOOST_CHECK_THROW(StructuredGrid(PETSC_COMM_WORLD, 1), Error);
}
