// `neurhom lod-datagen`: the (R_T(A), S_T) training data of the neural operator compression.
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/methods/compression/lod_datagen.hpp"
#include "neurhom/fem/box_fem.hpp"
#include "neurhom/patch/box_patch.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct DatagenOptions {
  PetscInt coarse_n = 32, fine_n = 256, ell = 2, samples = 500, seed = 1, family_index = -1;
  PetscReal alpha = 1.0, beta = 5.0;
  std::string families = "all", precision = "float32", patch_solver, output, report;  // patch_solver "": by path
  BoxOptions box;  // -dim, -cells, -coarse_cells, -box, -bc: the box path (issue 30)
};

PetscErrorCode read_options(MPI_Comm comm, DatagenOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom lod-datagen: (R_T(A), S_T) pairs for operator compression", "lod-datagen");
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side (H = 1/coarse_n)", nullptr, o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-fine_n", "Fine cells per side (eps = 1/fine_n)", nullptr, o->fine_n, &o->fine_n, nullptr));
  PetscCall(read_box_options(PetscOptionsObject, &o->box));
  PetscCall(PetscOptionsInt("-ell", "Patch layers ell", nullptr, o->ell, &o->ell, nullptr));
  PetscCall(PetscOptionsInt("-samples", "Coefficient samples per family", nullptr, o->samples, &o->samples, nullptr));
  PetscCall(PetscOptionsInt("-seed", "Base seed (sample seeds are derived from it)", nullptr, o->seed, &o->seed, nullptr));
  PetscCall(PetscOptionsReal("-coef_alpha", "Lower bound of U[alpha,beta]", nullptr, o->alpha, &o->alpha, nullptr));
  PetscCall(PetscOptionsReal("-coef_beta", "Upper bound of U[alpha,beta]", nullptr, o->beta, &o->beta, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-families", "all, or a comma list of levels0..levels8, ms", &o->families));
  PetscCall(PetscOptionsInt("-family_index", "Only family K (0-based) of -families, seeds as in the full run (job arrays; join with lod-merge)",
                            nullptr, o->family_index, &o->family_index, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-precision", "float32 or float64", &o->precision));
  PetscCall(read_patch_solver(PetscOptionsObject, "-lod_patch_solver", &o->patch_solver));
  PetscCall(read_string(PetscOptionsObject, "-o", "Output HDF5 dataset", &o->output));
  PetscCall(read_string(PetscOptionsObject, "-report", "JSON file with the key figures of the run", &o->report));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

}  // namespace

int run_lod_datagen(MPI_Comm comm) {
  DatagenOptions o;
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  require(o.precision == "float32" || o.precision == "float64",
          "unknown precision '" + o.precision + "' (-precision); known: float32, float64");
  require(!o.output.empty(), "lod-datagen needs an output file: -o data.h5");
  require(o.seed >= 0, "-seed must be non-negative");
  require(o.alpha > 0 && o.beta >= o.alpha, "-coef_alpha/-coef_beta must satisfy 0 < alpha <= beta");
  check_output_path(o.output, "-o");
  check_output_path(o.report, "-report");
  LodDatagenSettings s;
  s.coarse_n = static_cast<int>(o.coarse_n);
  s.fine_n = static_cast<int>(o.fine_n);
  s.ell = static_cast<int>(o.ell);
  s.samples = static_cast<int>(o.samples);
  s.seed = static_cast<std::uint64_t>(o.seed);
  s.alpha = o.alpha;
  s.beta = o.beta;
  s.families = parse_lod_families(o.families);
  s.family_index = static_cast<int>(o.family_index);
  s.float64 = o.precision == "float64";
  if (o.box.given()) {  // boxes in 2D and 3D: -coarse_n/-fine_n do not apply
    PetscBool square = PETSC_FALSE;
    for (const char* name : {"-coarse_n", "-fine_n"}) {
      NH_PETSC(PetscOptionsHasName(nullptr, nullptr, name, &square));
      require(!square, std::string(name) + " is for the unit square; on boxes give -coarse_cells and -cells");
    }
    const BoxLayout layout = box_layout(o.box);
    require(!nonzero_face_values(layout.face_values),
            "-bc_values: the local matrices S_T do not depend on boundary data; lod-datagen takes the faces (-bc) only");
    s.box = LodDatagenBox{layout.fine, layout.ratio, layout.bc};
    s.patch_solver = o.patch_solver.empty() ? default_box_patch_solver(layout.fine.dim, true) : o.patch_solver;
  } else {
    s.patch_solver = o.patch_solver.empty() ? "petsc" : o.patch_solver;
  }
  s.output = o.output;
  const LodDatagenResult r = generate_lod_dataset(comm, s);

  Json report = to_json(r);
  report["output"] = o.output;
  report["patch_solver"] = s.patch_solver;
  write_report(o.report, report, comm);
  if (is_root(comm))
    std::printf("neurhom lod-datagen: %lld %dD patches in %.2f s (%.0f patches/s on %d ranks) -> %s\n", r.patches, r.meta.dim, r.seconds,
                r.patches / r.seconds, mpi_size(comm), o.output.c_str());
  return 0;
}

}  // namespace neurhom::app
