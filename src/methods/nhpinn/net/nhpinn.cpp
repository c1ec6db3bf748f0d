#include "neurhom/methods/nhpinn/net/nhpinn.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"

namespace neurhom {

namespace {

constexpr double kFd = 1e-6;

using Fn2 = std::function<double(double, double)>;
using Fn1 = std::function<double(double)>;

torch::Tensor values_of(const Fn2& f, const torch::Tensor& p) {
  const auto a = p.accessor<double, 2>();
  torch::Tensor out = torch::empty({p.size(0)}, torch::kFloat64);
  for (std::int64_t i = 0; i < p.size(0); ++i) out[i] = f(a[i][0], a[i][1]);
  return out;
}

torch::Tensor values_of(const Fn1& f, const torch::Tensor& p) {  // p: [N, >=1], uses column 0
  const auto a = p.accessor<double, 2>();
  torch::Tensor out = torch::empty({p.size(0)}, torch::kFloat64);
  for (std::int64_t i = 0; i < p.size(0); ++i) out[i] = f(a[i][0]);
  return out;
}

// Central-difference gradient of f at the rows of p: [N, 2].
torch::Tensor gradient_fd(const Fn2& f, const torch::Tensor& p) {
  const auto a = p.accessor<double, 2>();
  torch::Tensor out = torch::empty({p.size(0), 2}, torch::kFloat64);
  for (std::int64_t i = 0; i < p.size(0); ++i) {
    const double x = a[i][0], y = a[i][1];
    out[i][0] = (f(x + kFd, y) - f(x - kFd, y)) / (2 * kFd);
    out[i][1] = (f(x, y + kFd) - f(x, y - kFd)) / (2 * kFd);
  }
  return out;
}

// Partial objective of this rank: w * sum(r^2) / global count.
torch::Tensor term(double weight, const torch::Tensor& residual, std::int64_t global_count) {
  return weight * residual.pow(2).sum() / static_cast<double>(global_count);
}

std::int64_t global_rows(const torch::Tensor& local, MPI_Comm comm) {
  long long n = local.size(0);
  MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_LONG_LONG, MPI_SUM, comm);
  return n;
}

std::vector<std::int64_t> widths_for(int inputs, const PinnSettings& s) {
  std::vector<std::int64_t> w{inputs};
  w.insert(w.end(), s.hidden.begin(), s.hidden.end());
  w.push_back(1);
  return w;
}

// The periodic images tied by the oversampling layers along dimension `dim` of the box
// [0, L]^d grid with spacing h: points q outside (first) and their images inside (second).
std::pair<torch::Tensor, torch::Tensor> oversampling_pairs(const torch::Tensor& face_low, int dim, double L, double h,
                                                           int layers) {
  std::vector<torch::Tensor> outside, inside;
  for (int k = 1; k <= layers; ++k) {
    torch::Tensor q = face_low.clone(), p = face_low.clone();
    q.select(1, dim).fill_(-k * h);
    p.select(1, dim).fill_(L - k * h);
    outside.push_back(q);
    inside.push_back(p);
    torch::Tensor q2 = face_low.clone(), p2 = face_low.clone();
    q2.select(1, dim).fill_(L + k * h);
    p2.select(1, dim).fill_(k * h);
    outside.push_back(q2);
    inside.push_back(p2);
  }
  return {torch::cat(outside), torch::cat(inside)};
}

// Periodic + oversampling loss terms of a cell network along `dims` of the box [0, L]^d
// sampled on `counts` points per dimension.
struct PeriodicTerms {
  torch::Tensor low, high, out, in;  // local rows
  std::int64_t pairs = 0, over = 0;  // global counts
};
PeriodicTerms periodic_terms(const Box& box, const std::vector<int>& counts, const std::vector<int>& dims, int layers,
                             MPI_Comm comm) {
  std::vector<torch::Tensor> lows, highs, outs, ins;
  for (int dim : dims) {
    auto [low, high] = periodic_pairs(box, counts, dim);
    lows.push_back(low);
    highs.push_back(high);
    if (layers > 0) {
      const double L = box[static_cast<size_t>(dim)].second - box[static_cast<size_t>(dim)].first;
      const double h = L / (counts[static_cast<size_t>(dim)] - 1);
      auto [q, p] = oversampling_pairs(low, dim, L, h, layers);
      outs.push_back(q);
      ins.push_back(p);
    }
  }
  PeriodicTerms t;
  t.low = local_rows(torch::cat(lows), comm);
  t.high = local_rows(torch::cat(highs), comm);
  t.pairs = global_rows(t.low, comm);
  if (layers > 0) {
    t.out = local_rows(torch::cat(outs), comm);
    t.in = local_rows(torch::cat(ins), comm);
    t.over = global_rows(t.out, comm);
  }
  return t;
}

torch::Tensor periodic_loss(Mlp& net, const PeriodicTerms& t, double w_pairs, double w_over) {
  torch::Tensor loss = term(w_pairs, net->forward(t.low) - net->forward(t.high), t.pairs);
  if (t.over > 0) loss = loss + term(w_over, net->forward(t.out) - net->forward(t.in), t.over);
  return loss;
}

// A cell network: the paper's tanh MLP on the raw point, or behind the periodic input layer
// (setup.periodic_features > 0) with the periods of the inputs (0: not periodic).
Mlp cell_network(const std::vector<double>& periods, const CellPinnSetup& setup, const PinnSettings& s,
                 std::uint64_t seed) {
  if (setup.periodic_features == 0) return tanh_mlp(widths_for(static_cast<int>(periods.size()), s), seed);
  return periodic_tanh_mlp(PeriodicFeatures(periods, setup.periodic_features), s.hidden, seed);
}

// The cell objective: w_1 |residual|^2 + the periodicity terms (w_2 pairs, w_3 oversampling), or
// the residual alone when the network is periodic by construction.
torch::Tensor cell_objective(Mlp& net, const CellPinnSetup& setup, const torch::Tensor& residual,
                             std::int64_t count, const PeriodicTerms& periodic) {
  if (setup.periodic_features > 0) return term(1.0, residual, count);
  const auto w = setup.loss_weights();
  return term(w[0], residual, count) + periodic_loss(net, periodic, w[1], w[2]);
}

// Interior residual points (autograd leaves) and boundary points of a box, this rank's share.
struct BoxPoints {
  torch::Tensor interior, boundary;
  std::int64_t interior_count = 0, boundary_count = 0;  // global
};
BoxPoints box_points(const Box& box, const std::vector<int>& counts, MPI_Comm comm) {
  BoxPoints b;
  b.interior = with_grad(local_rows(interior_points(box, counts), comm));
  b.boundary = local_rows(boundary_points(box, counts), comm);
  b.interior_count = global_rows(b.interior, comm);
  b.boundary_count = global_rows(b.boundary, comm);
  return b;
}

// The (x, t) grid of the diffusion-reaction case: residual points, the sides x = x_0, x_1
// and the initial line t = 0 (without its corners), this rank's share.
struct SpaceTimePoints {
  torch::Tensor interior, sides, initial;
  std::int64_t interior_count = 0, side_count = 0, initial_count = 0;
};
SpaceTimePoints space_time_points(const HomogenizationCase& c, const HomogenizedPinnSetup& setup, MPI_Comm comm) {
  const torch::Tensor all = grid_points({{c.x0, c.x1}, {0.0, c.final_time}}, {setup.n, setup.nt});
  const torch::Tensor x = all.select(1, 0), t = all.select(1, 1);
  const torch::Tensor side = x.eq(c.x0).logical_or(x.eq(c.x1)), initial = t.eq(0.0).logical_and(side.logical_not());
  const torch::Tensor inside = side.logical_not().logical_and(initial.logical_not());
  SpaceTimePoints p;
  p.interior = with_grad(local_rows(all.index({inside}), comm));
  p.sides = local_rows(all.index({side}), comm);
  p.initial = local_rows(all.index({initial}), comm);
  p.interior_count = global_rows(p.interior, comm);
  p.side_count = global_rows(p.sides, comm);
  p.initial_count = global_rows(p.initial, comm);
  return p;
}

// The loss of u_t - D u_xx + R u - f = 0 with u = 0 on the sides and u(x, 0) = u_0
// (weights 1/7, 5/7, 1/7); R and f at the interior points.
torch::Tensor space_time_loss(Mlp& net, const SpaceTimePoints& p, double D, const torch::Tensor& R,
                              const torch::Tensor& rhs, const torch::Tensor& u0) {
  const torch::Tensor u = net->forward(p.interior).squeeze(1);
  const torch::Tensor g = gradient(u, p.interior);
  const torch::Tensor uxx = gradient(g.select(1, 0), p.interior).select(1, 0);
  const torch::Tensor residual = g.select(1, 1) - D * uxx + R * u - rhs;
  return term(1.0 / 7, residual, p.interior_count) + term(5.0 / 7, net->forward(p.sides).squeeze(1), p.side_count) +
         term(1.0 / 7, net->forward(p.initial).squeeze(1) - u0, p.initial_count);
}

// The loss of (a u')' + f = 0 in 1D written as a' u' + a u'' + f, u = 0 at both ends.
// With an exact ansatz the boundary term vanishes identically and is left out (w_pde = 1).
torch::Tensor divergence_loss_1d(Mlp& net, const BoxPoints& p, const torch::Tensor& a, const torch::Tensor& da,
                                 const torch::Tensor& rhs, double w_pde, double w_boundary,
                                 const DirichletAnsatz& ansatz) {
  const torch::Tensor u = ansatz(net, p.interior);
  const torch::Tensor du = gradient(u, p.interior).squeeze(1);
  const torch::Tensor d2u = gradient(du, p.interior).squeeze(1);
  const torch::Tensor residual = da * du + a * d2u + rhs;
  if (ansatz.exact()) return term(1.0, residual, p.interior_count);
  return term(w_pde, residual, p.interior_count) + term(w_boundary, ansatz(net, p.boundary), p.boundary_count);
}

// The loss of a*_11 u_xx + 2 a*_12 u_xy + a*_22 u_yy + f = 0 (constant symmetric part of a) or
// of div(a grad u) + f = 0 written as grad a . grad u + a lap u + f (a, grad a at the points),
// u = 0 on the boundary of the square: w = 1/2, 1/2, or the residual alone with an exact ansatz.
torch::Tensor elliptic_loss_2d(Mlp& net, const BoxPoints& pts, const std::function<torch::Tensor(
                                   const torch::Tensor& g, const torch::Tensor& p)>& flux_divergence,
                               const torch::Tensor& rhs, double w_boundary, const DirichletAnsatz& ansatz) {
  const torch::Tensor& p = pts.interior;
  const torch::Tensor residual = flux_divergence(gradient(ansatz(net, p), p), p) + rhs;
  if (ansatz.exact()) return term(1.0, residual, pts.interior_count);
  return term(1 - w_boundary, residual, pts.interior_count) +
         term(w_boundary, ansatz(net, pts.boundary), pts.boundary_count);
}

}  // namespace

