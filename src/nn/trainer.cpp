#include "neurhom/nn/trainer.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/nn/distributed.hpp"
#include "neurhom/nn/gradient_reducer.hpp"
#include "neurhom/nn/lod_batches.hpp"

namespace neurhom {

std::string checkpoint_path_for(const std::string& model_path) { return model_path + ".ckpt"; }

namespace {

std::uint64_t fnv1a(std::uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t k = 0; k < n; ++k) h = (h ^ p[k]) * 1099511628211ULL;
  return h;
}

int default_threads(MPI_Comm comm) {
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local = 1;
  MPI_Comm_size(node, &local);
  MPI_Comm_free(&node);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / local);
}

// Mean relative loss over a whole split (every row once), summed across ranks.
double evaluate(Mlp& model, LodBatches& batches, MPI_Comm comm, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  model->eval();
  double sums[2] = {0, 0};
  batches.start_evaluation();
  Batch b;
  while (batches.next_evaluation(b)) {
    sums[0] += relative_squared_error_sum(model->forward(b.inputs.to(device)), b.targets.to(device)).item<double>();
    sums[1] += static_cast<double>(b.rows());
  }
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm);
  model->train();
  return sums[1] > 0 ? sums[0] / sums[1] : 0.0;
}

void set_learning_rate(torch::optim::Adam& adam, double lr) {
  for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

}  // namespace

