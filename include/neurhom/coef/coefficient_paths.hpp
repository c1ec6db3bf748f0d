#pragma once
// Named time-dependent coefficients a(x, t) on (0,1)^2, t in [0, T] (`-coef_path`, the
// time-dependent head-to-head in benchmarks/timedep_headtohead.py):
//   moving_inclusion : a local change: background 1 plus an oscillating inclusion (radius 0.2,
//                      a = 1 + 4.5 (1 + sin(2 pi x1 / eps) sin(2 pi x2 / eps)), eps = 1/16,
//                      contrast 10) whose centre moves on the diagonal from (0.25, 0.25) to
//                      (0.75, 0.75) (also the MrCAE multiscale snapshots' coefficient)
//   cont, battery    : the Deep Ritz LOD families (parametric_coefficient.hpp) with p moving
//                      linearly from p_start to p_end: changes everywhere
// The interpolation between two random samples (-coef_end_seed) is CoefficientPath's own
// constructor.
#include <string>

#include "neurhom/coef/coefficient.hpp"

namespace neurhom {

CoefficientPath moving_inclusion_path(double final_time);

// name: moving_inclusion, cont or battery; p_start/p_end NaN: the family's range (ignored for
// moving_inclusion). Throws Error for unknown names or parameters outside the family's range.
CoefficientPath named_coefficient_path(const std::string& name, double final_time, double p_start, double p_end);
std::string coefficient_path_names();  // "moving_inclusion, cont, battery"

}  // namespace neurhom
