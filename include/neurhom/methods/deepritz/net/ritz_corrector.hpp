#pragma once
// Deep Ritz LOD correctors (Elasmi, Krumbiegel, Maier 2024, Sec. 3.3-3.4), PETSc-free.
//
// One network per coarse node z, i.e. per coarse basis function Lambda = Lambda_z, trained
// for N_s coefficient parameters p_1..p_{N_s} at once on the node patch N^ell(supp Lambda)
// (n fine nodes, c fine cells; the patch data come from patch/ and lod/, see
// methods/deepritz/ritz_setting.hpp):
//
//   alpha_k(x_i) = m_i F_theta(x_i, p^_k)                     network function, eq. (13)
//       F_theta: (x1, x2, p^) -> R, tanh MLP, Glorot normal weights, zero biases; (x1, x2)
//       patch-local coordinates in [-1, 1]^2, p^ = the parameter normalized to [0, 1]; m_i = 1 at the free (interior) patch nodes and 0 on
//       the patch boundary: the localization of Def. 3.3 as a hard zero at the nodes (the
//       paper's bubble kappa x1 x2 (a - x1)(b - x2) and lodpinn's atan cut-off are only ever
//       evaluated at the nodes, where they equal m up to a smooth positive factor)
//   E_k = 1/2 alpha_k' S_k alpha_k - Lambda' S_k alpha_k        energy, eq. (14)
//       S_k = sum_c a_k(c) K_ref on the 4 nodes of fine cell c (the patch stiffness of
//       patch/apply_stiffness for p_k), applied per sample by a gather over the cell
//       connectivity: one block per p_k, never one (block-diagonal) matrix
//   R_k = I_H alpha_k at the patch's coarse nodes off the domain boundary (eq. 15, the rows
//       of QuasiInterpolation::constraint_matrix)
//   L(theta, mu) = 1/N_s sum_k E_k + 1/(N_s m) sum_{k,i} (mu_{k,i} R_{k,i})^2   eqs. (16)-(18)
//
// Training (Problem 3.8): min over theta, max over mu (the self-adaptive weights of SA-PINNs,
// one per constrained coarse node and sample, initialised U(0, 1)) with the generic Trainer:
// Adam on theta with lr0 * 0.9^(s / 1000) (continuous; the paper's lr0 = 1e-3, our default 1e-2), Adam on mu with its own rate and
// Direction::Ascent. Early stopping as in lodpinn: every log_every steps the energy and the
// mean square of R are logged; stop when the last 10 energies vary by less than `stagnation`
// (std / |mean|) and the mean interpolation residual is below `interpolation_tol`.
// The minimizer is alpha_k = Q_k Lambda, the nodal LOD corrector of Lambda for a(p_k); the
// corrected basis function is Lambda - alpha_k (eq. 20).
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "neurhom/nn/mlp.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

struct RitzProblem {
  torch::Tensor coordinates;       // [n, 2] network input coordinates of the fine nodes
  torch::Tensor free_mask;         // [n] 1 at free nodes, 0 on the patch boundary
  torch::Tensor cell_nodes;        // [c, 4] int64 patch node indices of each fine cell (Q1 order)
  torch::Tensor cell_coefficient;  // [N_s, c] a(p_k) / scale on the fine cells
  torch::Tensor parameters;        // [N_s] normalized parameters p^_k
  torch::Tensor basis;             // [n] Lambda at the fine nodes
  torch::Tensor interpolation;     // [m, n] rows of I_H (constrained coarse nodes)

  std::int64_t nodes() const { return coordinates.size(0); }
  std::int64_t samples() const { return cell_coefficient.size(0); }
  std::int64_t constraints() const { return interpolation.size(0); }
  void validate() const;                     // throws Error on inconsistent shapes
  RitzProblem to(torch::Dtype dtype) const;  // floating tensors converted, indices kept
};

// The reference stiffness K_ref of q1_element.hpp as a [4, 4] tensor.
torch::Tensor q1_reference_stiffness(torch::Dtype dtype);