void CellPinnSetup::validate() const {
  require(n >= 3 && oversampling >= 0 && oversampling < n - 2,
          "cell PINN: need -cell_points n >= 3 and 0 <= oversampling < n - 2 (got n = " + std::to_string(n) +
              ", oversampling = " + std::to_string(oversampling) + ")");
  require(nx >= 2, "cell PINN: -cell_x must be at least 2");
  require(periodic_features >= 0, "cell PINN: -cell_features must be >= 0 (0: the plain input)");
  if (weights.empty()) return;
  const size_t need = oversampling > 0 ? 3 : 2;
  require(weights.size() == need, "cell PINN: -cell_weights needs " + std::to_string(need) +
                                      " values (residual, periodic pairs" + (need == 3 ? ", oversampling)" : ")"));
  double sum = 0;
  for (double w : weights) {
    require(w > 0, "cell PINN: -cell_weights must be positive");
    sum += w;
  }
  require(std::abs(sum - 1) < 1e-9, "cell PINN: -cell_weights must sum to 1 (got " + std::to_string(sum) + ")");
}

std::array<double, 3> CellPinnSetup::loss_weights() const {
  if (!weights.empty()) return {weights[0], weights[1], weights.size() > 2 ? weights[2] : 0.0};
  return oversampling > 0 ? std::array<double, 3>{1.0 / 3, 1.0 / 3, 1.0 / 3} : std::array<double, 3>{0.5, 0.5, 0.0};
}

