#pragma once
// The one training loop of neurhom: every model (operator compression, multi-stage CEM
// networks, PINNs, Deep Ritz correctors, autoencoders) is trained by a Trainer, which owns
//   device      cpu, or cuda with one GPU per rank (local rank % visible GPUs)
//   threads     intra-op threads per rank (default: the node's cores over its ranks)
//   data        a DataSource (nn/data_source.hpp): sharded HDF5 rows, in-memory tensors, or
//               FullBatch for physics losses
//   step        per batch: zero the gradients, the client's step callback returns the
//               objective, backward, ONE allreduce of the module's gradients over the ranks
//               (nn/distributed.hpp; NCCL on CUDA where built), then every optimizer steps
//               with its learning-rate schedule (nn/lr_schedule.hpp). An optimizer marked
//               Ascent gets its parameters' gradients negated first: it maximizes the
//               objective (the self-adaptive penalty weights of the Deep Ritz LOD).
//   epochs      validation figure (client callback, collective), early stopping, one progress
//               line on rank 0 (loss, val, lr, samples/s, ETA), the epoch hook (may stop or
//               grow the model), checkpoints (nn/checkpoint.hpp) and the TorchScript export,
//               both written atomically by rank 0 every `checkpoint_every` epochs and at the end
//   resume      `resume`: restores module, optimizers, epoch, step count and history from the
//               checkpoint after checking model kind, architecture and data fingerprint
//   report      TrainerResult and training_report() (the JSON keys every `train` run writes)
//
// The objective each rank returns must be its partial sum divided by the GLOBAL batch size
// (or, for full-batch losses, the rank's share of the total), so the summed gradient is the
// gradient of the whole-batch objective and N ranks take the same steps as one.
#include <mpi.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "neurhom/core/json_report.hpp"
#include "neurhom/nn/checkpoint.hpp"
#include "neurhom/nn/data_source.hpp"
#include "neurhom/nn/gradient_reducer.hpp"
#include "neurhom/nn/lr_schedule.hpp"

namespace neurhom {

struct EarlyStopping {
  int patience = 0;         // stop after this many epochs without a better validation figure (0: off)
  double min_delta = 0.0;   // relative improvement that counts: val < best (1 - min_delta)
  bool restore_best = false;  // when training ends (early stop, hook or last epoch), put back the best epoch's parameters
};

struct TrainerSettings {
  std::string name = "train";  // tag of the progress lines: [name]
  int epochs = 20;
  int threads = 0;             // intra-op threads per rank (0: cores / ranks on the node)
  std::string device = "cpu";  // cpu or cuda
  std::string checkpoint;      // checkpoint file ("": none, and no resume)
  std::string export_path;     // TorchScript file written with every checkpoint ("": none)
  bool resume = false;
  // On resume: restore the module, epoch and history but start the optimizers anew (Adam
  // moments at zero). For fine-tuning with a changed objective: Adam's second moments of the
  // old, converged loss are tiny, so a new loss term would first take steps far larger than
  // the learning rate.
  bool fresh_optimizer = false;
  int checkpoint_every = 1;    // epochs between checkpoints (the last epoch always writes)
  int print_every = 1;         // epochs between progress lines (physics losses run thousands)
  bool show_progress = true;   // per-step progress lines within an epoch (rank 0)
  bool quiet = false;          // no lines at all (many small networks trained one after another report themselves)
  int stop_after_epochs = 0;   // testing aid: return after this many epochs of this run (0: off)
  bool initial_validation = true;  // validation figure before the first epoch
  EarlyStopping early_stopping;
};

// What the client's step callback returns for one batch on this rank.
struct StepOutput {
  torch::Tensor objective;  // differentiated (already scaled by the global batch)
  double loss_sum = 0;      // this rank's contribution to the epoch's loss figure ...
  double samples = 0;       // ... which is sum(loss_sum) / sum(samples) over ranks and steps
};

enum class Direction { Descent, Ascent };
enum class EpochAction { Continue, Stop };

struct TrainerResult {
  std::vector<EpochRecord> history;  // all epochs, including those before a resume
  double initial_val_loss = 0;       // before the first epoch (0 when resumed or no validation)
  std::int64_t parameters = 0;
  double samples_per_second = 0;     // over the epochs run in this invocation
  int first_epoch = 1;               // 1 unless resumed
  int threads = 0;
  long long steps = 0;               // optimizer steps, all runs
  std::string allreduce = "mpi";     // gradient communication: mpi or nccl
  std::string device = "cpu";
  bool stopped_early = false;
  int best_epoch = 0;                // of the validation figure (0 without validation)
};

class Trainer {
 public:
  using StepFn = std::function<StepOutput(const Batch& batch)>;
  using ValidateFn = std::function<double()>;  // collective; lower is better
  using OptimizerFactory = std::function<std::unique_ptr<torch::optim::Optimizer>(torch::nn::Module& model)>;
  using ExportFn = std::function<torch::jit::script::Module()>;  // rank 0, after each checkpoint
  using EpochHook = std::function<EpochAction(int epoch, const EpochRecord& record)>;  // collective

