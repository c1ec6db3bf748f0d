#include "neurhom/fem/manufactured.hpp"
#include "neurhom/core/constants.hpp"

#include <cmath>

namespace neurhom {

namespace {
}

ManufacturedSolution::ManufacturedSolution(ProblemKind kind, double gamma)
    : time_dependent_(kind != ProblemKind::Elliptic), gamma_(kind == ProblemKind::Nonlinear ? gamma : 0.0) {}

double ManufacturedSolution::u(double x, double y, double t) const {
  return g(t) * std::sin(kPi * x) * std::sin(kPi * y);
}

std::array<double, 2> ManufacturedSolution::grad_u(double x, double y, double t) const {
  return {g(t) * kPi * std::cos(kPi * x) * std::sin(kPi * y), g(t) * kPi * std::sin(kPi * x) * std::cos(kPi * y)};
}

double ManufacturedSolution::kappa(double x, double y) const {
  return 2.0 + std::sin(2 * kPi * x) * std::sin(2 * kPi * y);
}

double ManufacturedSolution::f(double x, double y, double t) const {
  const double uu = u(x, y, t);
  const auto gu = grad_u(x, y, t);
  const double ut = time_dependent_ ? std::sin(kPi * x) * std::sin(kPi * y) : 0.0;
  const double lap = -2 * kPi * kPi * uu;
  const double k = kappa(x, y);
  const double kx = 2 * kPi * std::cos(2 * kPi * x) * std::sin(2 * kPi * y);
  const double ky = 2 * kPi * std::sin(2 * kPi * x) * std::cos(2 * kPi * y);
  const double grad2 = gu[0] * gu[0] + gu[1] * gu[1];
  return ut - std::exp(gamma_ * uu) * (k * lap + kx * gu[0] + ky * gu[1] + gamma_ * k * grad2);
}

std::unique_ptr<CellField> ManufacturedSolution::coefficient() const {
  return make_function_field([this](double x, double y) { return kappa(x, y); }, "manufactured kappa");
}

std::unique_ptr<Source> ManufacturedSolution::source() const {
  return make_function_source([this](double x, double y, double t) { return f(x, y, t); }, "manufactured f");
}

FemInputs ManufacturedSolution::inputs(const CellField& coefficient, const Source& source) const {
  FemInputs in;
  in.coefficient = &coefficient;
  in.source = &source;
  in.initial = [this](double x, double y) { return u(x, y, 0.0); };
  return in;
}

}  // namespace neurhom
