#pragma once
// The multi-stage networks of Chung, Leung, Pun, Zhang 2020 (Sec. 3, Fig. 1-2, eq. of Sec. 4.2):
//
//   stage 1:   u_{H,s1}   = G_1(M_1(D_1(F_0)))
//   stage k:   u^c_{H,sk} = C_k(u^c_{H,s(k-1)}, G_k(M_k(D_k(F_0))))          k >= 2
//
// D_k (dimension reduction) is not part of the network: its output F_1 in R^{m_0 x r_0} is
// read from the dataset (methods/multistage/net/multistage_data.hpp; cem-all r_0 = 300, cem-mode-k and pool
// r_0 = 100). One stage (MultistageStageImpl, `time` kind) maps F_1 -> R^N:
//
//   normalize   x = (F_1 - mean) / std                  (per column, training statistics, buffers)
//   M_k         multi-head attention over the m_0 = 31 time tokens (Vaswani et al. 2017),
//               h = 6 heads of width r_1:  Q = x W_Q + b_Q, K = x W_K + b_K, V = x W_V + b_V
//               (each r_0 -> h r_1), head j: softmax(Q_j K_j' / sqrt(r_1)) V_j, the heads
//               concatenated and mapped by W_O + b_O (h r_1 -> r_1)   -> [m_0, r_1];
//               then the m_0 tokens are averaged to m_1 tokens by adaptive average pooling
//               over time (windows [floor(i m_0/m_1), ceil((i+1) m_0/m_1)), no parameters)
//   G_k         one fully connected layer R^{m_1 r_1} -> R^N (m_1 r_1 = 300 in all five
//               variants of the paper)
//   C_k         u^c_k = u^c_{k-1} + W_C g_k + b_C with W_C in R^{N x N}: the combination is
//               a learned linear correction of the previous prediction (the "linear
//               combination of sub-solutions" the paper motivates C_k with). W_C and b_C start
//               at zero, so stage k starts exactly at stage k-1's prediction.
//
// Parameters per stage: 3 (r_0 6 r_1 + 6 r_1) + 6 r_1^2 + r_1 + (m_1 r_1 N + N) [+ N^2 + N]
// = 18 r_0 r_1 + 19 r_1 + 6 r_1^2 + 90,300 [+ 90,300]; with C_k exactly the counts of the
// paper's Table 5 (235,390 ... 348,570 for r_0 = 300, 199,390 ... 240,570 for r_0 = 100).
// The paper says C_k "concatenates" both predictions; a dense map of the concatenation
// R^600 -> R^300 would have 180,300 parameters and the counts of Table 5 would not come out,
// so we read the 180,600 of Table 5 as G_k plus one N x N layer and use that layer as above.
// The literal reading is the option combine = concat (time kind): u^c_k = W_C [u^c_{k-1}; g_k]
// + b_C, W_C in R^{N x 2N} (2 N^2 + N parameters), Glorot-initialised, no skip.
// normalize = 0 switches the input normalization off (mean 0, std 1): a baseline.
// torch::nn::MultiheadAttention cannot produce these shapes (its heads split embed_dim =
// r_0, and its output has width r_0), hence the attention is written here.
//
// Steady kind (Sec. 5, N = coarse cells): no attention; G_k is a two-layer fully connected
// network r_0 -> w -> N with ReLU, C_k two fully connected layers on the concatenation,
// u^c_k = u^c_{k-1} + FC(ReLU(FC([u^c_{k-1}, g_k]))) with the last layer zero-initialised.
//
// Targets are learned in units of `target_scale` (the mean absolute training target, a
// buffer of the network), so the L1 loss is O(1); predict() returns physical units.
// target_basis = mass (time kind): the network learns y = c L instead of the CEM coefficients
// c (rows), with R'MR = L L' (the dataset's /time/coarse_mass), i.e. the coefficients in an
// M-orthonormal basis of V_ms: ||y||_2 = ||R c||_L2, so the L1 loss weighs the solution, not
// the basis scaling; predict() maps back, c = y L^{-1} (buffers target_map, target_map_inverse).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/methods/multistage/net/learned_reduction.hpp"

