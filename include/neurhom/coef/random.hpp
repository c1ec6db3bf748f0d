#pragma once
// Deterministic random numbers that do not depend on the number of ranks.
//
// counter_uniform(seed, stream, index) is a counter-based generator (SplitMix64 finalizer
// over a mix of the three integers): any rank can evaluate the value of any cell without
// communication, and a sample is identical on 1 or 1000 ranks. SplitMix64 is a small
// sequential generator for the few global parameters of a sample (crack geometry, xi).
#include <cstdint>

namespace neurhom {

double counter_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

// Seed of sample `sample` of family/stream `family` in a generated dataset, from the run's
// seed (non-negative, fits a signed 64-bit HDF5 integer).
std::uint64_t sample_seed(std::uint64_t seed, int family, int sample);

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();                        // [0, 1)
  double uniform(double low, double high); // [low, high)
 private:
  std::uint64_t state_;
};

}  // namespace neurhom
