#pragma once
// Training checkpoints and the exported model.
//
// Checkpoint (`<model>.ckpt`, torch::serialize archive, written by rank 0 under a temporary
// name and renamed every epoch): the model parameters, the Adam state, the epoch, the loss
// history and metadata (format "neurhom-checkpoint", model kind, layer widths, input
// normalization, data fingerprint). `-resume` restores all of it and continues with the next
// epoch, so a killed run loses at most one epoch and reproduces the same losses.
// Exported model (`-o model.pt`): a TorchScript module with the same weights and a
// `forward(x)` that Python's `torch.jit.load` and C++ `torch::jit::load` run; its attributes
// `widths`, `model`, `data_fingerprint`, `coarse_n`, `fine_n`, `ell` describe it.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

#include "neurhom/nn/compression_mlp.hpp"

namespace neurhom {

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0, val_loss = 0, learning_rate = 0, seconds = 0, samples_per_second = 0;
};

struct CheckpointMeta {
  std::string model = "compression";
  std::vector<std::int64_t> widths;
  std::string normalization = "none";
  std::string data_fingerprint;
  int coarse_n = 0, fine_n = 0, ell = 0;  // the LOD setting of the training data
  int epoch = 0;  // last completed epoch (1-based)
  std::vector<EpochRecord> history;
};

void save_checkpoint(const std::string& path, Mlp& model, torch::optim::Optimizer& optimizer, const CheckpointMeta& meta);
// Reads the metadata only (to validate before building the model). Throws Error on a missing
// or corrupt file.
CheckpointMeta read_checkpoint_meta(const std::string& path);
void load_checkpoint(const std::string& path, Mlp& model, torch::optim::Optimizer& optimizer);

// TorchScript export and import of an MLP (weights copied to CPU float32).
void export_torchscript(const std::string& path, Mlp& model, const CheckpointMeta& meta);
struct ScriptedModel {
  std::vector<std::int64_t> widths;
  std::string model, data_fingerprint;
  int coarse_n = 0, fine_n = 0, ell = 0;
  torch::jit::script::Module module;
  torch::Tensor forward(const torch::Tensor& x);
};
ScriptedModel load_torchscript(const std::string& path);

}  // namespace neurhom
