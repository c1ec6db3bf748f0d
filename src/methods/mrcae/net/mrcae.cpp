#include "neurhom/methods/mrcae/net/mrcae.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/nn/checkpoint.hpp"

#include <torch/script.h>

namespace neurhom {

namespace F = torch::nn::functional;

namespace {

torch::Tensor uniform(std::vector<std::int64_t> shape, double noise, torch::Generator& g) {
  return (torch::rand(shape, g, torch::kFloat32) * 2.0 - 1.0) * noise;
}

torch::Tensor bilinear_kernel() {
  const torch::Tensor v = torch::tensor({0.5f, 1.0f, 0.5f});
  return torch::outer(v, v).reshape({1, 1, 3, 3});
}

bool is_level_size(int n) {  // 2^p - 1
  return n >= 3 && ((n + 1) & n) == 0;
}

}  // namespace

MrCaeImpl::MrCaeImpl(int finest, int levels, MrCaeActivation activation)
    : finest_(finest), levels_(levels), activation_(activation) {
  require(is_level_size(finest), "MrCAE: the image size must be 2^k - 1 (got " + std::to_string(finest) + ")");
  require(levels >= 1, "MrCAE: at least one level (got " + std::to_string(levels) + ")");
  require(size_at(0) >= 3, "MrCAE: " + std::to_string(levels) + " levels need images of at least " +
                               std::to_string((1 << (levels + 1)) - 1) + " pixels per side (got " + std::to_string(finest) + ")");
}

int MrCaeImpl::size_at(int k) const {
  int n = finest_;
  for (int l = levels_ - 1; l > k; --l) n = (n - 1) / 2;
  return n;
}

std::string MrCaeImpl::key(const char* kind, int k, int j) const {
  return std::string("L") + std::to_string(k) + "_" + kind + "_" + std::to_string(j);
}

void MrCaeImpl::deepen(double noise, std::uint64_t seed, bool constant_noise) {
  require(level() + 1 < levels_, "MrCAE: all " + std::to_string(levels_) + " levels are built");
  const int k = level() + 1;
  torch::Generator g = at::detail::createCPUGenerator(seed);
  torch::NoGradGuard no_grad;
  auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 1, 3).stride(2));
  auto deconv = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(1, 1, 3).stride(2));
  torch::Tensor delta = torch::zeros({1, 1, 3, 3});
  delta[0][0][1][1] = 1.0;
  conv->weight.copy_(delta + (constant_noise ? torch::full({1, 1, 3, 3}, noise) : uniform({1, 1, 3, 3}, noise, g)));
  conv->bias.copy_(uniform({1}, noise, g));
  deconv->weight.copy_(bilinear_kernel() + uniform({1, 1, 3, 3}, noise, g));
  deconv->bias.copy_(uniform({1}, noise, g));
  groups_.push_back({1});
  register_module(key("conv", k, 0), conv);
  register_module(key("deconv", k, 0), deconv);
}

void MrCaeImpl::widen(int channels, const torch::Tensor& mask, double noise, std::uint64_t seed) {
  require(level() >= 0, "MrCAE: deepen before widening");
  require(channels >= 1, "MrCAE: a filter group needs at least one channel");
  const int k = level();
  const int m = (size_at(k) - 1) / 2;
  require(mask.dim() == 2 && mask.size(0) == m && mask.size(1) == m,
          "MrCAE: the mask of level " + std::to_string(k) + " must be " + std::to_string(m) + " x " + std::to_string(m));
  torch::Generator g = at::detail::createCPUGenerator(seed);
  torch::NoGradGuard no_grad;
  auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(1, channels, 3).stride(2));
  // No bias on the group's transposed convolution: outside its (dilated) mask a group
  // contributes exactly nothing.
  auto deconv = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(channels, 1, 3).stride(2).bias(false));
  conv->weight.copy_(uniform({channels, 1, 3, 3}, noise, g));
  conv->bias.copy_(uniform({channels}, noise, g));
  deconv->weight.copy_(uniform({channels, 1, 3, 3}, noise, g));
  const int j = static_cast<int>(groups_.back().size());
  groups_.back().push_back(channels);
  register_module(key("conv", k, j), conv);
  register_module(key("deconv", k, j), deconv);
  register_buffer(key("mask", k, j), mask.to(torch::kFloat32).clone());
}

torch::Tensor MrCaeImpl::mask(int k, int j) const { return named_buffers(false)[key("mask", k, j)]; }

torch::Tensor MrCaeImpl::group_output(const torch::Tensor& x, int k, int j) {
  auto conv = named_children()[key("conv", k, j)]->as<torch::nn::Conv2d>();
  auto deconv = named_children()[key("deconv", k, j)]->as<torch::nn::ConvTranspose2d>();
  torch::Tensor h = conv->forward(x);
  if (activation_ == MrCaeActivation::ReLU) h = torch::relu(h);
  h = h * mask(k, j).reshape({1, 1, h.size(2), h.size(3)});
  return deconv->forward(h);
}