std::array<double, 2> cell_drift(const torch::Tensor& points, const std::vector<double>& chi_pinn,
                                 const std::vector<double>& chi_ref) {
  require(chi_pinn.size() == chi_ref.size(), "cell drift: the fields differ in size");
  std::vector<double> d(chi_pinn.size());
  for (size_t k = 0; k < d.size(); ++k) d[k] = chi_pinn[k] - chi_ref[k];
  const std::vector<double> c = fit_linear_drift(points, d);
  return {c[1], c[2]};
}

void HomogenizedPinnSetup::validate() const {
  require(n >= 3 && nt >= 3, "homogenized PINN: need at least 3 points per direction (-homog_points, -homog_time_points)");
  require(boundary_weight > 0 && boundary_weight < 1,
          "homogenized PINN: -homog_boundary_weight must be in (0, 1) (got " + std::to_string(boundary_weight) + ")");
}

DirichletAnsatz homogenized_ansatz(const HomogenizationCase& c, const std::array<double, 4>& A, const Fn1& a_star_x,
                                   const HomogenizedPinnSetup& setup) {
  if (!setup.exact_boundary) return {};
  require(c.name == "elliptic2d" || c.name == "slow1d",
          "-homog_boundary exact: only for elliptic2d and slow1d (reaction1d has an initial condition)");
  const int m = 201;
  double f_max = 0, a_min = 0, side = 0;
  Box box;
  if (c.name == "elliptic2d") {
    box = {{0.0, 1.0}, {0.0, 1.0}};
    for (int j = 0; j < m; ++j)
      for (int i = 0; i < m; ++i) f_max = std::max(f_max, std::abs(c.f2d(i / (m - 1.0), j / (m - 1.0))));
    const double mean = 0.5 * (A[0] + A[3]), off = 0.5 * (A[1] + A[2]), half = 0.5 * (A[0] - A[3]);
    a_min = mean - std::sqrt(half * half + off * off);  // lambda_min of the symmetric part
    side = 1.0;
  } else {
    require(static_cast<bool>(a_star_x), "slow1d homogenized PINN: a*(x) needed");
    box = {{c.x0, c.x1}};
    a_min = std::numeric_limits<double>::infinity();
    for (int i = 0; i < m; ++i) {
      const double x = c.x0 + (c.x1 - c.x0) * i / (m - 1.0);
      f_max = std::max(f_max, std::abs(c.f1d(x)));
      a_min = std::min(a_min, a_star_x(x));
    }
    side = c.x1 - c.x0;
  }
  require(a_min > 0, "homogenized PINN: the homogenized coefficient is not positive definite (lambda_min = " +
                         std::to_string(a_min) + ")");
  return DirichletAnsatz(box, std::max(f_max, 1e-12) * side * side / (8 * a_min));
}

