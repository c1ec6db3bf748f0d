#include "neurhom/methods/deepritz/net/ritz_batch.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

RitzPadding RitzPadding::of(const std::vector<RitzProblem>& problems) {
  RitzPadding p;
  for (const RitzProblem& q : problems) p.include({q.nodes(), q.cell_nodes.size(0), q.constraints()});
  return p;
}

void RitzPadding::include(const RitzPadding& o) {
  nodes = std::max(nodes, o.nodes);
  cells = std::max(cells, o.cells);
  constraints = std::max(constraints, o.constraints);
}

namespace {

// The B problems stacked and padded (see the header).
struct StackedProblems {
  torch::Tensor coordinates;  // [B, n, 2]
  torch::Tensor mask;         // [B, 1, n]
  torch::Tensor cell_index;   // [B, c * 4] int64
  torch::Tensor coefficient;  // [B, S, c]
  torch::Tensor parameters;   // [S]
  torch::Tensor basis_cells;  // [B, 1, c, 4] Lambda at the cells' nodes
  torch::Tensor interp_t;     // [B, n, m] (I_H rows, transposed)
  torch::Tensor penalty_scale;  // [B] 1 / (N_s m_b)
  std::vector<std::int64_t> constraints;  // m_b
  std::int64_t samples = 0;
};

torch::Tensor pad_to(const torch::Tensor& t, const std::vector<std::int64_t>& shape) {
  torch::Tensor out = torch::zeros(shape, t.options());
  std::vector<torch::indexing::TensorIndex> index;
  for (std::int64_t d = 0; d < t.dim(); ++d) index.emplace_back(torch::indexing::Slice(0, t.size(d)));
  out.index_put_(index, t);
  return out;
}

StackedProblems stack(const std::vector<RitzProblem>& problems, const RitzPadding& pad, torch::Dtype dtype) {
  StackedProblems s;
  const std::int64_t S = problems.front().samples();
  s.samples = S;
  std::vector<torch::Tensor> xy, mask, cells, coef, basis, interp;
  for (const RitzProblem& raw : problems) {
    const RitzProblem p = raw.to(dtype);
    require(p.samples() == S && torch::equal(p.parameters, problems.front().parameters.to(dtype)),
            "Deep Ritz batch: all nodes must be trained on the same parameters");
    require(p.nodes() <= pad.nodes && p.cell_nodes.size(0) <= pad.cells && p.constraints() <= pad.constraints,
            "Deep Ritz batch: the padding is smaller than a node patch");
    xy.push_back(pad_to(p.coordinates, {pad.nodes, 2}));
    mask.push_back(pad_to(p.free_mask, {pad.nodes}));
    cells.push_back(pad_to(p.cell_nodes, {pad.cells, 4}));  // padded cells: node 0, coefficient 0
    coef.push_back(pad_to(p.cell_coefficient, {S, pad.cells}));
    const torch::Tensor b = pad_to(p.basis, {pad.nodes});
    basis.push_back(b.index_select(0, cells.back().reshape({-1})).reshape({1, pad.cells, 4}));
    interp.push_back(pad_to(p.interpolation, {pad.constraints, pad.nodes}).t());
    s.constraints.push_back(p.constraints());
  }
  s.coordinates = torch::stack(xy);
  s.mask = torch::stack(mask).unsqueeze(1);
  s.cell_index = torch::stack(cells).reshape({static_cast<std::int64_t>(problems.size()), -1});
  s.coefficient = torch::stack(coef);
  s.parameters = problems.front().parameters.to(dtype);
  s.basis_cells = torch::stack(basis);
  s.interp_t = torch::stack(interp).contiguous();
  std::vector<double> scale;
  for (std::int64_t m : s.constraints) scale.push_back(m > 0 ? 1.0 / static_cast<double>(S * m) : 0.0);
  s.penalty_scale = torch::tensor(scale, torch::kFloat64).to(dtype);
  return s;
}

// Stacked weights of B MLPs with the same widths: W_l [B, in, out], b_l [B, 1, out].
class BatchedRitzModelImpl : public torch::nn::Module {
 public:
  BatchedRitzModelImpl(std::vector<RitzNet>& nets, torch::Tensor mu0) {
    const size_t layers = nets.front()->mlp()->layers().size();
    for (size_t l = 0; l < layers; ++l) {
      std::vector<torch::Tensor> w, b;
      for (RitzNet& net : nets) {
        const auto& linear = net->mlp()->layers()[l];
        w.push_back(linear->weight.detach().t());
        b.push_back(linear->bias.detach().unsqueeze(0));
      }
      weights.push_back(register_parameter("W" + std::to_string(l), torch::stack(w).contiguous()));
      biases.push_back(register_parameter("b" + std::to_string(l), torch::stack(b).contiguous()));
    }
    mu = register_parameter("mu", std::move(mu0));
  }

