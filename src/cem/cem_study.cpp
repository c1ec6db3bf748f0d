// CEM against the fine FEM reference, and the -verify study (see cem_study.hpp).
#include "neurhom/cem/cem_study.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/error_norms.hpp"

namespace neurhom {

CemComparison compare_cem_with_fine(const StructuredGrid& grid, const CoarseMesh& mesh, const CellField& kappa,
                                    const Source& f, const CemSettings& settings, const CemProblem& problem,
                                    CemFields* fields) {
  CemComparison result;
  CemSpace space(grid, mesh, settings);
  space.compute(kappa);
  result.offline_seconds = space.offline_seconds();
  result.dim_vms = space.dim();
  result.eigenvalue_min = space.eigenvalue_min();
  result.eigenvalue_max = space.eigenvalue_max();
  result.max_eigen_residual = space.max_eigen_residual();
  result.timings = space.timings();
  CemSolution cem = solve_cem(space, f, problem);
  result.coarse_solve_seconds = max_ranks(grid.comm(), cem.seconds);
  result.newton_iterations = cem.newton_iterations;

  FemInputs inputs;
  inputs.coefficient = &kappa;
  inputs.source = &f;
  FemSettings fem;
  fem.kind = problem.kind;
  fem.final_time = problem.final_time;
  fem.steps = problem.steps;
  fem.gamma = problem.gamma;
  FemSolution reference = solve_fem(grid, inputs, fem);
  result.fine_solve_seconds = reference.assembly_seconds + reference.solve_seconds;

  OwnedMat A = create_operator(grid), M = create_operator(grid);
  assemble_stiffness(grid, space.fine_cell_values(), A);
  assemble_mass(grid, M);
  OwnedVec e = grid.create_vector();
  NH_PETSC(VecWAXPY(e, -1.0, cem.u, reference.u));
  result.l2_error_vs_fine = matrix_norm(M, e) / matrix_norm(M, reference.u);
  result.energy_error_vs_fine = matrix_norm(A, e) / matrix_norm(A, reference.u);
  if (fields) {
    fields->u_fine = std::move(reference.u);
    fields->u_cem = std::move(cem.u);
  }
  return result;
}

int CemVerifySettings::oversampling_for(int coarse_n, double contrast) {
  const long m = std::lround(std::log2(static_cast<double>(coarse_n))) + std::lround(std::log10(contrast) / 2);
  return std::max(1, static_cast<int>(m));
}

CemVerifyResult run_cem_verify(MPI_Comm comm, const Source& f, const CemVerifySettings& s) {
  require(s.coarse_sizes.size() >= 2 && !s.contrasts.empty(), "cem -verify needs two coarse sizes and a contrast");
  const StructuredGrid grid(comm, s.fine_n);
  CemVerifyResult result;
  std::vector<std::vector<double>> energy(s.contrasts.size());
  for (size_t ci = 0; ci < s.contrasts.size(); ++ci) {
    CoefficientOptions o;
    o.family = "channels";
    o.contrast = s.contrasts[ci];
    const auto kappa = make_coefficient(o, comm);
    std::vector<double> log_h, log_e;
    for (int coarse_n : s.coarse_sizes) {
      WallTimer timer;
      CemSettings settings;
      settings.modes = s.modes;
      settings.oversampling = CemVerifySettings::oversampling_for(coarse_n, s.contrasts[ci]);
      const CemComparison c =
          compare_cem_with_fine(grid, CoarseMesh(coarse_n, s.fine_n), *kappa, f, settings, CemProblem());
      CemVerifyLevel level;
      level.contrast = s.contrasts[ci];
      level.coarse_n = coarse_n;
      level.H = 1.0 / coarse_n;
      level.oversampling = settings.oversampling;
      level.l2_error = c.l2_error_vs_fine;
      level.energy_error = c.energy_error_vs_fine;
      level.seconds = timer.seconds();
      result.levels.push_back(level);
      energy[ci].push_back(level.energy_error);
      log_h.push_back(std::log(level.H));
      log_e.push_back(std::log(level.energy_error));
      if (is_root(comm))
        std::printf("[cem -verify] contrast %.0e, H = 1/%-3d m = %d: L2 error %.4e, energy error %.4e (%.1f s)\n",
                    level.contrast, coarse_n, level.oversampling, level.l2_error, level.energy_error, level.seconds);
    }
    result.h_rates.push_back(least_squares_slope(log_h, log_e));
  }
  result.h_rate = result.h_rates.back();
  for (size_t k = 0; k < s.coarse_sizes.size(); ++k)
    result.contrast_ratio = std::max({result.contrast_ratio, energy.back()[k] / energy.front()[k],
                                      energy.front()[k] / energy.back()[k]});
  return result;
}

}  // namespace neurhom
