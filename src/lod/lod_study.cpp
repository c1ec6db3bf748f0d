#include "neurhom/lod/lod_study.hpp"

#include <cmath>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {


LodComparison compare_lod_with_fine(const StructuredGrid& grid, const CoarseMesh& mesh, const CellField& coefficient,
                                    const Source& f, LodSettings settings, const LodProblem& problem,
                                    LodFields* fields) {
  require(grid.n() == mesh.fine_cells(), "the fine grid must have N r cells per side");
  settings.keep_correctors = true;
  settings.with_mass = settings.with_mass || problem.parabolic;
  LodComparison result;

  // Fine-scale reference.
  FemInputs inputs;
  require(!problem.path || problem.parabolic, "a time-dependent coefficient needs the parabolic problem");
  inputs.coefficient = &coefficient;
  inputs.coefficient_path = problem.path;
  inputs.source = &f;
  FemSettings fem;
  fem.kind = problem.parabolic ? ProblemKind::Parabolic : ProblemKind::Elliptic;
  fem.final_time = problem.final_time;
  fem.steps = problem.steps;
  FemSolution reference = solve_fem(grid, inputs, fem);
  result.fine_solve_seconds = reference.assembly_seconds + reference.solve_seconds;

  // PG-LOD.
  const MPI_Comm comm = grid.comm();
  PgLod lod(comm, mesh, settings);
  OwnedVec U;
  WallTimer timer;
  if (problem.path) {  // offline and online interleave: patches are updated every step
    U = lod.solve_parabolic(*problem.path, f, problem.final_time, problem.steps, problem.update, &result.steps,
                            &result.coarse_history);
    result.offline_seconds = lod.offline_seconds();
    if (problem.update.policy != "all") result.initial_corrector_seconds = lod.offline_seconds();
    result.coarse_solve_seconds = timer.seconds() - result.offline_seconds;
  } else {
    lod.compute(coefficient);
    result.offline_seconds = lod.offline_seconds();
    timer.reset();
    U = problem.parabolic ? lod.solve_parabolic(f, problem.final_time, problem.steps) : lod.solve_elliptic(f);
    result.coarse_solve_seconds = timer.seconds();
  }
  result.patches = lod.total_patches();
  result.timings = lod.timings();

  OwnedVec u_coarse = grid.create_vector(), correction = grid.create_vector();
  lod.coarse_to_fine(grid, U, u_coarse);
  lod.corrector_part(grid, U, correction);
  OwnedVec u_corrected = grid.create_vector();
  NH_PETSC(VecWAXPY(u_corrected, -1.0, correction, u_coarse));

  OwnedMat A = create_operator(grid), M = create_operator(grid);
  assemble_stiffness(grid, reference.cell_values, A);
  assemble_mass(grid, M);
  OwnedVec e = grid.create_vector();
  NH_PETSC(VecWAXPY(e, -1.0, u_coarse, reference.u));
  result.l2_error_vs_fine = matrix_norm(M, e) / matrix_norm(M, reference.u);
  NH_PETSC(VecWAXPY(e, -1.0, u_corrected, reference.u));
  result.energy_error_vs_fine = matrix_norm(A, e) / matrix_norm(A, reference.u);

  if (fields) {
    fields->u_fine = std::move(reference.u);
    fields->u_coarse = std::move(u_coarse);
    fields->u_corrected = std::move(u_corrected);
  }
  return result;
}

LodVerifyResult run_lod_verify(MPI_Comm comm, const CellField& coefficient, const Source& f,
                               const LodVerifySettings& s, const std::string& patch_solver) {
  const StructuredGrid grid(comm, s.fine_n);
  LodVerifyResult result;
  auto run = [&](int coarse_n, int ell) {
    WallTimer timer;
    LodSettings settings;
    settings.ell = ell;
    settings.patch_solver = patch_solver;
    const LodComparison c = compare_lod_with_fine(grid, CoarseMesh(coarse_n, s.fine_n), coefficient, f, settings, LodProblem());
    LodVerifyLevel level;
    level.coarse_n = coarse_n;
    level.ell = ell;
    level.H = 1.0 / coarse_n;
    level.l2_error = c.l2_error_vs_fine;
    level.energy_error = c.energy_error_vs_fine;
    level.seconds = timer.seconds();
    if (is_root(comm))
      std::printf("[lod -verify] H = 1/%-3d ell = %d: L2 error %.4e, energy error %.4e (%.1f s)\n", coarse_n, ell,
                  level.l2_error, level.energy_error, level.seconds);
    return level;
  };
  std::vector<double> log_h, log_l2, log_energy;
  for (int coarse_n : s.coarse_sizes) {
    const int ell = std::max(1, static_cast<int>(std::ceil(std::log2(static_cast<double>(coarse_n)))));
    result.h_levels.push_back(run(coarse_n, ell));
    log_h.push_back(std::log(result.h_levels.back().H));
    log_l2.push_back(std::log(result.h_levels.back().l2_error));
    log_energy.push_back(std::log(result.h_levels.back().energy_error));
  }
  result.h_rate_l2 = least_squares_slope(log_h, log_l2);
  result.h_rate_energy = least_squares_slope(log_h, log_energy);
  for (int ell : s.ells) result.ell_levels.push_back(run(s.ell_coarse_n, ell));
  for (size_t k = 1; k < result.ell_levels.size(); ++k)
    result.ell_decay.push_back(result.ell_levels[k - 1].energy_error / result.ell_levels[k].energy_error);
  return result;
}

}  // namespace neurhom
