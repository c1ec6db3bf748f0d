#include "neurhom/nn/equivariant_mlp.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <numeric>
#include <string>

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

void check_rep(const PermutationRep& rep, const char* what) {
  require(rep.order() >= 1, std::string("equivariant layer: the ") + what + " representation has no group elements");
  const std::int64_t n = rep.size();
  for (const auto& a : rep.gathers) {
    require(static_cast<std::int64_t>(a.size()) == n,
            std::string("equivariant layer: the ") + what + " representation's gathers differ in size");
    std::vector<char> hit(static_cast<size_t>(n), 0);
    for (const auto i : a) {
      require(i >= 0 && i < n && !hit[static_cast<size_t>(i)],
              std::string("equivariant layer: a gather of the ") + what + " representation is not a permutation");
      hit[static_cast<size_t>(i)] = 1;
    }
  }
}

// Union-find with path halving over 0..n-1.
struct Orbits {
  std::vector<std::int64_t> parent;
  explicit Orbits(std::int64_t n) : parent(static_cast<size_t>(n)) { std::iota(parent.begin(), parent.end(), 0); }
  std::int64_t find(std::int64_t i) {
    while (parent[static_cast<size_t>(i)] != i) {
      auto& p = parent[static_cast<size_t>(i)];
      p = parent[static_cast<size_t>(p)];
      i = p;
    }
    return i;
  }
  void unite(std::int64_t i, std::int64_t j) {
    i = find(i);
    j = find(j);
    if (i != j) parent[static_cast<size_t>(std::max(i, j))] = std::min(i, j);
  }
  // Consecutive orbit ids (in order of first appearance) and their count.
  std::int64_t label(std::vector<std::int64_t>& ids) {
    const auto n = static_cast<std::int64_t>(parent.size());
    ids.assign(static_cast<size_t>(n), -1);
    std::vector<std::int64_t> id_of_root(static_cast<size_t>(n), -1);
    std::int64_t count = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      auto& id = id_of_root[static_cast<size_t>(find(i))];
      if (id < 0) id = count++;
      ids[static_cast<size_t>(i)] = id;
    }
    return count;
  }
};

}  // namespace

std::vector<std::vector<int>> composition_table(const PermutationRep& rep) {
  check_rep(rep, "input");
  const auto order = static_cast<size_t>(rep.order());
  for (size_t g = 0; g < order; ++g)
    for (size_t h = 0; h < g; ++h)
      require(rep.gathers[g] != rep.gathers[h], "equivariant layer: the representation is not faithful (two equal gathers)");
  std::vector<std::vector<int>> table(order, std::vector<int>(order, -1));
  std::vector<std::int64_t> composed(static_cast<size_t>(rep.size()));
  for (size_t g = 0; g < order; ++g)
    for (size_t k = 0; k < order; ++k) {
      for (size_t i = 0; i < composed.size(); ++i)
        composed[i] = rep.gathers[k][static_cast<size_t>(rep.gathers[g][i])];
      for (size_t m = 0; m < order; ++m)
        if (rep.gathers[m] == composed) table[g][k] = static_cast<int>(m);
      require(table[g][k] >= 0, "equivariant layer: the gathers are not closed under composition (not a group)");
    }
  return table;
}

PermutationRep regular_representation(const PermutationRep& rep, std::int64_t channels) {
  require(channels >= 1, "equivariant layer: a hidden layer needs at least one channel");
  const auto table = composition_table(rep);
  const auto order = static_cast<std::int64_t>(table.size());
  PermutationRep regular;
  for (std::int64_t k = 0; k < order; ++k) {
    std::vector<std::int64_t> gather(static_cast<size_t>(order * channels));
    for (std::int64_t g = 0; g < order; ++g)
      for (std::int64_t j = 0; j < channels; ++j)
        gather[static_cast<size_t>(g * channels + j)] = table[static_cast<size_t>(g)][static_cast<size_t>(k)] * channels + j;
    regular.gathers.push_back(std::move(gather));
  }
  return regular;
}

