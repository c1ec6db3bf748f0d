#include "neurhom/methods/deepritz/net/ritz_corrector.hpp"

#include <mpi.h>

#include <cmath>
#include <memory>
#include <utility>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

namespace {

// The module the Trainer optimizes: the network (descent) and the self-adaptive weights mu
// (ascent), so both are checkpointable together.
class RitzTrainableImpl : public torch::nn::Module {
 public:
  RitzTrainableImpl(RitzNet net, torch::Tensor mu) : net(register_module("net", std::move(net))) {
    this->mu = register_parameter("mu", std::move(mu));
  }
  RitzNet net;
  torch::Tensor mu;
};
TORCH_MODULE(RitzTrainable);

double mean_of(const torch::Tensor& t) { return t.mean().item<double>(); }

}  // namespace

void RitzProblem::validate() const {
  require(coordinates.defined() && coordinates.dim() == 2 && coordinates.size(1) == 2, "Ritz problem: coordinates [n, 2]");
  const std::int64_t n = nodes();
  require(n > 0, "Ritz problem: no fine nodes");
  require(free_mask.defined() && free_mask.numel() == n, "Ritz problem: free_mask [n]");
  require(basis.defined() && basis.numel() == n, "Ritz problem: basis [n]");
  require(cell_nodes.defined() && cell_nodes.dim() == 2 && cell_nodes.size(1) == 4 && cell_nodes.scalar_type() == torch::kLong,
          "Ritz problem: cell_nodes [c, 4] int64");
  require(cell_coefficient.defined() && cell_coefficient.dim() == 2 && cell_coefficient.size(1) == cell_nodes.size(0),
          "Ritz problem: cell_coefficient [N_s, c]");
  require(samples() >= 1, "Ritz problem: at least one training parameter");
  require(parameters.defined() && parameters.numel() == samples(), "Ritz problem: parameters [N_s]");
  require(interpolation.defined() && interpolation.dim() == 2 && interpolation.size(1) == n,
          "Ritz problem: interpolation [m, n]");
  require(torch::isfinite(cell_coefficient).all().item<bool>() && (cell_coefficient > 0).all().item<bool>(),
          "Ritz problem: the coefficient must be positive and finite on every cell");
}

RitzProblem RitzProblem::to(torch::Dtype dtype) const {
  RitzProblem p = *this;
  for (torch::Tensor* t : {&p.coordinates, &p.free_mask, &p.cell_coefficient, &p.parameters, &p.basis, &p.interpolation})
    *t = t->to(dtype).contiguous();
  p.cell_nodes = cell_nodes.contiguous();
  return p;
}

torch::Tensor q1_reference_stiffness(torch::Dtype dtype) {
  // q1::reference_stiffness(): 1/6 [4 -1 -1 -2; -1 4 -2 -1; -1 -2 4 -1; -2 -1 -1 4]
  return torch::tensor({4.0, -1.0, -1.0, -2.0, -1.0, 4.0, -2.0, -1.0, -1.0, -2.0, 4.0, -1.0, -2.0, -1.0, -1.0, 4.0},
                       torch::kFloat64)
             .reshape({4, 4})
             .div(6.0)
             .to(dtype);
}

namespace {

// alpha [N_s, n] -> values at the cells' nodes [N_s, c, 4]
torch::Tensor gather_cells(const RitzProblem& p, const torch::Tensor& alpha) {
  return alpha.index_select(1, p.cell_nodes.reshape({-1})).reshape({alpha.size(0), p.cell_nodes.size(0), 4});
}

}  // namespace

torch::Tensor ritz_stiffness_apply(const RitzProblem& p, const torch::Tensor& alpha) {
  const torch::Tensor K = q1_reference_stiffness(alpha.scalar_type());
  const torch::Tensor local = torch::matmul(gather_cells(p, alpha), K) * p.cell_coefficient.unsqueeze(2);  // [N_s, c, 4]
  return torch::zeros_like(alpha).index_add_(1, p.cell_nodes.reshape({-1}), local.reshape({alpha.size(0), -1}));
}

