#include "neurhom/nn/checkpoint.hpp"

#include <torch/script.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

constexpr const char* kFormat = "neurhom-checkpoint";

std::string history_to_string(const std::vector<EpochRecord>& h) {
  std::ostringstream s;
  s.precision(17);
  for (const auto& r : h)
    s << r.epoch << ' ' << r.train_loss << ' ' << r.val_loss << ' ' << r.learning_rate << ' ' << r.seconds << ' '
      << r.samples_per_second << '\n';
  return s.str();
}

std::vector<EpochRecord> history_from_string(const std::string& text) {
  std::vector<EpochRecord> h;
  std::istringstream s(text);
  EpochRecord r;
  while (s >> r.epoch >> r.train_loss >> r.val_loss >> r.learning_rate >> r.seconds >> r.samples_per_second) h.push_back(r);
  return h;
}

// Writes through a temporary file and renames it (an interrupted write never replaces a
// good file).
template <class Write>
void write_atomically(const std::string& path, Write write) {
  const std::string temp = path + ".partial";
  try {
    write(temp);
  } catch (const c10::Error& e) {
    std::remove(temp.c_str());
    throw Error("cannot write '" + path + "': " + e.what_without_backtrace());
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) throw Error("cannot rename '" + temp + "' to '" + path + "': " + ec.message());
}

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString())
    throw Error("'" + path + "' is not a neurhom checkpoint (no '" + key + "')");
  return value.toStringRef();
}

}  // namespace

void save_checkpoint(const std::string& path, Mlp& model, torch::optim::Optimizer& optimizer, const CheckpointMeta& meta) {
  write_atomically(path, [&](const std::string& temp) {
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string(kFormat)));
    archive.write("model_kind", c10::IValue(meta.model));
    archive.write("widths", c10::IValue(widths_to_string(meta.widths)));
    archive.write("normalization", c10::IValue(meta.normalization));
    archive.write("data_fingerprint", c10::IValue(meta.data_fingerprint));
    archive.write("epoch", c10::IValue(std::to_string(meta.epoch)));
    archive.write("setting", c10::IValue(std::to_string(meta.coarse_n) + " " + std::to_string(meta.fine_n) + " " +
                                         std::to_string(meta.ell)));
    archive.write("history", c10::IValue(history_to_string(meta.history)));
    torch::serialize::OutputArchive model_archive, optimizer_archive;
    model->save(model_archive);
    optimizer.save(optimizer_archive);
    archive.write("model", model_archive);
    archive.write("optimizer", optimizer_archive);
    archive.save_to(temp);
  });
}

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  std::error_code ec;
  require(std::filesystem::is_regular_file(path, ec), "checkpoint '" + path + "' does not exist");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw Error("checkpoint '" + path + "' is corrupt or not a torch archive");
  }
  require(read_string(archive, "format", path) == kFormat, "'" + path + "' is not a neurhom checkpoint");
  CheckpointMeta m;
  m.model = read_string(archive, "model_kind", path);
  m.widths = widths_from_string(read_string(archive, "widths", path));
  m.normalization = read_string(archive, "normalization", path);
  m.data_fingerprint = read_string(archive, "data_fingerprint", path);
  m.epoch = std::stoi(read_string(archive, "epoch", path));
  std::istringstream setting(read_string(archive, "setting", path));
  setting >> m.coarse_n >> m.fine_n >> m.ell;
  m.history = history_from_string(read_string(archive, "history", path));
  return m;
}

void load_checkpoint(const std::string& path, Mlp& model, torch::optim::Optimizer& optimizer) {
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(path);
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model->load(model_archive);
    optimizer.load(optimizer_archive);
  } catch (const c10::Error& e) {
    throw Error("checkpoint '" + path + "' is corrupt or does not match the model: " +
                std::string(e.what_without_backtrace()).substr(0, 200));
  }
}

void export_torchscript(const std::string& path, Mlp& model, const CheckpointMeta& meta) {
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
  m.register_attribute("widths", c10::StringType::get(), widths_to_string(meta.widths));
  m.register_attribute("model", c10::StringType::get(), meta.model);
  m.register_attribute("data_fingerprint", c10::StringType::get(), meta.data_fingerprint);
  m.register_attribute("coarse_n", c10::IntType::get(), static_cast<std::int64_t>(meta.coarse_n));
  m.register_attribute("fine_n", c10::IntType::get(), static_cast<std::int64_t>(meta.fine_n));
  m.register_attribute("ell", c10::IntType::get(), static_cast<std::int64_t>(meta.ell));
  m.define(src.str());
  write_atomically(path, [&](const std::string& temp) { m.save(temp); });
}

torch::Tensor ScriptedModel::forward(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  return module.forward({x}).toTensor();
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
  for (const char* key : {"coarse_n", "fine_n", "ell"})
    require(s.module.hasattr(key), "model file '" + path + "' has no '" + key + "' attribute");
  s.coarse_n = static_cast<int>(s.module.attr("coarse_n").toInt());
  s.fine_n = static_cast<int>(s.module.attr("fine_n").toInt());
  s.ell = static_cast<int>(s.module.attr("ell").toInt());
  s.module.eval();
  return s;
}

}  // namespace neurhom