  // Collective. Validates the settings (clear Error), picks device and threads, sets up the
  // gradient communication.
  Trainer(MPI_Comm comm, TrainerSettings settings);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  const torch::Device& device() const { return device_; }
  int threads() const { return threads_; }
  MPI_Comm comm() const { return comm_; }
  const TrainerSettings& settings() const { return settings_; }

  // The model (moved to the device) and its metadata (kind, architecture, fingerprint,
  // setting), checked against the checkpoint on resume and saved with every checkpoint.
  void set_model(std::shared_ptr<torch::nn::Module> model, CheckpointMeta meta);
  // Replaces the model mid-training (a grown architecture): fresh optimizers from the
  // factories, rank 0's new weights broadcast; the next checkpoint records `architecture`.
  void replace_model(std::shared_ptr<torch::nn::Module> model, const std::string& architecture);
  torch::nn::Module& model() { return *model_; }
  CheckpointMeta& meta() { return meta_; }

  // An optimizer over (part of) the model's parameters; the factory is called again by
  // replace_model(). Optimizers step in the order they were added.
  void add_optimizer(OptimizerFactory factory, LrSchedule schedule, Direction direction = Direction::Descent);
  torch::optim::Optimizer& optimizer(size_t k) { return *optimizers_.at(k).optimizer; }

  void set_validation(ValidateFn validate) { validate_ = std::move(validate); }
  void set_export(ExportFn exporter) { export_ = std::move(exporter); }
  void set_epoch_hook(EpochHook hook) { hook_ = std::move(hook); }

  // Collective: resume (if asked), then epochs until settings.epochs, early stopping or the
  // hook says stop.
  TrainerResult fit(DataSource& data, const StepFn& step);

 private:
  struct OptimizerSlot {
    OptimizerFactory factory;
    LrSchedule schedule;
    Direction direction;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::vector<torch::Tensor> parameters;  // of this optimizer (for the ascent sign flip)
  };
  void build_optimizer(OptimizerSlot& slot);
  std::vector<torch::optim::Optimizer*> optimizer_list();
  void resume_from_checkpoint(TrainerResult& result);
  void write_outputs();  // rank 0: checkpoint and export

  MPI_Comm comm_;
  TrainerSettings settings_;
  torch::Device device_{torch::kCPU};
  int threads_ = 1;
  std::unique_ptr<GradientReducer> reducer_;
  std::shared_ptr<torch::nn::Module> model_;
  CheckpointMeta meta_;
  std::vector<OptimizerSlot> optimizers_;
  ValidateFn validate_;
  ExportFn export_;
  EpochHook hook_;
};

// The JSON keys every training report has: epochs, first_epoch_this_run, train_loss,
// val_loss, initial_val_loss, parameters, samples_per_second, ranks, threads_per_rank,
// device, allreduce, steps, stopped_early, best_epoch, history[{epoch, train_loss, val_loss,
// learning_rate, samples_per_second}].
Json training_report(const TrainerResult& result, MPI_Comm comm);

std::int64_t parameter_count(torch::nn::Module& module);

}  // namespace neurhom
