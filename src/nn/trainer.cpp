#include "neurhom/nn/trainer.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/nn/distributed.hpp"
#include "neurhom/nn/scripted_model.hpp"

namespace neurhom {

std::int64_t parameter_count(torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

Trainer::Trainer(MPI_Comm comm, TrainerSettings settings) : comm_(comm), settings_(std::move(settings)) {
  const TrainerSettings& s = settings_;
  require(s.epochs >= 1, "-epochs must be at least 1 (got " + std::to_string(s.epochs) + ")");
  require(s.threads >= 0, "-threads must be non-negative");
  require(s.checkpoint_every >= 1 && s.print_every >= 1, "checkpoint and print intervals must be at least 1 epoch");
  require(s.early_stopping.patience >= 0, "early stopping patience must be non-negative");
  require(!s.resume || !s.checkpoint.empty(), "-resume needs a checkpoint file");
  require(s.device == "cpu" || s.device == "cuda", "unknown device '" + s.device + "' (-device); known: cpu, cuda");
  require(s.device == "cpu" || torch::cuda::is_available(),
          "-device cuda: this LibTorch has no CUDA support or no GPU is visible (build with an upstream CUDA LibTorch via -DTorch_DIR)");
  // -device cuda: one GPU per rank of a node (local rank modulo the visible GPUs).
  if (s.device == "cuda")
    device_ = torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(local_rank(comm) %
                                                                          static_cast<int>(torch::cuda::device_count())));
  threads_ = s.threads > 0 ? s.threads : default_threads_per_rank(comm);
  torch::set_num_threads(threads_);
  reducer_ = std::make_unique<GradientReducer>(comm, device_);  // MPI, or NCCL for -device cuda where built
}

Trainer::~Trainer() = default;

void Trainer::set_model(std::shared_ptr<torch::nn::Module> model, CheckpointMeta meta) {
  require(model != nullptr, "Trainer: no model");
  model_ = std::move(model);
  model_->to(device_);
  meta_ = std::move(meta);
  for (auto& slot : optimizers_) build_optimizer(slot);
}

void Trainer::replace_model(std::shared_ptr<torch::nn::Module> model, const std::string& architecture) {
  require(model != nullptr, "Trainer: no model");
  model_ = std::move(model);
  model_->to(device_);
  meta_.architecture = architecture;
  for (auto& slot : optimizers_) build_optimizer(slot);
  reducer_->broadcast_parameters(*model_);
}

void Trainer::build_optimizer(OptimizerSlot& slot) {
  slot.optimizer = slot.factory(*model_);
  require(slot.optimizer != nullptr, "Trainer: an optimizer factory returned nothing");
  slot.parameters.clear();
  for (const auto& group : slot.optimizer->param_groups())
    for (const auto& p : group.params()) slot.parameters.push_back(p);
}

void Trainer::add_optimizer(OptimizerFactory factory, LrSchedule schedule, Direction direction) {
  require(model_ != nullptr, "Trainer: set_model() before add_optimizer()");
  schedule.validate("optimizer " + std::to_string(optimizers_.size()));
  OptimizerSlot slot{std::move(factory), schedule, direction, nullptr, {}};
  build_optimizer(slot);
  optimizers_.push_back(std::move(slot));
}

std::vector<torch::optim::Optimizer*> Trainer::optimizer_list() {
  std::vector<torch::optim::Optimizer*> list;
  for (auto& slot : optimizers_) list.push_back(slot.optimizer.get());
  return list;
}

void Trainer::resume_from_checkpoint(TrainerResult& result) {
  const std::string& ckpt = settings_.checkpoint;
  const CheckpointMeta saved = read_checkpoint_meta(ckpt);
  require(saved.model == meta_.model,
          "checkpoint '" + ckpt + "' holds a '" + saved.model + "' model, not " + meta_.model);
  require(saved.architecture == meta_.architecture, "checkpoint '" + ckpt + "' has architecture " + saved.architecture +
                                                        ", this run builds " + meta_.architecture);
  require(saved.data_fingerprint == meta_.data_fingerprint,
          "checkpoint '" + ckpt + "' was trained on a different data file (fingerprint " + saved.data_fingerprint +
              " vs " + meta_.data_fingerprint + ")");
  load_checkpoint(ckpt, *model_, optimizer_list());
  model_->to(device_);
  if (settings_.fresh_optimizer)
    for (auto& slot : optimizers_) build_optimizer(slot);
  meta_.history = saved.history;
  meta_.epoch = saved.epoch;
  meta_.steps = saved.steps;
  result.first_epoch = saved.epoch + 1;
  if (is_root(comm_))
    std::printf("[%s] resuming from '%s' after epoch %d%s\n", settings_.name.c_str(), ckpt.c_str(), saved.epoch,
                settings_.fresh_optimizer ? " (fresh optimizer state)" : "");
}

void Trainer::write_outputs() {
  if (!is_root(comm_)) return;
  if (!settings_.checkpoint.empty()) save_checkpoint(settings_.checkpoint, *model_, optimizer_list(), meta_);
  if (export_ && !settings_.export_path.empty()) save_script_module(settings_.export_path, export_());
}

TrainerResult Trainer::fit(DataSource& data, const StepFn& step) {
  require(model_ != nullptr, "Trainer: set_model() before fit()");
  require(!optimizers_.empty(), "Trainer: add_optimizer() before fit()");
  const TrainerSettings& s = settings_;
  TrainerResult result;
  result.threads = threads_;
  result.allreduce = reducer_->backend();
  result.device = s.device;
  if (s.resume) resume_from_checkpoint(result);
  reducer_->broadcast_parameters(*model_);  // identical replicas (rank 0's weights)
  result.parameters = parameter_count(*model_);
  require(data.steps_per_epoch() >= 1, "the data source has no step per epoch");

  double best = std::numeric_limits<double>::infinity();
  int since_best = 0;
  std::vector<torch::Tensor> best_state;
  auto remember_best = [&](double val, int epoch) {
    if (val < best * (1.0 - s.early_stopping.min_delta) || !std::isfinite(best)) {
      best = val;
      result.best_epoch = epoch;
      since_best = 0;
      return true;
    }
    ++since_best;
    return false;
  };
  for (const auto& r : meta_.history)
    if (validate_) remember_best(r.val_loss, r.epoch);

  if (result.first_epoch == 1 && validate_ && s.initial_validation) {
    result.initial_val_loss = validate_();
    if (is_root(comm_) && !s.quiet)
      std::printf("[%s] epoch 0  val %.4e (initial weights)\n", s.name.c_str(), result.initial_val_loss);
  }
  WallTimer run_timer;
  double samples_run = 0, seconds_run = 0;
  int epochs_this_run = 0;
  for (int epoch = result.first_epoch; epoch <= s.epochs; ++epoch) {
    WallTimer timer;
    data.start_epoch(epoch);
    Batch batch;
    double sums[2] = {0, 0};  // loss_sum, samples
    double lr = 0;
    Progress progress(s.name, "step", data.steps_per_epoch(), comm_, 10.0);
    long long step_in_epoch = 0;
    while (data.next(batch)) {
      for (auto& slot : optimizers_) {
        const double rate = slot.schedule.at(epoch, meta_.steps);
        for (auto& group : slot.optimizer->param_groups()) group.options().set_lr(rate);
      }
      lr = optimizers_.front().schedule.at(epoch, meta_.steps);
      model_->zero_grad();
      const StepOutput out = step(batch);
      out.objective.backward();
      reducer_->allreduce_gradients(*model_);
      for (auto& slot : optimizers_)
        if (slot.direction == Direction::Ascent)
          for (auto& p : slot.parameters)
            if (p.grad().defined()) p.mutable_grad().neg_();
      for (auto& slot : optimizers_) slot.optimizer->step();
      ++meta_.steps;
      sums[0] += out.loss_sum;
      sums[1] += out.samples;
      if (s.show_progress && data.steps_per_epoch() > 1) progress.update(++step_in_epoch, "epoch " + std::to_string(epoch));
    }
    MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm_);
    EpochRecord r;
    r.epoch = epoch;
    r.learning_rate = lr;
    r.train_loss = sums[1] > 0 ? sums[0] / sums[1] : 0.0;
    const double train_seconds = max_ranks(comm_, timer.seconds());
    r.val_loss = validate_ ? validate_() : 0.0;
    r.seconds = timer.seconds();
    r.samples_per_second = static_cast<double>(data.steps_per_epoch()) * static_cast<double>(data.global_batch()) / train_seconds;
    samples_run += static_cast<double>(data.steps_per_epoch()) * static_cast<double>(data.global_batch());
    seconds_run += train_seconds;
    meta_.history.push_back(r);
    meta_.epoch = epoch;
    ++epochs_this_run;

    bool stop = false;
    if (validate_) {
      const bool better = remember_best(r.val_loss, epoch);
      if (better && s.early_stopping.restore_best) {
        best_state.clear();
        for (const auto& t : model_->parameters()) best_state.push_back(t.detach().clone());
      }
      if (s.early_stopping.patience > 0 && since_best >= s.early_stopping.patience) {
        stop = true;
        result.stopped_early = true;
      }
    }
    if (hook_ && hook_(epoch, r) == EpochAction::Stop) stop = true;
    const bool last = stop || epoch == s.epochs || (s.stop_after_epochs > 0 && epochs_this_run >= s.stop_after_epochs);
    if ((stop || epoch == s.epochs) && s.early_stopping.restore_best && !best_state.empty()) {
      torch::NoGradGuard no_grad;
      auto params = model_->parameters();
      for (size_t k = 0; k < params.size() && k < best_state.size(); ++k) params[k].copy_(best_state[k]);
    }
    if (is_root(comm_) && !s.quiet && (epoch % s.print_every == 0 || last)) {
      const double eta = run_timer.seconds() / epochs_this_run * (s.epochs - epoch);
      char val[40] = "";
      if (validate_) std::snprintf(val, sizeof val, "  val %.4e", r.val_loss);
      std::printf("[%s] epoch %d/%d  loss %.4e%s  lr %.0e  %.0f samples/s  %.1f s  ETA %.0f s\n", s.name.c_str(), epoch,
                  s.epochs, r.train_loss, val, lr, r.samples_per_second, r.seconds, eta);
      std::fflush(stdout);
    }
    if (epoch % s.checkpoint_every == 0 || last) write_outputs();
    MPI_Barrier(comm_);
    if (last) {
      if (stop && is_root(comm_) && !s.quiet)
        std::printf("[%s] stopped after epoch %d (best validation %.4e at epoch %d)\n", s.name.c_str(), epoch, best,
                    result.best_epoch);
      break;
    }
  }
  result.history = meta_.history;
  result.steps = meta_.steps;
  result.samples_per_second = seconds_run > 0 ? samples_run / seconds_run : 0;
  return result;
}

