#pragma once
// One sample of the steady-state data of Chung, Leung, Pun, Zhang 2020, Sec. 5 (no CEM):
// -div(kappa_p grad u) = 1 on (0,1)^2, u = 0, with the `steady` coefficient
// (coef/steady_coefficient.hpp), p drawn from `seed` (admissible on the fine mesh). Returns
//   p            the 3 parameters (and the draws rejected before them)
//   features     f_i^j = mean of kappa_j over the fine cell centres of coarse cell i   (3 x N)
//   pooled_kappa max of kappa = kappa_0 + kappa_1 + kappa_2 over the fine cell centres of
//                coarse cell i (max pooling, size = stride = r; the Table 13 input)      (N)
//   target       u_{H,i} = mean of the fine Q1 solution over coarse cell i               (N)
// with coarse cells i = J coarse_n + I, N = coarse_n^2, fine grid n = coarse_n r.
#include <cstdint>
#include <vector>

#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

struct SteadySample {
  std::vector<double> p, features, pooled_kappa, target;
  long long rejected = 0;
};

// Collective over grid.comm() (the fine solve); the datasets use PETSC_COMM_SELF grids.
SteadySample solve_steady_sample(const StructuredGrid& grid, int coarse_n, std::uint64_t seed);

}  // namespace neurhom
