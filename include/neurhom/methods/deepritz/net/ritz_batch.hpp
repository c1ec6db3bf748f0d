#pragma once
// The Deep Ritz node networks of one rank trained together as one batched model (issue 28):
// the same B independent problems as methods/deepritz/net/ritz_corrector.hpp, with stacked
// weights so that every layer is one batched GEMM over all nodes instead of B small ones.
//
//   node b = 1..B: problem P_b (n_b fine nodes, c_b cells, m_b constraints), network F_b
//   padded     P_b is padded to the common sizes n, c, m of the whole mesh (node_patch_sizes:
//              the largest node patch, so the shapes do not depend on how nodes are split
//              over ranks): padded nodes have mask 0 and coordinates 0, padded cells
//              coefficient 0 (no energy), padded I_H rows are zero (no residual, so their mu
//              get zero gradients and Adam leaves them at their initial value)
//   layer l    h_l = tanh(h_{l-1} W_l + b_l) with W_l [B, in, out], b_l [B, 1, out]: one bmm
//   loss       L = sum_b L_b(theta_b, mu_b), L_b the single-network loss of eqs. (16)-(18)
//              with its own 1/(N_s m_b): the gradient w.r.t. theta_b is the gradient of L_b
//              alone, and Adam acts elementwise, so every node follows the same trajectory as
//              when trained alone (same seeds, same schedule; tested against
//              train_ritz_corrector)
//   stopping   lodpinn's criterion per node (ritz_corrector.hpp); a node that meets it has its
//              parameters frozen as a snapshot at that step (the result of training it alone),
//              the batch stops when every node has stopped or at the step budget
// Float32 (default) or float64 as the single-network training.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "neurhom/methods/deepritz/net/ritz_corrector.hpp"

namespace neurhom {

// Padded sizes (nodes, cells, constraints) common to all problems of a batch.
struct RitzPadding {
  std::int64_t nodes = 0, cells = 0, constraints = 0;
  static RitzPadding of(const std::vector<RitzProblem>& problems);  // the largest of each
  void include(const RitzPadding& other);                           // elementwise max
};

struct RitzBatchResult {
  std::vector<RitzTrainResult> nodes;  // per node: energy, residual, steps (stop step), mu; seconds = the batch's
  double seconds = 0;
  long long steps = 0;                 // steps of the batch (the largest per-node step count)
};

// Trains nets[b] on problems[b] for all b together (nets are updated in place); seeds[b] seeds
// mu_b as train_ritz_corrector does with settings.seed = seeds[b]. padding: at least the
// problems' sizes (pass the mesh-wide sizes for rank-independent shapes).
RitzBatchResult train_ritz_batch(std::vector<RitzNet>& nets, const std::vector<RitzProblem>& problems,
                                 const std::vector<std::uint64_t>& seeds, const RitzTrainSettings& settings,
                                 const RitzPadding& padding);

}  // namespace neurhom