  // alpha [B, S, n]
  torch::Tensor forward(const StackedProblems& p) {
    const std::int64_t B = p.coordinates.size(0), n = p.coordinates.size(1), S = p.samples;
    const torch::Tensor x = p.coordinates.unsqueeze(1).expand({B, S, n, 2});
    const torch::Tensor q = p.parameters.reshape({1, S, 1, 1}).expand({B, S, n, 1});
    torch::Tensor h = torch::cat({x, q}, 3).reshape({B, S * n, 3});
    for (size_t l = 0; l < weights.size(); ++l) {
      h = torch::baddbmm(biases[l], h, weights[l]);
      if (l + 1 < weights.size()) h = torch::tanh(h);
    }
    return h.reshape({B, S, n}) * p.mask;
  }

  // Copies node b's parameters (from `source`, default: the live ones) into nets[b].
  void copy_to(RitzNet& net, std::int64_t b, const std::vector<torch::Tensor>* source = nullptr) const {
    torch::NoGradGuard no_grad;
    const auto& layers = net->mlp()->layers();
    for (size_t l = 0; l < layers.size(); ++l) {
      const torch::Tensor w = source ? (*source)[2 * l] : weights[l][b];
      const torch::Tensor c = source ? (*source)[2 * l + 1] : biases[l][b];
      layers[l]->weight.copy_(w.t());
      layers[l]->bias.copy_(c.reshape({-1}));
    }
  }

  std::vector<torch::Tensor> snapshot(std::int64_t b) const {
    std::vector<torch::Tensor> s;
    for (size_t l = 0; l < weights.size(); ++l) {
      s.push_back(weights[l][b].detach().clone());
      s.push_back(biases[l][b].detach().clone());
    }
    return s;
  }

  std::vector<torch::Tensor> weights, biases;
  torch::Tensor mu;  // [B, S, m]
};
TORCH_MODULE(BatchedRitzModel);

// Per node: mean energy over the samples [B] and the penalty [B] (eqs. (14), (16)-(18)).
std::pair<torch::Tensor, torch::Tensor> batch_losses(const StackedProblems& p, const torch::Tensor& alpha,
                                                     const torch::Tensor& mu, torch::Tensor* residual) {
  const std::int64_t B = alpha.size(0), S = alpha.size(1), c = p.coefficient.size(2);
  const torch::Tensor cells = alpha.gather(2, p.cell_index.unsqueeze(1).expand({B, S, c * 4})).reshape({B, S, c, 4});
  const torch::Tensor k_alpha = torch::matmul(cells, q1_reference_stiffness(alpha.scalar_type()));
  const torch::Tensor energy = ((0.5 * cells - p.basis_cells) * k_alpha).sum(3).mul(p.coefficient).sum(2);  // [B, S]
  const torch::Tensor R = torch::bmm(alpha, p.interp_t);                                                     // [B, S, m]
  if (residual) *residual = R;
  return {energy.mean(1), (mu * R).square().sum({1, 2}) * p.penalty_scale};
}

}  // namespace