EquivariantLinearImpl::EquivariantLinearImpl(const PermutationRep& in, const PermutationRep& out)
    : in_(in.size()), out_(out.size()) {
  check_rep(in, "input");
  check_rep(out, "output");
  require(in.order() == out.order(), "equivariant layer: input and output representations of different groups");
  Orbits pairs(out_ * in_), outputs(out_);
  for (std::int64_t k = 0; k < in.order(); ++k) {
    const auto& a = in.gathers[static_cast<size_t>(k)];
    const auto& b = out.gathers[static_cast<size_t>(k)];
    for (std::int64_t i = 0; i < out_; ++i) {
      const std::int64_t bi = b[static_cast<size_t>(i)];
      outputs.unite(i, bi);
      for (std::int64_t j = 0; j < in_; ++j) pairs.unite(i * in_ + j, bi * in_ + a[static_cast<size_t>(j)]);
    }
  }
  std::vector<std::int64_t> ids;
  const std::int64_t weights = pairs.label(ids);
  weight_orbit_ = torch::tensor(ids, torch::kLong);
  const std::int64_t biases = outputs.label(ids);
  bias_orbit_ = torch::tensor(ids, torch::kLong);
  theta_ = register_parameter("theta", torch::zeros({weights}));
  beta_ = register_parameter("beta", torch::zeros({biases}));
  reset_glorot();
}

torch::Tensor EquivariantLinearImpl::weight() {
  if (weight_orbit_.device() != theta_.device()) {
    weight_orbit_ = weight_orbit_.to(theta_.device());
    bias_orbit_ = bias_orbit_.to(theta_.device());
  }
  return theta_.index_select(0, weight_orbit_).view({out_, in_});
}

torch::Tensor EquivariantLinearImpl::bias() {
  weight();  // moves the orbit ids along with the parameters
  return beta_.index_select(0, bias_orbit_);
}

torch::Tensor EquivariantLinearImpl::forward(const torch::Tensor& x) { return torch::addmm(bias(), x, weight().t()); }

void EquivariantLinearImpl::reset_glorot() {
  torch::NoGradGuard no_grad;
  const double bound = std::sqrt(6.0 / static_cast<double>(in_ + out_));
  theta_.uniform_(-bound, bound);
  beta_.zero_();
}

EquivariantMlpImpl::EquivariantMlpImpl(const PermutationRep& in, const PermutationRep& out,
                                       std::vector<std::int64_t> hidden_channels) {
  require(!hidden_channels.empty(), "equivariant MLP: needs at least one hidden layer");
  widths_.push_back(in.size());
  PermutationRep previous = in;
  for (size_t l = 0; l <= hidden_channels.size(); ++l) {
    const PermutationRep next = l < hidden_channels.size() ? regular_representation(in, hidden_channels[l]) : out;
    layers_.push_back(register_module("layer" + std::to_string(l), EquivariantLinear(previous, next)));
    widths_.push_back(next.size());
    previous = next;
  }
}

torch::Tensor EquivariantMlpImpl::forward(torch::Tensor x) {
  for (size_t l = 0; l < layers_.size(); ++l) {
    x = layers_[l]->forward(x);
    if (l + 1 < layers_.size()) x = torch::relu(x);
  }
  return x;
}

std::vector<std::int64_t> EquivariantMlpImpl::widths() const { return widths_; }

void EquivariantMlpImpl::reset_glorot(std::uint64_t seed) {
  torch::manual_seed(seed);
  for (auto& layer : layers_) layer->reset_glorot();
}

std::int64_t EquivariantMlpImpl::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

Mlp EquivariantMlpImpl::materialize() {
  torch::NoGradGuard no_grad;
  Mlp plain(widths_);
  for (size_t l = 0; l < layers_.size(); ++l) {
    plain->layers()[l]->weight.copy_(layers_[l]->weight().to(torch::kCPU));
    plain->layers()[l]->bias.copy_(layers_[l]->bias().to(torch::kCPU));
  }
  return plain;
}

}  // namespace neurhom
