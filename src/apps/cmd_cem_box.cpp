// `neurhom cem -dim 3 -coarse_cells 4,4,4 -cells 32,32,32 -bc D,D,N,N,D,D -cem_modes 4
// -cem_oversampling 2`: CEM-GMsFEM on boxes in 2D and 3D (cem/box_cem.hpp) against the fine
// FEM solution with the same coefficient (coef/box_field.hpp) and source.
#include <cstdio>

#include "box_field_output.hpp"
#include "commands.hpp"
#include "lod_box_options.hpp"
#include "options.hpp"
#include "report.hpp"
#include "neurhom/cem/box_cem.hpp"
#include "neurhom/fem/box_fem.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/patch/box_patch.hpp"

namespace neurhom::app {

int run_cem_box(MPI_Comm comm, const LodBoxOptions& o) {
  require(o.problem == "elliptic" || o.problem == "parabolic",
          "-problem " + o.problem + " is not available for cem on boxes yet (-dim, -cells, -coarse_cells, -box, -bc: elliptic, parabolic)");
  const bool parabolic = o.problem == "parabolic";
  require(!parabolic || (o.steps >= 1 && o.final_time > 0), "-problem parabolic needs -steps >= 1 and -T > 0");
  const int dim = static_cast<int>(o.box.dim);
  const BoxLayout layout = box_layout(o.box);
  require(!nonzero_face_values(layout.face_values),
          "-bc_values: cem on boxes takes homogeneous boundary data only (non-zero face values: lod and fem)");
  CoefficientOptions coefficient = o.coefficient;
  default_box_coefficient(&coefficient, dim);
  const auto field = make_box_coefficient(coefficient, dim, comm);
  const auto f = make_source(o.rhs, coefficient.seed);
  BoxCemSettings s;
  s.ratio = layout.ratio;
  s.modes = o.modes;
  s.oversampling = o.oversampling;
  s.patch_solver = o.patch_solver.empty() ? default_box_patch_solver(dim, false) : o.patch_solver;
  if (parabolic) {
    s.final_time = o.final_time;
    s.steps = o.steps;
  }
  check_box_cem_settings(s, dim);
  field->check_mesh(dim, {layout.fine.cells[0], layout.fine.cells[1], dim == 3 ? layout.fine.cells[2] : 1});
  if (!o.output.empty()) s.fields = box_fields_writer(o.output, "u_cem", field->describe(), layout.bc.describe());
  const BoxCemResult r = compare_box_cem_with_fine(comm, layout.fine, layout.bc, *field, *f, s);

  Json report = Json::object();
  report["problem"] = o.problem;
  if (parabolic) {
    report["final_time"] = o.final_time;
    report["steps"] = o.steps;
  }
  report["dim"] = dim;
  report["cells"] = shape_json(layout.fine, false);
  report["coarse_cells"] = shape_json(layout.coarse, false);
  report["box"] = shape_json(layout.fine, true);
  report["bc"] = layout.bc.describe();
  report["coefficient"] = field->describe();
  report["source"] = f->describe();
  report["ratio"] = layout.ratio;
  report["modes"] = o.modes;
  report["oversampling"] = o.oversampling;
  report["ranks"] = mpi_size(comm);
  report["dim_ms"] = r.dim;
  report["energy_error_vs_fine"] = r.energy_error_vs_fine;
  report["l2_error_vs_fine"] = r.l2_error_vs_fine;
  report["lambda_min"] = r.lambda_min;
  report["lambda_max"] = r.lambda_max;
  report["eigen_residual_max"] = r.max_residual;
  report["region_fine_nodes_max"] = r.region_fine_nodes_max;
  report["offline_seconds"] = r.offline_seconds;
  report["online_seconds"] = r.online_seconds;
  report["fine_solve_seconds"] = r.fine_solve_seconds;
  report["patch_solver"] = s.patch_solver;
  if (!o.output.empty()) report["output"] = o.output;
  write_report(o.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom cem: %s on %s (coarse %s), faces %s, coefficient %s, %d modes, oversampling %d\n",
                parabolic ? ("parabolic (u(0) = 0, T = " + format_number(o.final_time) + ", " + std::to_string(o.steps) + " steps)").c_str()
                          : "elliptic",
                layout.fine.describe().c_str(), layout.coarse.describe().c_str(), layout.bc.describe().c_str(),
                field->describe().c_str(), o.modes, o.oversampling);
    std::printf("  dim V_ms = %lld, eigenvalues in [%.3e, %.3e], offline %.3f s, online %.3f s, fine solve %.3f s\n", r.dim,
                r.lambda_min, r.lambda_max, r.offline_seconds, r.online_seconds, r.fine_solve_seconds);
    std::printf("  relative errors vs the fine solution%s: energy %.4e, L2 %.4e\n", parabolic ? " at t = T" : "", r.energy_error_vs_fine,
                r.l2_error_vs_fine);
  }
  return 0;
}

}  // namespace neurhom::app
