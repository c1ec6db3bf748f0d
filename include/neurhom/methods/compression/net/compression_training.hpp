#pragma once
// Data-parallel training of the operator-compression MLP on a `lod-datagen` file (Kroepfl,
// Maier, Peterseim 2022, Sec. 2.6 and 4.3), the first client of the generic Trainer
// (nn/trainer.hpp): every rank trains a replica on its shard (LodBatches), Adam with a step
// schedule (learning_rate for the first lr_epochs epochs, then late_rate), the relative loss
// J of eq. (2.9) divided by the global batch. Validation loss every epoch, test loss at the
// end; checkpoint `<output>.ckpt` and TorchScript export `<output>` every epoch. With
// augment = "d4" every training row is replaced by its exact image under a random symmetry
// of the square each epoch (methods/compression/net/d4_symmetry.hpp, methods/compression/net/lod_batches.hpp). With precision = "bf16"
// the forward GEMMs run in bfloat16 (float32 weights, Adam and loss; nn/mixed_precision.hpp);
// the validation and test losses are float32 either way, and a resumed run may switch.
// With equivariance = "canonical" every row (train, validation, test) is canonicalized
// (d4_canonical.hpp), with "gconv" the network is the weight-shared D4-equivariant MLP
// (exported with materialized weights as a plain MLP); the export records the choice in its
// `equivariance` attribute, which compress-eval follows. With patch_test_weight w > 0 the
// objective is J + w J_E, J_E the relative error of the patch-test matrices E_T = W^T S_T V
// (compression_mlp.hpp); the reported train/val/test losses are J either way, and the test
// J_E is reported too. A resumed run may change w (fine-tuning; with fresh_optimizer, Adam starts
// anew, see nn/trainer.hpp).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/core/json_report.hpp"
#include "neurhom/methods/compression/net/lod_dataset.hpp"
#include "neurhom/nn/checkpoint.hpp"
#include "neurhom/methods/compression/net/compression_mlp.hpp"
#include "neurhom/nn/scripted_model.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

struct TrainSettings {
  int epochs = 20;
  std::int64_t batch = 1000;  // global minibatch (split over the ranks)
  double learning_rate = 1e-4, late_rate = 1e-5;
  int lr_epochs = 5;          // epochs at learning_rate before late_rate
  std::uint64_t seed = 1;     // initial weights and shuffling
  int threads = 0;            // intra-op threads per rank (0: cores / ranks on the node)
  std::string device = "cpu"; // cpu or cuda
  std::string output;         // TorchScript model; the checkpoint is output + ".ckpt"
  bool resume = false;
  bool fresh_optimizer = false;  // with resume: new Adam moments (fine-tuning with a changed loss)
  int buffer_blocks = 8;
  std::string augment = "none";  // none, or d4: a random symmetry of the square per row and epoch
  std::string equivariance = "none";  // none, canonical or gconv (compression_mlp.hpp)
  double patch_test_weight = 0;  // w of the loss J + w J_E (compression_mlp.hpp, the patch test); 0: the paper's J
  std::string precision = "fp32";  // fp32, or bf16: bfloat16 autocast of the forward GEMMs (nn/mixed_precision.hpp)
  bool show_progress = true;
  int stop_after_epochs = 0;  // testing aid: return after this many epochs of this run (0: off)
};

struct TrainResult : TrainerResult {
  double test_loss = 0;
  double test_patch_test_error = 0;  // mean J_E over the test split (whatever the weight)
  std::string data_fingerprint;
};

std::string checkpoint_path_for(const std::string& model_path);  // model_path + ".ckpt"
// A fingerprint of a dataset file: its metadata plus the first and last training rows.
std::string dataset_fingerprint(const Hdf5File& file, const LodDatasetMeta& meta);

// The most weights the paper's MLP may have (x 16 bytes per rank in training: weights, gradients,
// Adam's two moments): 1e9, i.e. about 16 GB. R_T of 13,824 values (3D, h/H = 1/8, ell = 1) gives
// 3.2e8; 64,000 (h/H = 1/8, ell = 2) would give 6e9 and is refused with a one-line error.
constexpr double kMaxCompressionWeights = 1e9;

TrainResult train_compression(MPI_Comm comm, const std::string& data_path, const TrainSettings& settings);

// The report of a training run: the engine's training report plus the data fingerprint,
// batch, augmentation, precision and test loss. Collective (the engine report is).
Json to_json(const TrainResult& r, const TrainSettings& s, MPI_Comm comm);

}  // namespace neurhom
