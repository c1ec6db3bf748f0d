#include "neurhom/methods/multistage/net/coarse_l2_errors.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

torch::Tensor f64(const torch::Tensor& t) { return t.to(torch::kFloat64).contiguous(); }

// Per row c' G c.
torch::Tensor quadratic_form(const torch::Tensor& c, const torch::Tensor& g) { return (c.mm(g) * c).sum(1); }

void check_sizes(const torch::Tensor& c, const torch::Tensor& g, const char* what) {
  require(c.dim() == 2 && g.dim() == 2 && g.size(0) == g.size(1) && c.size(1) == g.size(0),
          std::string(what) + ": the coefficient width does not match R'MR");
}

}  // namespace

torch::Tensor relative_mass_norm_errors(const torch::Tensor& coefficients, const torch::Tensor& targets,
                                        const torch::Tensor& coarse_mass) {
  const torch::Tensor c = f64(coefficients), y = f64(targets), g = f64(coarse_mass);
  check_sizes(c, g, "mass-norm errors");
  require(y.sizes() == c.sizes(), "mass-norm errors: predictions and targets differ in shape");
  return (quadratic_form(c - y, g).clamp_min(0) / quadratic_form(y, g)).sqrt();
}

torch::Tensor relative_l2_errors(const torch::Tensor& coefficients, const torch::Tensor& coarse_mass,
                                 const torch::Tensor& moments, const torch::Tensor& fine_norms) {
  const torch::Tensor c = f64(coefficients), g = f64(coarse_mass), b = f64(moments), n = f64(fine_norms).reshape({-1});
  check_sizes(c, g, "eq. (8) from stored moments");
  require(b.sizes() == c.sizes() && n.size(0) == c.size(0), "eq. (8) from stored moments: the rows do not match");
  const torch::Tensor squared = quadratic_form(c, g) - 2 * (c * b).sum(1) + n * n;
  return squared.clamp_min(0).sqrt() / n;
}

}  // namespace neurhom
