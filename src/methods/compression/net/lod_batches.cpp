#include "neurhom/methods/compression/net/lod_batches.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <numeric>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/net/d4_symmetry.hpp"

namespace neurhom {

LodBatches::LodBatches(const Hdf5File& file, const LodDatasetMeta& meta, Split split, MPI_Comm comm,
                       std::int64_t global_batch, std::uint64_t seed, int buffer_blocks, RowTransform transform)
    : file_(file), meta_(meta), split_(split), comm_(comm), global_batch_(global_batch), seed_(seed),
      buffer_blocks_(std::max(1, buffer_blocks)), transform_(transform) {
  const int size = mpi_size(comm), rank = mpi_rank(comm);
  require(global_batch >= size, "-batch " + std::to_string(global_batch) + " is smaller than the number of ranks " +
                                    std::to_string(size));
  local_batch_ = global_batch / size + (rank < global_batch % size ? 1 : 0);
  rows_ = meta.rows(split);
  block_rows_ = meta.patches_per_sample();
  blocks_ = block_rows_ > 0 ? rows_ / block_rows_ : 0;
  // Steps per epoch: the smallest shard decides (blocks are dealt round-robin).
  const long long my_block_count = blocks_ / size + (rank < blocks_ % size ? 1 : 0);
  const long long my_steps = my_block_count * block_rows_ / local_batch_;
  long long steps = my_steps;
  MPI_Allreduce(&my_steps, &steps, 1, MPI_LONG_LONG, MPI_MIN, comm);
  steps_ = steps;
  if (transform_ != RowTransform::None) {
    const int side = (2 * meta.ell + 1) * (meta.fine_n / meta.coarse_n), nodes = 2 * meta.ell + 2;
    require(side * side == meta.input_size && nodes * nodes * 4 == meta.output_size(),
            std::string(transform_ == RowTransform::RandomD4 ? "-augment d4" : "-equivariance canonical") +
                ": the data file's patch sizes do not fit its setting (ell = " + std::to_string(meta.ell) + ")");
    if (transform_ == RowTransform::CanonicalD4) canonicalizer_ = std::make_unique<D4Canonicalizer>(side, nodes);
    std::vector<torch::Tensor> in, out;
    for (int g = 0; g < kD4Order; ++g) {
      in.push_back(torch::tensor(d4_cell_gather(g, side), torch::kLong));
      out.push_back(torch::tensor(d4_extended_matrix_gather(g, nodes), torch::kLong));
    }
    gather_in_ = torch::stack(in);
    gather_out_ = torch::stack(out);
  }
}

void LodBatches::start_epoch(int epoch) {
  std::vector<long long> order(static_cast<size_t>(blocks_));
  std::iota(order.begin(), order.end(), 0LL);
  std::mt19937_64 shuffle(seed_ * 1000003ULL + static_cast<std::uint64_t>(epoch));
  std::shuffle(order.begin(), order.end(), shuffle);
  const int size = mpi_size(comm_), rank = mpi_rank(comm_);
  my_blocks_.clear();
  for (size_t k = static_cast<size_t>(rank); k < order.size(); k += static_cast<size_t>(size)) my_blocks_.push_back(order[k]);
  rng_.seed(seed_ * 7919ULL + static_cast<std::uint64_t>(epoch) * 104729ULL + static_cast<std::uint64_t>(rank));
  if (transform_ == RowTransform::RandomD4)
    augment_rng_ = at::detail::createCPUGenerator(seed_ * 15485863ULL + static_cast<std::uint64_t>(epoch) * 32452843ULL +
                                                  static_cast<std::uint64_t>(rank));
  next_block_ = 0;
  steps_done_ = 0;
  buffer_in_ = torch::Tensor();
  buffer_out_ = torch::Tensor();
  buffer_pos_ = 0;
}

void LodBatches::load_blocks(const std::vector<long long>& blocks, torch::Tensor& in, torch::Tensor& out) const {
  const std::int64_t n = static_cast<std::int64_t>(blocks.size()) * block_rows_;
  in = torch::empty({n, meta_.input_size}, torch::kFloat32);
  out = torch::empty({n, meta_.output_size()}, torch::kFloat32);
  for (size_t b = 0; b < blocks.size(); ++b) {
    const hsize_t first = static_cast<hsize_t>(blocks[b] * block_rows_);
    const std::int64_t at = static_cast<std::int64_t>(b) * block_rows_;
    file_.read_rows(lod_dataset_path(split_, "inputs"), first, static_cast<hsize_t>(block_rows_),
                    in.data_ptr<float>() + at * meta_.input_size);
    file_.read_rows(lod_dataset_path(split_, "outputs"), first, static_cast<hsize_t>(block_rows_),
                    out.data_ptr<float>() + at * meta_.output_size());
  }
}

bool LodBatches::refill() {
  // Keep the unused tail of the buffer and append the next blocks, then shuffle.
  std::vector<long long> blocks;
  while (next_block_ < my_blocks_.size() && static_cast<int>(blocks.size()) < buffer_blocks_)
    blocks.push_back(my_blocks_[next_block_++]);
  if (blocks.empty()) return false;
  torch::Tensor in, out;
  load_blocks(blocks, in, out);
  if (buffer_in_.defined() && buffer_pos_ < buffer_in_.size(0)) {
    in = torch::cat({buffer_in_.slice(0, buffer_pos_), in});
    out = torch::cat({buffer_out_.slice(0, buffer_pos_), out});
  }
  std::vector<std::int64_t> perm(static_cast<size_t>(in.size(0)));
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng_);
  const auto index = torch::tensor(perm, torch::kLong);
  buffer_in_ = in.index_select(0, index);
  buffer_out_ = out.index_select(0, index);
  buffer_pos_ = 0;
  return true;
}

