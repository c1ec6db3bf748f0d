// CEM-GMsFEM (cem/): auxiliary eigenproblems, the oversampled basis against the global
// constrained minimization, convergence in H, contrast robustness, parabolic and nonlinear
// coarse solves against the fine FEM solution, bad input. Small meshes (fine 40-80).
#define BOOST_TEST_MODULE cem
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "neurhom/cem/cem_study.hpp"
#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/patch/patch_operators.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

std::unique_ptr<CellField> coefficient(const std::string& family, double value = 1.0) {
  CoefficientOptions o;
  o.family = family;
  o.value = value;
  o.level = 6;
  o.seed = 5;
  return make_coefficient(o, PETSC_COMM_WORLD);
}

double s_dot(const CellModes& m, int k, int l) {
  double s = 0;
  for (size_t x = 0; x < m.modes[static_cast<size_t>(k)].size(); ++x)
    s += m.modes[static_cast<size_t>(k)][x] * m.s_modes[static_cast<size_t>(l)][x];
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(constant_coefficient_has_a_zero_eigenvalue_with_constant_mode) {
  const CoarseMesh mesh(4, 32);
  const auto kappa = coefficient("constant", 3.0);
  const CellModes m = solve_cell_eigenproblem(mesh, *kappa, 1, 2, 3);
  BOOST_TEST_MESSAGE("constant kappa: eigenvalues " << m.eigenvalues[0] << " " << m.eigenvalues[1] << " "
                                                    << m.eigenvalues[2] << ", residual " << m.max_residual);
  BOOST_TEST(std::abs(m.eigenvalues[0]) < 1e-10);
  BOOST_TEST(m.eigenvalues[1] > 0.1);                                  // a gap: only the constants are in ker a_i
  BOOST_TEST(std::abs(m.eigenvalues[1] - m.eigenvalues[2]) < 1e-8);    // x and y modes (symmetry)
  const auto& phi = m.modes[0];
  const auto [lo, hi] = std::minmax_element(phi.begin(), phi.end());
  BOOST_TEST(*hi - *lo < 1e-8 * std::abs(*hi));
  BOOST_TEST(m.max_residual < 1e-8);
  for (int k = 0; k < 3; ++k)
    for (int l = 0; l < 3; ++l) BOOST_TEST(std::abs(s_dot(m, k, l) - (k == l ? 1.0 : 0.0)) < 1e-10);
}

BOOST_AUTO_TEST_CASE(rough_coefficient_modes_are_s_orthonormal_eigenpairs) {
  const CoarseMesh mesh(5, 40);
  const auto kappa = coefficient("channels");
  for (int I = 0; I < 5; I += 2) {
    const CellModes m = solve_cell_eigenproblem(mesh, *kappa, I, 1, 4);
    BOOST_TEST(m.max_residual < 1e-8);
    for (int k = 0; k < 4; ++k) {
      if (k > 0) BOOST_TEST(m.eigenvalues[static_cast<size_t>(k)] >= m.eigenvalues[static_cast<size_t>(k - 1)] - 1e-12);
      for (int l = 0; l < 4; ++l) BOOST_TEST(std::abs(s_dot(m, k, l) - (k == l ? 1.0 : 0.0)) < 1e-9);
    }
  }
}

// With K_i^+ = the whole domain the localized basis is the global constrained minimizer:
// compare each basis function with a dense KKT solve [A C'; C 0] on the whole domain.
BOOST_AUTO_TEST_CASE(whole_domain_oversampling_equals_global_constrained_minimization) {
  const CoarseMesh mesh(3, 12);
  const int L = 2;
  const auto kappa = coefficient("ms");
  const StructuredGrid grid(PETSC_COMM_WORLD, mesh.fine_cells());
  CemSettings settings;
  settings.modes = L;
  settings.oversampling = mesh.cells;
  CemSpace space(grid, mesh, settings);
  space.compute(*kappa);

  const Patch whole = make_patch(mesh, 0, 0, mesh.cells);
  const int nf = whole.free_nodes(), r = mesh.ratio;
  const std::vector<double> cells = patch_cell_values(whole, *kappa, mesh.fine_cells());
  Mat A = nullptr;
  assemble_free_stiffness(whole, cells, &A);
  // C: S_j phi_{j,l} restricted to the free nodes, rows (cell, mode).
  const int nc = static_cast<int>(mesh.num_cells()) * L;
  DenseMatrix kkt(nf + nc, nf + nc);
  for (PetscInt i = 0; i < nf; ++i) {
    PetscInt ncols = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* vals = nullptr;
    MatGetRow(A, i, &ncols, &cols, &vals);
    for (PetscInt k = 0; k < ncols; ++k) kkt(static_cast<int>(i), static_cast<int>(cols[k])) = vals[k];
    MatRestoreRow(A, i, &ncols, &cols, &vals);
  }
  MatDestroy(&A);
  for (int J = 0; J < mesh.cells; ++J)
    for (int I = 0; I < mesh.cells; ++I) {
      const CellModes m = solve_cell_eigenproblem(mesh, *kappa, I, J, L);
      for (int l = 0; l < L; ++l)
        for (int y = 0; y <= r; ++y)
          for (int x = 0; x <= r; ++x) {
            const int px = I * r + x, py = J * r + y;
            if (px == 0 || py == 0 || px == whole.fine_nx() || py == whole.fine_ny()) continue;
            const int row = nf + (J * mesh.cells + I) * L + l, col = whole.free_node(px, py);
            kkt(row, col) = kkt(col, row) = m.s_modes[static_cast<size_t>(l)][static_cast<size_t>(y * (r + 1) + x)];
          }
    }
  const DenseMatrix inv = inverse(kkt);
  double max_diff = 0, max_value = 0;
  for (int b = 0; b < nc; ++b) {  // basis function b: rhs e_{nf + b}; psi = column nf + b of the inverse
    for (int y = 1; y < whole.fine_ny(); ++y)
      for (int x = 1; x < whole.fine_nx(); ++x) {
        const double expected = inv(whole.free_node(x, y), nf + b);
        PetscInt row = y * (mesh.fine_cells() + 1) + x, col = b;  // 1 rank: PETSc order = natural
        PetscScalar value = 0;
        MatGetValues(space.R(), 1, &row, 1, &col, &value);
        max_diff = std::max(max_diff, std::abs(value - expected));
        max_value = std::max(max_value, std::abs(expected));
      }
  }
  BOOST_TEST_MESSAGE("global CEM basis vs dense KKT: max difference " << max_diff << " (max value " << max_value << ")");
  BOOST_TEST(max_diff < 1e-8 * max_value);
}

// Energy error first order in H with m ~ log(contrast / H), within a factor 2 between contrasts 1e2 and 1e4
// (fine 80, H = 1/4, 1/8, 1/16; about 25 s).
BOOST_AUTO_TEST_CASE(energy_error_first_order_in_H_and_contrast_robust) {
  const auto f = make_source("one", 1);
  CemVerifySettings s;
  const CemVerifyResult r = run_cem_verify(PETSC_COMM_WORLD, *f, s);
  BOOST_TEST_MESSAGE("h rates " << r.h_rates[0] << " (1e2), " << r.h_rates[1] << " (1e4), contrast ratio "
                                << r.contrast_ratio);
  for (double rate : r.h_rates) BOOST_TEST(rate > 0.85);
  BOOST_TEST(r.contrast_ratio < 2.0);
}

BOOST_AUTO_TEST_CASE(parabolic_and_nonlinear_coarse_solutions_approach_the_fine_solution) {
  const auto kappa = coefficient("ms");
  const auto f = make_source("one", 1);
  const StructuredGrid grid(PETSC_COMM_WORLD, 48);
  for (ProblemKind kind : {ProblemKind::Parabolic, ProblemKind::Nonlinear}) {
    CemProblem problem;
    problem.kind = kind;
    problem.final_time = 0.05;
    problem.steps = 5;
    problem.gamma = 3.0;
    std::vector<double> errors;
    for (int coarse_n : {3, 6, 12}) {
      CemSettings settings;
      settings.oversampling = CemVerifySettings::oversampling_for(coarse_n);
      const CemComparison c = compare_cem_with_fine(grid, CoarseMesh(coarse_n, 48), *kappa, *f, settings, problem);
      BOOST_TEST_MESSAGE(to_string(kind) << " H = 1/" << coarse_n << ": L2 " << c.l2_error_vs_fine << ", energy "
                                         << c.energy_error_vs_fine << ", Newton " << c.newton_iterations);
      errors.push_back(c.energy_error_vs_fine);
      if (kind == ProblemKind::Nonlinear) BOOST_TEST(c.newton_iterations >= problem.steps);
    }
    BOOST_TEST(errors[1] < 0.7 * errors[0]);
    BOOST_TEST(errors[2] < 0.7 * errors[1]);
  }
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_clear_error) {
  const StructuredGrid grid(PETSC_COMM_WORLD, 16);
  const CoarseMesh mesh(4, 16);  // r = 4: 25 fine dofs per coarse cell
  CemSettings too_many;
  too_many.modes = 26;
  BOOST_CHECK_EXCEPTION(CemSpace(grid, mesh, too_many), Error, [](const Error& e) {
    return std::string(e.what()).find("-cem_modes 26 must be between 1 and the 25 fine dofs") != std::string::npos;
  });
  CemSettings negative;
  negative.oversampling = -1;
  BOOST_CHECK_EXCEPTION(CemSpace(grid, mesh, negative), Error, [](const Error& e) {
    return std::string(e.what()).find("-cem_oversampling must be non-negative") != std::string::npos;
  });
  const auto kappa = make_function_field([](double x, double) { return x < 0.5 ? 1.0 : -1.0; }, "negative");
  CemSpace space(grid, mesh, CemSettings());
  BOOST_CHECK_EXCEPTION(space.compute(*kappa), Error, [](const Error& e) {
    return std::string(e.what()).find("coefficient") != std::string::npos;
  });
}