torch::Tensor local_rows(const torch::Tensor& points, MPI_Comm comm) {
  const int rank = mpi_rank(comm), size = mpi_size(comm);
  const std::int64_t n = points.size(0);
  return points.slice(0, n * rank / size, n * (rank + 1) / size).contiguous();
}

std::vector<double> evaluate_pinn(Mlp& net, const torch::Tensor& points, const DirichletAnsatz& ansatz) {
  torch::NoGradGuard no_grad;
  const torch::Tensor u = ansatz(net, points.to(torch::kFloat64)).reshape({-1}).contiguous();
  return std::vector<double>(u.data_ptr<double>(), u.data_ptr<double>() + u.numel());
}

PinnFit fit_pinn(MPI_Comm comm, Mlp& net, const PinnSettings& s, const std::function<torch::Tensor()>& loss,
                 const std::function<double()>& error) {
  require(s.epochs >= 1 && s.lr > 0 && s.decay > 0 && s.decay <= 1, "PINN: epochs >= 1, lr > 0, decay in (0, 1]");
  WallTimer timer;
  TrainerSettings ts;
  ts.name = s.name;
  ts.epochs = s.epochs;
  ts.threads = s.threads;
  ts.show_progress = false;
  ts.print_every = s.print_every;
  ts.initial_validation = false;
  Trainer trainer(comm, ts);
  CheckpointMeta meta;
  meta.model = "pinn";
  meta.architecture = widths_to_string(net->widths());
  trainer.set_model(net.ptr(), meta);
  const LrSchedule schedule =
      s.decay < 1 ? LrSchedule::exponential(s.lr, s.decay, s.decay_steps) : LrSchedule::constant(s.lr);
  trainer.add_optimizer(
      [&](torch::nn::Module& m) {
        return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(s.lr));
      },
      schedule);
  PinnFit fit;
  trainer.set_validation([&] {
    const double e = error();
    fit.errors.push(e);
    return e;
  });
  const bool root = is_root(comm);
  FullBatch full;
  fit.training = trainer.fit(full, [&](const Batch&) {
    const torch::Tensor objective = loss();
    StepOutput out;
    out.objective = objective;
    out.loss_sum = objective.item<double>();
    out.samples = root ? 1.0 : 0.0;  // the reported loss is the sum of the ranks' parts
    return out;
  });
  fit.seconds = timer.seconds();
  return fit;
}

