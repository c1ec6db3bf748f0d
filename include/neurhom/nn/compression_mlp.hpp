#pragma once
// The operator-compression network of Kroepfl, Maier, Peterseim 2022, Sec. 4.3 (eq. 4.1):
// a dense feed-forward network R_T(A) -> S_T with ReLU after every layer but the last,
//   widths  n_in, n_in, n_in/2, n_in/2, n_in/4, n_in/4, n_out, n_out, n_out
// (1600-1600-800-800-400-400-144-144-144 for H = 2^-5, eps = 2^-8, ell = 2: 5,063,504
// parameters), Glorot-uniform weights and zero biases. The output is the extended S_T
// flattened row-major [i * 4 + j].
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurhom {

std::vector<std::int64_t> compression_widths(std::int64_t input_size, std::int64_t output_size);
std::string widths_to_string(const std::vector<std::int64_t>& widths);            // "1600-1600-..."
std::vector<std::int64_t> widths_from_string(const std::string& text);             // throws Error

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(std::vector<std::int64_t> widths);
  torch::Tensor forward(torch::Tensor x);
  const std::vector<std::int64_t>& widths() const { return widths_; }
  const std::vector<torch::nn::Linear>& layers() const { return layers_; }
  // Glorot (Xavier) uniform weights from a fixed seed, zero biases.
  void reset_glorot(std::uint64_t seed);
  std::int64_t parameter_count() const;

 private:
  std::vector<std::int64_t> widths_;
  std::vector<torch::nn::Linear> layers_;
};
TORCH_MODULE(Mlp);

// Loss J of eq. (2.9) summed over the batch: sum_i ||S_i - S^_i||_F^2 / ||S_i||_F^2.
// (The trainer divides by the global batch size, so the gradient is that of the mean.)
torch::Tensor relative_squared_error_sum(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace neurhom
