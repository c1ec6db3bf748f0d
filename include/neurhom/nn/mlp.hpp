#pragma once
// A dense feed-forward network x -> W_L s(... s(W_1 x + b_1) ...) + b_L with the activation s
// (ReLU or tanh) after every layer but the last; layers are registered as linear0, linear1,
// ... (the names in checkpoints). Shared by the operator-compression network (ReLU, Glorot
// uniform; methods/compression/net/compression_mlp.hpp) and the physics-informed networks (tanh, Glorot normal,
// float64; nn/pinn.hpp).
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace neurhom {

enum class Activation { ReLU, Tanh };

std::string widths_to_string(const std::vector<std::int64_t>& widths);            // "1600-1600-..."
std::vector<std::int64_t> widths_from_string(const std::string& text);             // throws Error

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(std::vector<std::int64_t> widths, Activation activation = Activation::ReLU);
  torch::Tensor forward(torch::Tensor x);
  // A fixed map (no parameters) applied to the input before the first layer, e.g. the periodic
  // features of nn/pinn.hpp; widths()[0] is then its output width. Default: none.
  void set_input_map(std::function<torch::Tensor(const torch::Tensor&)> map) { input_map_ = std::move(map); }
  bool has_input_map() const { return static_cast<bool>(input_map_); }
  const std::vector<std::int64_t>& widths() const { return widths_; }
  const std::vector<torch::nn::Linear>& layers() const { return layers_; }
  // Glorot (Xavier) weights from a fixed seed, zero biases: uniform in +-sqrt(6 / (fan_in +
  // fan_out)), or normal N(0, 2 / (fan_in + fan_out)).
  void reset_glorot(std::uint64_t seed);
  void reset_glorot_normal(std::uint64_t seed);
  std::int64_t parameter_count() const;

 private:
  std::vector<std::int64_t> widths_;
  Activation activation_;
  std::vector<torch::nn::Linear> layers_;
  std::function<torch::Tensor(const torch::Tensor&)> input_map_;
};
TORCH_MODULE(Mlp);

}  // namespace neurhom