Mlp train_cell_pinn_2d(MPI_Comm comm, const HomogenizationCase& c, int j, const CellPinnSetup& setup,
                       const PinnSettings& s, const std::function<double(Mlp&)>& error, PinnFit* fit) {
  require(c.dim == 2 && (j == 0 || j == 1), "2D cell PINN: case elliptic2d, j = 0 or 1");
  setup.validate();
  Mlp net = cell_network({1.0, 1.0}, setup, s, s.seed + static_cast<std::uint64_t>(j));
  const Box box{{0.0, 1.0}, {0.0, 1.0}};
  const std::vector<int> counts{setup.n, setup.n};
  const torch::Tensor p = with_grad(local_rows(grid_points(box, counts), comm));
  const std::int64_t np = global_rows(p, comm);
  const torch::Tensor a = values_of(c.a2d, p.detach()), grad_a = gradient_fd(c.a2d, p.detach());
  torch::Tensor e = torch::zeros({1, 2}, torch::kFloat64);
  e[0][j] = 1.0;
  const PeriodicTerms periodic = periodic_terms(box, counts, {0, 1}, setup.oversampling, comm);
  PinnFit f = fit_pinn(comm, net, s, [&] {
    const torch::Tensor chi = net->forward(p).squeeze(1);
    const torch::Tensor g = gradient(chi, p);
    const torch::Tensor residual = (grad_a * (g + e)).sum(1) + a * divergence(g, p);
    return cell_objective(net, setup, residual, np, periodic);
  }, [&] { return error(net); });
  if (fit) *fit = std::move(f);
  return net;
}

