// Deep Ritz LOD subcommands: `neurhom train -model deepritz` (per-node corrector networks,
// methods/deepritz/ritz_offline.hpp) and `neurhom deepritz-eval` (LOD-ANN against the LOD along a
// moving coefficient, methods/deepritz/deepritz_eval.hpp). Read options, call one library function,
// write the report.
#include <petscsys.h>

#include <cstdio>
#include <sstream>

#include "arg_options.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/methods/deepritz/deepritz_eval.hpp"
#include "neurhom/methods/deepritz/ritz_offline.hpp"
#include "neurhom/nn/mlp.hpp"
#include "options.hpp"
#include "petsc_session.hpp"

namespace neurhom::app {

namespace {

std::vector<std::int64_t> hidden_from_string(const std::string& text) {
  const std::string message = "-hidden must be a comma-separated list of positive widths (got '" + text + "')";
  std::vector<std::int64_t> w;
  try {
    w = parse_list<std::int64_t>(text, "-hidden");
  } catch (const Error&) {
    throw Error(message);
  }
  for (const auto v : w) require(v >= 1, message);
  return w;
}

}  // namespace

int train_deepritz_model(MPI_Comm comm, ArgOptions& args) {
  const std::string example = args.get("-example", "cont", "Deep Ritz example: cont (Example 1), battery (Example 2 as the paper states it) or battery-ref (as lodpinn runs it)");
  DeepRitzTrainSettings s;
  s.example.name = example;
  const int samples = static_cast<int>(args.get_int("-samples", 0, "training parameters p (0: the example's 40 / 15 / 20)"));
  const int coarse_n = static_cast<int>(args.get_int("-coarse_n", 0, "coarse cells per side (0: the example's 6 / 6 / 8)"));
  const int fine_n = static_cast<int>(args.get_int("-fine_n", 0, "fine cells per side (0: the example's 36 / 60 / 40)"));
  const int ell = static_cast<int>(args.get_int("-ell", 1, "patch layers around supp Lambda_z"));
  RitzTrainSettings& t = s.train;
  t.steps = static_cast<int>(args.get_int("-steps", t.steps, "maximal Adam steps per network (paper: 30000)"));
  const std::string hidden = args.get("-hidden", "64,64,64", "hidden widths (paper: 8 layers of 128)");
  t.lr = args.get_real("-lr", t.lr, "Adam step size of the networks (decays by -decay every -decay_steps steps)");
  t.lr_mu = args.get_real("-lr_mu", t.lr_mu, "Adam step size of the self-adaptive weights mu (gradient ascent)");
  t.decay = args.get_real("-decay", t.decay, "exponential learning-rate decay factor");
  t.decay_steps = args.get_int("-decay_steps", t.decay_steps, "steps per decay factor");
  t.seed = static_cast<std::uint64_t>(args.get_int("-seed", static_cast<long long>(t.seed), "seed of the weights (node z uses seed + z)"));
  t.threads = static_cast<int>(args.get_int("-threads", t.threads, "intra-op threads per rank (0: cores / ranks per node)"));
  t.stagnation = args.get_real("-stagnation", t.stagnation, "early stop: relative spread of the last 10 logged energies");
  t.interpolation_tol = args.get_real("-interp_tol", t.interpolation_tol,
                                      "early stop: mean square of I_H alpha below this (0: never stop early)");
  const std::string dtype = args.get("-dtype", "float32", "float32 (as lodpinn) or float64");
  s.batch_nodes = static_cast<int>(args.get_int("-batch_nodes", 1, "networks trained together as one batched model "
                                                                    "(1: one at a time, faster on CPU; 0: all of a rank's nodes)"));
  s.output = args.get("-o", "", "the trained bundle");
  const std::string report_path = args.get("-report", "", "JSON file with the key figures of the run");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  s.example = deep_ritz_example(example);
  if (samples != 0) s.example.samples = samples;
  if (coarse_n != 0) s.example.coarse_n = coarse_n;
  if (fine_n != 0) s.example.fine_n = fine_n;
  s.example.ell = ell;
  require(samples >= 0, "-samples must be positive (got " + std::to_string(samples) + ")");
  require(dtype == "float32" || dtype == "float64", "-dtype must be float32 or float64 (got '" + dtype + "')");
  t.dtype = dtype == "float64" ? torch::kFloat64 : torch::kFloat32;
  t.hidden = hidden_from_string(hidden);
  require(t.threads >= 0, "-threads must be non-negative");
  require(!s.output.empty(), "train -model deepritz needs an output bundle: -o bundle.pt");
  require_writable_location(s.output, "-o bundle");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");

  PetscSession petsc;
  const DeepRitzTrainSummary r = train_deep_ritz(comm, s);
  write_report(report_path, to_json(r, s), comm);
  if (is_root(comm))
    std::printf("neurhom train: deepritz %s, %d networks in %.1f s on %d ranks (%.1f s per network, %.0f steps on average) -> %s\n",
                s.example.name.c_str(), r.nodes, r.seconds, mpi_size(comm), r.node_seconds_mean, r.steps_mean,
                s.output.c_str());
  return 0;
}

namespace {

struct EvalOptions {
  std::string model, example, fields, report, form = "galerkin", coefficient_time, patch_solver = "petsc";
  PetscBool global_lod = PETSC_FALSE, lookup = PETSC_FALSE;
  PetscInt tabulate = 0;
  PetscReal final_time = 1.0, p_start = -1, p_end = -1;
  PetscInt steps = 0, test_samples = 25, seed = 2024, threads = 0, coarse_n = 0, fine_n = 0, ell = 0;
  std::vector<PetscReal> field_times{1.0 / 24, 0.5, 1.0};
};

PetscErrorCode read_eval_options(MPI_Comm comm, EvalOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom deepritz-eval: LOD-ANN vs LOD along a moving coefficient", "deepritz-eval");
  PetscCall(read_string(PetscOptionsObject, "-model", "Trained bundle (`neurhom train -model deepritz`)", &o->model));
  PetscCall(read_string(PetscOptionsObject, "-example",
                        "Without -model: the exact LOD bases of cont|battery|battery-ref alone (localization errors)", &o->example));
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side (0: the bundle's / example's; a bundle must match)", nullptr,
                            o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-fine_n", "Fine cells per side (0: the bundle's / example's)", nullptr, o->fine_n, &o->fine_n, nullptr));
  PetscCall(PetscOptionsInt("-ell", "Patch layers (0: the bundle's / example's)", nullptr, o->ell, &o->ell, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-form", "galerkin (the paper, lodpinn) or pg (as `neurhom lod`)", &o->form));
  PetscCall(read_string(PetscOptionsObject, "-coefficient_time",
                        "current: step m uses a(t_m); lagged: a(t_{m-1}) as lodpinn (default: the example's)", &o->coefficient_time));
  PetscCall(PetscOptionsBool("-global_lod", "Also the global LOD (ell = 1/H) as a reference (always without -model)", nullptr,
                             o->global_lod, &o->global_lod, nullptr));
  PetscCall(PetscOptionsInt("-tabulate", "Element correctors tabulated at this many p and interpolated online (0: off)",
                            nullptr, o->tabulate, &o->tabulate, nullptr));
  PetscCall(PetscOptionsBool("-lookup", "Also the exact element correctors at the nearest training p", nullptr, o->lookup,
                             &o->lookup, nullptr));
  PetscCall(PetscOptionsReal("-T", "Final time", nullptr, o->final_time, &o->final_time, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps (tau = T / steps; 0: the example's 24, battery-ref 19)", nullptr,
                            o->steps, &o->steps, nullptr));
  PetscCall(PetscOptionsReal("-p_start", "Parameter at t = 0 (default: the family's minimum)", nullptr, o->p_start, &o->p_start, nullptr));
  PetscCall(PetscOptionsReal("-p_end", "Parameter at t = T (default: the family's maximum)", nullptr, o->p_end, &o->p_end, nullptr));
  PetscCall(PetscOptionsInt("-test_samples", "Random test parameters (each fixed in time)", nullptr, o->test_samples,
                            &o->test_samples, nullptr));
  PetscCall(PetscOptionsInt("-seed", "Seed of the test parameters", nullptr, o->seed, &o->seed, nullptr));
  PetscCall(read_fields(PetscOptionsObject, "HDF5/XDMF file with u_lod_ann, u_lod and |error| at -field_times", &o->fields));
  PetscInt count = 16;
  PetscReal times[16];
  PetscBool set = PETSC_FALSE;
  PetscCall(PetscOptionsRealArray("-field_times", "Times of the field output", nullptr, times, &count, &set));
  if (set) o->field_times.assign(times, times + count);
  PetscCall(PetscOptionsInt("-threads", "Intra-op threads per rank (0: cores / ranks per node)", nullptr,
                            o->threads, &o->threads, nullptr));
  PetscCall(read_patch_solver(PetscOptionsObject, "-lod_patch_solver", &o->patch_solver));
  PetscCall(read_string(PetscOptionsObject, "-report", "JSON report", &o->report));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

}  // namespace

int run_deepritz_eval(MPI_Comm comm) {
  EvalOptions o;
  NH_PETSC(read_eval_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  DeepRitzEvalSettings s;
  s.model = o.model;
  s.example = o.example;
  s.coefficient_time = o.coefficient_time;
  s.global_lod = o.global_lod == PETSC_TRUE;
  s.tabulate = static_cast<int>(o.tabulate);
  s.lookup = o.lookup == PETSC_TRUE;
  s.coarse_n = static_cast<int>(o.coarse_n);
  s.fine_n = static_cast<int>(o.fine_n);
  s.ell = static_cast<int>(o.ell);
  s.form = lod_form_from_string(o.form);
  s.final_time = o.final_time;
  s.steps = static_cast<int>(o.steps);
  s.p_start = o.p_start;
  s.p_end = o.p_end;
  s.test_samples = static_cast<int>(o.test_samples);
  s.seed = static_cast<std::uint64_t>(o.seed);
  s.fields = o.fields;
  s.field_times.assign(o.field_times.begin(), o.field_times.end());
  s.threads = static_cast<int>(o.threads);
  s.patch_solver = o.patch_solver;
  if (!o.report.empty()) require_writable_location(o.report, "-report file");
  if (!o.fields.empty()) require_writable_location(o.fields, "-fields file");
  const DeepRitzEvalResult r = evaluate_deep_ritz(comm, s);

  Json report = to_json(r);
  report["model_file"] = s.model;
  report["T"] = s.final_time;
  write_report(o.report, report, comm);
  if (is_root(comm) && r.networks)
    std::printf("neurhom deepritz-eval: %s (%s): relative L2 error at T %.4f (paper: %s), basis error %.4f, test mean %.4f "
                "over %d parameters, online speedup %.1f (nodal) / %.1f (element)\n",
                r.example.c_str(), r.form.c_str(), r.relative_error_T, r.example == "cont" ? "0.0495" : "0.0294",
                r.basis_error_mean, r.relative_error_T_mean, r.test_samples, r.online_speedup, r.online_speedup_element);
  if (is_root(comm) && !r.networks)
    std::printf("neurhom deepritz-eval: %s exact bases (%s, ell %d): nodal vs element LOD at T %.4f, nodal vs global %.4f, "
                "element vs global %.4f; test means %.4f / %.4f / %.4f over %d parameters\n",
                r.example.c_str(), r.form.c_str(), r.ell, r.localization_error_T, r.nodal_vs_global_T, r.element_vs_global_T,
                r.localization_error_T_mean, r.nodal_vs_global_T_mean, r.element_vs_global_T_mean, r.test_samples);
  return 0;
}

}  // namespace neurhom::app
