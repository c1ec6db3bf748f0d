#include "neurhom/methods/compression/net/compression_mlp.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/methods/compression/net/d4_symmetry.hpp"

namespace neurhom {

std::vector<std::int64_t> compression_widths(std::int64_t in, std::int64_t out) {
  require(in >= 4 && out >= 1, "compression network: input size must be >= 4 and output size >= 1");
  return {in, in, in / 2, in / 2, in / 4, in / 4, out, out, out};
}

Equivariance equivariance_from_string(const std::string& name) {
  if (name == "none") return Equivariance::None;
  if (name == "canonical") return Equivariance::Canonical;
  if (name == "gconv") return Equivariance::GroupConv;
  throw Error("unknown -equivariance '" + name + "'; known: none, canonical, gconv");
}

std::string equivariance_name(Equivariance e) {
  switch (e) {
    case Equivariance::Canonical: return "canonical";
    case Equivariance::GroupConv: return "gconv";
    default: return "none";
  }
}

PermutationRep d4_cell_representation(int side) {
  PermutationRep rep;
  for (int g = 0; g < kD4Order; ++g) rep.gathers.push_back(d4_cell_gather(g, side));
  return rep;
}

PermutationRep d4_matrix_representation(int node_side) {
  PermutationRep rep;
  for (int g = 0; g < kD4Order; ++g) rep.gathers.push_back(d4_extended_matrix_gather(g, node_side));
  return rep;
}

std::vector<std::int64_t> compression_group_channels(const std::vector<std::int64_t>& widths) {
  std::vector<std::int64_t> channels;
  for (size_t l = 1; l + 1 < widths.size(); ++l) channels.push_back((widths[l] + kD4Order - 1) / kD4Order);
  return channels;
}

torch::Tensor relative_squared_error_sum(const torch::Tensor& prediction, const torch::Tensor& target) {
  const auto num = (prediction - target).pow(2).sum(1);
  const auto den = target.pow(2).sum(1).clamp_min(1e-30);
  return (num / den).sum();
}

}  // namespace neurhom
