#include "neurhom/nn/gradient_reducer.hpp"

#include <string>
#include <utility>
#include <vector>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/nn/distributed.hpp"

#ifdef NEURHOM_WITH_NCCL
#include <c10/cuda/CUDAStream.h>
#include <nccl.h>
#endif

namespace neurhom {

bool nccl_available() {
#ifdef NEURHOM_WITH_NCCL
  return true;
#else
  return false;
#endif
}

int local_rank(MPI_Comm comm) { return node_ranks(comm).rank; }

#ifdef NEURHOM_WITH_NCCL
namespace {

void nccl_check(ncclResult_t status, const char* what) {
  if (status != ncclSuccess) throw LocalError(std::string(what) + " failed: " + ncclGetErrorString(status));
}

}  // namespace
#endif

GradientReducer::GradientReducer(MPI_Comm comm, const torch::Device& device) : comm_(comm) {
  if (!device.is_cuda() || !nccl_available()) return;
#ifdef NEURHOM_WITH_NCCL
  const int on_node = node_ranks(comm).size, gpus = static_cast<int>(torch::cuda::device_count());
  require(on_node <= gpus, "-device cuda: " + std::to_string(on_node) + " ranks on this node share " +
                               std::to_string(gpus) + " GPU(s); NCCL needs one GPU per rank (start one rank per GPU)");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  ncclUniqueId id;
  if (rank == 0) nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, comm);
  ncclComm_t nc = nullptr;
  nccl_check(ncclCommInitRank(&nc, size, id, rank), "ncclCommInitRank");
  nccl_comm_ = nc;
  backend_ = "nccl";
#endif
}

GradientReducer::~GradientReducer() {
#ifdef NEURHOM_WITH_NCCL
  if (nccl_comm_) ncclCommDestroy(static_cast<ncclComm_t>(nccl_comm_));
#endif
}

void GradientReducer::broadcast_parameters(torch::nn::Module& module) {
  if (backend_ == "mpi") return neurhom::broadcast_parameters(module, comm_);
#ifdef NEURHOM_WITH_NCCL
  const std::vector<torch::Tensor> params = module.parameters();
  if (params.empty()) return;
  torch::Tensor buffer = flatten_tensors(params, params.front().device());
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream().stream();
  const ncclDataType_t type = buffer.scalar_type() == torch::kFloat64 ? ncclDouble : ncclFloat;
  nccl_check(ncclBroadcast(buffer.data_ptr(), buffer.data_ptr(), static_cast<size_t>(buffer.numel()), type, 0, static_cast<ncclComm_t>(nccl_comm_), stream),
             "ncclBroadcast of the model parameters");
  unflatten_tensors(buffer, params);
#endif
}

void GradientReducer::allreduce_gradients(torch::nn::Module& module) {
  if (backend_ == "mpi") return neurhom::allreduce_gradients(module, comm_);
#ifdef NEURHOM_WITH_NCCL
  const std::vector<torch::Tensor> grads = gradients_of(module);
  if (grads.empty()) return;
  torch::Tensor buffer = flatten_tensors(grads, grads.front().device());
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream().stream();
  const ncclDataType_t type = buffer.scalar_type() == torch::kFloat64 ? ncclDouble : ncclFloat;
  nccl_check(ncclAllReduce(buffer.data_ptr(), buffer.data_ptr(), static_cast<size_t>(buffer.numel()), type, ncclSum, static_cast<ncclComm_t>(nccl_comm_), stream),
             "ncclAllReduce of the gradients");
  unflatten_tensors(buffer, grads);
#endif
}

}  // namespace neurhom