torch::Tensor ritz_energy(const RitzProblem& p, const torch::Tensor& alpha) {
  const torch::Tensor K = q1_reference_stiffness(alpha.scalar_type());
  const torch::Tensor cells = gather_cells(p, alpha);                                         // [N_s, c, 4]
  const torch::Tensor lambda = p.basis.index_select(0, p.cell_nodes.reshape({-1})).reshape({1, -1, 4});
  const torch::Tensor k_alpha = torch::matmul(cells, K);                                      // K symmetric
  // sum_c a_c (1/2 alpha_c - Lambda_c)' K alpha_c
  return ((0.5 * cells - lambda) * k_alpha).sum(2).mul(p.cell_coefficient).sum(1);
}

torch::Tensor ritz_interpolation_residual(const RitzProblem& p, const torch::Tensor& alpha) {
  return torch::matmul(alpha, p.interpolation.t());
}

std::vector<std::int64_t> ritz_widths(const std::vector<std::int64_t>& hidden) {
  std::vector<std::int64_t> w{3};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(1);
  return w;
}

RitzNetImpl::RitzNetImpl(const std::vector<std::int64_t>& widths, std::uint64_t seed, torch::Dtype dtype) {
  require(widths.size() >= 2 && widths.front() == 3 && widths.back() == 1,
          "Deep Ritz network widths must be 3-...-1 (got " + widths_to_string(widths) + ")");
  mlp_ = register_module("mlp", Mlp(widths, Activation::Tanh));
  mlp_->to(dtype);
  mlp_->reset_glorot_normal(seed);
}

torch::Tensor RitzNetImpl::forward(const torch::Tensor& coordinates, const torch::Tensor& free_mask,
                                   const torch::Tensor& parameters) {
  const std::int64_t n = coordinates.size(0), s = parameters.numel();
  const torch::Tensor x = coordinates.unsqueeze(0).expand({s, n, 2});
  const torch::Tensor p = parameters.reshape({s, 1, 1}).expand({s, n, 1});
  const torch::Tensor out = mlp_->forward(torch::cat({x, p}, 2).reshape({s * n, 3})).reshape({s, n});
  return out * free_mask.unsqueeze(0);
}

bool ritz_converged(const std::vector<RitzLogEntry>& log, const RitzTrainSettings& s) {
  if (s.interpolation_tol <= 0 || log.size() < 10) return false;
  double mean = 0, var = 0, interp = 0;
  const size_t k0 = log.size() - 10;
  for (size_t k = k0; k < log.size(); ++k) {
    mean += log[k].energy / 10;
    interp += log[k].interpolation / 10;
  }
  for (size_t k = k0; k < log.size(); ++k) var += std::pow(log[k].energy - mean, 2) / 10;
  return std::sqrt(var) < s.stagnation * std::abs(mean) && interp < s.interpolation_tol;
}

std::unique_ptr<Trainer> make_ritz_trainer(const RitzTrainSettings& s, const std::string& name,
                                           std::shared_ptr<torch::nn::Module> module, const std::string& architecture,
                                           std::function<std::vector<torch::Tensor>(torch::nn::Module&)> theta,
                                           std::function<torch::Tensor(torch::nn::Module&)> mu) {
  TrainerSettings ts;
  ts.name = name;
  ts.epochs = s.steps;
  ts.threads = s.threads;
  ts.show_progress = false;
  ts.quiet = true;
  ts.initial_validation = false;
  auto trainer = std::make_unique<Trainer>(MPI_COMM_SELF, ts);
  CheckpointMeta meta;
  meta.model = name;
  meta.architecture = architecture;
  trainer->set_model(std::move(module), meta);
  trainer->add_optimizer(
      [theta](torch::nn::Module& m) { return std::make_unique<torch::optim::Adam>(theta(m), torch::optim::AdamOptions(1e-3)); },
      s.decay < 1 ? LrSchedule::exponential(s.lr, s.decay, s.decay_steps) : LrSchedule::constant(s.lr));
  trainer->add_optimizer(
      [mu](torch::nn::Module& m) {
        return std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{mu(m)}, torch::optim::AdamOptions(1e-2));
      },
      s.decay < 1 ? LrSchedule::exponential(s.lr_mu, s.decay, s.decay_steps) : LrSchedule::constant(s.lr_mu),
      Direction::Ascent);
  return trainer;
}

