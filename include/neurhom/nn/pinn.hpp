#pragma once
// Tools for physics-informed networks (PETSc-free), after Leung, Lin, Zhang 2021, eq. (3):
//
//   min_beta  w_1 / N_f sum_i |L(F_beta(p_i)) - f(p_i)|^2  +  w_2 / N_b sum_i |B(F_beta(q_i)) - b(q_i)|^2
//             (+ w_3 / N_o sum_i |initial or periodic residual|^2),   w_1 + w_2 (+ w_3) = 1,
//
// with F_beta a tanh MLP, p_i interior and q_i boundary collocation points. The pieces:
//   tanh_mlp       widths n_0 - n_1 - ... - n_L, tanh after every layer but the last, Glorot
//                  (Xavier) normal weights N(0, 2 / (fan_in + fan_out)), zero biases, float64
//   collocation    tensor-product grids of a box (all points, interior, boundary), periodic
//                  pairs on opposite faces, and with_grad() to make points autograd leaves
//   derivatives    gradient(u, x) = du/dx, laplacian(u, x) = sum_j d2u/dx_j2, divergence(v, x),
//                  by torch::autograd::grad with create_graph, so a loss built from them is
//                  differentiated again by backward() (second derivatives of the network)
//   weighted_mse   the weighted sum of mean squared residuals above, checking w > 0, sum w = 1
//   DirichletAnsatz  u = 0 on a box imposed exactly instead of by a loss term (Lagaris, Likas,
//                  Fotiadis 1998): u(x) = s B(x) N(x), B(x) = prod_j 4 (x_j - lo_j)(hi_j - x_j) /
//                  (hi_j - lo_j)^2 (1 at the centre, 0 on the boundary), s a fixed output scale
//   PeriodicFeatures  an exactly periodic input layer: y_j -> sin(2 pi k y_j / L_j), cos(2 pi k
//                  y_j / L_j), k = 1..K, for the periodic inputs (others pass through), so that
//                  F(y + L_j e_j) = F(y) holds to round-off and a periodicity loss term is not
//                  needed (cell problems; e.g. Lu, Meng, Mao, Karniadakis 2021, DeepXDE's
//                  periodic feature layer)
//   fit_linear_drift  least squares d(y) ~ c + sum_j alpha_j y_j: the linear drift of a cell
//                  PINN (chi - chi_ref), which the cell equation cannot see (chi_j = -y_j solves it)
//   ErrorHistory   the error after every epoch; average_last(500) is the figure the paper
//                  reports ("the average of the last 500 epochs")
// Training is the generic Trainer with a FullBatch data source (nn/trainer.hpp): its step
// callback evaluates the residuals on all collocation points and returns weighted_mse.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "neurhom/nn/mlp.hpp"

namespace neurhom {

// The Mlp of nn/mlp.hpp with tanh, Glorot normal weights from `seed`, float64.
Mlp tanh_mlp(const std::vector<std::int64_t>& widths, std::uint64_t seed);

// periods[j] > 0: input j is periodic with that period and becomes 2 K features; periods[j] == 0:
// input j passes through unchanged. Throws Error for K < 1, a negative period or no periodic input.
class PeriodicFeatures {
 public:
  PeriodicFeatures(std::vector<double> periods, int frequencies);
  torch::Tensor operator()(const torch::Tensor& x) const;  // [N, d] -> [N, width()], keeps the graph
  std::int64_t width() const;
  int frequencies() const { return k_; }

 private:
  std::vector<double> periods_;
  int k_;
};
// tanh_mlp(inputs -> hidden -> 1) behind PeriodicFeatures (the network's first width is the
// feature width; forward takes the raw points).
Mlp periodic_tanh_mlp(const PeriodicFeatures& features, const std::vector<std::int64_t>& hidden, std::uint64_t seed);

// Least-squares fit of values d_i ~ c + sum_j alpha_j x_ij over the rows of points [N, d]
// (float64): returns {c, alpha_0, ..., alpha_{d-1}}.
std::vector<double> fit_linear_drift(const torch::Tensor& points, const std::vector<double>& values);

// A box [lo_0, hi_0] x ... in d = box.size() dimensions with counts[j] >= 2 grid points
// (uniform, endpoints included) along dimension j. Points are rows [N, d], float64, x_0 fastest.
using Box = std::vector<std::pair<double, double>>;
torch::Tensor grid_points(const Box& box, const std::vector<int>& counts);
torch::Tensor interior_points(const Box& box, const std::vector<int>& counts);  // no boundary point
torch::Tensor boundary_points(const Box& box, const std::vector<int>& counts);  // every boundary point once
// The grid points on the face x_dim = lo (first) and their images on x_dim = hi (second).
std::pair<torch::Tensor, torch::Tensor> periodic_pairs(const Box& box, const std::vector<int>& counts, int dim);
// A copy of x that is an autograd leaf requiring gradients (residual points).
torch::Tensor with_grad(const torch::Tensor& x);

// u: [N] or [N, 1] computed from x: [N, d] (x requires grad). Results keep the graph.
torch::Tensor gradient(const torch::Tensor& u, const torch::Tensor& x);   // [N, d]
torch::Tensor divergence(const torch::Tensor& v, const torch::Tensor& x); // v: [N, d] -> [N]
torch::Tensor laplacian(const torch::Tensor& u, const torch::Tensor& x);  // [N]

// The network's solution u(x) with or without the exact Dirichlet condition above. A
// default-constructed ansatz is the identity u = N. Results keep the graph (x may require grad).
class DirichletAnsatz {
 public:
  DirichletAnsatz() = default;
  DirichletAnsatz(Box box, double scale);  // throws Error for an empty box or scale <= 0
  torch::Tensor operator()(Mlp& net, const torch::Tensor& x) const;  // [N]
  bool exact() const { return !box_.empty(); }
  double scale() const { return scale_; }

 private:
  Box box_;
  double scale_ = 1;
};

struct LossTerm {
  std::string name;
  double weight = 0;
  torch::Tensor residual;  // any shape; its mean square enters the loss
};
struct WeightedLoss {
  torch::Tensor total;
  std::vector<std::pair<std::string, double>> terms;  // name, mean square (unweighted)
};
// Throws Error unless every weight is positive and they sum to 1 (to 1e-12).
WeightedLoss weighted_mse(const std::vector<LossTerm>& terms);

// Mean of the last n values of v (all if fewer); 0 when empty.
double average_last(const std::vector<double>& v, size_t n);

class ErrorHistory {
 public:
  void push(double error) { values_.push_back(error); }
  // Mean of the last n values (all if fewer); 0 when empty.
  double average_last(size_t n) const { return neurhom::average_last(values_, n); }
  const std::vector<double>& values() const { return values_; }

 private:
  std::vector<double> values_;
};

}  // namespace neurhom
