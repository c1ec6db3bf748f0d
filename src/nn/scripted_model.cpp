#include "neurhom/nn/scripted_model.hpp"

#include <algorithm>
#include <cctype>
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

std::int64_t ScriptedModel::int_attribute(const std::string& key) const {
  const auto it = int_attributes.find(key);
  return it == int_attributes.end() ? 0 : it->second;
}

std::string ScriptedModel::string_attribute(const std::string& key, const std::string& fallback) const {
  const auto it = string_attributes.find(key);
  return it == string_attributes.end() ? fallback : it->second;
}

void ScriptedModel::set_precision(Precision p) {
  require(p == Precision::Float32 || !layers.empty(),
          "-precision bf16 needs a neurhom MLP export (model '" + model + "' has no native layers)");
  precision = p;
  layers_bf16.clear();
  if (p == Precision::BFloat16)
    for (size_t k = 0; k + 1 < layers.size(); ++k)
      layers_bf16.emplace_back(layers[k].first.to(torch::kBFloat16).contiguous(), layers[k].second.to(torch::kBFloat16));
}

torch::Tensor ScriptedModel::forward(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  return module.forward({x}).toTensor();
}

void ScriptedModel::predict(const float* rows, std::int64_t n, float* out, std::int64_t chunk) {
  const std::int64_t in = widths.front(), width = widths.back();
  if (n <= 0) return;
  c10::InferenceMode inference;
  if (chunk <= 0) chunk = n;
  for (std::int64_t first = 0; first < n; first += chunk) {
    const std::int64_t m = std::min(chunk, n - first);
    torch::Tensor x = torch::from_blob(const_cast<float*>(rows + first * in), {m, in}, torch::kFloat32);
    torch::Tensor y = torch::from_blob(out + first * width, {m, width}, torch::kFloat32);
    if (layers.empty()) {
      y.copy_(module.forward({x}).toTensor());
      continue;
    }
    if (precision == Precision::BFloat16) {
      // bfloat16 for the hidden layers (all but ~1 % of the FLOPs), float32 for the output
      // layer so the outputs are not rounded to 8 mantissa bits.
      x = x.to(torch::kBFloat16);
      for (size_t k = 0; k < layers_bf16.size(); ++k) {
        x = torch::addmm(layers_bf16[k].second, x, layers_bf16[k].first.t());
        x.relu_();
      }
      torch::addmm_out(y, layers.back().second, x.to(torch::kFloat32), layers.back().first.t());
      continue;
    }
    for (size_t k = 0; k < layers.size(); ++k) {
      const auto& [W, b] = layers[k];
      if (k + 1 == layers.size()) {
        torch::addmm_out(y, b, x, W.t());
      } else {
        x = torch::addmm(b, x, W.t());
        x.relu_();
      }
    }
  }
}

std::vector<float> ScriptedModel::predict(const std::vector<float>& rows, std::int64_t chunk) {
  const std::int64_t in = widths.front();
  require(in > 0 && static_cast<std::int64_t>(rows.size()) % in == 0,
          "model input: " + std::to_string(rows.size()) + " values are not rows of " + std::to_string(in));
  const std::int64_t n = static_cast<std::int64_t>(rows.size()) / in;
  std::vector<float> out(static_cast<size_t>(n * widths.back()));
  predict(rows.data(), n, out.data(), chunk);
  return out;
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
  for (const auto& attribute : s.module.named_attributes(/*recurse=*/false))
    if (attribute.value.isInt())
      s.int_attributes[attribute.name] = attribute.value.toInt();
    else if (attribute.value.isString())
      s.string_attributes[attribute.name] = attribute.value.toStringRef();
  s.module.eval();
  // The layers of an MLP export (w0, b0, w1, b1, ...), for the native forward pass.
  for (size_t k = 0; k + 1 < s.widths.size(); ++k) {
    const std::string w = "w" + std::to_string(k), b = "b" + std::to_string(k);
    if (!s.module.hasattr(w) || !s.module.hasattr(b)) {
      s.layers.clear();
      break;
    }
    s.layers.emplace_back(s.module.attr(w).toTensor().to(torch::kFloat32).contiguous(),
                          s.module.attr(b).toTensor().to(torch::kFloat32).contiguous());
  }
  return s;
}

}  // namespace neurhom
