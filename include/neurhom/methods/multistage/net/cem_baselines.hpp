#pragma once
// The learning-free numbers of a time-dependent CEM dataset (Chung, Leung, Pun, Zhang 2020,
// Sec. 4.2 and 4.4.1; issue 26): what the projection itself loses and what a network must beat.
// From the file only (methods/multistage/net/cem_dataset.hpp), on the test split:
//
//   mean_predictor_error      eq. (7) of the mean of the training targets (the paper's
//                             baseline: 0.13567 linear, 0.17638 nonlinear)
//   affine_error              eq. (7) of the affine least-squares map xi -> u_H fitted on the
//                             training rows (net/affine_baseline.hpp; exact for the linear problem)
//   *_l2                      the same in the M-norm ||R d||_M / ||R u_H||_M (needs /time/coarse_mass)
//   l2_error_computed         eq. (8) of the target itself, ||R u_H - u_h|| / ||u_h||: the CEM
//                             projection error, the paper's "Computed" (1.8e-4 / 1.5e-4)
//   l2_error_mean, l2_error_affine  eq. (8) of the two predictors
// The eq. (8) numbers need the stored moments (net/coarse_l2_errors.hpp; files from 2026-12-07
// on) and are -1 otherwise; the M-norm numbers need R'MR and are -1 without it.
// Used by `neurhom cem-baselines` (the calibration of the CEM setting) and `multistage-eval`.
#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/methods/multistage/net/cem_dataset.hpp"

namespace neurhom {

struct CemBaselines {
  std::string problem;
  std::int64_t train_rows = 0, test_rows = 0;
  double mean_predictor_error = 0, affine_error = 0;
  double mean_predictor_error_l2 = -1, affine_error_l2 = -1;
  double l2_error_computed = -1, l2_error_mean = -1, l2_error_affine = -1;
  double fine_norm = 0;                // mean ||u_h(T)||_L2 over the test rows
  torch::Tensor mean_prediction;       // [test, dim V_ms]
  torch::Tensor affine_prediction;     // [test, dim V_ms]
  torch::Tensor coarse_mass;           // R'MR [dim, dim] (undefined when the file lacks it)
};

// problem: linear | nonlinear. Throws Error naming the file when the data are missing.
CemBaselines cem_baselines(const Hdf5File& file, const CemDatasetMeta& meta, const std::string& problem);

// The steady data (Sec. 5): the mean predictor's eq. (7) error on the test split (paper: about
// 0.33) and the share of samples whose kappa is not positive somewhere (literal reading).
struct SteadyBaselines {
  std::int64_t train_rows = 0, test_rows = 0;
  double mean_predictor_error = 0;
  double nonpositive_fraction = -1;  // -1: the file does not store kappa_min
};
SteadyBaselines steady_baselines(const Hdf5File& file, const CemDatasetMeta& meta);

// A [rows, ...] dataset as a float64 tensor [rows, -1]; throws naming the file and dataset.
torch::Tensor read_cem_rows(const Hdf5File& file, const std::string& name, std::int64_t rows);

}  // namespace neurhom
