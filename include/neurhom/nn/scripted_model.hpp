#pragma once
// Exported models (`-o model.pt`): TorchScript modules that Python's `torch.jit.load` and
// C++ `torch::jit::load` run, with their metadata as module attributes: `model` (kind),
// `widths` (layer widths of an MLP), `data_fingerprint`, and the client's setting (every
// CheckpointMeta attribute; integers as int attributes, e.g. coarse_n, fine_n, ell).
// The Trainer writes them atomically after every checkpoint (nn/trainer.hpp); the online
// phase loads them with load_torchscript() and calls predict() without touching torch.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/script.h>

#include "neurhom/nn/checkpoint.hpp"
#include "neurhom/nn/mlp.hpp"
#include "neurhom/nn/precision.hpp"

namespace neurhom {

// A TorchScript module computing what `model` computes (weights copied to CPU float32):
// x = relu(x W_k' + b_k) layer by layer, no activation after the last.
torch::jit::script::Module script_mlp(Mlp& model, const CheckpointMeta& meta);
// Saves a scripted module through a temporary file (never a half-written model file).
void save_script_module(const std::string& path, const torch::jit::script::Module& module);

// Arithmetic of the native forward pass. BFloat16: weights and activations rounded to
// bfloat16 (8-bit mantissa, relative rounding 2^-9 = 2e-3 per value), products accumulated in
// float32 by oneDNN's bf16 GEMM, outputs returned as float32. On CPUs with AVX512-BF16 (AMD
// Zen 4, Intel Cooper Lake and later) that GEMM runs 4-5x the float32 rate; elsewhere it is
// emulated (correct, not faster).
// (Precision, precision_from_string: nn/precision.hpp)

struct ScriptedModel {
  std::vector<std::int64_t> widths;
  std::string model, data_fingerprint;
  std::map<std::string, std::int64_t> int_attributes;  // the client's integer setting (compression: coarse_n, fine_n, ell)
  std::map<std::string, std::string> string_attributes;  // the client's other setting (compression: equivariance)
  torch::jit::script::Module module;

  // The MLP's layers (W_k, b_k), CPU float32, when the module is a neurhom MLP export.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> layers;
  Precision precision = Precision::Float32;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> layers_bf16;  // hidden layers, set by set_precision(BFloat16)

  // Rounds the native layers to `p` once (an MLP export only; Error otherwise for BFloat16).
  void set_precision(Precision p);

  // An integer attribute of the export, 0 if absent.
  std::int64_t int_attribute(const std::string& key) const;
  // A string attribute of the export, `fallback` if absent.
  std::string string_attribute(const std::string& key, const std::string& fallback = "") const;

  torch::Tensor forward(const torch::Tensor& x);  // through the TorchScript interpreter
  // The online forward pass: n rows of widths.front() float32 inputs (row-major) -> n rows of
  // widths.back() float32 outputs in `out`. For an MLP export it runs the layers natively
  // (no interpreter: x <- relu(b_k + x W_k') by one addmm per layer under InferenceMode, the
  // last layer straight into `out`), in chunks of `chunk` rows (0: all at once); otherwise
  // it calls forward().
  void predict(const float* rows, std::int64_t n, float* out, std::int64_t chunk = 0);
  // Convenience: rows.size() must be a multiple of the input width (else Error).
  std::vector<float> predict(const std::vector<float>& rows, std::int64_t chunk = 0);
};
ScriptedModel load_torchscript(const std::string& path);

}  // namespace neurhom
