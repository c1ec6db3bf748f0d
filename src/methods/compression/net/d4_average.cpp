#include "neurhom/methods/compression/net/d4_average.hpp"

#include <algorithm>
#include <vector>

#include "neurhom/methods/compression/net/d4_symmetry.hpp"

namespace neurhom {

void predict_d4_average(ScriptedModel& model, const float* inputs, std::int64_t rows, int side, int node_side,
                        float* outputs, std::int64_t chunk) {
  const size_t in = static_cast<size_t>(side) * static_cast<size_t>(side);
  const size_t out = static_cast<size_t>(node_side) * static_cast<size_t>(node_side) * 4;
  const size_t n = static_cast<size_t>(std::max<std::int64_t>(rows, 0));
  std::vector<float> transformed(n * in), predicted(n * out);
  std::fill(outputs, outputs + n * out, 0.0f);
  for (int g = 0; g < kD4Order; ++g) {
    const auto cells = d4_cell_gather(g, side), matrix = d4_extended_matrix_gather(g, node_side);
    for (size_t r = 0; r < n; ++r)
      for (size_t k = 0; k < in; ++k) transformed[r * in + k] = inputs[r * in + static_cast<size_t>(cells[k])];
    model.predict(transformed.data(), rows, predicted.data(), chunk);
    // predicted ~ P_g S, i.e. predicted[k] ~ S[matrix[k]]: scatter back and accumulate.
    for (size_t r = 0; r < n; ++r)
      for (size_t k = 0; k < out; ++k)
        outputs[r * out + static_cast<size_t>(matrix[k])] += predicted[r * out + k] / static_cast<float>(kD4Order);
  }
}

}  // namespace neurhom
