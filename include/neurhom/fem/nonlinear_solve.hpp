#pragma once
// Backward Euler + Newton for u_t - div(kappa exp(gamma u) grad u) = f (see problem.hpp):
// per step SNES solves R(u) = M (u - u^n) + dt (N(u) - F(t_{n+1})) = 0 (options prefix -nl_)
// with the exact Jacobian of nonlinear_operator.hpp.
#include "neurhom/fem/problem.hpp"

namespace neurhom {

// Called by solve_fem for ProblemKind::Nonlinear; fills `solution`.
void solve_nonlinear(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings,
                     FemSolution& solution);

}  // namespace neurhom
