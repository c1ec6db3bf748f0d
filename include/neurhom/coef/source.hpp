#pragma once
// Source terms f(x1, x2, t) for -rhs.
//
//   one        f = 1
//   sine       f = 2 pi^2 sin(pi x1) sin(pi x2)   (u = sin(pi x1) sin(pi x2) for a = 1)
//   x1-step    f = x1 1{x1 >= 0.5}                 (operator-compression Sec. 4.5)
//   cos-x1     f = cos(2 pi x1)                    (operator-compression Sec. 4.6)
//   paper-cem  the five-box source of Chung, Leung, Pun, Zhang 2020, eq. (5), with
//              xi_1..xi_5 iid U(-0.5, 0.5) drawn from -seed
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace neurhom {

class Source {
 public:
  virtual ~Source() = default;
  virtual double value(double x1, double x2, double t) const = 0;
  virtual std::string describe() const = 0;
};

std::unique_ptr<Source> make_source(const std::string& name, std::uint64_t seed);
std::unique_ptr<Source> make_function_source(std::function<double(double, double, double)> f, std::string name);
std::string source_names();
// xi_1..xi_5 of the paper-cem source with this seed (as used by make_source("paper-cem", seed)).
std::array<double, 5> paper_cem_xi(std::uint64_t seed);

}  // namespace neurhom
