#pragma once
// The communication backend of data-parallel training (see distributed.hpp for the math):
//   "mpi"   host buffers and MPI_Allreduce / MPI_Bcast (tensors on a GPU are staged through
//           host memory; MPI is not assumed to be CUDA-aware);
//   "nccl"  device buffers and ncclAllReduce / ncclBroadcast on the current CUDA stream, one
//           NCCL communicator over the ranks of the MPI communicator (the ncclUniqueId is
//           broadcast with MPI). Chosen automatically for -device cuda in a build with
//           NEURHOM_WITH_NCCL (an upstream CUDA LibTorch plus nccl.h / libnccl found by
//           CMake); otherwise "mpi".
// With -device cuda every rank uses GPU (local rank % visible GPUs), the local rank being the
// rank among the ranks of the same node (MPI_Comm_split_type SHARED).
#include <mpi.h>
#include <torch/torch.h>

#include <string>

namespace neurhom {

bool nccl_available();      // built with NEURHOM_WITH_NCCL
int local_rank(MPI_Comm comm);  // rank among the ranks on this node

class GradientReducer {
 public:
  // Collective over comm. Throws Error if backend "nccl" is requested without NCCL support.
  GradientReducer(MPI_Comm comm, const torch::Device& device);
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  void broadcast_parameters(torch::nn::Module& module);  // rank 0's weights everywhere
  void allreduce_gradients(torch::nn::Module& module);   // sum over the ranks, one call
  const std::string& backend() const { return backend_; }

 private:
  MPI_Comm comm_;
  std::string backend_ = "mpi";
  void* nccl_comm_ = nullptr;  // ncclComm_t when backend_ == "nccl"
};

}  // namespace neurhom
