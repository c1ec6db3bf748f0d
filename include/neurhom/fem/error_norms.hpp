#pragma once
// Errors of a Q1 function u_h against an exact solution u, integrated with a 3 x 3 Gauss
// rule per cell (exact for the Q1 part, accurate to O(h^6) per cell for smooth u):
//   ||u - u_h||_L2,  |u - u_h|_H1 = ||grad(u - u_h)||_L2, and ||u||_L2, |u|_H1.
#include <array>
#include <functional>

#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

struct ErrorNorms {
  double l2_error = 0, h1_error = 0;  // absolute
  double l2_exact = 0, h1_exact = 0;  // norms of the exact solution
};

using ScalarFunction = std::function<double(double, double)>;
using GradientFunction = std::function<std::array<double, 2>(double, double)>;

// sqrt(x' A x) for an SPD matrix A (mass: L2 norm, stiffness: energy norm of a FE function).
double matrix_norm(Mat A, Vec x);

ErrorNorms error_vs_exact(const StructuredGrid& grid, Vec u, const ScalarFunction& exact,
                          const GradientFunction& exact_gradient);

}  // namespace neurhom
