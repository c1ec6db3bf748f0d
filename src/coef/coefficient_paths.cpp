#include "neurhom/coef/coefficient_paths.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/coef/parametric_coefficient.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

CoefficientPath moving_inclusion_path(double T) {
  require(T > 0, "the final time must be positive");
  return CoefficientPath(
      [T](double t) {
        const double s = std::min(1.0, std::max(0.0, t / T));
        const double cx = 0.25 + 0.5 * s, cy = cx, eps = 1.0 / 16, pi = 3.14159265358979323846;
        return make_function_field(
            [=](double x, double y) {
              if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > 0.04) return 1.0;
              return 1.0 + 4.5 * (1.0 + std::sin(2 * pi * x / eps) * std::sin(2 * pi * y / eps));
            },
            "moving oscillating inclusion");
      },
      "background 1 with an oscillating inclusion (radius 0.2, eps 1/16, contrast 10) moving from (0.25, 0.25) to "
      "(0.75, 0.75)");
}

std::string coefficient_path_names() { return "moving_inclusion, " + parametric_family_names(); }

CoefficientPath named_coefficient_path(const std::string& name, double final_time, double p_start, double p_end) {
  if (name == "moving_inclusion") return moving_inclusion_path(final_time);
  if (name != "cont" && name != "battery")
    throw Error("unknown coefficient path '" + name + "' (-coef_path); known: " + coefficient_path_names());
  const ParametricFamily family = make_parametric_family(name);
  const double p0 = std::isnan(p_start) ? family.p_min : p_start, p1 = std::isnan(p_end) ? family.p_max : p_end;
  for (double p : {p0, p1})
    require(family.contains(p), "parameter " + format_number(p) + " is outside the " + name + " family's range [" +
                                    format_number(family.p_min) + ", " + format_number(family.p_max) +
                                    "] (-coef_p_start, -coef_p_end)");
  return parameter_path(family, p0, p1, final_time);
}

}  // namespace neurhom
