#include "neurhom/methods/multistage/net/multistage_net.hpp"

#include <cmath>
#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/core/text_lists.hpp"

namespace neurhom {

namespace {

int parse_int(const std::string& value, const std::string& what) {
  try {
    size_t used = 0;
    const int v = std::stoi(value, &used);
    if (used == value.size()) return v;
  } catch (const std::exception&) {
  }
  throw Error("multistage architecture: " + what + " '" + value + "' is not an integer");
}

void glorot_uniform(torch::nn::Linear& layer) {
  torch::nn::init::xavier_uniform_(layer->weight);
  torch::nn::init::zeros_(layer->bias);
}

}  // namespace

std::string MultistageArch::to_string() const {
  std::ostringstream s;
  s << "kind=" << kind << ";problem=" << problem << ";m0=" << m0 << ";m1=" << m1 << ";r1=" << r1
    << ";heads=" << heads << ";outputs=" << outputs << ";hidden=" << hidden;
  if (uses_learned()) s << ";learned_channels=" << learned_channels << ";learned_pool=" << learned_pool;
  if (combine != "residual") s << ";combine=" << combine;  // defaults omitted: older files still read
  if (!normalize) s << ";normalize=0";
  if (target_basis != "cem") s << ";target_basis=" << target_basis;
  s << ";stages=";
  for (int k = 0; k < stages(); ++k)
    s << (k ? "," : "") << reductions[static_cast<size_t>(k)] << ":" << r0[static_cast<size_t>(k)];
  return s.str();
}

MultistageArch MultistageArch::from_string(const std::string& text) {
  MultistageArch a;
  a.reductions.clear();
  a.r0.clear();
  for (const std::string& field : split_list(text, ';')) {
    const auto eq = field.find('=');
    if (eq == std::string::npos) throw Error("multistage architecture: malformed field '" + field + "'");
    const std::string key = field.substr(0, eq), value = field.substr(eq + 1);
    if (key == "kind") a.kind = value;
    else if (key == "problem") a.problem = value;
    else if (key == "m0") a.m0 = parse_int(value, key);
    else if (key == "m1") a.m1 = parse_int(value, key);
    else if (key == "r1") a.r1 = parse_int(value, key);
    else if (key == "heads") a.heads = parse_int(value, key);
    else if (key == "outputs") a.outputs = parse_int(value, key);
    else if (key == "hidden") a.hidden = parse_int(value, key);
    else if (key == "learned_channels") a.learned_channels = parse_int(value, key);
    else if (key == "learned_pool") a.learned_pool = parse_int(value, key);
    else if (key == "combine") a.combine = value;
    else if (key == "normalize") a.normalize = parse_int(value, key) != 0;
    else if (key == "target_basis") a.target_basis = value;
    else if (key == "stages") {
      for (const std::string& st : split_list(value, ',')) {
        const auto colon = st.rfind(':');
        if (colon == std::string::npos) throw Error("multistage architecture: stage '" + st + "' has no width");
        a.reductions.push_back(st.substr(0, colon));
        a.r0.push_back(parse_int(st.substr(colon + 1), "stage width"));
      }
    } else {
      throw Error("multistage architecture: unknown field '" + key + "'");
    }
  }
  a.validate();
  return a;
}

bool MultistageArch::uses_learned() const {
  for (const auto& r : reductions)
    if (r == "learned") return true;
  return false;
}

void MultistageArch::validate() const {
  require(kind == "time" || kind == "steady", "multistage: unknown kind '" + kind + "' (time or steady)");
  require(stages() >= 1, "multistage: at least one stage is needed (-stages, -reduction)");
  require(r0.size() == reductions.size(), "multistage: one input width per stage is needed");
  require(outputs >= 1, "multistage: the output size must be positive");
  for (int w : r0) require(w >= 1, "multistage: stage input widths must be positive");
  require(combine == "residual" || combine == "concat",
          "multistage: unknown combination '" + combine + "' (-combine); known: residual, concat");
  require(combine == "residual" || kind == "time", "multistage: -combine concat is defined for the time-dependent data only");
  require(target_basis == "cem" || target_basis == "mass",
          "multistage: unknown target basis '" + target_basis + "' (-target_basis); known: cem, mass");
  require(target_basis == "cem" || kind == "time", "multistage: -target_basis mass is defined for the time-dependent data only");
  if (kind == "time") {
    require(heads >= 1 && r1 >= 1, "multistage: -r1 and the number of heads must be positive (got r1 = " +
                                       std::to_string(r1) + ")");
    require(m1 >= 1 && m1 <= m0, "multistage: -m1 must be in [1, m0 = " + std::to_string(m0) + "] (got " +
                                     std::to_string(m1) + "): the attention reduces the " + std::to_string(m0) +
                                     " time tokens to m1");
  } else {
    require(hidden >= 1, "multistage: the hidden width must be positive");
  }
}

MultistageStageImpl::MultistageStageImpl(const MultistageArch& arch, int stage, std::uint64_t seed)
    : arch_(arch), stage_(stage) {
  const std::int64_t r0 = arch.r0.at(static_cast<size_t>(stage)), N = arch.outputs;
  torch::manual_seed(seed * 7919ULL + static_cast<std::uint64_t>(stage));
  mean_ = register_buffer("input_mean", torch::zeros({r0}));
  std_ = register_buffer("input_std", torch::ones({r0}));
  if (arch.kind == "time") {
    const std::int64_t width = static_cast<std::int64_t>(arch.heads) * arch.r1;
    q_ = register_module("query", torch::nn::Linear(r0, width));
    k_ = register_module("key", torch::nn::Linear(r0, width));
    v_ = register_module("value", torch::nn::Linear(r0, width));
    o_ = register_module("attention_out", torch::nn::Linear(width, arch.r1));
    g_ = register_module("generator", torch::nn::Linear(static_cast<std::int64_t>(arch.m1) * arch.r1, N));
    for (auto* l : {&q_, &k_, &v_, &o_, &g_}) glorot_uniform(*l);
    if (stage > 0 && arch.combine == "concat") {
      c_ = register_module("combination", torch::nn::Linear(2 * N, N));
      glorot_uniform(c_);
    } else if (stage > 0) {
      c_ = register_module("combination", torch::nn::Linear(N, N));
      torch::nn::init::zeros_(c_->weight);
      torch::nn::init::zeros_(c_->bias);
    }
  } else {
    g_ = register_module("generator", torch::nn::Linear(r0, arch.hidden));
    g2_ = register_module("generator2", torch::nn::Linear(arch.hidden, N));
    glorot_uniform(g_);
    glorot_uniform(g2_);
    if (stage > 0) {
      c_ = register_module("combination", torch::nn::Linear(2 * N, arch.hidden));
      c2_ = register_module("combination2", torch::nn::Linear(arch.hidden, N));
      glorot_uniform(c_);
      torch::nn::init::zeros_(c2_->weight);
      torch::nn::init::zeros_(c2_->bias);
    }
  }
}

void MultistageStageImpl::set_normalization(const torch::Tensor& inputs) {
  if (!arch_.normalize) return;  // mean 0, std 1
  torch::NoGradGuard no_grad;
  const torch::Tensor flat = inputs.reshape({-1, inputs.size(-1)}).to(torch::kFloat64);
  mean_.copy_(flat.mean(0));
  // Columns without variation (e.g. a pooled window the source never reaches) keep std 1.
  torch::Tensor sd = flat.std(0);
  sd = torch::where(sd > 1e-12 * (flat.abs().max() + 1e-300), sd, torch::ones_like(sd));
  std_.copy_(sd);
}

torch::Tensor MultistageStageImpl::attention(const torch::Tensor& x) {
  const std::int64_t B = x.size(0), T = x.size(1), h = arch_.heads, d = arch_.r1;
  auto heads = [&](const torch::Tensor& t) { return t.view({B, T, h, d}).transpose(1, 2); };  // [B, h, T, d]
  const torch::Tensor q = heads(q_->forward(x)), k = heads(k_->forward(x)), v = heads(v_->forward(x));
  const torch::Tensor weights = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d)), -1);
  const torch::Tensor joined = torch::matmul(weights, v).transpose(1, 2).reshape({B, T, h * d});
  const torch::Tensor tokens = o_->forward(joined);  // [B, m_0, r_1]
  const torch::Tensor pooled = torch::adaptive_avg_pool1d(tokens.transpose(1, 2), arch_.m1);  // [B, r_1, m_1]
  return pooled.transpose(1, 2).reshape({B, static_cast<std::int64_t>(arch_.m1) * d});
}

