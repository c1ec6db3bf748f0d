// Elliptic solve and dispatch of the fine-scale problems (see problem.hpp for the math).
#include "neurhom/fem/problem.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/nonlinear_solve.hpp"
#include "neurhom/fem/parabolic_solve.hpp"

namespace neurhom {

ProblemKind parse_problem_kind(const std::string& name) {
  if (name == "elliptic") return ProblemKind::Elliptic;
  if (name == "parabolic") return ProblemKind::Parabolic;
  if (name == "nonlinear") return ProblemKind::Nonlinear;
  throw Error("unknown problem '" + name + "' (-problem); known: elliptic, parabolic, nonlinear");
}

std::string to_string(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::Elliptic: return "elliptic";
    case ProblemKind::Parabolic: return "parabolic";
    case ProblemKind::Nonlinear: return "nonlinear";
  }
  return "?";
}

static void solve_elliptic(const StructuredGrid& grid, const FemInputs& inputs, FemSolution& solution) {
  WallTimer timer;
  OwnedMat A = create_operator(grid);
  assemble_stiffness(grid, solution.cell_values, A);
  OwnedVec F = grid.create_vector();
  assemble_load(grid, *inputs.source, 0.0, F);
  const DirichletBoundary bc(grid);
  bc.apply_symmetric(A);
  bc.zero(F);
  solution.assembly_seconds = timer.seconds();
  timer.reset();
  LinearSolver solver(grid.comm(), A);
  solution.u = grid.create_vector();
  solution.linear_iterations = solver.solve(F, solution.u);
  solution.solve_seconds = timer.seconds();
}

FemSolution solve_fem(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings) {
  require((inputs.coefficient || inputs.coefficient_path) && inputs.source,
          "solve_fem: coefficient and source are required");
  require(!inputs.coefficient_path || settings.kind == ProblemKind::Parabolic,
          "a time-dependent coefficient is supported for -problem parabolic only");
  if (settings.kind != ProblemKind::Elliptic) {
    require(settings.final_time > 0, "-T must be positive (got " + format_number(settings.final_time) + ")");
    require(settings.steps >= 1, "-steps must be at least 1 (got " + std::to_string(settings.steps) + ")");
  }
  require(settings.output_every >= 0, "-output_every must be non-negative");
  FemSolution solution;
  solution.cell_values = inputs.coefficient_path
                             ? sample_cells(grid, *inputs.coefficient_path->at(0.0), "coefficient")
                             : sample_cells(grid, *inputs.coefficient, "coefficient");
  switch (settings.kind) {
    case ProblemKind::Elliptic: solve_elliptic(grid, inputs, solution); break;
    case ProblemKind::Parabolic: solve_parabolic(grid, inputs, settings, solution); break;
    case ProblemKind::Nonlinear: solve_nonlinear(grid, inputs, settings, solution); break;
  }
  return solution;
}

}  // namespace neurhom
