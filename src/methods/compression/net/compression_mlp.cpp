#include "neurhom/methods/compression/net/compression_mlp.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

std::vector<std::int64_t> compression_widths(std::int64_t in, std::int64_t out) {
  require(in >= 4 && out >= 1, "compression network: input size must be >= 4 and output size >= 1");
  return {in, in, in / 2, in / 2, in / 4, in / 4, out, out, out};
}

torch::Tensor relative_squared_error_sum(const torch::Tensor& prediction, const torch::Tensor& target) {
  const auto num = (prediction - target).pow(2).sum(1);
  const auto den = target.pow(2).sum(1).clamp_min(1e-30);
  return (num / den).sum();
}

}  // namespace neurhom
