#pragma once
// Backward Euler for u_t - div(a grad u) = f (see problem.hpp):
//   (M + dt A) u^{n+1} = M u^n + dt F(t_{n+1}),
// one KSP per step with the matrix and preconditioner built once; with a time-dependent
// coefficient (FemInputs::coefficient_path) A = A(t_{n+1}) is rebuilt every step.
#include "neurhom/fem/problem.hpp"

namespace neurhom {

// Called by solve_fem for ProblemKind::Parabolic; fills `solution`.
void solve_parabolic(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings,
                     FemSolution& solution);

}  // namespace neurhom
