#include "neurhom/nn/pinn.hpp"

#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "neurhom/core/constants.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

Mlp tanh_mlp(const std::vector<std::int64_t>& widths, std::uint64_t seed) {
  Mlp net(widths, Activation::Tanh);
  net->to(torch::kFloat64);
  net->reset_glorot_normal(seed);
  return net;
}

PeriodicFeatures::PeriodicFeatures(std::vector<double> periods, int frequencies)
    : periods_(std::move(periods)), k_(frequencies) {
  require(k_ >= 1, "periodic features: need at least one frequency (got " + std::to_string(k_) + ")");
  bool any = false;
  for (double L : periods_) {
    require(L >= 0 && std::isfinite(L), "periodic features: a period must be positive (0: not periodic)");
    any = any || L > 0;
  }
  require(any, "periodic features: no periodic input");
}

std::int64_t PeriodicFeatures::width() const {
  std::int64_t w = 0;
  for (double L : periods_) w += L > 0 ? 2 * k_ : 1;
  return w;
}

torch::Tensor PeriodicFeatures::operator()(const torch::Tensor& x) const {
  require(x.dim() == 2 && x.size(1) == static_cast<std::int64_t>(periods_.size()),
          "periodic features: expected points [N, " + std::to_string(periods_.size()) + "]");
  std::vector<torch::Tensor> columns;
  const torch::Tensor k = torch::arange(1, k_ + 1, x.options());
  for (size_t j = 0; j < periods_.size(); ++j) {
    const torch::Tensor xj = x.select(1, static_cast<std::int64_t>(j)).unsqueeze(1);
    if (periods_[j] == 0) {
      columns.push_back(xj);
      continue;
    }
    const torch::Tensor phase = xj * k * (2 * kPi / periods_[j]);
    columns.push_back(torch::sin(phase));
    columns.push_back(torch::cos(phase));
  }
  return torch::cat(columns, 1);
}

Mlp periodic_tanh_mlp(const PeriodicFeatures& features, const std::vector<std::int64_t>& hidden, std::uint64_t seed) {
  std::vector<std::int64_t> widths{features.width()};
  widths.insert(widths.end(), hidden.begin(), hidden.end());
  widths.push_back(1);
  Mlp net = tanh_mlp(widths, seed);
  net->set_input_map(features);
  return net;
}

std::vector<double> fit_linear_drift(const torch::Tensor& points, const std::vector<double>& values) {
  require(points.dim() == 2 && points.size(0) == static_cast<std::int64_t>(values.size()) &&
              points.size(0) > points.size(1),
          "linear drift fit: need more points than unknowns and one value per point");
  const torch::Tensor X = torch::cat({torch::ones({points.size(0), 1}, torch::kFloat64), points.to(torch::kFloat64)}, 1);
  const torch::Tensor d = torch::tensor(values, torch::kFloat64).unsqueeze(1);
  // normal equations in float64 on a [d+1, d+1] system (grid points: well conditioned)
  const torch::Tensor coef = torch::linalg::solve(X.t().mm(X), X.t().mm(d), true).squeeze(1).contiguous();
  return std::vector<double>(coef.data_ptr<double>(), coef.data_ptr<double>() + coef.numel());
}

DirichletAnsatz::DirichletAnsatz(Box box, double scale) : box_(std::move(box)), scale_(scale) {
  require(!box_.empty() && scale_ > 0 && std::isfinite(scale_), "Dirichlet ansatz: need a box and a positive scale");
  for (const auto& [lo, hi] : box_) require(hi > lo, "Dirichlet ansatz: empty box interval");
}

torch::Tensor DirichletAnsatz::operator()(Mlp& net, const torch::Tensor& x) const {
  torch::Tensor u = net->forward(x).squeeze(1);
  if (box_.empty()) return u;
  torch::Tensor bubble = torch::full_like(u, scale_);
  for (size_t j = 0; j < box_.size(); ++j) {
    const auto [lo, hi] = box_[j];
    const torch::Tensor xj = x.select(1, static_cast<std::int64_t>(j));
    bubble = bubble * (4.0 / ((hi - lo) * (hi - lo))) * (xj - lo) * (hi - xj);
  }
  return bubble * u;
}

