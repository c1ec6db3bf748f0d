// `neurhom cem-baselines` (`neurhom multistage baselines`): the learning-free numbers of a
// time-dependent CEM dataset, the calibration of the CEM setting (issue 26, item 2):
// the CEM projection error (the paper's "Computed"), the mean predictor and the affine
// least-squares map, in eq. (7), its M-norm form and eq. (8)
// (include/neurhom/methods/multistage/net/cem_baselines.hpp). No PETSc, no fine solve.
#include <cstdio>

#include "arg_options.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/methods/multistage/net/cem_baselines.hpp"

namespace neurhom::app {

namespace {

Json to_json(const CemBaselines& b) {
  Json j = Json::object();
  j["train_rows"] = static_cast<long long>(b.train_rows);
  j["test_rows"] = static_cast<long long>(b.test_rows);
  j["mean_predictor_error"] = b.mean_predictor_error;
  j["affine_error"] = b.affine_error;
  j["mean_predictor_error_l2"] = b.mean_predictor_error_l2;
  j["affine_error_l2"] = b.affine_error_l2;
  j["l2_error_computed"] = b.l2_error_computed;
  j["l2_error_mean"] = b.l2_error_mean;
  j["l2_error_affine"] = b.l2_error_affine;
  j["fine_norm"] = b.fine_norm;
  return j;
}

}  // namespace

int run_cem_baselines(MPI_Comm comm, int argc, char** argv) {
  ArgOptions args(argc, argv, "cem-baselines");
  const std::string data = args.get("-data", "", "CEM dataset (`neurhom cem-datagen`)");
  const std::string problems =
      args.get("-problem", "all", "linear, nonlinear, steady (comma list) or all: those in the file");
  const std::string report_path = args.get("-report", "", "JSON report");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(!data.empty(), "cem-baselines needs a dataset: -data cem.h5 (from `neurhom cem-datagen`)");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");
  const Hdf5File file(data, Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  std::vector<std::string> selected;
  if (problems == "all") {
    if (meta.linear) selected.push_back("linear");
    if (meta.nonlinear) selected.push_back("nonlinear");
    if (meta.steady) selected.push_back("steady");
  } else {
    selected = split_list(problems);
  }
  Json report = Json::object();
  report["data"] = data;
  report["coarse_n"] = meta.coarse_n;
  report["fine_n"] = meta.fine_n;
  report["cem_modes"] = meta.modes;
  report["cem_oversampling"] = meta.oversampling;
  report["gamma"] = meta.gamma;
  report["coefficient"] = meta.coefficient;
  report["samples"] = meta.samples;
  Json by_problem = Json::object();
  for (const auto& problem : selected) {
    if (problem == "steady") {
      const SteadyBaselines b = steady_baselines(file, meta);
      Json j = Json::object();
      j["train_rows"] = static_cast<long long>(b.train_rows);
      j["test_rows"] = static_cast<long long>(b.test_rows);
      j["mean_predictor_error"] = b.mean_predictor_error;
      j["nonpositive_fraction"] = b.nonpositive_fraction;
      j["reading"] = meta.steady_kappa;
      by_problem[problem] = j;
      if (is_root(comm))
        std::printf("neurhom cem-baselines: steady, %s reading (%lld test rows): mean predictor eq. (7) %.5f; "
                    "kappa <= 0 somewhere in %.1f %% of the samples\n",
                    meta.steady_kappa.c_str(), static_cast<long long>(b.test_rows), b.mean_predictor_error,
                    100 * b.nonpositive_fraction);
      continue;
    }
    const CemBaselines b = cem_baselines(file, meta, problem);
    by_problem[problem] = to_json(b);
    if (is_root(comm))
      std::printf("neurhom cem-baselines: %s (%lld test rows): computed (eq. 8) %.3e; mean predictor eq. (7) %.5f, "
                  "M-norm %.5f, eq. (8) %.5f; affine in xi eq. (7) %.3e, M-norm %.3e, eq. (8) %.3e\n",
                  problem.c_str(), static_cast<long long>(b.test_rows), b.l2_error_computed, b.mean_predictor_error,
                  b.mean_predictor_error_l2, b.l2_error_mean, b.affine_error, b.affine_error_l2, b.l2_error_affine);
  }
  report["problems"] = by_problem;
  write_report(report_path, report, comm);
  return 0;
}

}  // namespace neurhom::app
