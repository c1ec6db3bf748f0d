#pragma once
// Parametrized coefficient families a(x, p) of the Deep Ritz LOD (Elasmi, Krumbiegel, Maier
// 2024, Sec. 4), piecewise constant on the fine cells (evaluated at the cell centres):
//
//   cont     a(x, p) = 0.01 + 0.99 (g - min g) / (max g - min g),  p in [0.01, 1],
//            g(x, y; N) = cos(N x^2 y - 2 N x^2) sin(N/2 y^3 x + N x^2) + cos(N x^3 - 2 N y^2),
//            N = 100 / p, min/max over the cell centres of the mesh (the normalized cos/sin
//            field of the paper's reference code, lodpinn PDEcoeff_cont; the paper's text
//            describes piecewise constant jumps on eps = 1/36 in [0.1, 1] instead)
//   battery  a = lambda / (rho c_p) in horizontal layers (Table 1, Fig. 9): 164 layer units
//            over y in [0, 1], four periods of [CC 4, AM 16, AC 4, AM 16] units and a final CC
//            of 4 (the layering of lodpinn PDEcoeff_battery_heat); in the active material
//            lambda = 1 + 4 (g - min g)/(max g - min g) with N = 100 / p, p in [5, 15], a
//            pseudo-random field in [1, 5] that a low-dimensional p can parametrize (the paper:
//            "lambda in [1, 5] random per fine cell")
//                    rho        c_p       lambda
//            AC    8710.2     384.65     398.65
//            CC    2706.77    897.8      236.3
//            AM    2094.302   1010.119   [1, 5]
//   battery-ref  the battery as the reference code runs it (lodpinn examples/battery_heat:
//            PDEcoeff_battery_heat and solve_parabolic.py): the same layers, but a = lambda
//            itself (CC 236.3, AC 398.71, AM lambda = 10 + 40 g, g as above with N = 100 / p,
//            p in [5, 15]), the heat capacity rho c_p per layer as the mass coefficient
//            (`capacity`), and the source f = 3 in the active material, 0 elsewhere, taken at
//            the fine nodes (`source`; the load is M_h(rho c_p) f as lodpinn's G' M_fine f)
//
// The Deep Ritz networks take p normalized to [0, 1] over [p_min, p_max] and the energy of
// a / scale (scale = an upper bound of a over the family): the LOD correctors do not change
// when a is multiplied by a constant, so this only balances the loss terms.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "neurhom/coef/coefficient.hpp"

namespace neurhom {

struct ParametricFamily {
  std::string name;
  double p_min = 0, p_max = 1;
  double scale = 1;  // upper bound of a(x, p) over the family
  std::function<std::unique_ptr<CellField>(double p)> field;
  // The parabolic examples' mass coefficient (heat capacity, independent of p; null: 1) and
  // source at the point (x, y) (null: f = 1).
  std::shared_ptr<const CellField> capacity;
  std::function<double(double x, double y)> source;

  double normalized(double p) const { return (p - p_min) / (p_max - p_min); }
  bool contains(double p) const;  // p in [p_min, p_max] up to rounding
  std::string describe() const;
};

// Throws Error naming the family for unknown names ("cont", "battery", "battery-ref").
ParametricFamily make_parametric_family(const std::string& name);
std::string parametric_family_names();

// count equally spaced parameters from p_min to p_max (count >= 1; 1 gives the midpoint).
std::vector<double> linspace_parameters(const ParametricFamily& family, int count);
// count iid uniform parameters in [p_min, p_max] from seed (the test set).
std::vector<double> random_parameters(const ParametricFamily& family, int count, std::uint64_t seed);
// The moving coefficient of the parabolic examples: a(t) = a(., p(t)) with p moving linearly
// from p0 at t = 0 to p1 at t = final_time (the coefficient changes slightly at every step).
CoefficientPath parameter_path(const ParametricFamily& family, double p0, double p1, double final_time);
inline double path_parameter(double p0, double p1, double final_time, double t) {
  return p0 + (p1 - p0) * t / final_time;
}

}  // namespace neurhom
