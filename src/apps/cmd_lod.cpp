// `neurhom lod`: Petrov-Galerkin LOD solves compared with the fine-scale FEM reference, and
// `-verify`, the convergence study in H and ell.
#include <algorithm>
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/field_output.hpp"
#include "neurhom/lod/lod_study.hpp"
#include "lod_box_options.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct LodOptions {
  CommonOptions common;
  std::string problem = "elliptic";
  std::string patch_solver;  // "" = petsc in 2D, cholmod (where PETSc has it) on 3D boxes
  PetscInt coarse_n = 16, fine_n = 128, ell = 2, steps = 10;
  PetscReal final_time = 1.0;
  PetscBool verify = PETSC_FALSE;
  CorrectorUpdate update;
  std::string history;  // -coarse_history FILE: U^m per step (HDF5)
  BoxOptions box;  // boxes and 3D (issue 30; cmd_lod_box.cpp)
};

PetscErrorCode read_options(MPI_Comm comm, LodOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom lod: Petrov-Galerkin localized orthogonal decomposition", "lod");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-problem", "elliptic or parabolic", &o->problem));
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side (H = 1/coarse_n)", nullptr, o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-fine_n", "Fine cells per side (a multiple of -coarse_n)", nullptr, o->fine_n, &o->fine_n, nullptr));
  PetscCall(PetscOptionsInt("-ell", "Patch layers ell of N^ell(T)", nullptr, o->ell, &o->ell, nullptr));
  PetscCall(read_patch_solver(PetscOptionsObject, "-lod_patch_solver", &o->patch_solver));
  PetscCall(PetscOptionsReal("-T", "Final time (parabolic)", nullptr, o->final_time, &o->final_time, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps (parabolic)", nullptr, o->steps, &o->steps, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-update",
                        "Correctors along a time-dependent coefficient: all (recompute every step), indicator "
                        "(recompute where e_T > -update_tol), never (keep those of t = 0)",
                        &o->update.policy));
  PetscCall(PetscOptionsReal("-update_tol", "Tolerance of the corrector error indicator e_T (-update indicator)", nullptr,
                             o->update.tol, &o->update.tol, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-coarse_history",
                        "HDF5 file with the coarse solution U^m of every step (time-dependent coefficient)", &o->history));
  PetscCall(PetscOptionsBool("-verify", "Convergence study in H and ell", nullptr, o->verify, &o->verify, nullptr));
  PetscCall(read_box_options(PetscOptionsObject, &o->box));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

Json level_json(const LodVerifyLevel& l) {
  Json j = Json::object();
  j["coarse_n"] = l.coarse_n;
  j["H"] = l.H;
  j["ell"] = l.ell;
  j["l2_error"] = l.l2_error;
  j["energy_error"] = l.energy_error;
  j["seconds"] = l.seconds;
  return j;
}

int run_verify(MPI_Comm comm, const LodOptions& o, const CellField& coefficient, const Source& f) {
  LodVerifySettings s;
  s.fine_n = static_cast<int>(o.fine_n);
  const LodVerifyResult r = run_lod_verify(comm, coefficient, f, s, o.patch_solver);
  Json report = Json::object();
  report["coefficient"] = coefficient.describe();
  report["source"] = f.describe();
  report["fine_n"] = s.fine_n;
  add_square_mesh(report, s.fine_n);
  report["ranks"] = mpi_size(comm);
  report["h_rate"] = r.h_rate_l2;
  report["h_rate_energy"] = r.h_rate_energy;
  report["ell_decay"] = Json::array_of(r.ell_decay);
  Json h = Json::array(), e = Json::array();
  for (const auto& l : r.h_levels) h.push_back(level_json(l));
  for (const auto& l : r.ell_levels) e.push_back(level_json(l));
  report["h_levels"] = h;
  report["ell_levels"] = e;
  if (is_root(comm)) {
    std::printf("observed order in H (ell ~ log2(1/H)): L2 %.3f, energy %.3f (theory: >= 1)\n", r.h_rate_l2,
                r.h_rate_energy);
    std::printf("energy error ratios e(ell)/e(ell+1) at H = 1/%d:", s.ell_coarse_n);
    for (double d : r.ell_decay) std::printf(" %.3f", d);
    std::printf("\n");
  }
  write_report(o.common.report, report, comm);
  return 0;
}

Json steps_json(const std::vector<UpdateStep>& steps) {
  Json a = Json::array();
  for (const auto& s : steps) {
    Json j = Json::object();
    j["time"] = s.time;
    j["recomputed_fraction"] = s.recomputed_fraction;
    if (s.indicator_max >= 0) {
      j["indicator_max"] = s.indicator_max;
      j["indicator_mean"] = s.indicator_mean;
    }
    j["corrector_seconds"] = s.corrector_seconds;
    j["seconds"] = s.seconds;
    a.push_back(j);
  }
  return a;
}

}  // namespace