// S alpha for every sample: alpha [N_s, n] -> [N_s, n] (for tests against patch/).
torch::Tensor ritz_stiffness_apply(const RitzProblem& problem, const torch::Tensor& alpha);
// E_k of eq. (14) for every sample: [N_s].
torch::Tensor ritz_energy(const RitzProblem& problem, const torch::Tensor& alpha);
// R = I_H alpha for every sample: [N_s, m].
torch::Tensor ritz_interpolation_residual(const RitzProblem& problem, const torch::Tensor& alpha);

class RitzNetImpl : public torch::nn::Module {
 public:
  // widths: 3 - hidden... - 1
  RitzNetImpl(const std::vector<std::int64_t>& widths, std::uint64_t seed, torch::Dtype dtype);
  // alpha [N_s, n] = free_mask * F(x_i, p^_k)
  torch::Tensor forward(const torch::Tensor& coordinates, const torch::Tensor& free_mask,
                        const torch::Tensor& parameters);
  torch::Tensor forward(const RitzProblem& p) { return forward(p.coordinates, p.free_mask, p.parameters); }
  Mlp& mlp() { return mlp_; }
  const std::vector<std::int64_t>& widths() const { return mlp_->widths(); }

 private:
  Mlp mlp_{nullptr};
};
TORCH_MODULE(RitzNet);

// "3-64-64-64-1" for the given hidden layers.
std::vector<std::int64_t> ritz_widths(const std::vector<std::int64_t>& hidden);

struct RitzTrainSettings {
  std::vector<std::int64_t> hidden{64, 64, 64};
  int steps = 3000;              // maximal Adam steps
  double lr = 1e-2, decay = 0.9;  // paper: 1e-3; 1e-2 converges faster at our step budgets (docs/deepritz.md)
  long long decay_steps = 1000;
  double lr_mu = 1e-2;           // Adam on the self-adaptive weights (same decay)
  std::uint64_t seed = 1;
  int threads = 0;  // intra-op threads per rank (0: cores / ranks per node)
  int log_every = 100;
  double stagnation = 1e-5;      // early stop: std/|mean| of the last 10 logged energies ...
  double interpolation_tol = 5e-6;  // ... and mean square of R below this (0 disables early stopping)
  torch::Dtype dtype = torch::kFloat32;
  void validate() const;
};

struct RitzLogEntry {
  int step = 0;
  double energy = 0, interpolation = 0, mu_mean = 0;
};

struct RitzTrainResult {
  double energy = 0;          // mean E_k at the end
  double interpolation = 0;   // mean square of R at the end
  int steps = 0;
  bool stopped_early = false;
  double seconds = 0;
  std::vector<RitzLogEntry> log;
  torch::Tensor mu;           // final self-adaptive weights [N_s, m]
};

// lodpinn's convergence test on a training log: the last 10 logged energies vary by less than
// `stagnation` (std / |mean|) and their mean interpolation residual is below
// `interpolation_tol` (never with interpolation_tol <= 0 or fewer than 10 entries).
bool ritz_converged(const std::vector<RitzLogEntry>& log, const RitzTrainSettings& settings);

// The generic Trainer set up for Problem 3.8 on MPI_COMM_SELF: full batch, `settings.steps`
// steps, Adam descent on theta and Adam ascent on mu with their decaying rates. theta/mu pick
// the tensors out of the module the Trainer optimizes (single or batched networks).
std::unique_ptr<Trainer> make_ritz_trainer(const RitzTrainSettings& settings, const std::string& name,
                                           std::shared_ptr<torch::nn::Module> module, const std::string& architecture,
                                           std::function<std::vector<torch::Tensor>(torch::nn::Module&)> theta,
                                           std::function<torch::Tensor(torch::nn::Module&)> mu);

// Trains `net` on `problem` (converted to settings.dtype) with the Trainer on MPI_COMM_SELF
// (the networks of different nodes are independent; deepritz/ distributes nodes over ranks).
RitzTrainResult train_ritz_corrector(RitzNet& net, const RitzProblem& problem, const RitzTrainSettings& settings);

// Flat copies of a network's parameters (float64), for gathering trained networks over ranks.
std::vector<double> flatten_parameters(torch::nn::Module& module);
void unflatten_parameters(torch::nn::Module& module, const std::vector<double>& values);  // throws Error on size mismatch

}  // namespace neurhom
