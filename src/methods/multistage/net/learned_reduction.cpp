#include "neurhom/methods/multistage/net/learned_reduction.hpp"

#include "neurhom/coef/source.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

torch::Tensor paper_source_grid(const std::vector<std::int64_t>& seeds, const SourceGrid& g) {
  const std::int64_t n = g.fine_n;
  torch::Tensor out = torch::empty({static_cast<std::int64_t>(seeds.size()), g.steps, n, n}, torch::kFloat32);
  float* p = out.data_ptr<float>();
  for (const std::int64_t seed : seeds) {
    const auto f = make_source("paper-cem", static_cast<std::uint64_t>(seed));
    for (int s = 1; s <= g.steps; ++s) {
      const double t = s * g.final_time / g.steps;
      for (std::int64_t y = 0; y < n; ++y)
        for (std::int64_t x = 0; x < n; ++x)
          *p++ = static_cast<float>(f->value((static_cast<double>(x) + 0.5) / static_cast<double>(n),
                                             (static_cast<double>(y) + 0.5) / static_cast<double>(n), t));
    }
  }
  return out;
}

LearnedReductionImpl::LearnedReductionImpl(int steps, int channels, int pool, int cells, int outputs, std::uint64_t seed)
    : pool_(pool) {
  require(steps >= 1 && channels >= 1 && pool >= 1 && cells >= 1 && outputs >= 1,
          "learned reduction: sizes must be positive");
  torch::manual_seed(seed * 104729ULL + 17);
  conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(steps, channels, 1)));
  conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, steps, 1)));
  head_ = register_module("head", torch::nn::Linear(static_cast<std::int64_t>(steps) * cells, outputs));
}

torch::Tensor LearnedReductionImpl::reduce(const torch::Tensor& f0) {
  const torch::Tensor y = conv2_->forward(torch::relu(conv1_->forward(f0.to(torch::kFloat32))));
  const torch::Tensor pooled = torch::max_pool2d(y, {pool_, pool_}, {pool_, pool_});  // [B, m_0, n_H, n_H]
  return pooled.flatten(2);
}

torch::Tensor LearnedReductionImpl::forward(const torch::Tensor& f0) { return head_->forward(reduce(f0).flatten(1)); }

torch::Tensor learned_inputs(LearnedReduction& net, const torch::Tensor& sample_seeds, const SourceGrid& grid,
                             std::int64_t chunk) {
  torch::NoGradGuard no_grad;
  net->eval();
  const torch::Tensor seeds = sample_seeds.to(torch::kInt64).contiguous();
  std::vector<torch::Tensor> parts;
  for (std::int64_t first = 0; first < seeds.numel(); first += chunk) {
    const std::int64_t last = std::min(seeds.numel(), first + chunk);
    std::vector<std::int64_t> block(seeds.data_ptr<std::int64_t>() + first, seeds.data_ptr<std::int64_t>() + last);
    parts.push_back(net->reduce(paper_source_grid(block, grid)).to(torch::kFloat64));
  }
  net->train();
  return torch::cat(parts);
}

}  // namespace neurhom
