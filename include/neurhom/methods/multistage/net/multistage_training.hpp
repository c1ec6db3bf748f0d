#pragma once
// Stage-wise, data-parallel training of the multi-stage networks (Chung, Leung, Pun, Zhang
// 2020, Sec. 4.2) through the generic Trainer (nn/trainer.hpp):
//
//   stage 1      min_{M_1, G_1}       sum_rows || u_H - G_1(M_1(D_1 F_0)) ||_1
//   stage k >= 2 min_{M_k, G_k, C_k}  sum_rows || u_H - C_k(u^c_{k-1}, G_k(M_k(D_k F_0))) ||_1
//
// with the earlier stages frozen: their prediction u^c_{k-1} is computed once per stage
// without gradients and fed to stage k as part of its input rows, so the Trainer's model (and
// the gradient allreduce) is stage k's module alone and stage k-1's parameters stay
// bit-identical. The L1 loss is taken in units of the mean absolute training target (the
// network's target_scale) and divided by the global batch. Not in the paper, our choices:
// Adam, learning rate 1e-3 decaying exponentially (continuously) to 1e-5 over each stage's
// steps, global batch 32, the same number of epochs per stage, Glorot-uniform weights,
// inputs normalized per column with the training statistics.
//
// With a `learned` stage, its reduction network (methods/multistage/net/learned_reduction.hpp) is pre-trained
// first (checkpoint `<o>.reduction.ckpt`), then frozen and stored in the model.
//
// Files: the model `<o>` (torch::serialize archive in the checkpoint format, model kind
// "multistage", the architecture string of methods/multistage/net/multistage_net.hpp; written by rank 0 after
// the last stage), and per stage the Trainer's checkpoint `<o>.stage<k>.ckpt` (`-resume`
// continues a killed run with the stage it was in).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/core/json_report.hpp"
#include "neurhom/methods/multistage/net/multistage_data.hpp"
#include "neurhom/methods/multistage/net/multistage_net.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

struct MultistageTrainSettings {
  std::string problem = "linear";            // linear, nonlinear, steady
  std::vector<std::string> reductions;       // D_k per stage (methods/multistage/net/multistage_data.hpp)
  int m1 = 30, r1 = 10, hidden = 256;
  std::string combine = "residual";          // C_k: residual or concat (MultistageArch)
  bool normalize = true;
  std::string target_basis = "cem";          // cem or mass (MultistageArch; mass reads /time/coarse_mass)
  int learned_channels = 16, learned_epochs = 20;  // the `learned` reduction's pre-training
  int epochs = 200;                          // per stage
  std::int64_t batch = 32;                   // global minibatch
  double learning_rate = 1e-3, final_rate = 1e-5;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string device = "cpu";
  std::string output;                        // the model file
  bool resume = false;
  bool show_progress = true;
  int print_every = 10;
};

struct MultistageTrainResult {
  MultistageArch arch;
  TrainerResult reduction;            // the learned reduction's pre-training (if any)
  std::vector<TrainerResult> stages;
  std::vector<double> train_errors, test_errors;   // eq. (7), after each stage
  double mean_predictor_error = 0;                 // the mean training target on the test split
  std::vector<std::int64_t> stage_parameters;
  std::int64_t parameters = 0;
  std::string data_fingerprint;
  double seconds = 0;
};

// Splits "a,b,c" into the per-stage reductions, checks the count against `stages` (0: any)
// and returns them; throws Error with the option name.
std::vector<std::string> parse_reduction_list(const std::string& list, int stages);

MultistageTrainResult train_multistage(MPI_Comm comm, const std::string& data_path, const MultistageTrainSettings& settings);

// Loads a trained model file (checks the kind); the architecture comes from its metadata.
MultistageNet load_multistage_model(const std::string& path, CheckpointMeta* meta = nullptr);

// Stage-by-stage predictions in physical units for the rows of `split`.
std::vector<torch::Tensor> multistage_predictions(MultistageNet& net, const MultistageSplit& split);

// The report of a training run: architecture, reductions, eq. (7) per stage (train and test),
// the mean predictor, parameters, the engine's report of every stage. Collective.
Json to_json(const MultistageTrainResult& r, const MultistageTrainSettings& s, MPI_Comm comm);

}  // namespace neurhom
