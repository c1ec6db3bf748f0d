#pragma once
// `neurhom multistage-eval`: a trained multi-stage network (methods/multistage/net/multistage_training.hpp) on the
// test split of its CEM dataset (Chung, Leung, Pun, Zhang 2020, Sec. 4.2 and 4.4.1):
//
//   stage_errors[k]       mean over test rows of ||u_H - u^c_{H,s_k}||_2 / ||u_H||_2   eq. (7)
//   stage_errors_l2[k]    mean over test rows of ||R (u^c_{H,s_k} - u_H)||_M / ||R u_H||_M, M the
//                         fine Q1 mass matrix: eq. (7) made basis-independent (the CEM
//                         coefficients' scale follows the basis scaling, ~50x in high-contrast
//                         cells; the functions R c do not). Time data only.
//   mean_predictor_error  the eq. (7) error of the mean of the training targets
//   mean_predictor_error_l2  the same in the M-norm
//   l2_error_learnt       mean over `l2_samples` test rows of ||R u_{H,learnt} - u_h|| / ||u_h||
//                         with the L2 norm of the fine Q1 mass matrix, the last stage    eq. (8)
//   l2_error_learnt_stages  eq. (8) for every stage
//   l2_error_computed     the same with the learning target u_H (the CEM projection error)
//   affine_error, affine_error_l2, l2_error_affine
//                         eq. (7), its M-norm form and eq. (8) of the affine least-squares
//                         map xi -> u_H fitted on the training rows (net/affine_baseline.hpp;
//                         exact for the linear problem): what the networks must reach
//
// eq. (8) needs u_h(T) and R. Files from cem-datagen since 2026-12-07 store R'MR, R'M u_h(T)
// and ||u_h(T)||, which give eq. (8) exactly on every test row without a fine solve
// (net/coarse_l2_errors.hpp; `l2_source` "data"). For older files (or -l2_from solves) each rank
// rebuilds the dataset's setting (fine grid, CEM space of the dataset's kappa, checked against
// the file's coefficient description) and solves its share of `l2_samples` test samples again
// (methods/multistage/cem_time_sample.hpp; `l2_source` "solves"). Steady models report eq. (7) only. One test sample's R u_{H,learnt}, u_h and their difference are written to
// HDF5/XDMF (fields `learnt`, `fine`, `error`).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/core/json_report.hpp"
#include "neurhom/coef/coefficient.hpp"

namespace neurhom {

struct MultistageEvalSettings {
  std::string model, data;
  int l2_samples = 20;           // test rows re-solved for eq. (8) (0: none; capped at the test split)
  std::string l2_from = "auto";  // eq. (8) from: data (stored moments), solves, auto (data when stored)
  int field_sample = 0;          // the test row written to `fields` (-1: none)
  std::string fields;            // HDF5 output of one sample ("": none)
  CoefficientOptions coefficient;  // must rebuild the dataset's kappa (default: cem-datagen's)
  int threads = 0;
  MultistageEvalSettings() { coefficient.family = "channels"; }
};

struct MultistageEvalResult {
  std::string problem, architecture;
  std::vector<std::string> reductions;
  std::vector<double> stage_errors, stage_errors_l2;
  double mean_predictor_error = 0, mean_predictor_error_l2 = 0;
  std::int64_t parameters = 0;
  std::vector<std::int64_t> stage_parameters;
  int l2_samples = 0;
  std::string l2_source;  // "data" or "solves" (time data)
  double l2_error_learnt = 0, l2_error_computed = 0;
  std::vector<double> l2_error_learnt_stages;
  double affine_error = 0, affine_error_l2 = 0, l2_error_affine = 0;  // time data
  long long test_rows = 0;
  double seconds = 0;
};

MultistageEvalResult evaluate_multistage(MPI_Comm comm, const MultistageEvalSettings& settings);

// The report of an evaluation: eq. (7) per stage, eq. (8) learnt and computed, sizes, time.
Json to_json(const MultistageEvalResult& r);

}  // namespace neurhom
