#pragma once
// Manufactured solutions for verification.
//
//   u(x, t)     = g(t) sin(pi x1) sin(pi x2),  g = 1 (elliptic) or 1 + t (time dependent)
//   kappa(x)    = 2 + sin(2 pi x1) sin(2 pi x2)             (smooth, variable)
//   a(x, u)     = kappa(x) exp(gamma u)                     (gamma = 0 unless nonlinear)
//   f           = u_t - div(a grad u)
//               = u_t - exp(gamma u) (kappa lap u + grad kappa . grad u + gamma kappa |grad u|^2)
// u is linear in t, so backward Euler adds no time error in the linear parabolic case and
// the observed orders are those of the Q1 space discretization: 2 in L2, 1 in H1.
#include <array>
#include <memory>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

class ManufacturedSolution {
 public:
  ManufacturedSolution(ProblemKind kind, double gamma);

  double u(double x, double y, double t) const;
  std::array<double, 2> grad_u(double x, double y, double t) const;
  double f(double x, double y, double t) const;
  double kappa(double x, double y) const;

  std::unique_ptr<CellField> coefficient() const;  // kappa at cell centres
  std::unique_ptr<Source> source() const;
  FemInputs inputs(const CellField& coefficient, const Source& source) const;

 private:
  double g(double t) const { return time_dependent_ ? 1.0 + t : 1.0; }
  bool time_dependent_;
  double gamma_;
};

}  // namespace neurhom