int run_lod(MPI_Comm comm) {
  LodOptions o;
  o.common.rhs = "one";
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  o.common.validate();
  require(o.problem == "elliptic" || o.problem == "parabolic",
          "unknown problem '" + o.problem + "' (-problem); known for lod: elliptic, parabolic");
  if (o.box.given()) {
    require(!o.common.time_dependent(), "time-dependent coefficients are not available on boxes yet");
    LodBoxOptions b = box_options_from(o.box, o.common, o.problem, o.patch_solver);
    b.ell = static_cast<int>(o.ell);
    b.verify = o.verify;
    b.final_time = o.final_time;
    b.steps = static_cast<int>(o.steps);
    return run_lod_box(comm, b);
  }
  if (o.patch_solver.empty()) o.patch_solver = "petsc";
  const auto coefficient = make_coefficient(o.common.coefficient, comm);
  const auto f = make_source(o.common.rhs, o.common.coefficient.seed);
  if (o.verify) return run_verify(comm, o, *coefficient, *f);

  const CoarseMesh mesh(static_cast<int>(o.coarse_n), static_cast<int>(o.fine_n));
  const StructuredGrid grid(comm, static_cast<int>(o.fine_n));
  LodSettings settings;
  settings.ell = static_cast<int>(o.ell);
  settings.patch_solver = o.patch_solver;
  settings.show_progress = true;
  LodProblem problem;
  problem.parabolic = o.problem == "parabolic";
  problem.final_time = o.final_time;
  problem.steps = static_cast<int>(o.steps);
  const auto path = make_coefficient_path(o.common, o.final_time, comm);
  require(!path || problem.parabolic, "-coef_end_seed/-coef_path (a time-dependent coefficient) needs -problem parabolic");
  problem.path = path.get();
  problem.update = o.update;
  o.update.validate();
  require(o.update.policy == "all" || path,
          "-update " + o.update.policy + " needs a time-dependent coefficient (-coef_path or -coef_end_seed)");
  require(o.history.empty() || path, "-coarse_history needs a time-dependent coefficient (-coef_path or -coef_end_seed)");
  check_output_path(o.history, "-coarse_history");
  LodFields fields;
  const LodComparison c = compare_lod_with_fine(grid, mesh, *coefficient, *f, settings, problem, &fields);

  if (!o.common.output.empty()) {
    FieldWriter writer(o.common.output, grid);
    writer.write_cells("coefficient", sample_cells(grid, path ? *path->at(o.final_time) : *coefficient, "coefficient"));
    writer.write_nodes("u_fine", fields.u_fine);
    writer.write_nodes("u_lod", fields.u_coarse);
    writer.write_nodes("u_lod_corrected", fields.u_corrected);
    writer.close();
  }
  Json report = Json::object();
  report["problem"] = o.problem;
  report["coefficient"] = path ? path->describe() : coefficient->describe();
  report["source"] = f->describe();
  report["coarse_n"] = mesh.cells;
  report["fine_n"] = mesh.fine_cells();
  add_square_mesh(report, mesh.fine_cells());
  report["ell"] = settings.ell;
  report["ranks"] = mpi_size(comm);
  report["patches"] = c.patches;
  report["l2_error_vs_fine"] = c.l2_error_vs_fine;
  report["energy_error_vs_fine"] = c.energy_error_vs_fine;
  report["offline_seconds"] = c.offline_seconds;
  report["patches_per_second"] = static_cast<double>(c.patches) / c.offline_seconds;
  report["coarse_solve_seconds"] = c.coarse_solve_seconds;
  report["fine_solve_seconds"] = c.fine_solve_seconds;
  Json breakdown = Json::object();  // rank 0's share
  breakdown["assembly"] = c.timings.assembly;
  breakdown["factorization"] = c.timings.factorization;
  breakdown["solves_and_local_matrices"] = c.timings.solves;
  report["offline_breakdown_rank0"] = breakdown;
  double fraction = 0, seconds = 0, corrector_seconds = 0, indicator_max = 0;
  if (path) {
    report["update"] = o.update.policy;
    if (o.update.policy == "indicator") report["update_tol"] = o.update.tol;
    for (const auto& s : c.steps) {
      fraction += s.recomputed_fraction / static_cast<double>(c.steps.size());
      seconds += s.seconds / static_cast<double>(c.steps.size());
      corrector_seconds += s.corrector_seconds / static_cast<double>(c.steps.size());
      indicator_max = std::max(indicator_max, s.indicator_max);
    }
    report["recomputed_fraction"] = fraction;
    report["online_seconds_per_step"] = seconds;
    report["corrector_seconds_per_step"] = corrector_seconds;
    report["initial_corrector_seconds"] = c.initial_corrector_seconds;
    if (o.update.policy == "indicator") report["indicator_max"] = indicator_max;
    report["steps"] = steps_json(c.steps);
    if (!o.history.empty()) {
      std::vector<double> times, values;
      for (const auto& s : c.steps) times.push_back(s.time);
      for (const auto& u : c.coarse_history) values.insert(values.end(), u.begin(), u.end());
      write_coarse_history(o.history, times, values, mesh.cells, comm);
    }
  }
  write_report(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom lod: %s, coefficient %s, source %s\n", o.problem.c_str(),
                (path ? path->describe() : coefficient->describe()).c_str(), f->describe().c_str());
    std::printf("  H = 1/%d, h = 1/%d, ell = %d, %lld patches on %d ranks: offline %.3f s (%.1f patches/s)\n",
                mesh.cells, mesh.fine_cells(), settings.ell, c.patches, mpi_size(comm), c.offline_seconds,
                static_cast<double>(c.patches) / c.offline_seconds);
    std::printf("  ||u_h - u_H||_L2 / ||u_h||_L2 = %.4e, ||u_h - (1-Q)u_H||_a / ||u_h||_a = %.4e\n", c.l2_error_vs_fine,
                c.energy_error_vs_fine);
    if (path)
      std::printf("  offline: %s; correctors (-update %s): %.1f%% recomputed per step on average, %.4f s per step\n",
                  o.update.policy == "all" ? "none (all correctors recomputed every step)"
                                           : ("the correctors of A(0) in " + format_number(c.initial_corrector_seconds) + " s").c_str(),
                  o.update.policy.c_str(), 100 * fraction, seconds);
  }
  return 0;
}

}  // namespace neurhom::app
