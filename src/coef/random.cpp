#include "neurhom/coef/random.hpp"

namespace neurhom {

namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double to_unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

}  // namespace

double counter_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t z = mix(seed + 0x9e3779b97f4a7c15ULL);
  z = mix(z ^ (stream * 0xd1b54a32d192ed03ULL + 0x632be59bd9b4e019ULL));
  z = mix(z ^ (index + 0x9e3779b97f4a7c15ULL));
  return to_unit(z);
}

std::uint64_t SplitMix64::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix(state_);
}

double SplitMix64::uniform() { return to_unit(next()); }

double SplitMix64::uniform(double low, double high) { return low + (high - low) * uniform(); }

std::uint64_t sample_seed(std::uint64_t seed, int family, int sample) {
  SplitMix64 g(seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(family) * 1000003ULL +
               static_cast<std::uint64_t>(sample));
  return g.next() >> 1;  // fits a signed 64-bit HDF5 attribute/dataset
}

}  // namespace neurhom