Mlp train_cell_pinn_slow1d(MPI_Comm comm, const HomogenizationCase& c, const CellPinnSetup& setup,
                           const PinnSettings& s, const std::function<double(Mlp&)>& error, PinnFit* fit) {
  require(c.name == "slow1d", "parametric cell PINN: case slow1d");
  setup.validate();
  Mlp net = cell_network({0.0, 1.0}, setup, s, s.seed);
  const Box box{{c.x0, c.x1}, {0.0, 1.0}};
  const std::vector<int> counts{setup.nx, setup.n};
  const torch::Tensor p = with_grad(local_rows(grid_points(box, counts), comm));
  const std::int64_t np = global_rows(p, comm);
  const torch::Tensor a = values_of(c.a1d, p.detach()), a_y = gradient_fd(c.a1d, p.detach()).select(1, 1);
  // periodic in y only: pairs (x, 0) ~ (x, 1), oversampling rows in y
  auto [low, high] = periodic_pairs(box, counts, 1);
  PeriodicTerms t;
  t.low = local_rows(low, comm);
  t.high = local_rows(high, comm);
  t.pairs = global_rows(t.low, comm);
  if (setup.oversampling > 0) {
    auto [q, in] = oversampling_pairs(low, 1, 1.0, 1.0 / (setup.n - 1), setup.oversampling);
    t.out = local_rows(q, comm);
    t.in = local_rows(in, comm);
    t.over = global_rows(t.out, comm);
  }
  PinnFit f = fit_pinn(comm, net, s, [&] {
    const torch::Tensor chi = net->forward(p).squeeze(1);
    const torch::Tensor chi_y = gradient(chi, p).select(1, 1);
    const torch::Tensor chi_yy = gradient(chi_y, p).select(1, 1);
    const torch::Tensor residual = a_y * (1.0 + chi_y) + a * chi_yy;
    return cell_objective(net, setup, residual, np, t);
  }, [&] { return error(net); });
  if (fit) *fit = std::move(f);
  return net;
}

Mlp train_cell_pinn_reaction(MPI_Comm comm, const HomogenizationCase& c, const CellPinnSetup& setup,
                             const PinnSettings& s, const std::function<double(Mlp&)>& error, PinnFit* fit) {
  require(c.name == "reaction1d", "cell PINN N(y): case reaction1d");
  setup.validate();
  Mlp net = cell_network({c.cell_period}, setup, s, s.seed);
  const Box box{{0.0, c.cell_period}};
  const std::vector<int> counts{setup.n};
  const torch::Tensor p = with_grad(local_rows(grid_points(box, counts), comm));
  const std::int64_t np = global_rows(p, comm);
  const torch::Tensor r = values_of(c.r, p.detach());
  const PeriodicTerms periodic = periodic_terms(box, counts, {0}, setup.oversampling, comm);
  const double D = c.diffusion;
  PinnFit f = fit_pinn(comm, net, s, [&] {
    const torch::Tensor n = net->forward(p).squeeze(1);
    const torch::Tensor residual = D * laplacian(n, p) - r;
    return cell_objective(net, setup, residual, np, periodic);
  }, [&] { return error(net); });
  if (fit) *fit = std::move(f);
  return net;
}

std::array<double, 4> a_star_from_cell_pinns(Mlp& chi1, Mlp& chi2, const HomogenizationCase& c, int m) {
  const double h = 1.0 / m;
  const torch::Tensor y = with_grad(grid_points({{0.5 * h, 1 - 0.5 * h}, {0.5 * h, 1 - 0.5 * h}}, {m, m}));
  const torch::Tensor a = values_of(c.a2d, y.detach());
  std::array<double, 4> A{};
  Mlp* nets[2] = {&chi1, &chi2};
  for (int j = 0; j < 2; ++j) {
    const torch::Tensor g = gradient((*nets[j])->forward(y).squeeze(1), y).detach();  // d_i chi_j
    for (int i = 0; i < 2; ++i)
      A[static_cast<size_t>(2 * i + j)] = (a * ((i == j ? 1.0 : 0.0) + g.select(1, i))).mean().item<double>();
  }
  return A;
}

