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

int run_lod_box(MPI_Comm comm, const LodBoxOptions& o) {
  require(o.problem == "elliptic", "-problem " + o.problem + " is not available on boxes yet (-dim, -cells, -coarse_cells, -box, -bc: elliptic only)");
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
  if (!o.output.empty()) s.fields = box_fields_writer(o.output, "u_lod", field->describe(), bc.describe());
  const BoxLodResult r = compare_box_lod_with_fine(comm, fine, bc, *field, *f, s);

  Json report = Json::object();
  report["problem"] = "elliptic";
  report["dim"] = dim;
  report["cells"] = shape_json(fine, false);
  report["coarse_cells"] = shape_json(coarse, false);
  report["box"] = shape_json(fine, true);
  report["bc"] = bc.describe();
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
    std::printf("neurhom lod: elliptic on %s (coarse %s, h/H = 1/%d), faces %s, coefficient %s, source %s, ell = %d\n",
                fine.describe().c_str(), coarse.describe().c_str(), ratio, bc.describe().c_str(), field->describe().c_str(),
                f->describe().c_str(), o.ell);
    std::printf("  %lld patches (up to %lld fine nodes) on %d ranks: %.3f s offline (%.4f s per patch and rank), coarse solve %.3f s, "
                "fine solve %.3f s\n",
                r.patches, r.patch_fine_nodes_max, mpi_size(comm), r.offline_seconds,
                r.offline_seconds * mpi_size(comm) / static_cast<double>(r.patches), r.coarse_solve_seconds, r.fine_solve_seconds);
    std::printf("  relative L2 error vs the fine solution: PG-LOD %.4e, coarse Q1 FEM %.4e; asymmetry of S_A %.2e\n",
                r.l2_error_vs_fine, r.l2_error_coarse_fem, r.asymmetry);
  }
  return 0;
}

}  // namespace neurhom::app
