#pragma once
// The trained Deep Ritz LOD correctors of all coarse nodes in one file (methods/deepritz/net/ritz_corrector.hpp).
//
// Every rank trains the networks of its block of coarse nodes; the flat parameter vectors
// are gathered to rank 0, which writes one torch::serialize archive (atomically):
//   format       "neurhom-deepritz-bundle"
//   attributes   the setting: example, coarse_n, fine_n, ell, p_min, p_max, scale, samples,
//                steps, widths, ... ("key value" lines); checked by deepritz-eval
//   nodes        [K] int64 global coarse node indices (j (N+1) + i)
//   parameters   [K, P] float64, the parameters of node k's network in module order
//   stats        [K, 4] float64: final energy, interpolation residual, steps, seconds
// All networks share the architecture `widths` (3-...-1).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "neurhom/methods/deepritz/net/ritz_corrector.hpp"

namespace neurhom {

struct RitzNodeStats {
  double energy = 0, interpolation = 0, steps = 0, seconds = 0;
};

struct RitzBundle {
  std::map<std::string, std::string> attributes;
  std::vector<std::int64_t> widths;
  std::vector<std::int64_t> nodes;
  std::vector<std::vector<double>> parameters;  // per node
  std::vector<RitzNodeStats> stats;             // per node

  const std::string& attribute(const std::string& key) const;  // throws Error naming the key
  int int_attribute(const std::string& key) const;
  double real_attribute(const std::string& key) const;
  // Index of a coarse node in `nodes`, or -1.
  int find(std::int64_t node) const;
  // The network of entry k, in dtype.
  RitzNet network(size_t k, torch::Dtype dtype) const;
};

void save_ritz_bundle(const std::string& path, const RitzBundle& bundle);
// Throws Error naming the file if it is missing, not a bundle, or inconsistent.
RitzBundle load_ritz_bundle(const std::string& path);

}  // namespace neurhom
