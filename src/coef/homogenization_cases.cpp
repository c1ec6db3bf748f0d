#include "neurhom/coef/homogenization_cases.hpp"
#include "neurhom/core/constants.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {
}

std::string homogenization_case_names() { return "elliptic2d, slow1d, reaction1d"; }

HomogenizationCase make_homogenization_case(const std::string& name, double eps) {
  HomogenizationCaseOptions o;
  o.eps = eps;
  return make_homogenization_case(name, o);
}

HomogenizationCase make_homogenization_case(const std::string& name, const HomogenizationCaseOptions& o) {
  const double eps = o.eps;
  HomogenizationCase c;
  c.name = name;
  if (name == "elliptic2d") {
    c.dim = 2;
    c.eps = eps > 0 ? eps : 0.125;
    c.a2d = [](double y1, double y2) { return 2.0 + std::sin(2 * kPi * y1) * std::cos(2 * kPi * y2); };
    c.f2d = [](double x1, double x2) { return std::sin(x1) + std::cos(x2); };
  } else if (name == "slow1d") {
    c.eps = eps > 0 ? eps : 0.125;
    c.x0 = 0;
    c.x1 = kPi;
    c.a1d = [](double x, double y) { return 0.5 * std::sin(2 * kPi * y) + std::sin(x) + 2.0; };
    c.f1d = [](double x) { return std::sin(x); };
    c.exact_a_star = [](double x) { return std::sqrt((2 + std::sin(x)) * (2 + std::sin(x)) - 0.25); };
  } else if (name == "reaction1d") {
    c.eps = eps > 0 ? eps : 0.1;
    c.x0 = -kPi;
    c.x1 = kPi;
    require(o.reaction_cell == "2pi" || o.reaction_cell == "1",
            "-reaction_cell must be 2pi or 1 (got '" + o.reaction_cell + "')");
    require(o.final_time > 0 && std::isfinite(o.final_time), "-final_time must be positive");
    require(std::isfinite(o.initial_amplitude), "-initial_amplitude must be finite");
    require(o.initial_wavenumber >= 1, "-initial_wavenumber must be a positive integer (u_0 = 0 at x = +-pi)");
    c.reaction_cell = o.reaction_cell;
    c.diffusion = 2.0;
    const double D = c.diffusion;
    if (o.reaction_cell == "2pi") {
      c.cell_period = 2 * kPi;
      c.r = [](double y) { return std::cos(y); };
      c.exact_cell = [D](double y) { return -std::cos(y) / D; };
      c.exact_r_star = -1.0 / (2.0 * D);
    } else {
      c.cell_period = 1.0;
      const double w = 2 * kPi;
      c.r = [w](double y) { return std::cos(w * y); };
      c.exact_cell = [D, w](double y) { return -std::cos(w * y) / (w * w * D); };
      c.exact_r_star = -1.0 / (2.0 * w * w * D);
    }
    c.f1d = [](double x) { return std::sin(2 * kPi * x); };
    const double A = o.initial_amplitude;
    const int k = o.initial_wavenumber;
    c.initial = [A, k](double x) { return A * std::sin(k * x); };
    c.final_time = o.final_time;
  } else {
    throw Error("unknown case '" + name + "' (-case); known: " + homogenization_case_names());
  }
  require(c.eps > 0 && c.eps < 1, "-eps must be in (0, 1) (got " + std::to_string(c.eps) + ")");
  return c;
}

}  // namespace neurhom
