#include "neurhom/nn/mlp.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/core/text_lists.hpp"

namespace neurhom {

std::string widths_to_string(const std::vector<std::int64_t>& widths) { return join_list(widths, '-'); }

std::vector<std::int64_t> widths_from_string(const std::string& text) {
  std::vector<std::int64_t> widths;
  try {
    widths = parse_list<std::int64_t>(text, "layer widths", '-');
  } catch (const Error&) {
  }
  for (const auto w : widths) require(w > 0, "malformed layer widths '" + text + "' (expected e.g. 1600-800-144)");
  require(!widths.empty(), "malformed layer widths '" + text + "' (expected e.g. 1600-800-144)");
  require(widths.size() >= 2, "malformed layer widths '" + text + "' (need at least two)");
  return widths;
}

MlpImpl::MlpImpl(std::vector<std::int64_t> widths, Activation activation)
    : widths_(std::move(widths)), activation_(activation) {
  require(widths_.size() >= 2, "an MLP needs at least an input and an output width");
  for (size_t k = 0; k + 1 < widths_.size(); ++k)
    layers_.push_back(register_module("linear" + std::to_string(k), torch::nn::Linear(widths_[k], widths_[k + 1])));
}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
  if (input_map_) x = input_map_(x);
  for (size_t k = 0; k < layers_.size(); ++k) {
    x = layers_[k]->forward(x);
    if (k + 1 < layers_.size()) x = activation_ == Activation::ReLU ? torch::relu(x) : torch::tanh(x);
  }
  return x;
}

void MlpImpl::reset_glorot(std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& layer : layers_) {
    const double fan_in = static_cast<double>(layer->weight.size(1)), fan_out = static_cast<double>(layer->weight.size(0));
    const double bound = std::sqrt(6.0 / (fan_in + fan_out));
    auto w = torch::empty(layer->weight.sizes(), torch::kFloat32);
    w.uniform_(-bound, bound, generator);
    layer->weight.copy_(w);
    layer->bias.zero_();
  }
}

void MlpImpl::reset_glorot_normal(std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  torch::Generator generator = at::detail::createCPUGenerator(seed);
  for (auto& layer : layers_) {
    const double fan_in = static_cast<double>(layer->weight.size(1)), fan_out = static_cast<double>(layer->weight.size(0));
    layer->weight.copy_(torch::normal(0.0, std::sqrt(2.0 / (fan_in + fan_out)), layer->weight.sizes(), generator,
                                      torch::TensorOptions().dtype(layer->weight.dtype())));
    layer->bias.zero_();
  }
}

std::int64_t MlpImpl::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

}  // namespace neurhom
