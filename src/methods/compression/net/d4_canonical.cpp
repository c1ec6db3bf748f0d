#include "neurhom/methods/compression/net/d4_canonical.hpp"

#include <ATen/Parallel.h>

#include <bitset>

#include "neurhom/core/error.hpp"
#include "neurhom/methods/compression/net/d4_symmetry.hpp"

namespace neurhom {

D4Canonicalizer::D4Canonicalizer(int side, int node_side) : side_(side), node_side_(node_side) {
  require(side >= 1 && node_side >= 2, "D4 canonicalization: patch sizes must be positive");
  std::vector<torch::Tensor> in, out;
  for (int g = 0; g < kD4Order; ++g) {
    cells_[static_cast<size_t>(g)] = d4_cell_gather(g, side);
    matrix_[static_cast<size_t>(g)] = d4_extended_matrix_gather(g, node_side);
    in.push_back(torch::tensor(cells_[static_cast<size_t>(g)], torch::kLong));
    out.push_back(torch::tensor(matrix_[static_cast<size_t>(g)], torch::kLong));
  }
  cells_tensor_ = torch::stack(in);
  matrix_tensor_ = torch::stack(out);
  const double centre = 0.5 * (side - 1);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      xc_.push_back(x - centre);
      yc_.push_back(y - centre);
    }
}

D4Choice D4Canonicalizer::choose(const float* patch) const {
  const size_t n = xc_.size();
  D4Choice best;
  double best_mx = 0, best_my = 0;
  for (int g = 0; g < kD4Order; ++g) {
    const auto& a = cells_[static_cast<size_t>(g)];
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; ++i) {
      const double v = patch[a[i]];
      mx += v * xc_[i];
      my += v * yc_[i];
    }
    int order = 0;  // > 0: image g beats the best so far; 0: the same array
    if (g == 0 || mx > best_mx || (mx == best_mx && my > best_my)) {
      order = 1;
    } else if (mx == best_mx && my == best_my) {
      const auto& b = cells_[static_cast<size_t>(best.element)];
      for (size_t i = 0; i < n && order == 0; ++i)
        if (patch[a[i]] != patch[b[i]]) order = patch[a[i]] > patch[b[i]] ? 1 : -1;
      if (order == 0) best.stabilizer = static_cast<std::uint8_t>(best.stabilizer | (1u << g));
    } else {
      order = -1;
    }
    if (order > 0) {
      best.element = g;
      best.stabilizer = static_cast<std::uint8_t>(1u << g);
      best_mx = mx;
      best_my = my;
    }
  }
  return best;
}

std::vector<D4Choice> D4Canonicalizer::choose_rows(const float* rows, std::int64_t n) const {
  std::vector<D4Choice> choices(static_cast<size_t>(std::max<std::int64_t>(n, 0)));
  const std::int64_t in = input_size();
  at::parallel_for(0, n, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) choices[static_cast<size_t>(r)] = choose(rows + r * in);
  });
  return choices;
}

void D4Canonicalizer::canonical_inputs(const float* rows, const std::vector<D4Choice>& choices, float* canonical) const {
  const size_t in = static_cast<size_t>(input_size());
  at::parallel_for(0, static_cast<std::int64_t>(choices.size()), 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const auto& a = cells_[static_cast<size_t>(choices[static_cast<size_t>(r)].element)];
      const float* x = rows + static_cast<size_t>(r) * in;
      float* c = canonical + static_cast<size_t>(r) * in;
      for (size_t i = 0; i < in; ++i) c[i] = x[a[i]];
    }
  });
}

void D4Canonicalizer::restore_outputs(const float* predicted, const std::vector<D4Choice>& choices, float* outputs) const {
  const size_t out = static_cast<size_t>(output_size());
  at::parallel_for(0, static_cast<std::int64_t>(choices.size()), 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const D4Choice& choice = choices[static_cast<size_t>(r)];
      const float* p = predicted + static_cast<size_t>(r) * out;
      float* o = outputs + static_cast<size_t>(r) * out;
      const std::bitset<8> stabilizer(choice.stabilizer);
      const float weight = 1.0f / static_cast<float>(stabilizer.count());
      for (size_t k = 0; k < out; ++k) o[k] = 0.0f;
      for (int h = 0; h < kD4Order; ++h) {
        if (!stabilizer.test(static_cast<size_t>(h))) continue;
        const auto& m = matrix_[static_cast<size_t>(h)];  // p[k] ~ S[m[k]]
        for (size_t k = 0; k < out; ++k) o[m[k]] += weight * p[k];
      }
    }
  });
}

void D4Canonicalizer::canonicalize(torch::Tensor& inputs, torch::Tensor& targets) const {
  require(inputs.dim() == 2 && inputs.size(1) == input_size() && targets.dim() == 2 && targets.size(1) == output_size() &&
              inputs.size(0) == targets.size(0) && inputs.scalar_type() == torch::kFloat32,
          "D4 canonicalization: the batch does not fit the patch sizes");
  const auto x = inputs.contiguous();
  const auto choices = choose_rows(x.data_ptr<float>(), x.size(0));
  std::vector<std::int64_t> elements;
  elements.reserve(choices.size());
  for (const auto& c : choices) elements.push_back(c.element);
  const auto g = torch::tensor(elements, torch::kLong);
  inputs = torch::gather(x, 1, cells_tensor_.index_select(0, g));
  targets = torch::gather(targets, 1, matrix_tensor_.index_select(0, g));
}

void predict_d4_canonical(ScriptedModel& model, const float* inputs, std::int64_t rows, int side, int node_side,
                          float* outputs, std::int64_t chunk) {
  const D4Canonicalizer canonicalizer(side, node_side);
  const auto choices = canonicalizer.choose_rows(inputs, rows);
  std::vector<float> canonical(choices.size() * static_cast<size_t>(canonicalizer.input_size()));
  std::vector<float> predicted(choices.size() * static_cast<size_t>(canonicalizer.output_size()));
  canonicalizer.canonical_inputs(inputs, choices, canonical.data());
  model.predict(canonical.data(), rows, predicted.data(), chunk);
  canonicalizer.restore_outputs(predicted.data(), choices, outputs);
}

}  // namespace neurhom
