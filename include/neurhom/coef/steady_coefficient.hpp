#pragma once
// The parametric coefficient of the steady-state problem of Chung, Leung, Pun, Zhang 2020,
// Sec. 5 (family `steady` of -coef):
//   kappa = kappa0 + kappa1 + kappa2,  kappa0 = 8 + p0,
//   kappa1 = e^{x1 + x2 + p1} cos(2 pi x2/eps) sin(2 pi x1/eps),
//   kappa2 = e^{x1 x2 + p2}   cos(2 pi x1/eps) sin(2 pi x2/eps),   eps = 0.1,
//   p0 ~ U[-2, 2], p1 ~ U[-1.2, 1.2], p2 ~ U[-1.5, 1.5].
// kappa can be <= 0 for these ranges (e^{2 + p1} reaches 24.5 > 8 + p0). Two readings:
//   reject   (default) draws are redrawn until kappa > 0 at every cell centre of the n x n
//            mesh it is used on (the accepted p are uniform on the admissible set);
//   literal  the paper's ranges as written: the first draw is kept whatever its sign
//            (the Q1 matrix may then be indefinite; methods/multistage/steady_sample.hpp
//            solves it directly). Only the datasets use this reading; -coef steady rejects.
// Draws come from SplitMix64(seed), so a seed gives the same p on every rank.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "neurhom/coef/coefficient.hpp"

namespace neurhom {

// Component j (0, 1, 2) of kappa at (x1, x2) for parameters p.
double steady_kappa_component(int j, double x1, double x2, const double p[3], double eps = 0.1);

struct SteadyParameters {
  std::array<double, 3> p{};
  long long rejected = 0;  // draws rejected before p
};
enum class SteadyReading { Reject, Literal };
SteadyReading parse_steady_reading(const std::string& name);  // "reject" | "literal"; throws Error naming -steady_kappa
std::string to_string(SteadyReading reading);

// Throws LocalError after 100000 rejected draws.
SteadyParameters draw_steady_parameters(std::uint64_t seed, long n, SteadyReading reading = SteadyReading::Reject);
// The smallest kappa over the cell centres of the n x n mesh.
double steady_kappa_min(const double p[3], long n);

// kappa for fixed parameters p (evaluated at cell centres).
std::unique_ptr<CellField> make_steady_field(const std::array<double, 3>& p);
// The -coef family: p drawn per mesh size n from `seed`.
std::unique_ptr<CellField> make_steady_family(std::uint64_t seed);

}  // namespace neurhom
