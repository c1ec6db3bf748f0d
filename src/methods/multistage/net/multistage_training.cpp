#include "neurhom/methods/multistage/net/multistage_training.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/text_lists.hpp"

namespace neurhom {

namespace {

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

// Stage k's training rows: its input flattened, followed by the previous stage's prediction
// (target units) when k >= 1, so that one TensorBatches row carries both.
torch::Tensor stage_rows(const torch::Tensor& input, const torch::Tensor& previous) {
  torch::Tensor x = input.reshape({input.size(0), -1}).to(torch::kFloat64);
  return previous.defined() ? torch::cat({x, previous.to(torch::kFloat64)}, 1) : x;
}

// Pre-training of the learned reduction (methods/multistage/net/learned_reduction.hpp): rows are sample indices,
// the step generates their raw sources F_0 and fits the coarse targets with the L1 loss.
TrainerResult pretrain_reduction(MPI_Comm comm, LearnedReduction& reducer, const MultistageSplit& train,
                                 const torch::Tensor& targets, const SourceGrid& grid, const MultistageTrainSettings& s,
                                 const std::string& fingerprint, const std::string& architecture) {
  TrainerSettings ts;
  ts.name = "reduction";
  ts.epochs = s.learned_epochs;
  ts.threads = s.threads;
  ts.device = s.device;
  ts.checkpoint = s.output + ".reduction.ckpt";
  ts.resume = s.resume && file_exists(ts.checkpoint);
  ts.show_progress = false;
  ts.print_every = s.show_progress ? std::max(1, std::min(s.print_every, s.learned_epochs / 4)) : s.learned_epochs + 1;
  ts.initial_validation = false;
  ts.checkpoint_every = std::max(1, s.learned_epochs / 5);
  Trainer trainer(comm, ts);
  CheckpointMeta cmeta;
  cmeta.model = "multistage-reduction";
  cmeta.architecture = architecture;
  cmeta.data_fingerprint = fingerprint;
  trainer.set_model(reducer.ptr(), cmeta);
  const long long total_steps = std::max(1LL, static_cast<long long>(train.rows() / s.batch) * s.learned_epochs);
  trainer.add_optimizer(
      [&](torch::nn::Module& m) {
        return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(s.learning_rate));
      },
      LrSchedule::exponential(s.learning_rate, 0.1, total_steps, false));
  const torch::Tensor rows = torch::arange(train.rows(), torch::kFloat64).unsqueeze(1);
  TensorBatches batches(rows, targets, comm, s.batch, s.seed + 99);
  const torch::Tensor seeds = train.sample_seeds.contiguous();
  const double global_batch = static_cast<double>(s.batch);
  const torch::Device device = trainer.device();
  if (is_root(comm))
    std::printf("[train] pre-training the learned reduction (%lld parameters) on the raw sources, %d epochs\n",
                static_cast<long long>(parameter_count(*reducer)), s.learned_epochs);
  TrainerResult r = trainer.fit(batches, [&](const Batch& b) {
    std::vector<std::int64_t> block;
    for (std::int64_t i = 0; i < b.rows(); ++i)
      block.push_back(seeds[b.inputs[i][0].item<std::int64_t>()].item<std::int64_t>());
    const torch::Tensor f0 = paper_source_grid(block, grid).to(device);
    const torch::Tensor local = (reducer->forward(f0) - b.targets.to(device)).abs().sum();
    StepOutput out;
    out.objective = local / global_batch;
    out.loss_sum = local.item<double>();
    out.samples = static_cast<double>(b.rows());
    return out;
  });
  reducer->to(torch::kCPU);
  for (auto& p : reducer->parameters()) p.set_requires_grad(false);
  return r;
}

}  // namespace

std::vector<std::string> parse_reduction_list(const std::string& list, int stages) {
  std::vector<std::string> out = split_list(list);
  for (const auto& item : out) require(!item.empty(), "-reduction '" + list + "' has an empty entry");
  require(!out.empty(), "-reduction needs one dimension reduction per stage, e.g. cem-all,cem-all,cem-all");
  if (stages > 0 && static_cast<int>(out.size()) == 1)
    out.assign(static_cast<size_t>(stages), out.front());  // one reduction for every stage
  require(stages <= 0 || static_cast<int>(out.size()) == stages,
          "-reduction lists " + std::to_string(out.size()) + " reductions for -stages " + std::to_string(stages));
  return out;
}

