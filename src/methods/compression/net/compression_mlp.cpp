#include "neurhom/methods/compression/net/compression_mlp.hpp"

#include <string>

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

PatchTestProbes patch_test_probes(int node_side, int dim) {
  require(node_side >= 2 && node_side % 2 == 0, "patch test: the extended patch has an odd number of nodes per side");
  require(dim == 2 || dim == 3, "patch test: dimension " + std::to_string(dim) + " (expected 2 or 3)");
  const double centre = 0.5 * (node_side - 1);  // T is the centre cell: nodes ell, ell + 1 of 2 ell + 2
  const int nodes = dim == 3 ? node_side * node_side * node_side : node_side * node_side, corners = 1 << dim;
  PatchTestProbes p;
  p.test = torch::empty({nodes, dim + 1}, torch::kFloat32);
  auto w = p.test.accessor<float, 2>();
  for (int i = 0; i < nodes; ++i) {  // x fastest
    w[i][0] = 1.0F;
    for (int d = 0, rest = i; d < dim; ++d, rest /= node_side) w[i][d + 1] = static_cast<float>(rest % node_side - centre);
  }
  p.trial = torch::empty({corners, dim}, torch::kFloat32);
  auto v = p.trial.accessor<float, 2>();
  for (int j = 0; j < corners; ++j)  // column j = (cz * 2 + cy) * 2 + cx
    for (int d = 0; d < dim; ++d) v[j][d] = static_cast<float>((j >> d) & 1) - 0.5F;
  return p;
}

torch::Tensor patch_test_matrices(const torch::Tensor& matrices, const PatchTestProbes& probes) {
  const auto W = probes.test.to(matrices.device(), matrices.scalar_type());
  const auto V = probes.trial.to(matrices.device(), matrices.scalar_type());
  require(matrices.dim() == 2 && matrices.size(1) == W.size(0) * V.size(0),
          "patch test: matrices of " + std::to_string(matrices.size(1)) + " entries, expected " +
              std::to_string(W.size(0) * V.size(0)));
  const auto S = matrices.reshape({matrices.size(0), W.size(0), V.size(0)});
  return torch::matmul(torch::matmul(W.t(), S), V);
}

torch::Tensor patch_test_error_sum(const torch::Tensor& prediction, const torch::Tensor& target,
                                   const PatchTestProbes& probes) {
  const auto e = patch_test_matrices(prediction, probes).flatten(1);
  const auto t = patch_test_matrices(target, probes).flatten(1);
  return relative_squared_error_sum(e, t);
}

}  // namespace neurhom
