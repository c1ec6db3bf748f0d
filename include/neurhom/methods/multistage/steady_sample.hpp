#pragma once
// One sample of the steady-state data of Chung, Leung, Pun, Zhang 2020, Sec. 5 (no CEM):
// -div(kappa_p grad u) = 1 on (0,1)^2, u = 0, with the `steady` coefficient
// (coef/steady_coefficient.hpp), p drawn from `seed` in the given reading (reject: admissible
// on the fine mesh, solved by the default CG + GAMG; literal: the first draw, solved by a direct
// LU because kappa may change sign and the matrix be indefinite). Returns
//   p            the 3 parameters (and the draws rejected before them)
//   features     f_i^j = mean of kappa_j over the fine cell centres of coarse cell i   (3 x N)
//   pooled_kappa max of kappa = kappa_0 + kappa_1 + kappa_2 over the fine cell centres of
//                coarse cell i (max pooling, size = stride = r; the Table 13 input)      (N)
//   target       u_{H,i} = mean of the fine Q1 solution over coarse cell i               (N)
//   kappa_min    the smallest kappa over the fine cell centres (<= 0 only in the literal reading)
// with coarse cells i = J coarse_n + I, N = coarse_n^2, fine grid n = coarse_n r.
#include <cstdint>
#include <vector>

#include "neurhom/coef/steady_coefficient.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

struct SteadySample {
  std::vector<double> p, features, pooled_kappa, target;
  long long rejected = 0;
  double kappa_min = 0;
};

// Collective over grid.comm() (the fine solve); the datasets use PETSC_COMM_SELF grids.
SteadySample solve_steady_sample(const StructuredGrid& grid, int coarse_n, std::uint64_t seed,
                                 SteadyReading reading = SteadyReading::Reject);

}  // namespace neurhom