std::vector<torch::Tensor> multistage_predictions(MultistageNet& net, const MultistageSplit& split) {
  for (const auto& x : split.inputs)
    require(x.defined(), "multistage: a learned stage input is missing (complete_learned_inputs)");
  net->eval();
  return net->predict(split.inputs);
}

MultistageNet load_multistage_model(const std::string& path, CheckpointMeta* meta_out) {
  const CheckpointMeta meta = read_checkpoint_meta(path);
  require(meta.model == "multistage", "'" + path + "' holds a '" + meta.model + "' model, not a multistage network");
  MultistageNet net(MultistageArch::from_string(meta.architecture), 1);
  load_checkpoint(path, *net, {});
  if (meta_out) *meta_out = meta;
  return net;
}

namespace {

// The architecture of the run: the data's sizes and the settings' widths and reductions.
MultistageArch multistage_arch(const CemDatasetMeta& meta, const MultistageTrainSettings& s) {
  MultistageArch arch;
  arch.kind = s.problem == "steady" ? "steady" : "time";
  arch.problem = s.problem;
  arch.m0 = arch.kind == "time" ? meta.steps : 1;
  arch.m1 = arch.kind == "time" ? s.m1 : 1;
  arch.r1 = s.r1;
  arch.hidden = s.hidden;
  arch.combine = s.combine;
  arch.normalize = s.normalize;
  arch.target_basis = s.target_basis;
  arch.learned_channels = s.learned_channels;
  arch.learned_pool = meta.fine_n / meta.coarse_n;
  arch.outputs = multistage_outputs(meta, s.problem);
  arch.reductions = s.reductions;
  for (const auto& r : s.reductions) arch.r0.push_back(multistage_reduction_width(meta, s.problem, r));
  arch.validate();
  if (arch.kind == "time")
    require(static_cast<long long>(arch.m1) * arch.r1 > 0 && arch.m1 <= meta.steps,
            "-m1 " + std::to_string(arch.m1) + " exceeds the " + std::to_string(meta.steps) + " time steps of the data");
  return arch;
}

// Stage k alone (the others frozen) on the engine: L1 loss against the scaled targets, Adam with
// an exponential decay from -lr to -lr_final over the stage, checkpoints <o>.stage<k>.ckpt.
// `previous` is u^c_{k-1} on the training rows (undefined for k = 0).
TrainerResult train_stage(MPI_Comm comm, MultistageNet& net, int k, const MultistageSplit& train,
                          const torch::Tensor& targets, const torch::Tensor& previous, const MultistageTrainSettings& s,
                          const std::string& fingerprint) {
  MultistageStage stage = net->stage(k);
  net->train_only_stage(k);
  const std::int64_t in_width = train.inputs[static_cast<size_t>(k)][0].numel();
  const std::vector<std::int64_t> in_shape = [&] {
    auto sizes = train.inputs[static_cast<size_t>(k)].sizes().vec();
    sizes[0] = -1;
    return sizes;
  }();

  TrainerSettings ts;
  ts.name = "stage " + std::to_string(k + 1);
  ts.epochs = s.epochs;
  ts.threads = s.threads;
  ts.device = s.device;
  ts.checkpoint = s.output + ".stage" + std::to_string(k + 1) + ".ckpt";
  ts.resume = s.resume && file_exists(ts.checkpoint);
  ts.show_progress = false;
  ts.print_every = s.show_progress ? s.print_every : s.epochs + 1;
  ts.initial_validation = false;
  ts.checkpoint_every = std::max(1, s.epochs / 10);
  Trainer trainer(comm, ts);
  CheckpointMeta cmeta;
  cmeta.model = "multistage-stage";
  cmeta.architecture = net->arch().to_string() + ";stage=" + std::to_string(k + 1);
  cmeta.data_fingerprint = fingerprint;
  trainer.set_model(stage.ptr(), cmeta);
  const long long steps_per_epoch = train.rows() / s.batch;
  const long long total_steps = std::max(1LL, steps_per_epoch * s.epochs);
  const double decay = s.final_rate / s.learning_rate;
  trainer.add_optimizer(
      [&](torch::nn::Module& m) {
        return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(s.learning_rate));
      },
      LrSchedule::exponential(s.learning_rate, decay, total_steps, false));