torch::Tensor MrCaeImpl::forward_level(const torch::Tensor& x, int k) {
  require(k >= 0 && k <= level(), "MrCAE: level " + std::to_string(k) + " is not built");
  require(x.dim() == 4 && x.size(1) == 1 && x.size(2) == size_at(k) && x.size(3) == size_at(k),
          "MrCAE: level " + std::to_string(k) + " takes [B, 1, " + std::to_string(size_at(k)) + ", " +
              std::to_string(size_at(k)) + "] images");
  auto conv = named_children()[key("conv", k, 0)]->as<torch::nn::Conv2d>();
  auto deconv = named_children()[key("deconv", k, 0)]->as<torch::nn::ConvTranspose2d>();
  torch::Tensor inner = conv->forward(x);
  if (k > 0) inner = forward_level(inner, k - 1);
  inner = F::pad(inner, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReplicate));
  torch::Tensor y = deconv->forward(inner);
  y = y.slice(2, 2, y.size(2) - 2).slice(3, 2, y.size(3) - 2);
  for (int j = 1; j < static_cast<int>(groups_[static_cast<size_t>(k)].size()); ++j) y = y + group_output(x, k, j);
  return y;
}

std::string MrCaeImpl::architecture() const {
  std::ostringstream s;
  s << "mrcae finest=" << finest_ << " levels=" << levels_ << " act=" << (activation_ == MrCaeActivation::ReLU ? "relu" : "linear")
    << " groups=";
  for (size_t k = 0; k < groups_.size(); ++k) {
    if (k) s << '/';
    for (size_t j = 0; j < groups_[k].size(); ++j) s << (j ? "," : "") << groups_[k][j];
  }
  return s.str();
}

std::int64_t MrCaeImpl::encoding_size() const {
  if (groups_.empty()) return 0;
  const std::int64_t m = (size_at(0) - 1) / 2;
  std::int64_t size = m * m;
  for (int k = 0; k <= level(); ++k)
    for (int j = 1; j < static_cast<int>(groups_[static_cast<size_t>(k)].size()); ++j)
      size += groups_[static_cast<size_t>(k)][static_cast<size_t>(j)] *
              static_cast<std::int64_t>(mask(k, j).sum().item<double>() + 0.5);
  return size;
}

std::int64_t MrCaeImpl::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

MrCae mrcae_from_architecture(const std::string& text) {
  std::istringstream s(text);
  std::string word, groups;
  int finest = 0, levels = 0;
  std::string act;
  s >> word;
  require(word == "mrcae", "not an MrCAE architecture: '" + text + "'");
  while (s >> word) {
    const size_t eq = word.find('=');
    require(eq != std::string::npos, "malformed MrCAE architecture: '" + text + "'");
    const std::string k = word.substr(0, eq), v = word.substr(eq + 1);
    if (k == "finest") finest = std::stoi(v);
    else if (k == "levels") levels = std::stoi(v);
    else if (k == "act") act = v;
    else if (k == "groups") groups = v;
  }
  require(act == "linear" || act == "relu", "malformed MrCAE architecture (act): '" + text + "'");
  MrCae model(finest, levels, act == "relu" ? MrCaeActivation::ReLU : MrCaeActivation::Linear);
  for (const auto& level_text : split_list(groups, '/')) {
    if (level_text.empty()) continue;
    model->deepen(0.0, 0);
    const auto channels = parse_list<int>(level_text, "MrCAE architecture '" + text + "' (groups)");
    const int m = (model->size_at(model->level()) - 1) / 2;
    for (size_t k = 1; k < channels.size(); ++k) model->widen(channels[k], torch::ones({m, m}), 0.0, 0);  // [0]: deepening
  }
  return model;
}

torch::Tensor mrcae_subsample(const torch::Tensor& x) {
  const int64_t d = x.dim();
  return x.slice(d - 2, 1, x.size(d - 2), 2).slice(d - 1, 1, x.size(d - 1), 2).contiguous();
}

torch::Tensor mrcae_interpolate(const torch::Tensor& x) {
  const torch::Tensor padded = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReplicate));
  const torch::Tensor y = F::conv_transpose2d(padded, bilinear_kernel().to(x.scalar_type()), F::ConvTranspose2dFuncOptions().stride(2));
  return y.slice(2, 2, y.size(2) - 2).slice(3, 2, y.size(3) - 2);
}

torch::Tensor mrcae_interpolation_baseline(const torch::Tensor& x, int times) {
  require(times >= 0, "interpolation baseline: times >= 0");
  torch::Tensor y = x;
  for (int t = 0; t < times; ++t) y = mrcae_subsample(y);
  for (int t = 0; t < times; ++t) y = mrcae_interpolate(y);
  return y;
}