std::pair<std::vector<double>, std::vector<double>> a_star_of_x_from_cell_pinn(Mlp& chi, const HomogenizationCase& c,
                                                                               const std::vector<double>& xs, int m) {
  std::vector<double> values, derivatives;
  const torch::Tensor ys = torch::arange(m, torch::kFloat64).add(0.5).div(m);
  for (double x : xs) {
    const torch::Tensor pts = with_grad(torch::stack({torch::full({m}, x, torch::kFloat64), ys}, 1));
    const torch::Tensor u = chi->forward(pts).squeeze(1);
    const torch::Tensor chi_y = gradient(u, pts).select(1, 1);
    const torch::Tensor chi_yx = gradient(chi_y, pts).select(1, 0).detach();
    const torch::Tensor a = values_of(c.a1d, pts.detach()), grad_a = gradient_fd(c.a1d, pts.detach());
    values.push_back((a * (1.0 + chi_y.detach())).mean().item<double>());
    derivatives.push_back((grad_a.select(1, 0) * (1.0 + chi_y.detach()) + a * chi_yx).mean().item<double>());
  }
  return {values, derivatives};
}

double r_star_from_cell_pinn(Mlp& n_net, const HomogenizationCase& c, int m) {
  const torch::Tensor y = torch::arange(m, torch::kFloat64).mul(c.cell_period / m).unsqueeze(1);
  torch::NoGradGuard no_grad;
  const torch::Tensor n = n_net->forward(y).squeeze(1);
  return (values_of(c.r, y) * n).mean().item<double>();
}

Mlp train_homogenized_pinn(MPI_Comm comm, const HomogenizationCase& c, const std::array<double, 4>& A,
                           const Fn1& a_star_x, const Fn1& a_star_dx, double r_star, const HomogenizedPinnSetup& setup,
                           const PinnSettings& s, const std::function<double(Mlp&)>& error, PinnFit* fit) {
  setup.validate();
  Mlp net = tanh_mlp(widths_for(c.name == "slow1d" ? 1 : 2, s), s.seed + 17);
  PinnFit f;
  const double wb = setup.boundary_weight;
  const DirichletAnsatz ansatz = homogenized_ansatz(c, A, a_star_x, setup);
  if (c.name == "elliptic2d") {
    const BoxPoints pts = box_points({{0.0, 1.0}, {0.0, 1.0}}, {setup.n, setup.n}, comm);
    const torch::Tensor rhs = values_of(c.f2d, pts.interior.detach());
    const double a11 = A[0], a12 = 0.5 * (A[1] + A[2]), a22 = A[3];
    const auto flux = [a11, a12, a22](const torch::Tensor& g, const torch::Tensor& x) {
      const torch::Tensor gx = gradient(g.select(1, 0), x), gy = gradient(g.select(1, 1), x);
      return a11 * gx.select(1, 0) + 2 * a12 * gx.select(1, 1) + a22 * gy.select(1, 1);
    };
    f = fit_pinn(comm, net, s, [&] { return elliptic_loss_2d(net, pts, flux, rhs, wb, ansatz); },
                 [&] { return error(net); });
  } else if (c.name == "slow1d") {
    require(static_cast<bool>(a_star_x) && static_cast<bool>(a_star_dx), "slow1d homogenized PINN: a*(x) needed");
    const BoxPoints pts = box_points({{c.x0, c.x1}}, {setup.n}, comm);
    const torch::Tensor p = pts.interior.detach();
    const torch::Tensor as = values_of(a_star_x, p), das = values_of(a_star_dx, p), rhs = values_of(c.f1d, p);
    f = fit_pinn(comm, net, s, [&] { return divergence_loss_1d(net, pts, as, das, rhs, 1 - wb, wb, ansatz); },
                 [&] { return error(net); });
  } else {
    const SpaceTimePoints pts = space_time_points(c, setup, comm);
    const torch::Tensor rhs = values_of(c.f1d, pts.interior.detach()), u0 = values_of(c.initial, pts.initial);
    const torch::Tensor R = torch::full_like(rhs, r_star);
    f = fit_pinn(comm, net, s, [&] { return space_time_loss(net, pts, c.diffusion, R, rhs, u0); },
                 [&] { return error(net); });
  }
  if (fit) *fit = std::move(f);
  return net;
}

