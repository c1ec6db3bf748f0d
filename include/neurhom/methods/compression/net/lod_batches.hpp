#pragma once
// Minibatches from a `neurhom lod-datagen` file for data-parallel training.
//
// The rows of a split are grouped in blocks of one coefficient sample (coarse_n^2 rows,
// contiguous in the file). Each epoch the blocks are permuted with a seed derived from
// (seed, epoch) and dealt round-robin to the ranks, so each rank reads only its own shard.
// A rank reads `buffer_blocks` blocks at a time (independent HDF5 hyperslab reads, float32),
// shuffles those rows and cuts them into local batches of ceil/floor(global_batch / ranks)
// rows; never the whole file in memory. All ranks take the same number of steps per epoch
// (the smallest shard decides; the few rows left over differ from epoch to epoch).
// Evaluation (val/test) visits every row of the split once, without shuffling.
// Augmentation (`RandomD4`, training only): every row of a training batch is replaced by its
// image under a random symmetry g of the square (methods/compression/net/d4_symmetry.hpp: the exact LOD data of
// the transformed coefficient), g uniform in D4, drawn per row and epoch from (seed, epoch,
// rank); one torch::gather per batch for inputs and targets. Canonicalization (`CanonicalD4`,
// every split, for the canonicalized surrogate): every row is replaced by its canonical image
// (methods/compression/net/d4_canonical.hpp), in training and in evaluation.
#include <mpi.h>
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "neurhom/methods/compression/net/d4_canonical.hpp"
#include "neurhom/methods/compression/net/lod_dataset.hpp"
#include "neurhom/nn/data_source.hpp"

namespace neurhom {

// What is done to every row of a batch.
enum class RowTransform { None, RandomD4, CanonicalD4 };

// Batch: inputs [rows, input_size], targets [rows, output_size], float32.
class LodBatches : public DataSource {
 public:
  // `file` must stay open while this object is used.
  LodBatches(const Hdf5File& file, const LodDatasetMeta& meta, Split split, MPI_Comm comm, std::int64_t global_batch,
             std::uint64_t seed, int buffer_blocks = 8, RowTransform transform = RowTransform::None);

  std::int64_t local_batch() const { return local_batch_; }
  std::int64_t global_batch() const override { return global_batch_; }
  long long rows() const { return rows_; }
  long long steps_per_epoch() const override { return steps_; }

  // Training order for one epoch (shuffled shard); next() returns false after steps_per_epoch().
  void start_epoch(int epoch) override;
  bool next(Batch& batch) override;

  // Evaluation order: this rank's contiguous share of the split, in batches of local_batch().
  void start_evaluation();
  bool next_evaluation(Batch& batch);

 private:
  void load_blocks(const std::vector<long long>& blocks, torch::Tensor& in, torch::Tensor& out) const;
  bool refill();
  void augment(Batch& batch);

  const Hdf5File& file_;
  LodDatasetMeta meta_;
  Split split_;
  MPI_Comm comm_;
  std::int64_t global_batch_, local_batch_;
  std::uint64_t seed_;
  int buffer_blocks_;
  long long rows_, block_rows_, blocks_, steps_ = 0;

  std::vector<long long> my_blocks_;
  size_t next_block_ = 0;
  long long steps_done_ = 0;
  torch::Tensor buffer_in_, buffer_out_;
  std::int64_t buffer_pos_ = 0;
  std::mt19937_64 rng_;

  long long eval_begin_ = 0, eval_end_ = 0, eval_pos_ = 0;

  RowTransform transform_ = RowTransform::None;
  std::unique_ptr<D4Canonicalizer> canonicalizer_;
  torch::Tensor gather_in_, gather_out_;  // [8, input_size], [8, output_size] int64
  torch::Generator augment_rng_;
};

}  // namespace neurhom
