// `neurhom lod -dim 3 -coarse_cells 4,4,4 -cells 32,32,32 -box 1,1,1 -bc D,D,N,N,D,D -ell 2`:
// PG-LOD on boxes in 2D and 3D (lod/box_lod.hpp) against the fine FEM solution and the
// classical coarse Q1 FEM, with the same coefficient (coef/box_field.hpp) and source.
#include <cstdio>

#include "box_field_output.hpp"
#include "commands.hpp"
#include "lod_box_options.hpp"
#include "options.hpp"
#include "report.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/lod/box_lod.hpp"

namespace neurhom::app {

namespace {

Json verify_level_json(const BoxLodVerifyLevel& l, int dim) {
  Json j = Json::object();
  Json c = Json::array();
  for (int d = 0; d < dim; ++d) c.push_back(l.coarse_cells[static_cast<size_t>(d)]);
  j["coarse_cells"] = c;
  j["H"] = l.H;
  j["ell"] = l.ell;
  j["l2_error"] = l.l2_error;
  j["l2_error_coarse_fem"] = l.l2_error_coarse_fem;
  j["seconds"] = l.seconds;
  return j;
}

// `lod -verify` on a box: the study in H and ell of run_box_lod_verify; -coarse_cells and -ell unused
int run_lod_box_verify(MPI_Comm comm, const LodBoxOptions& o, const BoxLayout& layout, const BoxCellField& field, const Source& f,
                       const std::string& patch_solver) {
  const int dim = layout.fine.dim;
  const BoxLodVerifyResult r = run_box_lod_verify(comm, layout.fine, layout.bc, field, f, patch_solver, layout.face_values);
  Json report = Json::object();
  report["problem"] = "elliptic";
  report["dim"] = dim;
  report["cells"] = shape_json(layout.fine, false);
  report["box"] = shape_json(layout.fine, true);
  report["bc"] = layout.bc.describe();
  report["bc_values"] = Json::array_of(layout.face_values);
  report["coefficient"] = field.describe();
  report["source"] = f.describe();
  report["ranks"] = mpi_size(comm);
  report["patch_solver"] = patch_solver;
  report["h_rate"] = r.h_rate;
  report["ell_decay"] = Json::array_of(r.ell_decay);
  Json h = Json::array(), e = Json::array();
  for (const auto& l : r.h_levels) h.push_back(verify_level_json(l, dim));
  for (const auto& l : r.ell_levels) e.push_back(verify_level_json(l, dim));
  report["h_levels"] = h;
  report["ell_levels"] = e;
  write_report(o.report, report, comm);
  if (is_root(comm)) {
    std::printf("observed order in H of the L2 error (ell ~ log2(1/H)): %.3f\n", r.h_rate);
    std::printf("L2 error ratios e(ell)/e(ell+1) at %d coarse cells in x:", r.ell_levels.front().coarse_cells[0]);
    for (double d : r.ell_decay) std::printf(" %.3f", d);
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int run_lod_box(MPI_Comm comm, const LodBoxOptions& o) {
  const bool parabolic = o.problem == "parabolic";
  require(!parabolic || !o.verify, "lod -verify on boxes is for the elliptic problem");
  require(!parabolic || (o.steps >= 1 && o.final_time > 0), "-problem parabolic needs -steps >= 1 and -T > 0");
  const int dim = static_cast<int>(o.box.dim);
  require(o.ell >= 1, "-ell must be at least 1 (got " + std::to_string(o.ell) + ")");
  const BoxLayout layout = box_layout(o.box);
  const BoxShape& fine = layout.fine;
  const BoxShape& coarse = layout.coarse;
  const int ratio = layout.ratio;
  const BoxBoundary& bc = layout.bc;
  CoefficientOptions coefficient = o.coefficient;
  default_box_coefficient(&coefficient, dim);
  const auto field = make_box_coefficient(coefficient, dim, comm);
  const auto f = make_source(o.rhs, coefficient.seed);
  BoxLodSettings s;
  s.ratio = ratio;
  s.ell = o.ell;
  s.patch_solver = o.patch_solver.empty() ? default_box_patch_solver(dim, true) : o.patch_solver;
  s.face_values = layout.face_values;
  if (parabolic) {
    s.final_time = o.final_time;
    s.steps = o.steps;
  }
  if (!o.output.empty()) s.fields = box_fields_writer(o.output, "u_lod", field->describe(), bc.describe());
  if (o.verify) box_lod_verify_coarse_counts(fine);  // too few cells: an error before any work
  require(!o.verify || o.output.empty(), "-o (fields) is not written by lod -verify");
  if (o.verify) return run_lod_box_verify(comm, o, layout, *field, *f, s.patch_solver);
  const BoxLodResult r = compare_box_lod_with_fine(comm, fine, bc, *field, *f, s);

  Json report = Json::object();
  report["problem"] = o.problem;
  if (parabolic) {
    report["final_time"] = o.final_time;
    report["steps"] = o.steps;
  }
  report["dim"] = dim;
  report["cells"] = shape_json(fine, false);
  report["coarse_cells"] = shape_json(coarse, false);
  report["box"] = shape_json(fine, true);
  report["bc"] = bc.describe();
  report["bc_values"] = Json::array_of(layout.face_values);
  report["coefficient"] = field->describe();
  report["source"] = f->describe();
  report["ell"] = o.ell;
  report["ratio"] = ratio;
  report["ranks"] = mpi_size(comm);
  report["patches"] = r.patches;
  report["patch_fine_nodes_max"] = r.patch_fine_nodes_max;
  report["l2_error_vs_fine"] = r.l2_error_vs_fine;
  report["l2_error_coarse_fem"] = r.l2_error_coarse_fem;
  report["asymmetry"] = r.asymmetry;
  report["offline_seconds"] = r.offline_seconds;
  report["seconds_per_patch"] = r.offline_seconds * mpi_size(comm) / static_cast<double>(r.patches);
  report["patch_assembly_seconds_rank0"] = r.assembly_seconds;
  report["factorization_seconds_rank0"] = r.factorization_seconds;
  report["constraint_seconds_rank0"] = r.constraint_seconds;
  report["corrector_seconds_rank0"] = r.corrector_seconds;
  report["coarse_solve_seconds"] = r.coarse_solve_seconds;
  report["fine_solve_seconds"] = r.fine_solve_seconds;
  report["patch_solver"] = s.patch_solver;
  if (!o.output.empty()) report["output"] = o.output;
  write_report(o.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom lod: %s on %s (coarse %s, h/H = 1/%d), faces %s, coefficient %s, source %s, ell = %d\n",
                parabolic ? ("parabolic (u(0) = 0, T = " + format_number(o.final_time) + ", " + std::to_string(o.steps) + " steps)").c_str()
                          : "elliptic",
                fine.describe().c_str(), coarse.describe().c_str(), ratio, bc.describe().c_str(), field->describe().c_str(),
                f->describe().c_str(), o.ell);
    std::printf("  %lld patches (up to %lld fine nodes) on %d ranks: %.3f s offline (%.4f s per patch and rank), coarse solve %.3f s, "
                "fine solve %.3f s\n",
                r.patches, r.patch_fine_nodes_max, mpi_size(comm), r.offline_seconds,
                r.offline_seconds * mpi_size(comm) / static_cast<double>(r.patches), r.coarse_solve_seconds, r.fine_solve_seconds);
    std::printf("  relative L2 error vs the fine solution%s: PG-LOD %.4e, coarse Q1 FEM %.4e; asymmetry of S_A %.2e\n",
                parabolic ? " at t = T" : "", r.l2_error_vs_fine, r.l2_error_coarse_fem, r.asymmetry);
  }
  return 0;
}

}  // namespace neurhom::app