RitzBatchResult train_ritz_batch(std::vector<RitzNet>& nets, const std::vector<RitzProblem>& problems,
                                 const std::vector<std::uint64_t>& seeds, const RitzTrainSettings& s,
                                 const RitzPadding& padding) {
  s.validate();
  require(!nets.empty() && nets.size() == problems.size() && seeds.size() == problems.size(),
          "Deep Ritz batch: one network, problem and seed per node");
  for (const RitzProblem& p : problems) p.validate();
  for (RitzNet& net : nets) {
    require(net->widths() == nets.front()->widths(), "Deep Ritz batch: all networks must have the same widths");
    net->to(s.dtype);
  }
  RitzPadding pad = RitzPadding::of(problems);
  pad.include(padding);
  WallTimer timer;
  const StackedProblems p = stack(problems, pad, s.dtype);
  const auto B = static_cast<std::int64_t>(problems.size());
  torch::Tensor mu0 = torch::zeros({B, p.samples, pad.constraints}, torch::TensorOptions().dtype(s.dtype));
  for (std::int64_t b = 0; b < B; ++b) {  // as train_ritz_corrector with seed seeds[b]
    torch::Generator generator = at::detail::createCPUGenerator(seeds[static_cast<size_t>(b)] + 0x5a5a);
    const std::int64_t m = p.constraints[static_cast<size_t>(b)];
    mu0[b].narrow(1, 0, m).copy_(torch::rand({p.samples, m}, generator, torch::TensorOptions().dtype(s.dtype)));
  }
  auto model = BatchedRitzModel(nets, mu0);

  std::unique_ptr<Trainer> trainer = make_ritz_trainer(
      s, "deepritz-batch", model.ptr(), std::to_string(B) + " x " + widths_to_string(nets.front()->widths()),
      [](torch::nn::Module& m) {
        auto& t = dynamic_cast<BatchedRitzModelImpl&>(m);
        std::vector<torch::Tensor> theta = t.weights;
        theta.insert(theta.end(), t.biases.begin(), t.biases.end());
        return theta;
      },
      [](torch::nn::Module& m) { return dynamic_cast<BatchedRitzModelImpl&>(m).mu; });

  RitzBatchResult result;
  result.nodes.resize(static_cast<size_t>(B));
  std::vector<std::vector<torch::Tensor>> frozen(static_cast<size_t>(B));
  std::vector<torch::Tensor> frozen_mu(static_cast<size_t>(B));
  std::vector<double> last_energy(static_cast<size_t>(B)), last_interp(static_cast<size_t>(B));
  auto node_mu_mean = [&](std::int64_t b) {
    return model->mu.detach()[b].narrow(1, 0, p.constraints[static_cast<size_t>(b)]).mean().item<double>();
  };
  std::int64_t running = B;
  trainer->set_epoch_hook([&](int epoch, const EpochRecord&) {
    if (epoch % s.log_every != 0 && epoch != s.steps) return EpochAction::Continue;
    for (std::int64_t b = 0; b < B; ++b) {
      RitzTrainResult& r = result.nodes[static_cast<size_t>(b)];
      if (!frozen[static_cast<size_t>(b)].empty()) continue;
      r.log.push_back({epoch, last_energy[static_cast<size_t>(b)], last_interp[static_cast<size_t>(b)], node_mu_mean(b)});
      r.steps = epoch;
      if (!ritz_converged(r.log, s)) continue;
      r.stopped_early = true;
      frozen[static_cast<size_t>(b)] = model->snapshot(b);
      frozen_mu[static_cast<size_t>(b)] = model->mu.detach()[b].clone();
      --running;
    }
    return running == 0 ? EpochAction::Stop : EpochAction::Continue;
  });
  FullBatch full;
  const TrainerResult tr = trainer->fit(full, [&](const Batch&) {
    torch::Tensor residual;
    const torch::Tensor alpha = model->forward(p);
    const auto [energy, penalty] = batch_losses(p, alpha, model->mu, &residual);
    const torch::Tensor e = energy.detach().to(torch::kFloat64).contiguous();
    const torch::Tensor r2 = (residual.detach().square().sum({1, 2}) * p.penalty_scale).to(torch::kFloat64).contiguous();
    for (std::int64_t b = 0; b < B; ++b) {
      last_energy[static_cast<size_t>(b)] = e.data_ptr<double>()[b];
      last_interp[static_cast<size_t>(b)] = r2.data_ptr<double>()[b];
    }
    StepOutput out;
    out.objective = (energy + penalty).sum();
    out.loss_sum = out.objective.item<double>();
    out.samples = 1;
    return out;
  });
  result.steps = tr.steps;
  for (std::int64_t b = 0; b < B; ++b) {
    const auto k = static_cast<size_t>(b);
    model->copy_to(nets[k], b, frozen[k].empty() ? nullptr : &frozen[k]);
    result.nodes[k].mu = frozen[k].empty() ? model->mu.detach()[b].clone() : frozen_mu[k];
    result.nodes[k].mu = result.nodes[k].mu.narrow(1, 0, p.constraints[k]).clone();
    if (result.nodes[k].steps == 0) result.nodes[k].steps = static_cast<int>(tr.steps);
  }
  {  // final figures per node from the networks as returned
    torch::NoGradGuard no_grad;
    for (std::int64_t b = 0; b < B; ++b) {
      const auto k = static_cast<size_t>(b);
      const RitzProblem q = problems[k].to(s.dtype);
      const torch::Tensor alpha = nets[k]->forward(q);
      result.nodes[k].energy = ritz_energy(q, alpha).mean().item<double>();
      result.nodes[k].interpolation = ritz_interpolation_residual(q, alpha).square().mean().item<double>();
    }
  }
  result.seconds = timer.seconds();
  for (auto& r : result.nodes) r.seconds = result.seconds / static_cast<double>(B);
  return result;
}

}  // namespace neurhom
