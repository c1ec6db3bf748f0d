#include "neurhom/fem/convergence_study.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/manufactured.hpp"

namespace neurhom {

ConvergenceResult run_convergence_study(MPI_Comm comm, const ConvergenceSettings& settings) {
  require(settings.sizes.size() >= 2, "a convergence study needs at least two meshes");
  const ManufacturedSolution exact(settings.kind, settings.gamma);
  const auto kappa = exact.coefficient();
  const auto f = exact.source();
  FemSettings fem;
  fem.kind = settings.kind;
  fem.final_time = settings.final_time;
  fem.steps = settings.steps;
  fem.gamma = settings.gamma;
  const double t_end = settings.kind == ProblemKind::Elliptic ? 0.0 : settings.final_time;

  ConvergenceResult result;
  for (int n : settings.sizes) {
    WallTimer timer;
    const StructuredGrid grid(comm, n);
    const FemSolution solution = solve_fem(grid, exact.inputs(*kappa, *f), fem);
    const ErrorNorms e = error_vs_exact(
        grid, solution.u, [&](double x, double y) { return exact.u(x, y, t_end); },
        [&](double x, double y) { return exact.grad_u(x, y, t_end); });
    ConvergenceLevel level;
    level.n = n;
    level.h = 1.0 / n;
    level.l2_error = e.l2_error;
    level.h1_error = e.h1_error;
    level.l2_relative = e.l2_error / e.l2_exact;
    level.h1_relative = e.h1_error / e.h1_exact;
    level.iterations = solution.linear_iterations;
    level.seconds = timer.seconds();
    result.levels.push_back(level);
  }
  const auto& coarse = result.levels[result.levels.size() - 2];
  const auto& fine = result.levels.back();
  const double ratio = std::log(coarse.h / fine.h);
  result.l2_rate = std::log(coarse.l2_error / fine.l2_error) / ratio;
  result.h1_rate = std::log(coarse.h1_error / fine.h1_error) / ratio;
  return result;
}

}  // namespace neurhom
