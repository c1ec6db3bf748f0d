// `neurhom multistage-eval`: a trained multi-stage network on its CEM test split, eq. (7) per
// stage and eq. (8) against re-solved fine solutions (methods/multistage/multistage_eval.hpp).
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/methods/multistage/multistage_eval.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct MultistageEvalOptions {
  CommonOptions common;
  std::string model, data, fields, l2_from = "auto";
  PetscInt l2_samples = 20, field_sample = 0, threads = 0;
};

PetscErrorCode read_options(MPI_Comm comm, MultistageEvalOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom multistage-eval: multi-stage CEM networks on the test split", "multistage-eval");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-model", "Trained model (`neurhom train -model multistage`)", &o->model));
  PetscCall(read_string(PetscOptionsObject, "-data", "The CEM dataset (`neurhom cem-datagen`)", &o->data));
  PetscCall(PetscOptionsInt("-l2_samples", "Test samples re-solved for the relative L2 error of eq. (8)", nullptr,
                            o->l2_samples, &o->l2_samples, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-l2_from",
                        "eq. (8) from: data (stored R'M u_h, every test row), solves (fine re-solves), auto", &o->l2_from));
  PetscCall(read_fields(PetscOptionsObject, "HDF5/XDMF file with R u_H,learnt, u_h and the error of one test sample", &o->fields));
  PetscCall(PetscOptionsInt("-field_sample", "Test row written to -fields", nullptr, o->field_sample, &o->field_sample, nullptr));
  PetscCall(PetscOptionsInt("-threads", "Intra-op threads per rank (0: cores / ranks per node)", nullptr,
                            o->threads, &o->threads, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

}  // namespace

int run_multistage_eval(MPI_Comm comm) {
  MultistageEvalOptions o;
  o.common.coefficient.family = "channels";  // cem-datagen's default kappa
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  o.common.validate();
  MultistageEvalSettings s;
  s.model = o.model;
  s.data = o.data;
  s.l2_samples = static_cast<int>(o.l2_samples);
  s.l2_from = o.l2_from;
  s.fields = o.fields;
  s.field_sample = static_cast<int>(o.field_sample);
  s.threads = static_cast<int>(o.threads);
  s.coefficient = o.common.coefficient;
  if (!o.common.report.empty()) require_writable_location(o.common.report, "-report file");
  const MultistageEvalResult r = evaluate_multistage(comm, s);

  Json report = to_json(r);
  report["model_file"] = s.model;
  report["data"] = s.data;
  write_report(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom multistage-eval: %s, %lld test rows, relative l2 error (eq. 7) per stage:", r.problem.c_str(),
                r.test_rows);
    for (double e : r.stage_errors) std::printf(" %.5f", e);
    std::printf(" (mean predictor %.5f)\n", r.mean_predictor_error);
    if (!r.stage_errors_l2.empty()) {
      std::printf("  M-norm ||R(u_learnt - u_H)|| / ||R u_H|| per stage:");
      for (double e : r.stage_errors_l2) std::printf(" %.5f", e);
      std::printf(" (mean predictor %.5f, affine least squares in xi %.5f)\n", r.mean_predictor_error_l2,
                  r.affine_error_l2);
    }
    if (r.l2_samples > 0) {
      std::printf("  relative L2 (eq. 8) over %d test rows (%s), learnt per stage:", r.l2_samples,
                  r.l2_source == "data" ? "from the stored moments" : "fine re-solves");
      for (double e : r.l2_error_learnt_stages) std::printf(" %.5f", e);
      std::printf("; computed (CEM projection) %.5f; affine in xi %.5f\n", r.l2_error_computed, r.l2_error_affine);
    }
  }
  return 0;
}

}  // namespace neurhom::app
