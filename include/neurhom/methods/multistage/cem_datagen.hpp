#pragma once
// `neurhom cem-datagen`: the reduced-model datasets of Chung, Leung, Pun, Zhang 2020.
//
// Time-dependent data (Sec. 4.1): (0,1)^2, H = 1/coarse_n, h = 1/fine_n, L_i modes, one fixed
// high-contrast kappa (-coef, default channels with contrast 1e4, a stand-in for Fig. 3),
// T = pi, `steps` backward Euler steps (t_n = n T / steps, n = 1..steps), source eq. (5) with
// xi ~ U(-0.5, 0.5)^5 per sample; the linear problem (4) and the nonlinear problem (6) with
// a = kappa exp(gamma u). Per sample:
//   source_projected[n][b]   = (R' F_h(t_n))_b, b = i L + k (basis k of cell i)  steps x dim V_ms
//   source_modes[k][n][i]    = source_projected[n][i L + k]  (the D_k inputs)    L x steps x N
//   source_pooled[n][.]      = max-pool (pool = stride = r) of f(t_n) at the fine cell centres
//   {linear,nonlinear}_target = u_H(T) = (R'R)^{-1} R' u_h(T)   (fine FEM solution u_h)
//   {linear,nonlinear}_fine_norm = ||u_h(T)||_L2
//   {linear,nonlinear}_fine_moment = R'M u_h(T)  (eq. (8) from the file, no fine re-solve)
// The CEM space does not depend on the sample (kappa is fixed): computed once per rank.
//
// Steady-state data (Sec. 5, no CEM): per sample methods/multistage/steady_sample.hpp with the `steady`
// coefficient family (coef/steady_coefficient.hpp): p, features, coarse-cell averages, in the
// reading `steady_reading` of the paper's parameter ranges (-steady_kappa reject|literal).
//
// File layout and splits: methods/multistage/net/cem_dataset.hpp. Samples are split in contiguous blocks over
// the ranks; each solves its samples on PETSC_COMM_SELF and all ranks write one row per round
// with collective hyperslab writes. Written to <o>.partial and renamed when complete.
#include <string>
#include <vector>

#include <mpi.h>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/steady_coefficient.hpp"

namespace neurhom {

struct CemDatagenSettings {
  int coarse_n = 10, fine_n = 100, modes = 3, oversampling = 3;
  int samples = 1600;  // per problem
  int steps = 31;
  double final_time = 3.14159265358979323846;
  double gamma = 20.0;
  std::uint64_t seed = 1;
  CoefficientOptions coefficient;  // default: channels, contrast 1e4
  bool linear = true, nonlinear = true, steady = true;
  SteadyReading steady_reading = SteadyReading::Reject;
  std::string output;
  bool show_progress = true;
  CemDatagenSettings() { coefficient.family = "channels"; }
};

struct CemDatagenResult {
  double seconds = 0;
  int train = 0, test = 0;
  long long steady_rejected = 0;     // reject reading: draws redrawn
  long long steady_nonpositive = 0;  // literal reading: samples with kappa <= 0 somewhere
  double dim_vms = 0;
};

// Parses "-problems" (comma list of linear, nonlinear, steady, or all) into the settings.
void parse_cem_problems(const std::string& list, CemDatagenSettings& settings);

CemDatagenResult generate_cem_dataset(MPI_Comm comm, const CemDatagenSettings& settings);

}  // namespace neurhom