torch::Tensor MultistageStageImpl::forward(const torch::Tensor& x_in, const torch::Tensor& previous) {
  const torch::Tensor x = (x_in.to(mean_.dtype()) - mean_) / std_;
  torch::Tensor g;
  if (arch_.kind == "time") {
    require(x.dim() == 3 && x.size(1) == arch_.m0, "multistage stage input must be [batch, m0, r0]");
    g = g_->forward(attention(x.to(torch::kFloat32)));
  } else {
    g = g2_->forward(torch::relu(g_->forward(x.to(torch::kFloat32))));
  }
  if (stage_ == 0) return g;
  require(previous.defined(), "multistage: stage >= 2 needs the previous stage's prediction");
  if (arch_.kind == "time" && arch_.combine == "concat") return c_->forward(torch::cat({previous, g}, 1));
  if (arch_.kind == "time") return previous + c_->forward(g);
  return previous + c2_->forward(torch::relu(c_->forward(torch::cat({previous, g}, 1))));
}

MultistageNetImpl::MultistageNetImpl(MultistageArch arch, std::uint64_t seed) : arch_(std::move(arch)) {
  arch_.validate();
  for (int k = 0; k < arch_.stages(); ++k)
    stages_.push_back(register_module("stage" + std::to_string(k + 1), MultistageStage(arch_, k, seed)));
  target_scale_ = register_buffer("target_scale", torch::ones({1}, torch::kFloat64));
  if (arch_.target_basis == "mass") {
    target_map_ = register_buffer("target_map", torch::eye(arch_.outputs, torch::kFloat64));
    target_map_inverse_ = register_buffer("target_map_inverse", torch::eye(arch_.outputs, torch::kFloat64));
  }
  if (arch_.uses_learned()) {
    int cells = 0;
    for (int k = 0; k < arch_.stages(); ++k)
      if (arch_.reductions[static_cast<size_t>(k)] == "learned") cells = arch_.r0[static_cast<size_t>(k)];
    reducer_ = register_module("reducer", LearnedReduction(arch_.m0, arch_.learned_channels, arch_.learned_pool, cells,
                                                           arch_.outputs, seed));
  }
}

