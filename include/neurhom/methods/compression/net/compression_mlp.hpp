#pragma once
// The operator-compression network of Kroepfl, Maier, Peterseim 2022, Sec. 4.3 (eq. 4.1):
// a dense feed-forward network R_T(A) -> S_T with ReLU after every layer but the last,
//   widths  n_in, n_in, n_in/2, n_in/2, n_in/4, n_in/4, n_out, n_out, n_out
// (1600-1600-800-800-400-400-144-144-144 for H = 2^-5, eps = 2^-8, ell = 2: 5,063,504
// parameters), Glorot-uniform weights and zero biases (the generic Mlp of nn/mlp.hpp with
// ReLU). The output is the extended S_T flattened row-major [i * 4 + j].
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "neurhom/nn/mlp.hpp"

namespace neurhom {

std::vector<std::int64_t> compression_widths(std::int64_t input_size, std::int64_t output_size);
// Loss J of eq. (2.9) summed over the batch: sum_i ||S_i - S^_i||_F^2 / ||S_i||_F^2.
// (The trainer divides by the global batch size, so the gradient is that of the mean.)
torch::Tensor relative_squared_error_sum(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace neurhom
