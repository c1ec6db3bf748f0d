// `neurhom cem-datagen`: reduced-model datasets of Chung, Leung, Pun, Zhang 2020, Sec. 4.1 and 5
// (see include/neurhom/methods/multistage/cem_datagen.hpp).
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/methods/multistage/cem_datagen.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct CemDatagenOptions {
  CommonOptions common;
  std::string problems = "all", steady_kappa = "reject";
  PetscInt coarse_n = 10, fine_n = 100, modes = 3, oversampling = 3, samples = 1600, steps = 31;
  PetscReal final_time = 3.14159265358979323846, gamma = 20.0;
};

PetscErrorCode read_options(MPI_Comm comm, CemDatagenOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom cem-datagen: CEM reduced-model datasets", "cem-datagen");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-problems", "linear, nonlinear, steady (comma list) or all", &o->problems));
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side", nullptr, o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-fine_n", "Fine cells per side", nullptr, o->fine_n, &o->fine_n, nullptr));
  PetscCall(PetscOptionsInt("-cem_modes", "Auxiliary eigenfunctions L_i per coarse cell", nullptr, o->modes, &o->modes, nullptr));
  PetscCall(PetscOptionsInt("-cem_oversampling", "Oversampling layers m", nullptr, o->oversampling, &o->oversampling, nullptr));
  PetscCall(PetscOptionsInt("-samples", "Samples per problem (3/4 train, 1/4 test)", nullptr, o->samples, &o->samples, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps on [0, T]", nullptr, o->steps, &o->steps, nullptr));
  PetscCall(PetscOptionsReal("-T", "Final time", nullptr, o->final_time, &o->final_time, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-steady_kappa",
                        "steady parameter ranges where kappa <= 0: reject (redraw) or literal (keep, direct solve)",
                        &o->steady_kappa));
  PetscCall(PetscOptionsReal("-gamma", "Nonlinearity a = kappa exp(gamma u)", nullptr, o->gamma, &o->gamma, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

}  // namespace

int run_cem_datagen(MPI_Comm comm) {
  CemDatagenOptions o;
  o.common.coefficient.family = "channels";
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  o.common.validate();
  CemDatagenSettings s;
  parse_cem_problems(o.problems, s);
  s.steady_reading = parse_steady_reading(o.steady_kappa);
  s.coarse_n = static_cast<int>(o.coarse_n);
  s.fine_n = static_cast<int>(o.fine_n);
  s.modes = static_cast<int>(o.modes);
  s.oversampling = static_cast<int>(o.oversampling);
  s.samples = static_cast<int>(o.samples);
  s.steps = static_cast<int>(o.steps);
  s.final_time = o.final_time;
  s.gamma = o.gamma;
  s.seed = o.common.coefficient.seed;
  s.coefficient = o.common.coefficient;
  s.output = o.common.output;
  const CemDatagenResult r = generate_cem_dataset(comm, s);
  Json report = Json::object();
  report["output"] = s.output;
  report["coarse_n"] = s.coarse_n;
  report["fine_n"] = s.fine_n;
  report["cem_modes"] = s.modes;
  report["cem_oversampling"] = s.oversampling;
  report["dim_vms"] = r.dim_vms;
  report["samples"] = s.samples;
  report["train"] = r.train;
  report["test"] = r.test;
  report["steps"] = s.steps;
  report["gamma"] = s.gamma;
  report["steady_rejected"] = r.steady_rejected;
  report["steady_kappa"] = o.steady_kappa;
  report["steady_nonpositive"] = r.steady_nonpositive;
  report["seconds"] = r.seconds;
  report["samples_per_second"] = s.samples / r.seconds;
  report["ranks"] = mpi_size(comm);
  write_report(o.common.report, report, comm);
  if (is_root(comm))
    std::printf("neurhom cem-datagen: %d samples in %.2f s (%.2f samples/s) on %d ranks -> %s\n", s.samples, r.seconds,
                s.samples / r.seconds, mpi_size(comm), s.output.c_str());
  return 0;
}

}  // namespace neurhom::app
