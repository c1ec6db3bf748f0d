#pragma once
// The fine-scale nonlinear diffusion operator of a(x, u) = kappa(x) exp(gamma u), shared by
// the fine Newton solver (nonlinear_solve.cpp) and the CEM coarse Newton solver:
//   N(u)_i  = int kappa exp(gamma u) grad u . grad phi_i
//   dN_ik   = int kappa e^{gamma u} grad phi_k . grad phi_i + gamma int kappa e^{gamma u} phi_k grad u . grad phi_i
// 2 x 2 Gauss points per cell; kappa per owned cell (StructuredGrid::local_cell order).
// No mass term, no boundary conditions.
#include <vector>

#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

// out = scale * N(u)
void nonlinear_flux(const StructuredGrid& grid, const std::vector<double>& kappa, double gamma, double scale, Vec u,
                    Vec out);
// J = scale * dN(u) (J has the Q1 stencil, e.g. from create_operator; overwritten and assembled)
void nonlinear_flux_jacobian(const StructuredGrid& grid, const std::vector<double>& kappa, double gamma, double scale,
                             Vec u, Mat J);

}  // namespace neurhom