void RitzTrainSettings::validate() const {
  require(steps >= 1, "Deep Ritz: -steps must be at least 1 (got " + std::to_string(steps) + ")");
  require(lr > 0 && lr_mu > 0 && decay > 0 && decay <= 1 && decay_steps >= 1,
          "Deep Ritz: learning rates must be positive and the decay in (0, 1]");
  require(log_every >= 1, "Deep Ritz: log interval must be at least 1");
  for (auto w : hidden) require(w >= 1, "Deep Ritz: hidden widths must be positive");
  require(!hidden.empty(), "Deep Ritz: at least one hidden layer");
}

RitzTrainResult train_ritz_corrector(RitzNet& net, const RitzProblem& problem_in, const RitzTrainSettings& s) {
  s.validate();
  problem_in.validate();
  const RitzProblem problem = problem_in.to(s.dtype);
  WallTimer timer;
  torch::Generator generator = at::detail::createCPUGenerator(s.seed + 0x5a5a);
  torch::Tensor mu0 = torch::rand({problem.samples(), problem.constraints()}, generator,
                                  torch::TensorOptions().dtype(s.dtype));
  auto model = RitzTrainable(net, mu0);

  std::unique_ptr<Trainer> trainer = make_ritz_trainer(
      s, "deepritz", model.ptr(), widths_to_string(net->widths()),
      [](torch::nn::Module& m) { return dynamic_cast<RitzTrainableImpl&>(m).net->parameters(); },
      [](torch::nn::Module& m) { return dynamic_cast<RitzTrainableImpl&>(m).mu; });

  RitzTrainResult result;
  double last_energy = 0, last_interp = 0;
  const double scale = 1.0 / static_cast<double>(problem.samples() * problem.constraints());
  trainer->set_epoch_hook([&](int epoch, const EpochRecord&) {
    if (epoch % s.log_every != 0 && epoch != s.steps) return EpochAction::Continue;
    result.log.push_back({epoch, last_energy, last_interp, mean_of(model->mu.detach())});
    if (!ritz_converged(result.log, s)) return EpochAction::Continue;
    result.stopped_early = true;
    return EpochAction::Stop;
  });
  FullBatch full;
  const TrainerResult tr = trainer->fit(full, [&](const Batch&) {
    const torch::Tensor alpha = model->net->forward(problem);
    const torch::Tensor energy = ritz_energy(problem, alpha).mean();
    const torch::Tensor residual = ritz_interpolation_residual(problem, alpha);
    const torch::Tensor penalty = (model->mu * residual).square().sum() * scale;
    last_energy = energy.item<double>();
    last_interp = residual.detach().square().mean().item<double>();
    StepOutput out;
    out.objective = energy + penalty;
    out.loss_sum = out.objective.item<double>();
    out.samples = 1;
    return out;
  });
  result.steps = static_cast<int>(tr.steps);
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor alpha = net->forward(problem);
    result.energy = mean_of(ritz_energy(problem, alpha));
    result.interpolation = mean_of(ritz_interpolation_residual(problem, alpha).square());
  }
  result.mu = model->mu.detach().clone();
  result.seconds = timer.seconds();
  return result;
}

std::vector<double> flatten_parameters(torch::nn::Module& module) {
  std::vector<double> out;
  for (const auto& p : module.parameters()) {
    const torch::Tensor t = p.detach().to(torch::kFloat64).contiguous().reshape({-1});
    out.insert(out.end(), t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
  }
  return out;
}

void unflatten_parameters(torch::nn::Module& module, const std::vector<double>& values) {
  torch::NoGradGuard no_grad;
  size_t offset = 0;
  auto params = module.parameters();
  size_t total = 0;
  for (const auto& p : params) total += static_cast<size_t>(p.numel());
  require(total == values.size(), "network parameters: expected " + std::to_string(total) + " values, got " +
                                      std::to_string(values.size()));
  for (auto& p : params) {
    const auto n = static_cast<size_t>(p.numel());
    std::vector<double> chunk(values.begin() + static_cast<long>(offset), values.begin() + static_cast<long>(offset + n));
    p.copy_(torch::from_blob(chunk.data(), p.sizes(), torch::kFloat64).to(p.scalar_type()));
    offset += n;
  }
}

}  // namespace neurhom
