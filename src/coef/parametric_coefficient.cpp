#include "neurhom/coef/parametric_coefficient.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "neurhom/coef/random.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

double oscillation(double x, double y, double N) {
  return std::cos(N * x * x * y - 2 * N * x * x) * std::sin(N / 2 * y * y * y * x + N * x * x) +
         std::cos(N * x * x * x - 2 * N * y * y);
}

// (g - min g) / (max g - min g) at the cell centres of the n x n mesh; min and max are
// computed once per mesh size.
class NormalizedOscillation {
 public:
  explicit NormalizedOscillation(double N) : N_(N) {}
  double value(long i, long j, long n) const {
    auto it = range_.find(n);
    if (it == range_.end()) {
      double lo = std::numeric_limits<double>::max(), hi = -lo;
      for (long b = 0; b < n; ++b)
        for (long a = 0; a < n; ++a) {
          const double g = oscillation((a + 0.5) / n, (b + 0.5) / n, N_);
          lo = std::min(lo, g);
          hi = std::max(hi, g);
        }
      it = range_.emplace(n, std::make_pair(lo, hi)).first;
    }
    const auto [lo, hi] = it->second;
    const double g = oscillation((i + 0.5) / n, (j + 0.5) / n, N_);
    return hi > lo ? (g - lo) / (hi - lo) : 0.5;
  }

 private:
  double N_;
  mutable std::map<long, std::pair<double, double>> range_;
};

class ContField final : public CellField {
 public:
  explicit ContField(double p) : p_(p), g_(100.0 / p) {}
  double value(long i, long j, long n) const override { return 0.01 + 0.99 * g_.value(i, j, n); }
  std::string describe() const override { return "cont(p=" + format_number(p_) + ")"; }

 private:
  double p_;
  NormalizedOscillation g_;
};

struct Material {
  double rho, cp, lambda;
  double diffusivity() const { return lambda / (rho * cp); }
};
constexpr Material kAnodeCollector{8710.2, 384.65, 398.65};
constexpr Material kCathodeCollector{2706.77, 897.8, 236.3};
constexpr double kActiveRho = 2094.302, kActiveCp = 1010.119;

// Layer of the unit k in 0..163: 0 = CC, 1 = AM, 2 = AC.
int battery_layer(int k) {
  if (k >= 160) return 0;
  const int u = k % 40;
  if (u < 4) return 0;
  if (u < 20) return 1;
  if (u < 24) return 2;
  return 1;
}

class BatteryField final : public CellField {
 public:
  explicit BatteryField(double p) : p_(p), g_(100.0 / p) {}
  double value(long i, long j, long n) const override {
    const double y = (j + 0.5) / n;
    const int k = std::min(163, static_cast<int>(std::floor(y * 163.0)));
    switch (battery_layer(k)) {
      case 0: return kCathodeCollector.diffusivity();
      case 2: return kAnodeCollector.diffusivity();
      default: return (1.0 + 4.0 * g_.value(i, j, n)) / (kActiveRho * kActiveCp);
    }
  }
  std::string describe() const override { return "battery(p=" + format_number(p_) + ")"; }

 private:
  double p_;
  NormalizedOscillation g_;
};

// The battery as lodpinn runs it: a = lambda, CC 236.3, AC 398.71 (lodpinn's value; Table 1:
// 398.65), AM lambda = 10 + 40 g.
constexpr double kRefCathodeLambda = 236.3, kRefAnodeLambda = 398.71, kRefActiveMin = 10.0, kRefActiveMax = 50.0;

int battery_layer_at(double y) { return battery_layer(std::min(163, static_cast<int>(std::floor(y * 163.0)))); }

