#pragma once
// Basis-independent errors of CEM coefficient vectors from what a CEM dataset stores
// (methods/multistage/net/cem_dataset.hpp), without the fine grid or a fine solve:
//
//   G = R'MR (/time/coarse_mass), b = R'M u_h(T) (/time/<split>/<problem>_fine_moment),
//   n = ||u_h(T)||_L2 (/time/<split>/<problem>_fine_norm), M the fine Q1 mass matrix.
//
//   relative_mass_norm_errors(C, Y, G)  per row ||R (c - y)||_M / ||R y||_M = sqrt(d'Gd / y'Gy),
//                                       d = c - y: eq. (7) measured on functions (issue 26)
//   relative_l2_errors(C, G, B, n)      per row ||R c - u_h|| / ||u_h||, eq. (8), from
//                                       ||R c - u_h||^2 = c'Gc - 2 c'b + n^2 (exact algebra;
//                                       the difference of O(n^2) terms loses ~1e-16 n^2 /
//                                       ||R c - u_h||^2 relative, negligible above ~1e-6 errors)
// C, Y, B: [rows, dim V_ms], n: [rows], G: [dim, dim]; float64 (converted). Returns [rows].
#include <torch/torch.h>

namespace neurhom {

torch::Tensor relative_mass_norm_errors(const torch::Tensor& coefficients, const torch::Tensor& targets,
                                        const torch::Tensor& coarse_mass);
torch::Tensor relative_l2_errors(const torch::Tensor& coefficients, const torch::Tensor& coarse_mass,
                                 const torch::Tensor& moments, const torch::Tensor& fine_norms);

}  // namespace neurhom
