#include "neurhom/nn/distributed.hpp"

#include <vector>

#include "neurhom/core/error.hpp"

namespace neurhom {

torch::Tensor flatten_tensors(const std::vector<torch::Tensor>& tensors, const torch::Device& device) {
  std::vector<torch::Tensor> flat;
  flat.reserve(tensors.size());
  for (const auto& t : tensors) flat.push_back(t.detach().to(device, torch::kFloat32).reshape({-1}));
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
  if (MPI_Bcast(buffer.data_ptr<float>(), static_cast<int>(n), MPI_FLOAT, 0, comm) != MPI_SUCCESS)
    throw LocalError("MPI_Bcast of the model parameters failed");
  unflatten_tensors(buffer, params);
}

void allreduce_gradients(torch::nn::Module& module, MPI_Comm comm) {
  const std::vector<torch::Tensor> grads = gradients_of(module);
  if (grads.empty()) return;
  torch::Tensor buffer = flatten_tensors(grads, torch::kCPU);
  if (MPI_Allreduce(MPI_IN_PLACE, buffer.data_ptr<float>(), static_cast<int>(buffer.numel()), MPI_FLOAT, MPI_SUM,
                    comm) != MPI_SUCCESS)
    throw LocalError("MPI_Allreduce of the gradients failed");
  unflatten_tensors(buffer, grads);
}

}  // namespace neurhom
