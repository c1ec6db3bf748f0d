#include "neurhom/methods/compression/net/compression_training.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/net/d4_symmetry.hpp"
#include "neurhom/methods/compression/net/lod_batches.hpp"
#include "neurhom/nn/mixed_precision.hpp"

namespace neurhom {

std::string checkpoint_path_for(const std::string& model_path) { return model_path + ".ckpt"; }

namespace {

std::uint64_t fnv1a(std::uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t k = 0; k < n; ++k) h = (h ^ p[k]) * 1099511628211ULL;
  return h;
}

using ForwardFn = std::function<torch::Tensor(const torch::Tensor&)>;

struct SplitLoss {
  double loss = 0;              // mean J
  double patch_test_error = 0;  // mean J_E
};

// Mean relative losses over a whole split (every row once), summed across ranks.
SplitLoss evaluate(torch::nn::Module& model, const ForwardFn& forward, LodBatches& batches, MPI_Comm comm,
                   const torch::Device& device, const PatchTestProbes& probes) {
  torch::NoGradGuard no_grad;
  model.eval();
  double sums[3] = {0, 0, 0};
  batches.start_evaluation();
  Batch b;
  while (batches.next_evaluation(b)) {
    const auto prediction = forward(b.inputs.to(device)), target = b.targets.to(device);
    sums[0] += relative_squared_error_sum(prediction, target).item<double>();
    sums[1] += patch_test_error_sum(prediction, target, probes).item<double>();
    sums[2] += static_cast<double>(b.rows());
  }
  MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_DOUBLE, MPI_SUM, comm);
  model.train();
  if (sums[2] <= 0) return {};
  return {sums[0] / sums[2], sums[1] / sums[2]};
}

}  // namespace