namespace {

std::vector<torch::Tensor> axes(const Box& box, const std::vector<int>& counts) {
  require(!box.empty() && box.size() == counts.size(), "collocation: one point count per box dimension");
  std::vector<torch::Tensor> out;
  for (size_t j = 0; j < box.size(); ++j) {
    require(counts[j] >= 2 && box[j].second > box[j].first, "collocation: need >= 2 points on a non-empty interval");
    out.push_back(torch::linspace(box[j].first, box[j].second, counts[j], torch::kFloat64));
  }
  return out;
}

// All grid points (x_0 fastest) and, per point, whether it lies on the boundary.
std::pair<torch::Tensor, torch::Tensor> grid_with_boundary_mask(const Box& box, const std::vector<int>& counts) {
  auto ax = axes(box, counts);
  std::reverse(ax.begin(), ax.end());  // meshgrid "ij" with the last dimension slowest -> x_0 fastest
  auto mesh = torch::meshgrid(ax, "ij");
  std::reverse(mesh.begin(), mesh.end());
  std::vector<torch::Tensor> columns;
  torch::Tensor on_boundary = torch::zeros({mesh[0].numel()}, torch::kBool);
  for (size_t j = 0; j < mesh.size(); ++j) {
    const auto c = mesh[j].reshape({-1});
    columns.push_back(c);
    on_boundary = on_boundary.logical_or(c.eq(box[j].first)).logical_or(c.eq(box[j].second));
  }
  return {torch::stack(columns, 1), on_boundary};
}

}  // namespace

torch::Tensor grid_points(const Box& box, const std::vector<int>& counts) { return grid_with_boundary_mask(box, counts).first; }

torch::Tensor interior_points(const Box& box, const std::vector<int>& counts) {
  const auto [points, boundary] = grid_with_boundary_mask(box, counts);
  return points.index({boundary.logical_not()});
}

torch::Tensor boundary_points(const Box& box, const std::vector<int>& counts) {
  const auto [points, boundary] = grid_with_boundary_mask(box, counts);
  return points.index({boundary});
}

std::pair<torch::Tensor, torch::Tensor> periodic_pairs(const Box& box, const std::vector<int>& counts, int dim) {
  require(dim >= 0 && dim < static_cast<int>(box.size()), "periodic_pairs: no dimension " + std::to_string(dim));
  const auto points = grid_points(box, counts);
  const auto low = points.index({points.select(1, dim).eq(box[static_cast<size_t>(dim)].first)});
  auto high = low.clone();
  high.select(1, dim).fill_(box[static_cast<size_t>(dim)].second);
  return {low, high};
}

torch::Tensor with_grad(const torch::Tensor& x) { return x.detach().clone().requires_grad_(true); }

torch::Tensor gradient(const torch::Tensor& u, const torch::Tensor& x) {
  return torch::autograd::grad({u}, {x}, {torch::ones_like(u)}, /*retain_graph=*/true, /*create_graph=*/true)[0];
}

torch::Tensor divergence(const torch::Tensor& v, const torch::Tensor& x) {
  torch::Tensor div = torch::zeros({v.size(0)}, v.options());
  for (std::int64_t j = 0; j < v.size(1); ++j) div = div + gradient(v.select(1, j), x).select(1, j);
  return div;
}

torch::Tensor laplacian(const torch::Tensor& u, const torch::Tensor& x) { return divergence(gradient(u, x), x); }

WeightedLoss weighted_mse(const std::vector<LossTerm>& terms) {
  require(!terms.empty(), "a loss needs at least one term");
  double sum = 0;
  for (const auto& t : terms) {
    require(t.weight > 0, "loss weight of '" + t.name + "' must be positive");
    sum += t.weight;
  }
  require(std::abs(sum - 1.0) <= 1e-12, "loss weights must sum to 1 (got " + std::to_string(sum) + ")");
  WeightedLoss out;
  for (const auto& t : terms) {
    const torch::Tensor mse = t.residual.pow(2).mean();
    out.total = out.total.defined() ? out.total + t.weight * mse : t.weight * mse;
    out.terms.emplace_back(t.name, mse.item<double>());
  }
  return out;
}

double average_last(const std::vector<double>& v, size_t n) {
  if (v.empty()) return 0;
  const size_t k = std::min(n, v.size());
  return std::accumulate(v.end() - static_cast<long>(k), v.end(), 0.0) / static_cast<double>(k);
}

}  // namespace neurhom
