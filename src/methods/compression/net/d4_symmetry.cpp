#include "neurhom/methods/compression/net/d4_symmetry.hpp"

#include <string>

#include "neurhom/core/error.hpp"

namespace neurhom {

std::array<int, 2> d4_apply(int g, int x, int y, int n) {
  require(g >= 0 && g < kD4Order, "D4 element " + std::to_string(g) + " is not in 0..7");
  if (g & 4) std::swap(x, y);
  if (g & 1) x = n - 1 - x;
  if (g & 2) y = n - 1 - y;
  return {x, y};
}

int d4_inverse(int g) {
  for (int h = 0; h < kD4Order; ++h) {
    const auto p = d4_apply(g, 0, 1, 3), q = d4_apply(g, 1, 2, 3);
    if (d4_apply(h, p[0], p[1], 3) == std::array<int, 2>{0, 1} && d4_apply(h, q[0], q[1], 3) == std::array<int, 2>{1, 2})
      return h;
  }
  throw Error("D4 element " + std::to_string(g) + " has no inverse");  // unreachable
}

std::vector<std::int64_t> d4_cell_gather(int g, int side) {
  std::vector<std::int64_t> gather(static_cast<size_t>(side) * static_cast<size_t>(side));
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const auto t = d4_apply(g, x, y, side);
      gather[static_cast<size_t>(t[1] * side + t[0])] = y * side + x;
    }
  return gather;
}

std::vector<std::int64_t> d4_extended_matrix_gather(int g, int node_side) {
  std::vector<std::int64_t> gather(static_cast<size_t>(node_side * node_side * 4));
  for (int y = 0; y < node_side; ++y)
    for (int x = 0; x < node_side; ++x) {
      const auto t = d4_apply(g, x, y, node_side);
      for (int cy = 0; cy < 2; ++cy)
        for (int cx = 0; cx < 2; ++cx) {
          const auto c = d4_apply(g, cx, cy, 2);
          gather[static_cast<size_t>((t[1] * node_side + t[0]) * 4 + c[1] * 2 + c[0])] = (y * node_side + x) * 4 + cy * 2 + cx;
        }
    }
  return gather;
}

}  // namespace neurhom
