#pragma once
// The data-driven dimension reduction of Chung, Leung, Pun, Zhang 2020, Sec. 3.1.3 and 4.5
// (Fig. 4, `-reduction learned`): a network of 1x1 convolutions over the time channels of the
// raw source, pre-trained to predict the coarse solution; an intermediate layer is the stage's
// input F_1. The figure gives no sizes; ours:
//
//   F_0      the source f(t_n, x) of eq. (5) at the fine cell centres, n = 1..m_0 as channels
//            [B, m_0, n_h, n_h] (generated from each sample's seed, never stored)
//   A        conv 1x1 (m_0 -> c, ReLU) -> conv 1x1 (c -> m_0) -> max pool (size = stride =
//            H/h) -> [B, m_0, N]  =: D(F_0), the stage input (r_0 = N = 100 coarse cells)
//            -> flatten -> dense (m_0 N -> dim V_ms)  the pre-training head
//   pre-training   L1 loss against u_H = (R'R)^{-1} R' u_h(T) (the paper pre-trains on u_h;
//            we do not store u_h, and the stage predicts u_H anyway), Adam 1e-3 -> 1e-4,
//            global batch 32, data-parallel through the Trainer; then A is frozen.
// PETSc-free (the source comes from coef/).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace neurhom {

struct SourceGrid {
  int fine_n = 100;   // fine cells per side
  int pool = 10;      // H/h
  int steps = 31;     // m_0
  double final_time = 3.14159265358979323846;
};

// F_0 of eq. (5) for each seed: [seeds, steps, fine_n, fine_n] float32, t_n = n T / steps.
torch::Tensor paper_source_grid(const std::vector<std::int64_t>& seeds, const SourceGrid& grid);

class LearnedReductionImpl : public torch::nn::Module {
 public:
  LearnedReductionImpl(int steps, int channels, int pool, int cells, int outputs, std::uint64_t seed);
  torch::Tensor reduce(const torch::Tensor& f0);   // [B, m_0, n_h, n_h] -> [B, m_0, N]
  torch::Tensor forward(const torch::Tensor& f0);  // the pre-training prediction [B, outputs]

 private:
  int pool_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(LearnedReduction);

// D(F_0) for all rows, in chunks of `chunk` samples (no gradients): [rows, m_0, N] float64.
torch::Tensor learned_inputs(LearnedReduction& net, const torch::Tensor& sample_seeds, const SourceGrid& grid,
                             std::int64_t chunk = 64);

}  // namespace neurhom