torch::Tensor mrcae_error_summary(const torch::Tensor& data, const torch::Tensor& reconstruction, double w) {
  const torch::Tensor sq = (data - reconstruction).square();
  const torch::Tensor e = w * sq.mean(0, true) + (1 - w) * std::get<0>(sq.max(0, true));  // [1, 1, n, n]
  return F::avg_pool2d(e, F::AvgPool2dFuncOptions(3).stride(2)).squeeze(0).squeeze(0);
}

torch::Tensor mrcae_mask(const torch::Tensor& summary, double tol) {
  const torch::Tensor m = (summary >= tol).to(torch::kFloat32).unsqueeze(0).unsqueeze(0);
  return F::max_pool2d(m, F::MaxPool2dFuncOptions(3).stride(1).padding(1)).squeeze(0).squeeze(0);
}

torch::Tensor mrcae_loss(const torch::Tensor& data, const torch::Tensor& reconstruction, double w) {
  const torch::Tensor sq = (data - reconstruction).square();
  return w * sq.mean() + (1 - w) * sq.mean(0).max();
}

void export_mrcae_torchscript(MrCae& model, const std::string& path) {
  require(model->level() >= 0, "MrCAE: nothing to export before the first level");
  torch::jit::Module m("MrCAE");
  torch::NoGradGuard no_grad;
  std::map<std::string, std::string> names;  // module parameter/buffer path -> attribute
  for (const auto& item : model->named_parameters()) {
    std::string name = item.key();
    std::replace(name.begin(), name.end(), '.', '_');
    m.register_parameter(name, item.value().detach().clone(), false);
  }
  for (const auto& item : model->named_buffers()) m.register_buffer(item.key(), item.value().detach().clone());
  std::ostringstream src;
  const char* act = model->activation() == MrCaeActivation::ReLU ? "torch.relu" : "";
  for (int k = 0; k <= model->level(); ++k) {
    const std::string L = "L" + std::to_string(k);
    src << "def forward_level_" << k << "(self, x):\n"
        << "    h = torch.conv2d(x, self." << L << "_conv_0_weight, self." << L << "_conv_0_bias, [2, 2])\n";
    if (k > 0) src << "    h = self.forward_level_" << k - 1 << "(h)\n";
    src << "    h = torch.replication_pad2d(h, [1, 1, 1, 1])\n"
        << "    y = torch.conv_transpose2d(h, self." << L << "_deconv_0_weight, self." << L << "_deconv_0_bias, [2, 2])\n"
        << "    y = y[:, :, 2:-2, 2:-2]\n";
    for (int j = 1; j < static_cast<int>(model->groups(k).size()); ++j) {
      const std::string g = L + "_conv_" + std::to_string(j), d = L + "_deconv_" + std::to_string(j),
                        mask = L + "_mask_" + std::to_string(j);
      src << "    g = torch.conv2d(x, self." << g << "_weight, self." << g << "_bias, [2, 2])\n"
          << "    g = " << act << "(g) * self." << mask << "\n"
          << "    y = y + torch.conv_transpose2d(g, self." << d << "_weight, None, [2, 2])\n";
    }
    src << "    return y\n";
  }
  src << "def forward(self, x):\n    return self.forward_level_" << model->level() << "(x)\n";
  m.define(src.str());
  write_atomically(path, [&](const std::string& temp) { m.save(temp); });
}

void save_mrcae(const std::string& path, MrCae& model, const std::string& extra) {
  write_atomically(path, [&](const std::string& temp) {
    torch::serialize::OutputArchive archive, state;
    archive.write("format", c10::IValue(std::string("neurhom-mrcae")));
    archive.write("architecture", c10::IValue(model->architecture()));
    archive.write("extra", c10::IValue(extra));
    model->save(state);
    archive.write("model", state);
    archive.save_to(temp);
  });
}

MrCae load_mrcae(const std::string& path, std::string* extra) {
  require(std::ifstream(path).good(), "cannot open MrCAE model '" + path + "' (-model)");
  torch::serialize::InputArchive archive, state;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw Error("'" + path + "' is not an MrCAE model (not a torch archive)");
  }
  c10::IValue format, architecture, extra_value;
  require(archive.try_read("format", format) && format.isString() && format.toStringRef() == "neurhom-mrcae",
          "'" + path + "' is not an MrCAE model");
  require(archive.try_read("architecture", architecture) && architecture.isString(), "'" + path + "' has no architecture");
  MrCae model = mrcae_from_architecture(architecture.toStringRef());
  archive.read("model", state);
  model->load(state);
  if (extra && archive.try_read("extra", extra_value) && extra_value.isString()) *extra = extra_value.toStringRef();
  return model;
}

}  // namespace neurhom