bool LodBatches::next(Batch& batch) {
  if (steps_done_ >= steps_) return false;
  while (!buffer_in_.defined() || buffer_in_.size(0) - buffer_pos_ < local_batch_)
    if (!refill()) throw LocalError("LodBatches: shard exhausted before the end of the epoch");
  batch.inputs = buffer_in_.slice(0, buffer_pos_, buffer_pos_ + local_batch_);
  batch.targets = buffer_out_.slice(0, buffer_pos_, buffer_pos_ + local_batch_);
  buffer_pos_ += local_batch_;
  ++steps_done_;
  if (transform_ == RowTransform::RandomD4) augment(batch);
  if (canonicalizer_) canonicalizer_->canonicalize(batch.inputs, batch.targets);
  return true;
}

void LodBatches::augment(Batch& batch) {
  const auto g = torch::randint(kD4Order, {batch.rows()}, augment_rng_, torch::kLong);
  batch.inputs = torch::gather(batch.inputs, 1, gather_in_.index_select(0, g));
  batch.targets = torch::gather(batch.targets, 1, gather_out_.index_select(0, g));
}

void LodBatches::start_evaluation() {
  const int size = mpi_size(comm_), rank = mpi_rank(comm_);
  const long long base = rows_ / size, extra = rows_ % size;
  eval_begin_ = rank * base + std::min<long long>(rank, extra);
  eval_end_ = eval_begin_ + base + (rank < extra ? 1 : 0);
  eval_pos_ = eval_begin_;
}

bool LodBatches::next_evaluation(Batch& batch) {
  if (eval_pos_ >= eval_end_) return false;
  const long long n = std::min<long long>(std::max<std::int64_t>(local_batch_, 256), eval_end_ - eval_pos_);
  batch.inputs = torch::empty({n, meta_.input_size}, torch::kFloat32);
  batch.targets = torch::empty({n, meta_.output_size()}, torch::kFloat32);
  file_.read_rows(lod_dataset_path(split_, "inputs"), static_cast<hsize_t>(eval_pos_), static_cast<hsize_t>(n),
                  batch.inputs.data_ptr<float>());
  file_.read_rows(lod_dataset_path(split_, "outputs"), static_cast<hsize_t>(eval_pos_), static_cast<hsize_t>(n),
                  batch.targets.data_ptr<float>());
  eval_pos_ += n;
  if (canonicalizer_) canonicalizer_->canonicalize(batch.inputs, batch.targets);
  return true;
}

}  // namespace neurhom