  TensorBatches batches(stage_rows(train.inputs[static_cast<size_t>(k)], previous).to(torch::kFloat32), targets, comm,
                        s.batch, s.seed + static_cast<std::uint64_t>(k));
  const double global_batch = static_cast<double>(s.batch);
  const torch::Device device = trainer.device();
  return trainer.fit(batches, [&](const Batch& b) {
    const torch::Tensor rows = b.inputs.to(device);
    const torch::Tensor x = rows.slice(1, 0, in_width).reshape(in_shape);
    const torch::Tensor prev = k > 0 ? rows.slice(1, in_width, rows.size(1)) : torch::Tensor();
    const torch::Tensor local = (stage->forward(x, prev) - b.targets.to(device)).abs().sum();
    StepOutput out;
    out.objective = local / global_batch;
    out.loss_sum = local.item<double>();
    out.samples = static_cast<double>(b.rows());
    return out;
  });
}

}  // namespace

MultistageTrainResult train_multistage(MPI_Comm comm, const std::string& data_path, const MultistageTrainSettings& s) {
  require(!s.output.empty(), "train needs an output model file: -o model.pt");
  require(s.epochs >= 1, "-epochs must be at least 1");
  require(s.learned_epochs >= 1 && s.learned_channels >= 1, "-learned_epochs and -learned_channels must be at least 1");
  require(s.learning_rate > 0 && s.final_rate > 0, "learning rates must be positive");
  require_writable_location(s.output, "-o model file");
  WallTimer timer;

  Hdf5File file(data_path, Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  require_multistage_problem(meta, data_path, s.problem);
  const MultistageArch arch = multistage_arch(meta, s);

  MultistageSplit train = read_multistage_split(file, meta, s.problem, s.reductions, 0);
  MultistageSplit test = read_multistage_split(file, meta, s.problem, s.reductions, 1);
  MultistageTrainResult result;
  result.arch = arch;
  result.data_fingerprint = multistage_fingerprint(meta, s.problem, train);
  require(s.batch >= 1 && s.batch <= train.rows(), "-batch " + std::to_string(s.batch) + " must be in [1, " +
                                                       std::to_string(train.rows()) + " training samples]");

  MultistageNet net(arch, s.seed);
  if (arch.target_basis == "mass") {
    require(file.has_dataset("/time/coarse_mass"),
            "'" + data_path + "' has no /time/coarse_mass (R'MR) for -target_basis mass: regenerate it with cem-datagen");
    const auto n = static_cast<std::int64_t>(arch.outputs);
    const torch::Tensor gram = torch::tensor(file.read_all("/time/coarse_mass"), torch::kFloat64).reshape({n, n});
    net->set_target_map(torch::linalg_cholesky(0.5 * (gram + gram.t())));
  }
  const torch::Tensor learned = net->to_learned_basis(train.targets);
  const double scale = learned.abs().mean().item<double>();
  net->set_target_scale(scale);
  const torch::Tensor targets = (learned / scale).to(torch::kFloat32);
  if (arch.uses_learned()) {
    result.reduction = pretrain_reduction(comm, net->reducer(), train, targets, source_grid_of(meta), s,
                                          result.data_fingerprint, arch.to_string());
    complete_learned_inputs(*net, arch.reductions, train, source_grid_of(meta));
    complete_learned_inputs(*net, arch.reductions, test, source_grid_of(meta));
  }
  for (int k = 0; k < arch.stages(); ++k) net->stage(k)->set_normalization(train.inputs[static_cast<size_t>(k)]);
  const torch::Tensor mean_target = train.targets.mean(0, true);
  result.mean_predictor_error = mean_relative_l2(mean_target.expand_as(test.targets), test.targets);

  if (is_root(comm))
    std::printf("[train] multistage %s, %d stages (%s), %lld train / %lld test samples, batch %lld, %d epochs per "
                "stage; mean predictor error %.5f\n",
                s.problem.c_str(), arch.stages(), arch.to_string().c_str(), static_cast<long long>(train.rows()),
                static_cast<long long>(test.rows()), static_cast<long long>(s.batch), s.epochs,
                result.mean_predictor_error);

  torch::Tensor previous;  // u^c_{k-1} on the training rows, target units
  for (int k = 0; k < arch.stages(); ++k) {
    result.stages.push_back(train_stage(comm, net, k, train, targets, previous, s, result.data_fingerprint));
    MultistageStage stage = net->stage(k);
    result.stage_parameters.push_back(parameter_count(*stage));
    net->to(torch::kCPU);
    {
      torch::NoGradGuard no_grad;
      stage->eval();
      previous = stage->forward(train.inputs[static_cast<size_t>(k)], previous).detach();
      stage->train();
    }
    const auto train_pred = multistage_predictions(net, train);
    const auto test_pred = multistage_predictions(net, test);
    result.train_errors.push_back(mean_relative_l2(train_pred[static_cast<size_t>(k)], train.targets));
    result.test_errors.push_back(mean_relative_l2(test_pred[static_cast<size_t>(k)], test.targets));
    if (is_root(comm))
      std::printf("[train] stage %d of %d: %lld parameters, relative l2 error (eq. 7) train %.5f, test %.5f\n", k + 1,
                  arch.stages(), static_cast<long long>(result.stage_parameters.back()), result.train_errors.back(),
                  result.test_errors.back());
  }
  result.parameters = parameter_count(*net);

  CheckpointMeta model_meta;
  model_meta.model = "multistage";
  model_meta.architecture = arch.to_string();
  model_meta.data_fingerprint = result.data_fingerprint;
  model_meta.attributes = {{"problem", s.problem}, {"data", data_path}};
  for (const auto& st : result.stages) model_meta.history.insert(model_meta.history.end(), st.history.begin(), st.history.end());
  if (is_root(comm)) save_checkpoint(s.output, *net, {}, model_meta);
  MPI_Barrier(comm);
  result.seconds = timer.seconds();
  return result;
}

Json to_json(const MultistageTrainResult& r, const MultistageTrainSettings& s, MPI_Comm comm) {
  Json report = Json::object();
  report["model"] = "multistage";
  report["data_fingerprint"] = r.data_fingerprint;
  report["problem"] = s.problem;
  report["architecture"] = r.arch.to_string();
  Json reductions = Json::array();
  for (const auto& x : s.reductions) reductions.push_back(x);
  report["reductions"] = reductions;
  report["m1"] = static_cast<long long>(r.arch.m1);
  report["r1"] = static_cast<long long>(r.arch.r1);
  report["epochs_per_stage"] = static_cast<long long>(s.epochs);
  report["batch"] = static_cast<long long>(s.batch);
  report["lr"] = s.learning_rate;
  report["lr_final"] = s.final_rate;
  report["parameters"] = static_cast<long long>(r.parameters);
  Json stage_params = Json::array(), train_errors = Json::array(), test_errors = Json::array(), runs = Json::array();
  for (size_t k = 0; k < r.stages.size(); ++k) {
    stage_params.push_back(static_cast<long long>(r.stage_parameters[k]));
    train_errors.push_back(r.train_errors[k]);
    test_errors.push_back(r.test_errors[k]);
    runs.push_back(training_report(r.stages[k], comm));
  }
  report["stage_parameters"] = stage_params;
  report["stage_train_errors"] = train_errors;
  report["stage_errors"] = test_errors;
  report["mean_predictor_error"] = r.mean_predictor_error;
  report["stage_training"] = runs;
  if (r.arch.uses_learned()) report["reduction_training"] = training_report(r.reduction, comm);
  report["seconds"] = r.seconds;
  return report;
}

}  // namespace neurhom