class BatteryReferenceField final : public CellField {
 public:
  explicit BatteryReferenceField(double p) : p_(p), g_(100.0 / p) {}
  double value(long i, long j, long n) const override {
    switch (battery_layer_at((j + 0.5) / n)) {
      case 0: return kRefCathodeLambda;
      case 2: return kRefAnodeLambda;
      default: return kRefActiveMin + (kRefActiveMax - kRefActiveMin) * g_.value(i, j, n);
    }
  }
  std::string describe() const override { return "battery-ref(p=" + format_number(p_) + ")"; }

 private:
  double p_;
  NormalizedOscillation g_;
};

class BatteryCapacity final : public CellField {
 public:
  double value(long, long j, long n) const override {
    switch (battery_layer_at((j + 0.5) / n)) {
      case 0: return kCathodeCollector.rho * kCathodeCollector.cp;
      case 2: return kAnodeCollector.rho * kAnodeCollector.cp;
      default: return kActiveRho * kActiveCp;
    }
  }
  std::string describe() const override { return "battery heat capacity rho c_p"; }
};

}  // namespace

bool ParametricFamily::contains(double p) const {
  const double slack = 1e-9 * (p_max - p_min);
  return p >= p_min - slack && p <= p_max + slack;
}

std::string ParametricFamily::describe() const {
  return name + " with p in [" + format_number(p_min) + ", " + format_number(p_max) + "]";
}

std::string parametric_family_names() { return "cont, battery, battery-ref"; }

ParametricFamily make_parametric_family(const std::string& name) {
  ParametricFamily f;
  f.name = name;
  if (name == "cont") {
    f.p_min = 0.01;
    f.p_max = 1.0;
    f.scale = 1.0;
    f.field = [](double p) -> std::unique_ptr<CellField> { return std::make_unique<ContField>(p); };
  } else if (name == "battery") {
    f.p_min = 5.0;
    f.p_max = 15.0;
    f.scale = std::max(kAnodeCollector.diffusivity(), kCathodeCollector.diffusivity());
    f.field = [](double p) -> std::unique_ptr<CellField> { return std::make_unique<BatteryField>(p); };
  } else if (name == "battery-ref") {
    f.p_min = 5.0;
    f.p_max = 15.0;
    f.scale = std::max({kRefCathodeLambda, kRefAnodeLambda, kRefActiveMax});
    f.field = [](double p) -> std::unique_ptr<CellField> { return std::make_unique<BatteryReferenceField>(p); };
    f.capacity = std::make_shared<BatteryCapacity>();
    f.source = [](double, double y) { return battery_layer_at(y) == 1 ? 3.0 : 0.0; };
  } else {
    throw Error("unknown coefficient family '" + name + "' (-example); known: " + parametric_family_names());
  }
  return f;
}

std::vector<double> linspace_parameters(const ParametricFamily& f, int count) {
  require(count >= 1, "the number of training parameters must be at least 1 (got " + std::to_string(count) + ")");
  if (count == 1) return {0.5 * (f.p_min + f.p_max)};
  std::vector<double> p(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) p[static_cast<size_t>(k)] = f.p_min + (f.p_max - f.p_min) * k / (count - 1);
  return p;
}

std::vector<double> random_parameters(const ParametricFamily& f, int count, std::uint64_t seed) {
  std::vector<double> p(static_cast<size_t>(std::max(count, 0)));
  for (int k = 0; k < count; ++k)
    p[static_cast<size_t>(k)] = f.p_min + (f.p_max - f.p_min) * counter_uniform(seed, 7, static_cast<std::uint64_t>(k));
  return p;
}

CoefficientPath parameter_path(const ParametricFamily& family, double p0, double p1, double final_time) {
  require(final_time > 0, "a time-dependent coefficient needs a positive final time -T");
  auto field = family.field;
  return CoefficientPath(
      [field, p0, p1, final_time](double t) { return field(path_parameter(p0, p1, final_time, std::min(t, final_time))); },
      family.name + " with p from " + format_number(p0) + " at t=0 to " + format_number(p1) + " at t=" +
          format_number(final_time));
}

}  // namespace neurhom
