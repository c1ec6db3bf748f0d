#pragma once
// Training checkpoints of any model (written by the Trainer, nn/trainer.hpp).
//
// Checkpoint (`<model>.ckpt`, torch::serialize archive, written by rank 0 under a temporary
// name and renamed): the module's parameters and buffers, the state of every optimizer, the
// epoch, the optimizer step count, the loss history and metadata (format
// "neurhom-checkpoint", model kind, the architecture string the client rebuilds the model
// from, data fingerprint, the client's setting as key/value attributes). `-resume` restores
// all of it and continues with the next epoch, so a killed run loses at most the epochs since
// the last checkpoint and reproduces the same losses. A model whose architecture grows during
// training (e.g. the multiresolution autoencoder) is saved with its current architecture:
// read_checkpoint_meta() tells the client which model to build before loading.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace neurhom {

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0, val_loss = 0, learning_rate = 0, seconds = 0, samples_per_second = 0;
};

struct CheckpointMeta {
  std::string model;          // model kind: "compression", ...
  std::string architecture;   // what rebuilds the model (compression: layer widths "1600-1600-...")
  std::string data_fingerprint;
  std::map<std::string, std::string> attributes;  // the client's setting (compression: coarse_n, fine_n, ell)
  int epoch = 0;              // last completed epoch (1-based)
  long long steps = 0;        // optimizer steps taken so far
  std::vector<EpochRecord> history;

  int int_attribute(const std::string& key) const;  // throws Error if missing or not an integer
};

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     const std::vector<torch::optim::Optimizer*>& optimizers, const CheckpointMeta& meta);
// Reads the metadata only (to validate and build the model before loading). Throws Error on
// a missing or corrupt file.
CheckpointMeta read_checkpoint_meta(const std::string& path);
void load_checkpoint(const std::string& path, torch::nn::Module& model,
                     const std::vector<torch::optim::Optimizer*>& optimizers);
template <class M>
void load_checkpoint(const std::string& path, torch::nn::ModuleHolder<M>& model, torch::optim::Optimizer& optimizer) {
  load_checkpoint(path, *model, {&optimizer});
}

// Runs write(temp) and renames temp to path (an interrupted write never replaces a good
// file); torch errors become Error("cannot write '<path>': ...").
void write_atomically(const std::string& path, const std::function<void(const std::string& temp)>& write);

}  // namespace neurhom
