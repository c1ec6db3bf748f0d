#include "neurhom/nn/distributed.hpp"

#include <vector>

#include "neurhom/core/error.hpp"

namespace neurhom {

MPI_Datatype mpi_type_of(const torch::Tensor& buffer) {
  return buffer.scalar_type() == torch::kFloat64 ? MPI_DOUBLE : MPI_FLOAT;
}

torch::Tensor flatten_tensors(const std::vector<torch::Tensor>& tensors, const torch::Device& device) {
  // float64 models (the PINNs) keep float64 buffers; everything else communicates float32.
  torch::ScalarType type = torch::kFloat32;
  for (const auto& t : tensors)
    if (t.scalar_type() == torch::kFloat64) type = torch::kFloat64;
  std::vector<torch::Tensor> flat;
  flat.reserve(tensors.size());
  for (const auto& t : tensors) flat.push_back(t.detach().to(device, type).reshape({-1}));
  return torch::cat(flat).contiguous();
}

std::vector<torch::Tensor> gradients_of(torch::nn::Module& module) {
  std::vector<torch::Tensor> grads;
  for (auto& p : module.parameters()) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  return grads;
}

void unflatten_tensors(const torch::Tensor& buffer, const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    const std::int64_t n = t.numel();
    t.copy_(buffer.slice(0, offset, offset + n).view(t.sizes()));
    offset += n;
  }
}

void broadcast_parameters(torch::nn::Module& module, MPI_Comm comm) {
  const std::vector<torch::Tensor> params = module.parameters();
  if (params.empty()) return;
  torch::Tensor buffer = flatten_tensors(params, torch::kCPU);
  const long long n = buffer.numel();
  if (MPI_Bcast(buffer.data_ptr(), static_cast<int>(n), mpi_type_of(buffer), 0, comm) != MPI_SUCCESS)
    throw LocalError("MPI_Bcast of the model parameters failed");
  unflatten_tensors(buffer, params);
}

void allreduce_gradients(torch::nn::Module& module, MPI_Comm comm) {
  const std::vector<torch::Tensor> grads = gradients_of(module);
  if (grads.empty()) return;
  torch::Tensor buffer = flatten_tensors(grads, torch::kCPU);
  if (MPI_Allreduce(MPI_IN_PLACE, buffer.data_ptr(), static_cast<int>(buffer.numel()), mpi_type_of(buffer), MPI_SUM,
                    comm) != MPI_SUCCESS)
    throw LocalError("MPI_Allreduce of the gradients failed");
  unflatten_tensors(buffer, grads);
}

}  // namespace neurhom
