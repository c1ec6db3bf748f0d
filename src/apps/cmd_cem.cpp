// `neurhom cem`: CEM-GMsFEM solves compared with the fine FEM reference, and `-verify`, the
// energy error vs H for a high-contrast channel coefficient at two contrasts.
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/cem/cem_study.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/field_output.hpp"
#include "lod_box_options.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct CemOptions {
  CommonOptions common;
  std::string problem = "elliptic";
  std::string patch_solver;  // "" = petsc in 2D, cholmod (where PETSc has it) on 3D boxes
  PetscInt coarse_n = 10, fine_n = 100, modes = 3, oversampling = 3, steps = 10;
  PetscReal final_time = 1.0, gamma = 1.0;
  PetscBool verify = PETSC_FALSE;
  BoxOptions box;  // boxes and 3D (issue 30; cmd_cem_box.cpp)
};

PetscErrorCode read_options(MPI_Comm comm, CemOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom cem: constraint energy minimizing GMsFEM", "cem");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-problem", "elliptic, parabolic or nonlinear", &o->problem));
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side (H = 1/coarse_n)", nullptr, o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-fine_n", "Fine cells per side (a multiple of -coarse_n)", nullptr, o->fine_n, &o->fine_n, nullptr));
  PetscCall(PetscOptionsInt("-cem_modes", "Auxiliary eigenfunctions L_i per coarse cell", nullptr, o->modes, &o->modes, nullptr));
  PetscCall(PetscOptionsInt("-cem_oversampling", "Oversampling layers m of K_i^+ = K_{i,m}", nullptr, o->oversampling,
                            &o->oversampling, nullptr));
  PetscCall(read_patch_solver(PetscOptionsObject, "-cem_patch_solver", &o->patch_solver));
  PetscCall(read_box_options(PetscOptionsObject, &o->box));
  PetscCall(PetscOptionsReal("-T", "Final time (parabolic, nonlinear)", nullptr, o->final_time, &o->final_time, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps (parabolic, nonlinear)", nullptr, o->steps, &o->steps, nullptr));
  PetscCall(PetscOptionsReal("-gamma", "Nonlinearity a = kappa exp(gamma u)", nullptr, o->gamma, &o->gamma, nullptr));
  PetscCall(PetscOptionsBool("-verify", "Energy error vs H for contrasts 1e2 and 1e4", nullptr, o->verify, &o->verify, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

int run_verify(MPI_Comm comm, const CemOptions& o, const Source& f) {
  CemVerifySettings s;
  s.modes = static_cast<int>(o.modes);
  const CemVerifyResult r = run_cem_verify(comm, f, s);
  Json report = Json::object();
  report["coefficient"] = "channels";
  report["source"] = f.describe();
  report["fine_n"] = s.fine_n;
  add_square_mesh(report, s.fine_n);
  report["cem_modes"] = s.modes;
  report["ranks"] = mpi_size(comm);
  report["h_rate"] = r.h_rate;
  report["h_rates"] = Json::array_of(r.h_rates);
  report["contrasts"] = Json::array_of(s.contrasts);
  report["contrast_ratio"] = r.contrast_ratio;
  Json levels = Json::array();
  for (const auto& l : r.levels) {
    Json j = Json::object();
    j["contrast"] = l.contrast;
    j["coarse_n"] = l.coarse_n;
    j["H"] = l.H;
    j["oversampling"] = l.oversampling;
    j["l2_error"] = l.l2_error;
    j["energy_error"] = l.energy_error;
    j["seconds"] = l.seconds;
    levels.push_back(j);
  }
  report["levels"] = levels;
  write_report(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("observed order in H of the energy error:");
    for (size_t k = 0; k < r.h_rates.size(); ++k) std::printf(" %.3f (contrast %.0e)", r.h_rates[k], s.contrasts[k]);
    std::printf("; theory: 1, independent of the contrast\nlargest error ratio between the contrasts: %.3f\n",
                r.contrast_ratio);
  }
  return 0;
}

}  // namespace

int run_cem(MPI_Comm comm) {
  CemOptions o;
  o.common.rhs = "one";
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  o.common.validate();
  CemProblem problem;
  problem.kind = parse_problem_kind(o.problem);
  problem.final_time = o.final_time;
  problem.steps = static_cast<int>(o.steps);
  problem.gamma = o.gamma;
  if (o.box.given()) {
    require(!o.verify, "-verify runs on the unit square; on boxes and in 3D run benchmarks/lod3d.py --parts cem");
    require(!o.common.time_dependent(), "time-dependent coefficients are not available on boxes");
    LodBoxOptions b = box_options_from(o.box, o.common, o.problem, o.patch_solver);
    b.modes = static_cast<int>(o.modes);
    b.oversampling = static_cast<int>(o.oversampling);
    b.final_time = o.final_time;
    b.steps = static_cast<int>(o.steps);
    return run_cem_box(comm, b);
  }
  if (o.patch_solver.empty()) o.patch_solver = "petsc";
  const auto f = make_source(o.common.rhs, o.common.coefficient.seed);
  if (o.verify) return run_verify(comm, o, *f);
  require(!o.common.time_dependent(), "-coef_end_seed/-coef_path (a time-dependent coefficient) is not supported by cem");

  const auto kappa = make_coefficient(o.common.coefficient, comm);
  const CoarseMesh mesh(static_cast<int>(o.coarse_n), static_cast<int>(o.fine_n));
  const StructuredGrid grid(comm, static_cast<int>(o.fine_n));
  CemSettings settings;
  settings.modes = static_cast<int>(o.modes);
  settings.oversampling = static_cast<int>(o.oversampling);
  settings.patch_solver = o.patch_solver;
  settings.show_progress = true;
  CemFields fields;
  const CemComparison c = compare_cem_with_fine(grid, mesh, *kappa, *f, settings, problem, &fields);

  if (!o.common.output.empty()) {
    FieldWriter writer(o.common.output, grid);
    writer.write_cells("coefficient", sample_cells(grid, *kappa, "coefficient"));
    writer.write_nodes("u_fine", fields.u_fine);
    writer.write_nodes("u_cem", fields.u_cem);
    OwnedVec diff = grid.create_vector();
    NH_PETSC(VecWAXPY(diff, -1.0, fields.u_cem, fields.u_fine));
    writer.write_nodes("difference", diff);
    writer.close();
  }
  Json report = Json::object();
  report["problem"] = to_string(problem.kind);
  report["coefficient"] = kappa->describe();
  report["source"] = f->describe();
  report["coarse_n"] = mesh.cells;
  report["fine_n"] = mesh.fine_cells();
  add_square_mesh(report, mesh.fine_cells());
  report["cem_modes"] = settings.modes;
  report["cem_oversampling"] = settings.oversampling;
  report["ranks"] = mpi_size(comm);
  report["dim_vms"] = c.dim_vms;
  report["l2_error_vs_fine"] = c.l2_error_vs_fine;
  report["energy_error_vs_fine"] = c.energy_error_vs_fine;
  report["eigenvalues_min"] = c.eigenvalue_min;
  report["eigenvalues_max"] = c.eigenvalue_max;
  report["eigen_residual_max"] = c.max_eigen_residual;
  report["offline_seconds"] = c.offline_seconds;
  report["coarse_solve_seconds"] = c.coarse_solve_seconds;
  report["fine_solve_seconds"] = c.fine_solve_seconds;
  if (problem.kind == ProblemKind::Nonlinear) report["newton_iterations"] = c.newton_iterations;
  Json breakdown = Json::object();  // rank 0's share
  breakdown["eigenproblems"] = c.timings.eigen;
  breakdown["basis_assembly"] = c.timings.basis_assembly;
  breakdown["basis_factorization"] = c.timings.basis_factorization;
  breakdown["basis_solves"] = c.timings.basis_solves;
  breakdown["global_assembly"] = c.timings.global;
  report["offline_breakdown_rank0"] = breakdown;
  write_report(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom cem: %s, coefficient %s, source %s\n", to_string(problem.kind).c_str(),
                kappa->describe().c_str(), f->describe().c_str());
    std::printf("  H = 1/%d, h = 1/%d, L_i = %d, m = %d: dim V_ms = %lld, eigenvalues in [%.4g, %.4g], %d ranks: "
                "offline %.3f s\n",
                mesh.cells, mesh.fine_cells(), settings.modes, settings.oversampling, c.dim_vms, c.eigenvalue_min,
                c.eigenvalue_max, mpi_size(comm), c.offline_seconds);
    std::printf("  ||u_h - u_ms||_L2 / ||u_h||_L2 = %.4e, ||u_h - u_ms||_a / ||u_h||_a = %.4e\n", c.l2_error_vs_fine,
                c.energy_error_vs_fine);
  }
  return 0;
}

}  // namespace neurhom::app
