#include "neurhom/coef/steady_coefficient.hpp"
#include "neurhom/core/constants.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "neurhom/coef/random.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {


double steady_kappa(double x, double y, const double p[3]) {
  return steady_kappa_component(0, x, y, p) + steady_kappa_component(1, x, y, p) + steady_kappa_component(2, x, y, p);
}

class SteadyFamily : public CellField {
 public:
  explicit SteadyFamily(std::uint64_t seed) : seed_(seed) {}
  double value(long i, long j, long n) const override {
    auto it = draws_.find(n);
    if (it == draws_.end()) it = draws_.emplace(n, draw_steady_parameters(seed_, n)).first;
    return steady_kappa((i + 0.5) / n, (j + 0.5) / n, it->second.p.data());
  }
  std::string describe() const override { return "steady(seed=" + std::to_string(seed_) + ")"; }

 private:
  std::uint64_t seed_;
  mutable std::map<long, SteadyParameters> draws_;  // p for each mesh size used
};

}  // namespace

double steady_kappa_component(int j, double x1, double x2, const double p[3], double eps) {
  if (j == 0) return 8.0 + p[0];
  if (j == 1) return std::exp(x1 + x2 + p[1]) * std::cos(2 * kPi * x2 / eps) * std::sin(2 * kPi * x1 / eps);
  return std::exp(x1 * x2 + p[2]) * std::cos(2 * kPi * x1 / eps) * std::sin(2 * kPi * x2 / eps);
}

SteadyReading parse_steady_reading(const std::string& name) {
  if (name == "reject") return SteadyReading::Reject;
  if (name == "literal") return SteadyReading::Literal;
  throw Error("unknown reading '" + name + "' (-steady_kappa); known: reject, literal");
}

std::string to_string(SteadyReading reading) { return reading == SteadyReading::Reject ? "reject" : "literal"; }

double steady_kappa_min(const double p[3], long n) {
  double lowest = std::numeric_limits<double>::infinity();
  for (long cy = 0; cy < n; ++cy)
    for (long cx = 0; cx < n; ++cx) lowest = std::min(lowest, steady_kappa((cx + 0.5) / n, (cy + 0.5) / n, p));
  return lowest;
}

SteadyParameters draw_steady_parameters(std::uint64_t seed, long n, SteadyReading reading) {
  SteadyParameters draw;
  SplitMix64 rng(seed);
  double* p = draw.p.data();
  for (;;) {
    p[0] = rng.uniform(-2.0, 2.0);
    p[1] = rng.uniform(-1.2, 1.2);
    p[2] = rng.uniform(-1.5, 1.5);
    if (reading == SteadyReading::Literal || steady_kappa_min(p, n) > 0) return draw;
    ++draw.rejected;
    if (draw.rejected > 100000) throw LocalError("steady coefficient: no admissible parameters in 100000 draws");
  }
}

std::unique_ptr<CellField> make_steady_field(const std::array<double, 3>& p) {
  const double pp[3] = {p[0], p[1], p[2]};
  return make_function_field([pp](double x, double y) { return steady_kappa(x, y, pp); }, "steady");
}

std::unique_ptr<CellField> make_steady_family(std::uint64_t seed) { return std::make_unique<SteadyFamily>(seed); }

}  // namespace neurhom
