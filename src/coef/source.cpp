#include "neurhom/coef/source.hpp"
#include "neurhom/core/constants.hpp"

#include <array>
#include <cmath>

#include "neurhom/coef/random.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {


class FunctionSource final : public Source {
 public:
  FunctionSource(std::function<double(double, double, double)> f, std::string name)
      : f_(std::move(f)), name_(std::move(name)) {}
  double value(double x, double y, double t) const override { return f_(x, y, t); }
  std::string describe() const override { return name_; }
 private:
  std::function<double(double, double, double)> f_;
  std::string name_;
};

// Chung, Leung, Pun, Zhang 2020, eq. (5).
class PaperCemSource final : public Source {
 public:
  explicit PaperCemSource(std::uint64_t seed) : xi_(paper_cem_xi(seed)) {}
  double value(double x, double y, double t) const override {
    auto in = [x, y](double x0, double x1, double y0, double y1) { return x >= x0 && x <= x1 && y >= y0 && y <= y1; };
    if (in(0.15, 0.25, 0.80, 0.90)) return std::exp(1.0 + std::cos(t)) + xi_[0];
    if (in(0.80, 0.90, 0.30, 0.40)) return -std::exp(1.0 + std::cos(t)) + xi_[1];
    if (in(0.20, 0.30, 0.15, 0.25)) return 6.0 * std::cos(t) + xi_[2];
    if (in(0.80, 0.90, 0.45, 0.55)) return 0.5 * t * t + 0.5 + xi_[3];
    if (in(0.20, 0.30, 0.30, 0.40)) return -0.5 * (kPi - t) * (kPi - t) + xi_[4];
    return 0.0;
  }
  std::string describe() const override { return "paper-cem"; }
 private:
  std::array<double, 5> xi_{};
};

}  // namespace

std::array<double, 5> paper_cem_xi(std::uint64_t seed) {
  SplitMix64 rng(seed ^ 0xce3ce3ce3ce3ULL);
  std::array<double, 5> xi{};
  for (double& x : xi) x = rng.uniform(-0.5, 0.5);
  return xi;
}

std::string source_names() { return "one, zero, sine, x1-step, cos-x1, paper-cem"; }

std::unique_ptr<Source> make_function_source(std::function<double(double, double, double)> f, std::string name) {
  return std::make_unique<FunctionSource>(std::move(f), std::move(name));
}

std::unique_ptr<Source> make_source(const std::string& name, std::uint64_t seed) {
  if (name == "one") return make_function_source([](double, double, double) { return 1.0; }, name);
  if (name == "zero") return make_function_source([](double, double, double) { return 0.0; }, name);
  if (name == "sine")
    return make_function_source(
        [](double x, double y, double) { return 2 * kPi * kPi * std::sin(kPi * x) * std::sin(kPi * y); }, name);
  if (name == "x1-step") return make_function_source([](double x, double, double) { return x >= 0.5 ? x : 0.0; }, name);
  if (name == "cos-x1") return make_function_source([](double x, double, double) { return std::cos(2 * kPi * x); }, name);
  if (name == "paper-cem") return std::make_unique<PaperCemSource>(seed);
  throw Error("unknown source '" + name + "' (-rhs); known: " + source_names());
}

}  // namespace neurhom
