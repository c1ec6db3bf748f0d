#pragma once
// Data-parallel training across MPI ranks: every rank holds a replica of the model, starts
// from rank 0's weights (broadcast_parameters) and, after each backward pass, replaces its
// gradients by their sum over the ranks with ONE MPI_Allreduce on a flattened float32
// buffer (allreduce_gradients). Each rank's loss is its partial sum divided by the GLOBAL
// batch size, so the summed gradient is exactly the gradient of the full-batch mean: 2 ranks
// with a split batch take the same steps as 1 rank with the whole batch.
// Tensors on a GPU are staged through host memory (MPI is not assumed to be CUDA-aware);
// the trainer goes through GradientReducer, which uses NCCL instead where built.
#include <mpi.h>
#include <torch/torch.h>

#include <vector>

namespace neurhom {

void broadcast_parameters(torch::nn::Module& module, MPI_Comm comm);
// Helpers shared with GradientReducer: the tensors as one contiguous float32 buffer on
// `device` and back; the module's gradients (zeros where undefined).
// One contiguous buffer of all tensors: float64 if any tensor is float64, else float32.
torch::Tensor flatten_tensors(const std::vector<torch::Tensor>& tensors, const torch::Device& device);
MPI_Datatype mpi_type_of(const torch::Tensor& buffer);  // MPI_DOUBLE or MPI_FLOAT
void unflatten_tensors(const torch::Tensor& buffer, const std::vector<torch::Tensor>& tensors);
std::vector<torch::Tensor> gradients_of(torch::nn::Module& module);
void allreduce_gradients(torch::nn::Module& module, MPI_Comm comm);

}  // namespace neurhom