Mlp train_classical_pinn(MPI_Comm comm, const HomogenizationCase& c, const HomogenizedPinnSetup& setup,
                         const PinnSettings& s, const std::function<double(Mlp&)>& error, Mlp* init, PinnFit* fit,
                         const DirichletAnsatz& ansatz) {
  setup.validate();
  require(!ansatz.exact() || c.name != "reaction1d", "classical PINN: no exact boundary ansatz for reaction1d");
  Mlp net = tanh_mlp(widths_for(c.name == "slow1d" ? 1 : 2, s), s.seed + 29);
  if (init) {
    torch::NoGradGuard no_grad;
    const auto src = (*init)->parameters();
    auto dst = net->parameters();
    require(src.size() == dst.size(), "transfer: the networks differ");
    for (size_t k = 0; k < src.size(); ++k) dst[k].copy_(src[k]);
  }
  const double eps = c.eps;
  PinnFit f;
  if (c.name == "elliptic2d") {
    const Fn2 a_eps = [&c, eps](double x, double y) { return c.a2d(x / eps, y / eps); };
    const BoxPoints pts = box_points({{0.0, 1.0}, {0.0, 1.0}}, {setup.n, setup.n}, comm);
    const torch::Tensor p = pts.interior.detach();
    const torch::Tensor a = values_of(a_eps, p), grad_a = gradient_fd(a_eps, p), rhs = values_of(c.f2d, p);
    const auto flux = [&a, &grad_a](const torch::Tensor& g, const torch::Tensor& x) {
      return (grad_a * g).sum(1) + a * divergence(g, x);
    };
    f = fit_pinn(comm, net, s, [&] { return elliptic_loss_2d(net, pts, flux, rhs, 0.5, ansatz); },
                 [&] { return error(net); });
  } else if (c.name == "slow1d") {
    const Fn1 a_eps = [&c, eps](double x) { return c.a1d(x, x / eps); };
    const Fn1 da_eps = [a_eps](double x) { return (a_eps(x + kFd) - a_eps(x - kFd)) / (2 * kFd); };
    const BoxPoints pts = box_points({{c.x0, c.x1}}, {setup.n}, comm);
    const torch::Tensor p = pts.interior.detach();
    const torch::Tensor a = values_of(a_eps, p), da = values_of(da_eps, p), rhs = values_of(c.f1d, p);
    f = fit_pinn(comm, net, s, [&] { return divergence_loss_1d(net, pts, a, da, rhs, 1.0 / 11, 10.0 / 11, ansatz); },
                 [&] { return error(net); });
  } else {
    const SpaceTimePoints pts = space_time_points(c, setup, comm);
    const Fn1 reaction = [&c, eps](double xx) { return c.r(xx / eps) / eps; };
    const torch::Tensor R = values_of(reaction, pts.interior.detach()), rhs = values_of(c.f1d, pts.interior.detach());
    const torch::Tensor u0 = values_of(c.initial, pts.initial);
    f = fit_pinn(comm, net, s, [&] { return space_time_loss(net, pts, c.diffusion, R, rhs, u0); },
                 [&] { return error(net); });
  }
  if (fit) *fit = std::move(f);
  return net;
}

}  // namespace neurhom
