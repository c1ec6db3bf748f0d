#pragma once
// Dense networks that commute exactly with permutation representations of a finite group, by
// weight sharing (Ravanbakhsh, Schneider, Poczos 2017, "Equivariance through parameter-
// sharing"; with the regular representation on the hidden features this is the group
// convolution of Cohen & Welling 2016).
//
// Math. A group G acts on an index set by gathers: (P_k x)[i] = x[a_k(i)], k in G. A linear map
// y = W x + c from a representation (a_k) to a representation (b_k) is equivariant,
//   W P_k x + c = Q_k (W x + c)  for all x, k,
// iff   W[b_k(i), a_k(j)] = W[i, j]  and  c[b_k(i)] = c[i]   for all i, j, k
// (substitute j -> a_k(j) in (W P_k x)[i] = sum_j W[i, j] x[a_k(j)]). So W is one free
// parameter per orbit of the index pairs (i, j) and c one per orbit of the outputs: the orbits
// are computed once (union-find over the generators), the layer stores theta (one value per
// orbit) and materializes W = theta[orbit(i, j)] in every forward pass, so autograd sums the
// gradients of the shared entries.
//
// EquivariantMlp: input representation -> hidden layers in the regular representation
// (|G| x c_l units: unit (g, j) is channel j "seen through" the group element g; the action of
// k maps (g, j) to (g o k, j) with a_{g o k} = a_k o a_g, so the first layer may be
// h_g = W0 P_g x) -> output representation; ReLU between layers. Its function is that of a
// plain Mlp with the materialized weights (`materialize`), which is what is exported: the
// online phase runs an ordinary MLP of hidden widths |G| c_l, exactly equivariant.
// Parameter count: n_in c_1 + |G| sum_l c_l c_{l+1} + (orbits of the output pairs) + biases,
// about 1/|G| of the plain MLP of the same widths (the same cost per forward pass).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "neurhom/nn/mlp.hpp"

namespace neurhom {

// A permutation representation: one gather per group element, gathers[k][i] = a_k(i).
struct PermutationRep {
  std::vector<std::vector<std::int64_t>> gathers;
  std::int64_t size() const { return gathers.empty() ? 0 : static_cast<std::int64_t>(gathers.front().size()); }
  std::int64_t order() const { return static_cast<std::int64_t>(gathers.size()); }
};

// The composition table of a faithful permutation representation: table[g][k] = m with
// a_m = a_k o a_g (P_g P_k = P_m). Throws Error if the gathers are not distinct
// permutations closed under composition.
std::vector<std::vector<int>> composition_table(const PermutationRep& rep);
// The regular representation with `channels` copies, consistent with `rep`: unit g * channels + j.
PermutationRep regular_representation(const PermutationRep& rep, std::int64_t channels);

class EquivariantLinearImpl : public torch::nn::Module {
 public:
  EquivariantLinearImpl(const PermutationRep& in, const PermutationRep& out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight();  // [out, in], materialized (differentiable)
  torch::Tensor bias();    // [out]
  // Glorot uniform on the materialized weight: theta uniform in +-sqrt(6 / (in + out)); zero bias.
  void reset_glorot();
  std::int64_t in_features() const { return in_; }
  std::int64_t out_features() const { return out_; }

 private:
  std::int64_t in_, out_;
  torch::Tensor theta_, beta_;                 // one parameter per orbit
  torch::Tensor weight_orbit_, bias_orbit_;    // int64 orbit ids, [out * in] and [out] (not saved)
};
TORCH_MODULE(EquivariantLinear);

class EquivariantMlpImpl : public torch::nn::Module {
 public:
  // hidden_channels c_l: the hidden widths are |G| c_l.
  EquivariantMlpImpl(const PermutationRep& in, const PermutationRep& out, std::vector<std::int64_t> hidden_channels);
  torch::Tensor forward(torch::Tensor x);
  std::vector<std::int64_t> widths() const;  // n_in, |G| c_1, ..., n_out
  void reset_glorot(std::uint64_t seed);
  std::int64_t parameter_count() const;
  // A plain Mlp (ReLU) computing the same function, for export.
  Mlp materialize();

 private:
  std::vector<std::int64_t> widths_;
  std::vector<EquivariantLinear> layers_;
};
TORCH_MODULE(EquivariantMlp);

}  // namespace neurhom