void MultistageNetImpl::set_target_scale(double scale) {
  require(std::isfinite(scale) && scale > 0, "multistage: the training targets are all zero");
  target_scale_.fill_(scale);
}

std::vector<torch::Tensor> MultistageNetImpl::forward_stages(const std::vector<torch::Tensor>& inputs, int upto) {
  require(upto < stages() && static_cast<int>(inputs.size()) > upto, "multistage: one input per stage is needed");
  std::vector<torch::Tensor> out;
  torch::Tensor previous;
  for (int k = 0; k <= upto; ++k) {
    previous = stages_[static_cast<size_t>(k)]->forward(inputs[static_cast<size_t>(k)], previous);
    out.push_back(previous);
  }
  return out;
}

void MultistageNetImpl::set_target_map(const torch::Tensor& lower) {
  require(arch_.target_basis == "mass", "multistage: set_target_map needs target_basis mass");
  require(lower.dim() == 2 && lower.size(0) == arch_.outputs && lower.size(1) == arch_.outputs,
          "multistage: the target map must be " + std::to_string(arch_.outputs) + " x " + std::to_string(arch_.outputs));
  torch::NoGradGuard no_grad;
  target_map_.copy_(lower.to(torch::kFloat64));
  target_map_inverse_.copy_(torch::inverse(target_map_));
}

torch::Tensor MultistageNetImpl::to_learned_basis(const torch::Tensor& coefficients) const {
  const torch::Tensor c = coefficients.to(torch::kFloat64);
  return arch_.target_basis == "mass" ? c.mm(target_map_) : c;
}

std::vector<torch::Tensor> MultistageNetImpl::predict(const std::vector<torch::Tensor>& inputs) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> out = forward_stages(inputs, stages() - 1);
  for (auto& t : out) {
    t = t.to(torch::kFloat64) * target_scale_;
    if (arch_.target_basis == "mass") t = t.mm(target_map_inverse_);
  }
  return out;
}

void MultistageNetImpl::train_only_stage(int k) {
  for (int j = 0; j < stages(); ++j)
    for (auto& p : stages_[static_cast<size_t>(j)]->parameters()) p.set_requires_grad(j == k);
}

std::int64_t multistage_stage_parameters(const MultistageArch& a, int stage) {
  const std::int64_t r0 = a.r0.at(static_cast<size_t>(stage)), N = a.outputs, r1 = a.r1, h = a.heads;
  if (a.kind == "time") {
    const std::int64_t attention = 3 * (r0 * h * r1 + h * r1) + h * r1 * r1 + r1;
    const std::int64_t generator = static_cast<std::int64_t>(a.m1) * r1 * N + N;
    const std::int64_t combination = a.combine == "concat" ? 2 * N * N + N : N * N + N;
    return attention + generator + (stage > 0 ? combination : 0);
  }
  const std::int64_t w = a.hidden;
  return r0 * w + w + w * N + N + (stage > 0 ? 2 * N * w + w + w * N + N : 0);
}

double mean_relative_l2(const torch::Tensor& prediction, const torch::Tensor& target) {
  const torch::Tensor p = prediction.to(torch::kFloat64), t = target.to(torch::kFloat64);
  return ((p - t).norm(2, {1}) / t.norm(2, {1}).clamp_min(1e-300)).mean().item<double>();
}

}  // namespace neurhom