namespace neurhom {

struct MultistageArch {
  std::string kind = "time";              // time (Sec. 4) or steady (Sec. 5)
  std::string problem = "linear";         // linear, nonlinear, steady (what the data holds)
  int m0 = 31, m1 = 30, r1 = 10, heads = 6;
  int outputs = 300;                      // N: dim V_ms (time) or coarse cells (steady)
  int hidden = 256;                       // steady G_k / C_k hidden width
  int learned_channels = 16, learned_pool = 10;  // `learned` reduction (methods/multistage/net/learned_reduction.hpp)
  std::string combine = "residual";       // C_k (time): residual (u_{k-1} + W g + b) or concat (W [u_{k-1}; g] + b)
  bool normalize = true;                  // per-column input normalization
  std::string target_basis = "cem";       // cem (the CEM coefficients) or mass (M-orthonormal, see above)
  std::vector<std::string> reductions;    // D_k per stage
  std::vector<int> r0;                    // input width per stage

  int stages() const { return static_cast<int>(reductions.size()); }
  bool uses_learned() const;                    // some stage reads the learned reduction
  std::string to_string() const;                        // the checkpoint's architecture string
  static MultistageArch from_string(const std::string& text);  // throws Error
  void validate() const;                                // throws Error naming the bad value
};

class MultistageStageImpl : public torch::nn::Module {
 public:
  MultistageStageImpl(const MultistageArch& arch, int stage, std::uint64_t seed);
  // x: [B, m_0, r_0] (time) or [B, r_0] (steady), unnormalized; previous: [B, N] in target
  // units (undefined for stage 1). Returns the stage's prediction in target units.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& previous);
  // Sets the input normalization from the training inputs of this stage.
  void set_normalization(const torch::Tensor& inputs);
  bool combines() const { return stage_ > 0; }

 private:
  torch::Tensor attention(const torch::Tensor& x);  // [B, m_0, r_0] -> [B, m_1 r_1]

  MultistageArch arch_;
  int stage_;
  torch::Tensor mean_, std_;
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, o_{nullptr};
  torch::nn::Linear g_{nullptr}, g2_{nullptr};  // G_k (g2_: steady second layer)
  torch::nn::Linear c_{nullptr}, c2_{nullptr};  // C_k (c2_: steady second layer)
};
TORCH_MODULE(MultistageStage);

class MultistageNetImpl : public torch::nn::Module {
 public:
  MultistageNetImpl(MultistageArch arch, std::uint64_t seed);
  const MultistageArch& arch() const { return arch_; }
  MultistageStage& stage(int k) { return stages_.at(static_cast<size_t>(k)); }
  int stages() const { return arch_.stages(); }

  // Predictions of stages 0..upto (inclusive) in target units: inputs[k] is stage k's input.
  std::vector<torch::Tensor> forward_stages(const std::vector<torch::Tensor>& inputs, int upto);
  // The same in physical units (no gradients).
  std::vector<torch::Tensor> predict(const std::vector<torch::Tensor>& inputs);

  torch::Tensor target_scale() const { return target_scale_; }
  // The pre-trained network of the `learned` reduction (null unless arch().uses_learned()).
  LearnedReduction& reducer() { return reducer_; }
  void set_target_scale(double scale);
  // target_basis mass: L with R'MR = L L' (float64 [N, N]); sets target_map and its inverse.
  void set_target_map(const torch::Tensor& lower);
  // Physical targets (CEM coefficients, rows) -> the learned basis (c L, or c itself).
  torch::Tensor to_learned_basis(const torch::Tensor& coefficients) const;
  // Freezes every stage but k (requires_grad false); stage k trainable.
  void train_only_stage(int k);

 private:
  MultistageArch arch_;
  std::vector<MultistageStage> stages_;
  LearnedReduction reducer_{nullptr};
  torch::Tensor target_scale_;
  torch::Tensor target_map_, target_map_inverse_;  // target_basis mass only
};
TORCH_MODULE(MultistageNet);

// Parameters of one stage (with C_k when stage >= 1): the formula of the header comment.
std::int64_t multistage_stage_parameters(const MultistageArch& arch, int stage);

// Mean relative l2 error of eq. (7): mean over rows of ||pred - target||_2 / ||target||_2.
double mean_relative_l2(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace neurhom
