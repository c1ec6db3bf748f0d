#include "neurhom/methods/multistage/multistage_eval.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "neurhom/methods/multistage/cem_time_sample.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/methods/multistage/net/cem_baselines.hpp"
#include "neurhom/methods/multistage/net/cem_dataset.hpp"
#include "neurhom/methods/multistage/net/coarse_l2_errors.hpp"
#include "neurhom/fem/field_output.hpp"
#include "neurhom/methods/multistage/net/multistage_training.hpp"

namespace neurhom {

namespace {

CemDatagenSettings dataset_setting(const CemDatasetMeta& meta, const MultistageEvalSettings& s,
                                   const std::string& problem) {
  CemDatagenSettings d;
  d.coarse_n = meta.coarse_n;
  d.fine_n = meta.fine_n;
  d.modes = meta.modes;
  d.oversampling = meta.oversampling;
  d.steps = meta.steps;
  d.final_time = meta.final_time;
  d.gamma = meta.gamma;
  d.coefficient = s.coefficient;
  d.linear = problem == "linear";
  d.nonlinear = problem == "nonlinear";
  d.steady = false;
  return d;
}

std::vector<double> row_values(const torch::Tensor& t, std::int64_t row) {
  const torch::Tensor r = t[row].to(torch::kFloat64).contiguous();
  return std::vector<double>(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
}

}  // namespace

MultistageEvalResult evaluate_multistage(MPI_Comm comm, const MultistageEvalSettings& s) {
  require(!s.model.empty(), "multistage-eval needs a trained model: -model model.pt (from `neurhom train -model multistage`)");
  require(!s.data.empty(), "multistage-eval needs the dataset: -data cem.h5");
  require(s.l2_samples >= 0, "-l2_samples must be non-negative");
  require(s.l2_from == "auto" || s.l2_from == "data" || s.l2_from == "solves",
          "unknown -l2_from '" + s.l2_from + "'; known: auto, data, solves");
  WallTimer timer;
  CheckpointMeta cmeta;
  MultistageNet net = load_multistage_model(s.model, &cmeta);
  const MultistageArch& arch = net->arch();
  torch::set_num_threads(s.threads > 0 ? s.threads : default_threads_per_rank(comm));  // as in training

  Hdf5File file(s.data, Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  require_multistage_problem(meta, s.data, arch.problem);
  for (int k = 0; k < arch.stages(); ++k) {
    const int width = multistage_reduction_width(meta, arch.problem, arch.reductions[static_cast<size_t>(k)]);
    require(width == arch.r0[static_cast<size_t>(k)], "model '" + s.model + "' stage " + std::to_string(k + 1) +
                                                           " expects inputs of width " +
                                                           std::to_string(arch.r0[static_cast<size_t>(k)]) + ", '" +
                                                           s.data + "' gives " + std::to_string(width));
  }
  require(multistage_outputs(meta, arch.problem) == arch.outputs,
          "model '" + s.model + "' predicts " + std::to_string(arch.outputs) + " coefficients, '" + s.data + "' has " +
              std::to_string(multistage_outputs(meta, arch.problem)));
  const MultistageSplit train = read_multistage_split(file, meta, arch.problem, arch.reductions, 0);
  MultistageSplit test = read_multistage_split(file, meta, arch.problem, arch.reductions, 1);
  complete_learned_inputs(*net, arch.reductions, test, source_grid_of(meta));
  if (multistage_fingerprint(meta, arch.problem, train) != cmeta.data_fingerprint && is_root(comm))
    std::printf("[multistage-eval] note: '%s' is not the file the model was trained on (fingerprint differs)\n",
                s.data.c_str());

  MultistageEvalResult r;
  r.problem = arch.problem;
  r.architecture = arch.to_string();
  r.reductions = arch.reductions;
  r.test_rows = test.rows();
  r.parameters = parameter_count(*net);
  for (int k = 0; k < arch.stages(); ++k) r.stage_parameters.push_back(parameter_count(*net->stage(k)));
  const auto predictions = multistage_predictions(net, test);
  for (const auto& p : predictions) r.stage_errors.push_back(mean_relative_l2(p, test.targets));
  r.mean_predictor_error = mean_relative_l2(train.targets.mean(0, true).expand_as(test.targets), test.targets);

  const bool time_data = arch.kind == "time";
  r.l2_samples = time_data ? static_cast<int>(std::min<std::int64_t>(s.l2_samples, test.rows())) : 0;
  const bool write_fields = time_data && !s.fields.empty() && s.field_sample >= 0;
  if (write_fields)
    require(s.field_sample < test.rows(), "-field_sample " + std::to_string(s.field_sample) + " is outside the " +
                                              std::to_string(test.rows()) + " test rows");
  if (time_data) {
    const CemBaselines baselines = cem_baselines(file, meta, arch.problem);
    const torch::Tensor& affine = baselines.affine_prediction;
    r.affine_error = baselines.affine_error;
    const bool has_mass = file.has_dataset("/time/coarse_mass");
    const ProblemKind kind = arch.problem == "linear" ? ProblemKind::Parabolic : ProblemKind::Nonlinear;
    require(s.l2_from != "data" || (meta.fine_moments && has_mass),
            "-l2_from data: '" + s.data + "' lacks /time/coarse_mass or the fine moments (regenerate it with cem-datagen)");
    const bool from_data = s.l2_from == "data" || (s.l2_from == "auto" && meta.fine_moments && has_mass);
    r.l2_source = from_data ? "data" : "solves";
    // The fine grid and the CEM space are rebuilt only for fine solves, fields, or old files.
    std::unique_ptr<CemTimeSampler> sampler;
    if (!from_data || !has_mass || write_fields) {
      sampler = std::make_unique<CemTimeSampler>(dataset_setting(meta, s, arch.problem));
      require(sampler->kappa().describe() == meta.coefficient,
              "the coefficient options (-coef ...) build '" + sampler->kappa().describe() + "', but '" + s.data +
                  "' was generated with '" + meta.coefficient + "'");
    }
    const auto dim = static_cast<std::int64_t>(meta.dim_vms());
    const torch::Tensor coarse_mass =
        has_mass ? baselines.coarse_mass
                 : torch::tensor(sampler->coarse_mass_dense(), torch::kFloat64).reshape({dim, dim});
    const int stages = static_cast<int>(predictions.size());
    // eq. (7) in the M-norm over all test rows
    const auto mass_norm_error = [&](const torch::Tensor& c) {
      return relative_mass_norm_errors(c, test.targets, coarse_mass).mean().item<double>();
    };
    for (const auto& p : predictions) r.stage_errors_l2.push_back(mass_norm_error(p));
    r.mean_predictor_error_l2 = mass_norm_error(baselines.mean_prediction);
    r.affine_error_l2 = mass_norm_error(affine);
    std::vector<double> sums(static_cast<size_t>(stages + 2), 0.0);  // stages..., computed, affine
    if (from_data) {  // eq. (8) on every test row from R'MR, R'M u_h and ||u_h||
      r.l2_samples = static_cast<int>(test.rows());
      const std::string g = cem_group(false, 1) + arch.problem;
      const torch::Tensor moments = read_cem_rows(file, g + "_fine_moment", test.rows());
      const torch::Tensor norms = read_cem_rows(file, g + "_fine_norm", test.rows());
      for (int k = 0; k < stages; ++k)
        sums[static_cast<size_t>(k)] =
            relative_l2_errors(predictions[static_cast<size_t>(k)], coarse_mass, moments, norms).sum().item<double>();
      sums[static_cast<size_t>(stages)] = baselines.l2_error_computed * r.l2_samples;
      sums.back() = baselines.l2_error_affine * r.l2_samples;
    } else {  // eq. (8) per stage on `l2_samples` rows (fine solves, shared over the ranks)
      const int rank = mpi_rank(comm), size = mpi_size(comm);
      Progress progress("multistage-eval", "fine solve", r.l2_samples, comm, 2.0);
      for (int i = 0; i < r.l2_samples; ++i) {
        if (i % size == rank) {
          const OwnedVec u =
              sampler->fine_solution(static_cast<std::uint64_t>(test.sample_seeds[i].item<std::int64_t>()), kind);
          const double norm = sampler->l2_norm(u);
          for (int k = 0; k < stages; ++k)
            sums[static_cast<size_t>(k)] +=
                sampler->l2_distance(row_values(predictions[static_cast<size_t>(k)], i), u) / norm;
          sums[static_cast<size_t>(stages)] += sampler->l2_distance(row_values(test.targets, i), u) / norm;
          sums.back() += sampler->l2_distance(row_values(affine, i), u) / norm;
        }
        if (i % size == size - 1 || i + 1 == r.l2_samples) progress.update(i + 1);
      }
      progress.finish();
      MPI_Allreduce(MPI_IN_PLACE, sums.data(), stages + 2, MPI_DOUBLE, MPI_SUM, comm);
    }
    if (r.l2_samples > 0) {
      for (int k = 0; k < stages; ++k) r.l2_error_learnt_stages.push_back(sums[static_cast<size_t>(k)] / r.l2_samples);
      r.l2_error_learnt = r.l2_error_learnt_stages.back();
      r.l2_error_computed = sums[static_cast<size_t>(stages)] / r.l2_samples;
      r.l2_error_affine = sums.back() / r.l2_samples;
    }
    const torch::Tensor& last = predictions.back();
    if (write_fields) {  // rank 0 solves the sample; written on a grid of PETSC_COMM_SELF by rank 0
      if (is_root(comm)) {
        const OwnedVec u =
            sampler->fine_solution(static_cast<std::uint64_t>(test.sample_seeds[s.field_sample].item<std::int64_t>()), kind);
        OwnedVec learnt = sampler->grid().create_vector(), error = sampler->grid().create_vector();
        OwnedVec c = sampler->space().create_coarse_vector();
        set_local_values(row_values(last, s.field_sample), c);
        sampler->space().prolong(c, learnt);
        NH_PETSC(VecWAXPY(error, -1.0, u, learnt));
        FieldWriter out(s.fields, sampler->grid());
        out.write_nodes("learnt", learnt);
        out.write_nodes("fine", u);
        out.write_nodes("error", error);
        out.close();
      }
      MPI_Barrier(comm);
    }
  }
  r.seconds = max_ranks(comm, timer.seconds());
  return r;
}

Json to_json(const MultistageEvalResult& r) {
  Json report = Json::object();
  report["model"] = "multistage";
  report["problem"] = r.problem;
  report["architecture"] = r.architecture;
  report["stage_errors"] = Json::array_of(r.stage_errors);
  report["mean_predictor_error"] = r.mean_predictor_error;
  if (!r.stage_errors_l2.empty()) {
    report["stage_errors_l2"] = Json::array_of(r.stage_errors_l2);
    report["mean_predictor_error_l2"] = r.mean_predictor_error_l2;
    report["affine_error"] = r.affine_error;
    report["affine_error_l2"] = r.affine_error_l2;
    report["l2_error_affine"] = r.l2_error_affine;
  }
  report["parameters"] = static_cast<long long>(r.parameters);
  std::vector<long long> stage_parameters(r.stage_parameters.begin(), r.stage_parameters.end());
  report["stage_parameters"] = Json::array_of(stage_parameters);
  report["test_rows"] = r.test_rows;
  report["l2_samples"] = r.l2_samples;
  if (!r.l2_source.empty()) report["l2_source"] = r.l2_source;
  report["l2_error_learnt"] = r.l2_error_learnt;
  report["l2_error_learnt_stages"] = Json::array_of(r.l2_error_learnt_stages);
  report["l2_error_computed"] = r.l2_error_computed;
  report["seconds"] = r.seconds;
  return report;
}

}  // namespace neurhom
