#include "neurhom/nn/data_source.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <string>
#include <utility>

#include "neurhom/core/error.hpp"

namespace neurhom {

TensorBatches::TensorBatches(torch::Tensor inputs, torch::Tensor targets, MPI_Comm comm, std::int64_t global_batch,
                             std::uint64_t seed)
    : inputs_(std::move(inputs)), targets_(std::move(targets)), global_batch_(global_batch), seed_(seed) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  require(inputs_.defined() && inputs_.dim() >= 1 && inputs_.size(0) > 0, "TensorBatches: no input rows");
  require(!targets_.defined() || targets_.size(0) == inputs_.size(0),
          "TensorBatches: " + std::to_string(inputs_.size(0)) + " input rows but " +
              std::to_string(targets_.size(0)) + " target rows");
  require(global_batch >= size_, "batch " + std::to_string(global_batch) + " is smaller than the " +
                                     std::to_string(size_) + " ranks");
  steps_ = inputs_.size(0) / global_batch;
  require(steps_ >= 1, "batch " + std::to_string(global_batch) + " is larger than the " +
                           std::to_string(inputs_.size(0)) + " rows");
}

void TensorBatches::start_epoch(int epoch) {
  torch::Generator gen = at::detail::createCPUGenerator(seed_ * 1000003ULL + static_cast<std::uint64_t>(epoch));
  order_ = torch::randperm(inputs_.size(0), gen, torch::TensorOptions().dtype(torch::kLong));
  step_ = 0;
}

bool TensorBatches::next(Batch& batch) {
  if (step_ >= steps_) return false;
  // Rank p's slice of global batch `step_`: rows [p B / P, (p + 1) B / P) of it.
  const std::int64_t first = step_ * global_batch_ + rank_ * global_batch_ / size_;
  const std::int64_t last = step_ * global_batch_ + (rank_ + 1) * global_batch_ / size_;
  const torch::Tensor index = order_.slice(0, first, last);
  batch.inputs = inputs_.index_select(0, index);
  batch.targets = targets_.defined() ? targets_.index_select(0, index) : torch::Tensor();
  ++step_;
  return true;
}

bool FullBatch::next(Batch& batch) {
  if (done_) return false;
  batch = Batch();
  done_ = true;
  return true;
}

}  // namespace neurhom