Json training_report(const TrainerResult& r, MPI_Comm comm) {
  Json report = Json::object();
  const EpochRecord last = r.history.empty() ? EpochRecord() : r.history.back();
  report["epochs"] = static_cast<int>(r.history.size());
  report["first_epoch_this_run"] = r.first_epoch;
  report["train_loss"] = last.train_loss;
  report["val_loss"] = last.val_loss;
  report["initial_val_loss"] = r.initial_val_loss;
  report["parameters"] = static_cast<long long>(r.parameters);
  report["samples_per_second"] = r.samples_per_second;
  report["ranks"] = mpi_size(comm);
  report["threads_per_rank"] = r.threads;
  report["device"] = r.device;
  report["allreduce"] = r.allreduce;
  report["steps"] = r.steps;
  report["stopped_early"] = r.stopped_early;
  report["best_epoch"] = r.best_epoch;
  Json history = Json::array();
  for (const auto& e : r.history) {
    Json j = Json::object();
    j["epoch"] = e.epoch;
    j["train_loss"] = e.train_loss;
    j["val_loss"] = e.val_loss;
    j["learning_rate"] = e.learning_rate;
    j["samples_per_second"] = e.samples_per_second;
    history.push_back(j);
  }
  report["history"] = history;
  return report;
}

}  // namespace neurhom
