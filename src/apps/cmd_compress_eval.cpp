// `neurhom compress-eval`: the online phase of the neural operator compression against
// PG-LOD for one coefficient (methods/compression/compress_eval.hpp has the math and the figures).
#include <algorithm>
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/methods/compression/compress_eval.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct EvalOptions {
  CommonOptions common;
  std::string model;
  std::string patch_solver = "petsc", precision = "fp32", fields;
  PetscInt coarse_n = 0, threads = 0, chunk = 0;
  PetscBool row_sums = PETSC_TRUE;
  PetscBool group_average = PETSC_FALSE;
  PetscReal final_time = 1.0;
  PetscInt steps = 10;
  std::string history;
};

PetscErrorCode read_options(MPI_Comm comm, EvalOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom compress-eval: neural S_A-hat against PG-LOD S_A", "compress-eval");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-model", "Trained model (TorchScript from `neurhom train`)", &o->model));
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side (0: the training setting; h = H / r as trained)", nullptr,
                            o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-threads", "Intra-op threads per rank (0: cores / ranks per node)", nullptr, o->threads,
                            &o->threads, nullptr));
  PetscCall(PetscOptionsInt("-nn_chunk", "Rows per forward-pass chunk (0: all patches of a rank at once)", nullptr, o->chunk,
                            &o->chunk, nullptr));
  PetscCall(read_patch_solver(PetscOptionsObject, "-lod_patch_solver", &o->patch_solver));
  PetscCall(read_string(PetscOptionsObject, "-fields", "HDF5/XDMF file with u_lod, u_nn and their difference (alias: -o)",
                        &o->fields));
  PetscCall(PetscOptionsBool("-zero_row_sums", "Project the network's S_T onto zero row sums, as exact S_T have (-zero_row_sums false: raw outputs)",
                             nullptr, o->row_sums, &o->row_sums, nullptr));
  PetscCall(PetscOptionsBool("-group_average", "Average the network over the 8 symmetries of the square (8 forward passes)",
                             nullptr, o->group_average, &o->group_average, nullptr));
  PetscCall(PetscOptionsReal("-T", "Final time (time-dependent coefficient: -coef_path or -coef_end_seed)", nullptr,
                             o->final_time, &o->final_time, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps (time-dependent coefficient)", nullptr, o->steps, &o->steps,
                            nullptr));
  PetscCall(read_string(PetscOptionsObject, "-coarse_history",
                        "HDF5 file with the network's coarse solution of every step (time-dependent coefficient)",
                        &o->history));
  PetscCall(read_string(PetscOptionsObject, "-precision", "Forward-pass arithmetic: fp32 or bf16 (bfloat16 GEMM, float32 accumulation)",
                        &o->precision));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

// The time-dependent comparison (evaluate_compression_path): report, optional U^ history.
int run_path(MPI_Comm comm, const EvalOptions& o, ScriptedModel& net, const CoefficientPath& path, const Source& f,
             const CompressEvalSettings& settings, Precision precision) {
  require(settings.output.empty(), "-fields/-o: no field output for a time-dependent coefficient (use -coarse_history)");
  const CompressPathResult r =
      evaluate_compression_path(comm, net, o.model, path, f, o.final_time, static_cast<int>(o.steps), settings);
  if (!o.history.empty()) {
    std::vector<double> values;
    for (const auto& u : r.nn_history) values.insert(values.end(), u.begin(), u.end());
    write_coarse_history(o.history, r.times, values, r.coarse_n, comm);
  }
  Json report = to_json(r, settings);
  report["model_file"] = o.model;
  report["coefficient"] = path.describe();
  report["source"] = f.describe();
  report["precision"] = precision_name(precision);
  report["T"] = o.final_time;
  write_report(o.common.report, report, comm);
  if (is_root(comm))
    std::printf("neurhom compress-eval: %s, H = 1/%d, h = 1/%d, ell = %d, %d steps: relative L2 error of u_H at T %.4e "
                "(max over time %.4e); per step: network %.4f s, PG-LOD %.4f s (correctors %.4f s)\n",
                path.describe().c_str(), r.coarse_n, r.fine_n, r.ell, r.steps, r.error_T,
                *std::max_element(r.errors.begin(), r.errors.end()), r.nn_seconds_per_step, r.lod_seconds_per_step,
                r.lod_corrector_seconds_per_step);
  return 0;
}

}  // namespace

int run_compress_eval(MPI_Comm comm) {
  EvalOptions o;
  o.common.rhs = "one";
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  o.common.validate();
  check_output_path(o.fields, "-fields");
  require(!o.model.empty(), "compress-eval needs a trained model: -model model.pt (from `neurhom train`)");
  const Precision precision = precision_from_string(o.precision);
  ScriptedModel net = load_torchscript(o.model);
  net.set_precision(precision);
  const auto coefficient = make_coefficient(o.common.coefficient, comm);
  const auto f = make_source(o.common.rhs, o.common.coefficient.seed);
  CompressEvalSettings settings;
  settings.coarse_n = static_cast<int>(o.coarse_n);
  settings.threads = static_cast<int>(o.threads);
  settings.forward_chunk = o.chunk;
  settings.patch_solver = o.patch_solver;
  settings.zero_row_sums = o.row_sums;
  settings.group_average = o.group_average;
  settings.output = o.fields.empty() ? o.common.output : o.fields;
  const auto path = make_coefficient_path(o.common, o.final_time, comm);
  require(o.history.empty() || path, "-coarse_history needs a time-dependent coefficient (-coef_path or -coef_end_seed)");
  check_output_path(o.history, "-coarse_history");
  if (path) return run_path(comm, o, net, *path, *f, settings, precision);
  const CompressEvalResult r = evaluate_compression(comm, net, o.model, *coefficient, *f, settings);

  Json report = to_json(r, settings);
  report["model_file"] = o.model;
  report["coefficient"] = coefficient->describe();
  report["source"] = f->describe();
  report["precision"] = precision_name(precision);
  write_report(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom compress-eval: coefficient %s, source %s, H = 1/%d, h = 1/%d, ell = %d, %d ranks\n",
                coefficient->describe().c_str(), f->describe().c_str(), r.coarse_n, r.fine_n, r.ell, mpi_size(comm));
    std::printf("  ||S_A - S^_A||_2 = %.4e, ||u_H - u^_H||_L2 = %.4e (relative %.4e; coarse Q1 FEM: %.4e)\n",
                r.spectral_norm_error, r.l2_error, r.l2_error_relative, r.l2_error_coarse_fem_relative);
    std::printf("  LOD %.3f s, network %.3f s: speedup %.1f\n", r.lod_seconds, r.nn_seconds, r.lod_seconds / r.nn_seconds);
  }
  return 0;
}

}  // namespace neurhom::app