std::string dataset_fingerprint(const Hdf5File& file, const LodDatasetMeta& meta) {
  std::uint64_t h = 1469598103934665603ULL;
  std::string text = std::to_string(meta.coarse_n) + "/" + std::to_string(meta.fine_n) + "/" + std::to_string(meta.ell) +
                     "/" + std::to_string(meta.samples) + "/" + std::to_string(meta.seed) + "/" + meta.precision;
  for (const auto& f : meta.families) text += "/" + f;
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
  require(s.epochs >= 1, "-epochs must be at least 1 (got " + std::to_string(s.epochs) + ")");
  require(s.batch >= 1, "-batch must be at least 1");
  require(s.learning_rate > 0 && s.late_rate > 0, "learning rates must be positive");
  require(!s.output.empty(), "train needs an output model file: -o model.pt");
  require(s.device == "cpu" || s.device == "cuda", "unknown device '" + s.device + "' (-device); known: cpu, cuda");
  require(s.device == "cpu" || torch::cuda::is_available(),
          "-device cuda: this LibTorch has no CUDA support or no GPU is visible (build with an upstream CUDA LibTorch via -DTorch_DIR)");
  require_writable_location(s.output, "-o model file");
  // -device cuda: one GPU per rank of a node (local rank modulo the visible GPUs).
  const torch::Device device =
      s.device == "cuda"
          ? torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(local_rank(comm) %
                                                                         static_cast<int>(torch::cuda::device_count())))
          : torch::Device(torch::kCPU);

  TrainResult result;
  result.threads = s.threads > 0 ? s.threads : default_threads(comm);
  torch::set_num_threads(result.threads);

  Hdf5File file(data_path, Hdf5File::Mode::Read, comm);
  const LodDatasetMeta meta = LodDatasetMeta::read(file);
  require(meta.rows(Split::Train) > 0, "data file '" + data_path + "' has no training rows");
  CheckpointMeta cmeta;
  cmeta.widths = compression_widths(meta.input_size, meta.output_size());
  cmeta.data_fingerprint = dataset_fingerprint(file, meta);
  cmeta.coarse_n = meta.coarse_n;
  cmeta.fine_n = meta.fine_n;
  cmeta.ell = meta.ell;
  result.data_fingerprint = cmeta.data_fingerprint;

  torch::manual_seed(s.seed);
  Mlp model(cmeta.widths);
  model->reset_glorot(s.seed);
  model->to(device);
  result.parameters = model->parameter_count();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(s.learning_rate));

  const std::string ckpt = checkpoint_path_for(s.output);
  int first_epoch = 1;
  if (s.resume) {
    const CheckpointMeta saved = read_checkpoint_meta(ckpt);
    require(saved.model == cmeta.model, "checkpoint '" + ckpt + "' holds a '" + saved.model + "' model, not compression");
    require(saved.widths == cmeta.widths, "checkpoint '" + ckpt + "' has layer widths " + widths_to_string(saved.widths) +
                                              ", the data file needs " + widths_to_string(cmeta.widths));
    require(saved.data_fingerprint == cmeta.data_fingerprint,
            "checkpoint '" + ckpt + "' was trained on a different data file (fingerprint " + saved.data_fingerprint +
                " vs " + cmeta.data_fingerprint + ")");
    load_checkpoint(ckpt, model, adam);
    model->to(device);
    cmeta.history = saved.history;
    cmeta.epoch = saved.epoch;
    first_epoch = saved.epoch + 1;
    if (is_root(comm)) std::printf("[train] resuming from '%s' after epoch %d\n", ckpt.c_str(), saved.epoch);
  }
  GradientReducer reducer(comm, device);  // MPI, or NCCL for -device cuda where built
  result.allreduce = reducer.backend();
  reducer.broadcast_parameters(*model);  // identical replicas (rank 0's weights)
  result.first_epoch = first_epoch;

  LodBatches train(file, meta, Split::Train, comm, s.batch, s.seed, s.buffer_blocks);
  LodBatches val(file, meta, Split::Val, comm, s.batch, s.seed);
  LodBatches test(file, meta, Split::Test, comm, s.batch, s.seed);
  require(train.steps_per_epoch() >= 1, "-batch " + std::to_string(s.batch) + " is larger than the training shard (" +
                                            std::to_string(train.rows()) + " rows over " +
                                            std::to_string(mpi_size(comm)) + " ranks)");
  if (is_root(comm))
    std::printf("[train] compression MLP %s (%lld parameters), %lld train rows, batch %lld on %d ranks x %d threads, "
                "%lld steps/epoch\n",
                widths_to_string(cmeta.widths).c_str(), static_cast<long long>(result.parameters), train.rows(),
                static_cast<long long>(s.batch), mpi_size(comm), result.threads, train.steps_per_epoch());

  if (first_epoch == 1 && meta.rows(Split::Val) > 0) {
    result.initial_val_loss = evaluate(model, val, comm, device);
    if (is_root(comm)) std::printf("[train] epoch 0  val %.4e (initial weights)\n", result.initial_val_loss);
  }
  WallTimer run_timer;
  double samples_run = 0, seconds_run = 0;
  int epochs_this_run = 0;
  for (int epoch = first_epoch; epoch <= s.epochs; ++epoch) {
    const double lr = epoch <= s.lr_epochs ? s.learning_rate : s.late_rate;
    set_learning_rate(adam, lr);
    WallTimer timer;
    train.start_epoch(epoch);
    Batch b;
    double loss_sum = 0;
    Progress progress("train", "step", train.steps_per_epoch(), comm, 10.0);
    long long step = 0;
    while (train.next(b)) {
      adam.zero_grad();
      const torch::Tensor local = relative_squared_error_sum(model->forward(b.inputs.to(device)), b.targets.to(device));
      (local / static_cast<double>(s.batch)).backward();
      reducer.allreduce_gradients(*model);
      adam.step();
      loss_sum += local.item<double>();
      if (s.show_progress) progress.update(++step, "epoch " + std::to_string(epoch));
    }
    MPI_Allreduce(MPI_IN_PLACE, &loss_sum, 1, MPI_DOUBLE, MPI_SUM, comm);
    EpochRecord r;
    r.epoch = epoch;
    r.learning_rate = lr;
    r.train_loss = loss_sum / (static_cast<double>(train.steps_per_epoch()) * s.batch);
    const double train_seconds = max_ranks(comm, timer.seconds());
    r.val_loss = meta.rows(Split::Val) > 0 ? evaluate(model, val, comm, device) : 0.0;
    r.seconds = timer.seconds();
    r.samples_per_second = static_cast<double>(train.steps_per_epoch()) * s.batch / train_seconds;
    samples_run += static_cast<double>(train.steps_per_epoch()) * s.batch;
    seconds_run += train_seconds;
    cmeta.history.push_back(r);
    cmeta.epoch = epoch;
    if (is_root(comm)) {
      save_checkpoint(ckpt, model, adam, cmeta);
      export_torchscript(s.output, model, cmeta);
      const double eta = run_timer.seconds() / (epoch - first_epoch + 1) * (s.epochs - epoch);
      std::printf("[train] epoch %d/%d  loss %.4e  val %.4e  lr %.0e  %.0f samples/s  %.1f s  ETA %.0f s\n", epoch,
                  s.epochs, r.train_loss, r.val_loss, lr, r.samples_per_second, r.seconds, eta);
      std::fflush(stdout);
    }
    MPI_Barrier(comm);
    ++epochs_this_run;
    if (s.stop_after_epochs > 0 && epochs_this_run >= s.stop_after_epochs) break;
  }
  result.history = cmeta.history;
  result.samples_per_second = seconds_run > 0 ? samples_run / seconds_run : 0;
  result.test_loss = meta.rows(Split::Test) > 0 ? evaluate(model, test, comm, device) : 0.0;
  return result;
}

}  // namespace neurhom
