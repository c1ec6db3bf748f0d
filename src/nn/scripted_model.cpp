#include "neurhom/nn/scripted_model.hpp"

#include <filesystem>
#include <sstream>

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

bool is_integer(const std::string& text) {
  if (text.empty()) return false;
  for (size_t k = 0; k < text.size(); ++k)
    if (!(std::isdigit(static_cast<unsigned char>(text[k])) || (k == 0 && text[k] == '-' && text.size() > 1))) return false;
  return text.size() < 18;
}

}  // namespace

torch::jit::script::Module script_mlp(Mlp& model, const CheckpointMeta& meta) {
  torch::jit::script::Module m("NeurhomMlp");
  std::ostringstream src;
  src << "def forward(self, x):\n";
  const auto& layers = model->layers();
  for (size_t k = 0; k < layers.size(); ++k) {
    const std::string w = "w" + std::to_string(k), b = "b" + std::to_string(k);
    m.register_parameter(w, layers[k]->weight.detach().to(torch::kCPU).clone(), false);
    m.register_parameter(b, layers[k]->bias.detach().to(torch::kCPU).clone(), false);
    src << "    x = torch.matmul(x, self." << w << ".t()) + self." << b << "\n";
    if (k + 1 < layers.size()) src << "    x = torch.relu(x)\n";
  }
  src << "    return x\n";
  m.register_attribute("widths", c10::StringType::get(), widths_to_string(model->widths()));
  m.register_attribute("model", c10::StringType::get(), meta.model);
  m.register_attribute("data_fingerprint", c10::StringType::get(), meta.data_fingerprint);
  for (const auto& [key, value] : meta.attributes) {
    if (is_integer(value))
      m.register_attribute(key, c10::IntType::get(), static_cast<std::int64_t>(std::stoll(value)));
    else
      m.register_attribute(key, c10::StringType::get(), value);
  }
  m.define(src.str());
  return m;
}

void save_script_module(const std::string& path, const torch::jit::script::Module& module) {
  write_atomically(path, [&](const std::string& temp) { module.save(temp); });
}

torch::Tensor ScriptedModel::forward(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  return module.forward({x}).toTensor();
}

std::vector<double> ScriptedModel::predict(const std::vector<float>& rows) {
  const std::int64_t in = widths.front();
  require(in > 0 && static_cast<std::int64_t>(rows.size()) % in == 0,
          "model input: " + std::to_string(rows.size()) + " values are not rows of " + std::to_string(in));
  const std::int64_t n = static_cast<std::int64_t>(rows.size()) / in;
  if (n == 0) return {};
  const auto x = torch::from_blob(const_cast<float*>(rows.data()), {n, in}, torch::kFloat32);
  const auto y = forward(x).to(torch::kFloat64).contiguous();
  return std::vector<double>(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
}

ScriptedModel load_torchscript(const std::string& path) {
  std::error_code ec;
  require(std::filesystem::is_regular_file(path, ec), "model file '" + path + "' does not exist");
  ScriptedModel s;
  try {
    s.module = torch::jit::load(path, torch::kCPU);
  } catch (const c10::Error& e) {
    throw Error("model file '" + path + "' is corrupt or not a TorchScript model");
  }
  require(s.module.hasattr("widths") && s.module.hasattr("model"),
          "model file '" + path + "' is not a neurhom model (no widths/model attributes)");
  s.widths = widths_from_string(s.module.attr("widths").toStringRef());
  s.model = s.module.attr("model").toStringRef();
  s.data_fingerprint = s.module.hasattr("data_fingerprint") ? s.module.attr("data_fingerprint").toStringRef() : "";
  auto int_attr = [&](const char* key) {
    return s.module.hasattr(key) && s.module.attr(key).isInt() ? static_cast<int>(s.module.attr(key).toInt()) : 0;
  };
  s.coarse_n = int_attr("coarse_n");
  s.fine_n = int_attr("fine_n");
  s.ell = int_attr("ell");
  s.module.eval();
  return s;
}

}  // namespace neurhom
