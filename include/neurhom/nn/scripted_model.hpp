#pragma once
// Exported models (`-o model.pt`): TorchScript modules that Python's `torch.jit.load` and
// C++ `torch::jit::load` run, with their metadata as module attributes: `model` (kind),
// `widths` (layer widths of an MLP), `data_fingerprint`, and the client's setting (every
// CheckpointMeta attribute; integers as int attributes, e.g. coarse_n, fine_n, ell).
// The Trainer writes them atomically after every checkpoint (nn/trainer.hpp); the online
// phase loads them with load_torchscript() and calls predict() without touching torch.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

#include "neurhom/nn/checkpoint.hpp"
#include "neurhom/nn/compression_mlp.hpp"

namespace neurhom {

// A TorchScript module computing what `model` computes (weights copied to CPU float32):
// x = relu(x W_k' + b_k) layer by layer, no activation after the last.
torch::jit::script::Module script_mlp(Mlp& model, const CheckpointMeta& meta);
// Saves a scripted module through a temporary file (never a half-written model file).
void save_script_module(const std::string& path, const torch::jit::script::Module& module);

struct ScriptedModel {
  std::vector<std::int64_t> widths;
  std::string model, data_fingerprint;
  int coarse_n = 0, fine_n = 0, ell = 0;  // the LOD setting of a compression model (0 if absent)
  torch::jit::script::Module module;

  torch::Tensor forward(const torch::Tensor& x);
  // Rows of widths.front() float32 inputs (row-major) -> rows of widths.back() outputs as
  // float64, one batched forward pass without gradients. Throws Error for a ragged input.
  std::vector<double> predict(const std::vector<float>& rows);
};
ScriptedModel load_torchscript(const std::string& path);

}  // namespace neurhom
