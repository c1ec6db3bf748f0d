#include "neurhom/nn/distributed.hpp"

#include <vector>

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

// Concatenates the tensors into one contiguous float32 CPU buffer and back.
torch::Tensor flatten(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> flat;
  flat.reserve(tensors.size());
  for (const auto& t : tensors) flat.push_back(t.detach().to(torch::kCPU, torch::kFloat32).reshape({-1}));
  return torch::cat(flat).contiguous();
}

void unflatten(const torch::Tensor& buffer, const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    const std::int64_t n = t.numel();
    t.copy_(buffer.slice(0, offset, offset + n).view(t.sizes()));
    offset += n;
  }
}

}  // namespace

void broadcast_parameters(torch::nn::Module& module, MPI_Comm comm) {
  const std::vector<torch::Tensor> params = module.parameters();
  if (params.empty()) return;
  torch::Tensor buffer = flatten(params);
  const long long n = buffer.numel();
  if (MPI_Bcast(buffer.data_ptr<float>(), static_cast<int>(n), MPI_FLOAT, 0, comm) != MPI_SUCCESS)
    throw LocalError("MPI_Bcast of the model parameters failed");
  unflatten(buffer, params);
}

void allreduce_gradients(torch::nn::Module& module, MPI_Comm comm) {
  std::vector<torch::Tensor> grads;
  for (auto& p : module.parameters()) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  if (grads.empty()) return;
  torch::Tensor buffer = flatten(grads);
  if (MPI_Allreduce(MPI_IN_PLACE, buffer.data_ptr<float>(), static_cast<int>(buffer.numel()), MPI_FLOAT, MPI_SUM,
                    comm) != MPI_SUCCESS)
    throw LocalError("MPI_Allreduce of the gradients failed");
  unflatten(buffer, grads);
}

}  // namespace neurhom