std::string dataset_fingerprint(const Hdf5File& file, const LodDatasetMeta& meta) {
  std::uint64_t h = 1469598103934665603ULL;
  std::string text = std::to_string(meta.coarse_n) + "/" + std::to_string(meta.fine_n) + "/" + std::to_string(meta.ell) +
                     "/" + std::to_string(meta.samples) + "/" + std::to_string(meta.seed) + "/" + meta.precision;
  for (const auto& f : meta.families) text += "/" + f;
  if (!meta.unit_square())  // boxes (files of the unit square keep their fingerprints)
    text += "/dim" + std::to_string(meta.dim) + "/box " + meta.box + "/bc " + meta.bc + "/" + std::to_string(meta.patches_per_sample());
  h = fnv1a(h, text.data(), text.size());
  const long long rows = meta.rows(Split::Train);
  if (rows > 0) {
    std::vector<float> row(static_cast<size_t>(meta.input_size + meta.output_size()));
    for (long long r : {0LL, rows - 1}) {
      file.read_rows("/train/inputs", static_cast<hsize_t>(r), 1, row.data());
      file.read_rows("/train/outputs", static_cast<hsize_t>(r), 1, row.data() + meta.input_size);
      h = fnv1a(h, row.data(), row.size() * sizeof(float));
    }
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

TrainResult train_compression(MPI_Comm comm, const std::string& data_path, const TrainSettings& s) {
  require(s.batch >= 1, "-batch must be at least 1");
  require(s.learning_rate > 0 && s.late_rate > 0, "learning rates must be positive");
  require(!s.output.empty(), "train needs an output model file: -o model.pt");
  require(s.patch_test_weight >= 0 && std::isfinite(s.patch_test_weight),
          "-patch_test_weight must be a finite number >= 0 (got " + std::to_string(s.patch_test_weight) + ")");
  require(!s.fresh_optimizer || s.resume, "-fresh_optimizer needs -resume (a new run starts with a fresh optimizer anyway)");
  require(s.augment == "none" || s.augment == "d4", "unknown augmentation '" + s.augment + "' (-augment); known: none, d4");
  const Precision precision = precision_from_string(s.precision, "training precision");
  const Equivariance equivariance = equivariance_from_string(s.equivariance);
  require(s.augment == "none" || equivariance == Equivariance::None,
          "-augment " + s.augment + " with -equivariance " + s.equivariance +
              ": the network is exactly D4-equivariant, the augmentation would change nothing");
  require_writable_location(s.output, "-o model file");
  TrainerSettings ts;
  ts.epochs = s.epochs;
  ts.threads = s.threads;
  ts.device = s.device;
  ts.checkpoint = checkpoint_path_for(s.output);
  ts.export_path = s.output;
  ts.resume = s.resume;
  ts.fresh_optimizer = s.fresh_optimizer;
  ts.show_progress = s.show_progress;
  ts.stop_after_epochs = s.stop_after_epochs;
  Trainer trainer(comm, ts);

  Hdf5File file(data_path, Hdf5File::Mode::Read, comm);
  const LodDatasetMeta meta = LodDatasetMeta::read(file);
  require(meta.rows(Split::Train) > 0, "data file '" + data_path + "' has no training rows");
  CheckpointMeta cmeta;
  cmeta.model = "compression";
  const auto widths = compression_widths(meta.input_size, meta.output_size());
  {  // the paper's MLP grows with the square of R_T's size: 3D patches at h/H = 1/8, ell = 2 (64,000
     // values) would need ~6e9 weights; refuse before allocating (weights, gradients, Adam: 16 bytes each)
    double weights = 0;
    for (size_t l = 0; l + 1 < widths.size(); ++l) weights += static_cast<double>(widths[l] + 1) * static_cast<double>(widths[l + 1]);
    require(weights <= kMaxCompressionWeights,
            "data file '" + data_path + "': the paper's MLP for R_T of " + std::to_string(meta.input_size) + " values has " +
                format_number(weights) + " weights (about " + format_number(std::round(weights * 16 / 1e9)) +
                " GB per rank for training); use a smaller patch (ell, h/H) for " + std::to_string(meta.dim) + "D data");
  }
  // gconv: the widths of the materialized (exported) MLP, hidden widths rounded up to multiples of 8.
  std::vector<std::int64_t> exported_widths = widths;
  if (equivariance == Equivariance::GroupConv) {
    const auto channels = compression_group_channels(widths);
    for (size_t l = 0; l < channels.size(); ++l) exported_widths[l + 1] = kD4Order * channels[l];
  }
  cmeta.architecture = (equivariance == Equivariance::GroupConv ? std::string("gconv ") : std::string()) +
                       widths_to_string(exported_widths);
  cmeta.data_fingerprint = dataset_fingerprint(file, meta);
  cmeta.attributes = {{"coarse_n", std::to_string(meta.coarse_n)},
                      {"fine_n", std::to_string(meta.fine_n)},
                      {"ell", std::to_string(meta.ell)},
                      {"dim", std::to_string(meta.dim)},
                      {"domain", meta.unit_square() ? std::string("unit_square") : "box " + meta.box + " bc " + meta.bc},
                      {"normalization", "none"},
                      {"augment", s.augment},
                      {"equivariance", equivariance_name(equivariance)},
                      {"train_precision", precision_name(precision)},
                      {"patch_test_weight", std::to_string(s.patch_test_weight)}};

  if (s.resume) {  // the Trainer checks the same; this names what the data file needs
    const CheckpointMeta saved = read_checkpoint_meta(ts.checkpoint);
    const auto eq = saved.attributes.find("equivariance");
    const std::string saved_equivariance = eq == saved.attributes.end() ? "none" : eq->second;
    require(saved.model != cmeta.model || saved_equivariance == s.equivariance,
            "checkpoint '" + ts.checkpoint + "' was trained with -equivariance " + saved_equivariance + ", not " +
                s.equivariance);
    require(saved.model != cmeta.model || saved.architecture == cmeta.architecture,
            "checkpoint '" + ts.checkpoint + "' has layer widths " + saved.architecture + ", the data file needs " +
                cmeta.architecture);
  }
  const int side = (2 * meta.ell + 1) * meta.ratio(), nodes = 2 * meta.ell + 2;
  const PatchTestProbes probes = patch_test_probes(nodes, meta.dim);  // the reader checked the S_T size against ell
  // D4 acts on square 2D patches; the 3D cube group (48 elements) is not implemented
  require((equivariance == Equivariance::None && s.augment == "none") || meta.dim == 2,
          std::string(equivariance != Equivariance::None ? "-equivariance " + s.equivariance : "-augment " + s.augment) +
              ": the symmetries of the square apply to 2D data; '" + data_path + "' is " + std::to_string(meta.dim) +
              "D (use -equivariance none -augment none)");
  torch::manual_seed(s.seed);
  std::shared_ptr<torch::nn::Module> module;
  ForwardFn forward;
  std::function<Mlp()> plain_mlp;  // what is exported
  std::int64_t parameters = 0;
  if (equivariance == Equivariance::GroupConv) {
    EquivariantMlp net(d4_cell_representation(side), d4_matrix_representation(nodes), compression_group_channels(widths));
    net->reset_glorot(s.seed);
    module = net.ptr();
    forward = [net](const torch::Tensor& x) mutable { return net->forward(x); };
    plain_mlp = [net]() mutable { return net->materialize(); };
    parameters = net->parameter_count();
  } else {
    Mlp net(widths);
    net->reset_glorot(s.seed);
    module = net.ptr();
    forward = [net](const torch::Tensor& x) mutable { return net->forward(x); };
    plain_mlp = [net] { return net; };
    parameters = net->parameter_count();
  }
  trainer.set_model(module, cmeta);
  trainer.add_optimizer(
      [&](torch::nn::Module& m) {
        return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(s.learning_rate));
      },
      LrSchedule::step(s.learning_rate, s.lr_epochs, s.late_rate));
  trainer.set_export([&] {
    Mlp exported = plain_mlp();
    return script_mlp(exported, trainer.meta());
  });

  const RowTransform eval_rows =
      equivariance == Equivariance::Canonical ? RowTransform::CanonicalD4 : RowTransform::None;
  const RowTransform train_rows = s.augment == "d4" ? RowTransform::RandomD4 : eval_rows;
  LodBatches train(file, meta, Split::Train, comm, s.batch, s.seed, s.buffer_blocks, train_rows);
  LodBatches val(file, meta, Split::Val, comm, s.batch, s.seed, 8, eval_rows);
  LodBatches test(file, meta, Split::Test, comm, s.batch, s.seed, 8, eval_rows);
  require(train.steps_per_epoch() >= 1, "-batch " + std::to_string(s.batch) + " is larger than the training shard (" +
                                            std::to_string(train.rows()) + " rows over " +
                                            std::to_string(mpi_size(comm)) + " ranks)");
  if (meta.rows(Split::Val) > 0)
    trainer.set_validation([&] { return evaluate(*module, forward, val, comm, trainer.device(), probes).loss; });
  if (is_root(comm))
    std::printf("[train] compression MLP %s (%lld parameters, equivariance %s), %lld train rows%s, batch %lld on %d "
                "ranks x %d threads, %lld steps/epoch%s%s\n",
                cmeta.architecture.c_str(), static_cast<long long>(parameters), s.equivariance.c_str(), train.rows(),
                s.augment == "d4" ? " (D4 augmentation)" : "", static_cast<long long>(s.batch), mpi_size(comm),
                trainer.threads(), train.steps_per_epoch(),
                precision == Precision::BFloat16 ? ", bf16 mixed precision" : "",
                s.patch_test_weight > 0 ? (", loss J + " + std::to_string(s.patch_test_weight) + " J_E").c_str() : "");

  const double global_batch = static_cast<double>(s.batch);
  const torch::Device device = trainer.device();
  TrainResult result;
  static_cast<TrainerResult&>(result) = trainer.fit(train, [&](const Batch& b) {
    torch::Tensor prediction;
    {
      AutocastScope autocast(precision, device);
      prediction = forward(b.inputs.to(device));
    }
    prediction = prediction.to(torch::kFloat32);
    const torch::Tensor target = b.targets.to(device);
    const torch::Tensor local = relative_squared_error_sum(prediction, target);
    StepOutput out;
    out.objective = local / global_batch;
    if (s.patch_test_weight > 0)
      out.objective = out.objective + (s.patch_test_weight / global_batch) * patch_test_error_sum(prediction, target, probes);
    out.loss_sum = local.item<double>();
    out.samples = static_cast<double>(b.rows());
    return out;
  });
  result.data_fingerprint = cmeta.data_fingerprint;
  if (meta.rows(Split::Test) > 0) {
    const SplitLoss t = evaluate(*module, forward, test, comm, device, probes);
    result.test_loss = t.loss;
    result.test_patch_test_error = t.patch_test_error;
  }
  return result;
}

Json to_json(const TrainResult& r, const TrainSettings& s, MPI_Comm comm) {
  Json report = training_report(r, comm);
  report["data_fingerprint"] = r.data_fingerprint;
  report["batch"] = static_cast<long long>(s.batch);
  report["augment"] = s.augment;
  report["equivariance"] = s.equivariance;
  report["precision"] = s.precision;
  report["test_loss"] = r.test_loss;
  report["test_patch_test_error"] = r.test_patch_test_error;
  report["patch_test_weight"] = s.patch_test_weight;
  report["fresh_optimizer"] = s.fresh_optimizer;
  report["model"] = "compression";
  return report;
}

}  // namespace neurhom
