#pragma once
// Error indicator of an element corrector after a coefficient change (Hellman, Malqvist,
// "Numerical homogenization of elliptic PDEs with similar coefficients", Multiscale Model.
// Simul. 17 (2019); the fine indicator e(T) of the gridlod library).
//
// Q~_T are the element correctors of T on its patch U = N^l(T), computed for the coefficient
// A~; A is the new coefficient. For w in V_H|_T (w = sum_j c_j lambda_j over T's 4 nodes) the
// new corrector Q_T w and the old one both live in V^f(U) = {z in V_h(U) : I_H z = 0, z = 0 on
// the patch boundary}, and subtracting their defining equations (patch_corrector.hpp, eq. 3.5)
// gives for every z in V^f(U):
//   (A grad (Q_T - Q~_T) w, grad z)_U = ((A - A~)(1_T grad w - grad Q~_T w), grad z)_U.
// With z = (Q_T - Q~_T) w and Cauchy-Schwarz with the weight A^{-1/2}:
//   ||A^{1/2} grad (Q_T - Q~_T) w||_U <= e_T ||A^{1/2} grad w||_T,
//   e_T^2 = max_w ||(A - A~) A^{-1/2} (1_T grad w - grad Q~_T w)||_U^2 / ||A^{1/2} grad w||_T^2,
// a bound with constant 1 (tested). Algebra: per fine cell K of U with weight
// b_K = (A_K - A~_K)^2 / A_K and the Q1 reference stiffness K_ref,
//   E_ij = sum_K b_K g_i|_K' K_ref g_j|_K,  g_j = lambda_j 1_T - q~_j  (nodal values on K),
//   B_ij = sum_{K in T} A_K lambda_j|_K' K_ref lambda_i|_K,
// and e_T^2 is the largest eigenvalue of E c = mu B c on c modulo constants (both forms vanish
// on w = 1; the last coordinate is fixed to 0, as in gridlod). Unlike gridlod's
// computeErrorIndicatorFine, which adds b |grad Q~ w|^2 on T to b |grad (w - Q~ w)|^2 there,
// the integrand on T is exactly |grad (w - Q~ w)|^2, so the bound is sharper and still holds.
//
// The cost is one sweep over the patch's fine cells (no solve), small next to recomputing
// the correctors (a patch factorization and 4 saddle-point solves).
#include <vector>

#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

// e_T for the old correctors q~_j (at all patch fine nodes, Q1 order of T's nodes), the
// coefficient they were computed with and the new one (patch fine cells, patch_cell_values).
// Exactly 0 when the coefficient is unchanged on the patch.
double corrector_error_indicator(const Patch& patch, const std::vector<std::vector<double>>& old_correctors,
                                 const std::vector<double>& old_cells, const std::vector<double>& new_cells);

// The quantity e_T bounds: max_w ||A^{1/2} grad (Q_T - Q~_T) w||_U / ||A^{1/2} grad w||_T with
// both corrector sets given (for tests and for checking the bound's sharpness).
double corrector_change(const Patch& patch, const std::vector<std::vector<double>>& old_correctors,
                        const std::vector<std::vector<double>>& new_correctors, const std::vector<double>& new_cells);

}  // namespace neurhom
