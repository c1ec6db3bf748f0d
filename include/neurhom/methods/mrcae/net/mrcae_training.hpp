#pragma once
// Progressive training of the MrCAE (Liu, Ponce, Brunton, Kutz 2020, Algorithm 3.1) through
// the generic Trainer, data-parallel over the ranks (the training snapshots are sharded per
// batch by TensorBatches).
//
//   for level k = 0 .. N-1:  deepen, train;  while level k is not resolved and groups remain:
//                            widen (mask from eq. 3.8 on the training set), train
// Every operation trains with a fresh Adam (lr 1e-3, eps 1e-3, weight decay 1e-5, as the
// reference code) for at most `epochs` epochs (5000 and full batch by default, as the
// reference: its 350-snapshot batch is the whole training split), stops by the reference
// code's rule or Appendix B's patience (methods/mrcae/net/mrcae_stop_rule.hpp), and ends with
// the best validation state. Level k widens with groups of channels[k] channels, at most
// groups[k] times (the reference's archs [[1,2,3,4],[1,2,3,4],[1,3,5,7]] of toy1/toy2 are
// channels 1,1,2 and groups 3: the defaults). The loss (3.1) is data-parallel exactly: its max term picks the pixel with the
// largest GLOBAL mean squared error (one allreduce of the per-pixel sums, detached) and each
// rank contributes its rows' part of that pixel's mean, so N ranks take the steps of one.
// After every operation rank 0 writes the model (methods/mrcae/net/mrcae.hpp save_mrcae, with the history),
// so `resume` continues after the last finished operation.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/mrcae.hpp"
#include "neurhom/methods/mrcae/net/mrcae_stop_rule.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

struct MrCaeTrainSettings {
  int levels = 3;
  std::vector<double> tolerances{1e-3, 5e-4, 1e-4};  // per level (eq. 3.8)
  std::vector<int> channels{1, 1, 2};  // channels of every widening group, per level (one value: all levels)
  std::vector<int> groups{3};          // widening operations at most, per level (one value: all levels)
  MrCaeActivation activation = MrCaeActivation::Linear;
  bool adaptive = true;  // masks from eq. 3.8; false: groups act everywhere (MrCAE(+ReLU) of Sec. 4.2)
  double w = 0.5;        // omega of (3.1)
  int epochs = 5000;     // per operation (an epoch: one pass over the training split)
  std::int64_t batch = 0;  // global minibatch (0: the whole training split, as the reference code's 350 of 500)
  double lr = 1e-3;
  double noise = 0.01;   // epsilon of Appendix A
  MrCaeStop stop = MrCaeStop::Reference;
  int patience = 10;     // stop patience (Appendix B): 10 epochs improve the validation loss by < 0.1 %
  // Parameters an operation ends with: the last epoch's (default, as the reference code: its
  // `best_state_dict = self.state_dict()` aliases the live parameters, so its "best" state is in
  // effect the last one), or the best validation epoch's (-restore best; on toy2 this throws
  // away every operation's progress: the max-dominated validation loss is flat and noisy and
  // its best epoch comes early, docs/log/mrcae.md). The RED-Net baselines restore the best.
  bool restore_best = false;
  // Deepening init of the convolution: the reference code's constant eps around the identity
  // tap (default; -deepen_init constant) or U(-eps, eps) noise (Appendix A; MrCaeImpl::deepen).
  bool deepen_constant = true;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string output;    // model file (rank 0 after every operation)
  bool resume = false;
  bool verbose = true;
  void validate() const;
  int channels_at(int level) const { return channels.size() == 1 ? channels[0] : channels.at(static_cast<size_t>(level)); }
  int groups_at(int level) const { return groups.size() == 1 ? groups[0] : groups.at(static_cast<size_t>(level)); }
};

struct MrCaeOperation {
  int level = 0;
  std::string kind;         // deepen or widen
  int channels = 0;
  int epochs = 0;
  double val_loss = 0;      // (3.1) at the level, validation split
  double val_global = 0;    // (3.4) against the finest validation data
  double test_global = -1;  // (3.4) on the test split right after this operation (reporting only, as the
                            // reference evaluates its per-stage models; -1: no test split)
  std::int64_t parameters = 0, encoding_size = 0;
  double masked_fraction = 1;  // widen: share of coarse pixels the group acts on
  double seconds = 0;
  double unresolved_fraction = 1;  // after training: coarse pixels with E >= tol (eq. 3.8, not dilated), training split
  std::string stop = "max";        // why it ended: resolved, slow, patience or max (epochs)
};

struct MrCaeTrainResult {
  std::vector<MrCaeOperation> operations;
  std::int64_t parameters = 0, encoding_size = 0;
  double seconds = 0;
  std::string architecture;
};

// The snapshots of a split at level k of an N-level model: [rows, 1, n_k, n_k] float32.
torch::Tensor mrcae_level_data(const SnapshotSet& data, const std::vector<long long>& rows, int finest_levels_up);
// Global metric (3.4): the level-k reconstruction interpolated to the finest level vs finest data.
double mrcae_global_error(MrCae& model, const torch::Tensor& finest, int k, double w);

MrCaeTrainResult train_mrcae(MPI_Comm comm, const SnapshotSet& data, const MrCaeTrainSettings& settings);

// One training phase of any image autoencoder with the loss (3.1), data-parallel, Adam as
// above, early stopping with the best validation state restored (shared by every MrCAE
// operation and the fixed-architecture baselines of methods/mrcae/net/conv_autoencoder.hpp).
// `resolved` (may be empty) is the reference stop's tolerance test; `stop_reason` (may be null)
// receives resolved, slow, patience or max.
TrainerResult fit_autoencoder(MPI_Comm comm, std::shared_ptr<torch::nn::Module> module,
                              const std::function<torch::Tensor(const torch::Tensor&)>& forward, const torch::Tensor& train,
                              const torch::Tensor& val, const MrCaeTrainSettings& settings, const std::string& name,
                              const std::string& architecture, const std::function<bool()>& resolved = {},
                              std::string* stop_reason = nullptr);
// Share of the coarse pixels of a level whose error summary (3.8) reaches tol (no dilation).
double mrcae_unresolved_fraction(const torch::Tensor& data, const torch::Tensor& reconstruction, double w, double tol);

std::string mrcae_history_to_string(const std::vector<MrCaeOperation>& ops);
std::vector<MrCaeOperation> mrcae_history_from_string(const std::string& text);

}  // namespace neurhom
