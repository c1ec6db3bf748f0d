#pragma once
// Where the Trainer's minibatches come from (nn/trainer.hpp). A DataSource hands every rank
// its part of one global minibatch per step; all ranks take the same number of steps per
// epoch, and the global batch is the same whatever the number of ranks, so a step's summed
// gradient (nn/distributed.hpp) does not depend on how the data is split.
//
//   LodBatches      sharded HDF5 rows of a `lod-datagen` file (methods/compression/net/lod_batches.hpp)
//   TensorBatches   rows of in-memory tensors: each epoch one permutation of all rows (seeded
//                   by (seed, epoch), the same on every rank), cut into global batches of
//                   `global_batch` rows, of which rank p takes its contiguous slice
//   FullBatch       one step per epoch with an empty Batch: physics-informed losses whose
//                   step callback evaluates everything itself (collocation points, patches)
#include <mpi.h>
#include <torch/torch.h>

#include <cstdint>

namespace neurhom {

struct Batch {
  torch::Tensor inputs, targets;  // [rows, ...]; undefined for FullBatch
  std::int64_t rows() const { return inputs.defined() ? inputs.size(0) : 0; }
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual long long steps_per_epoch() const = 0;
  // Samples per step over all ranks (for samples/s; 1 for FullBatch).
  virtual std::int64_t global_batch() const = 0;
  virtual void start_epoch(int epoch) = 0;
  // This rank's part of the next global batch; false after steps_per_epoch() steps.
  virtual bool next(Batch& batch) = 0;
};

class TensorBatches : public DataSource {
 public:
  // inputs/targets: all rows (identical on every rank; each rank uses its slices only).
  TensorBatches(torch::Tensor inputs, torch::Tensor targets, MPI_Comm comm, std::int64_t global_batch,
                std::uint64_t seed);
  long long steps_per_epoch() const override { return steps_; }
  std::int64_t global_batch() const override { return global_batch_; }
  void start_epoch(int epoch) override;
  bool next(Batch& batch) override;

 private:
  torch::Tensor inputs_, targets_, order_;
  std::int64_t global_batch_;
  std::uint64_t seed_;
  int rank_, size_;
  long long steps_ = 0, step_ = 0;
};

class FullBatch : public DataSource {
 public:
  long long steps_per_epoch() const override { return 1; }
  std::int64_t global_batch() const override { return 1; }
  void start_epoch(int) override { done_ = false; }
  bool next(Batch& batch) override;

 private:
  bool done_ = true;
};

}  // namespace neurhom
