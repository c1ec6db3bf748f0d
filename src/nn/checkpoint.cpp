#include "neurhom/nn/checkpoint.hpp"

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

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString())
    throw Error("'" + path + "' is not a neurhom checkpoint (no '" + key + "')");
  return value.toStringRef();
}

std::string optimizer_key(size_t k) { return k == 0 ? "optimizer" : "optimizer" + std::to_string(k); }

}  // namespace

int CheckpointMeta::int_attribute(const std::string& key) const {
  const auto it = attributes.find(key);
  require(it != attributes.end(), "model metadata has no '" + key + "'");
  try {
    size_t used = 0;
    const int v = std::stoi(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::exception&) {
  }
  throw Error("model metadata '" + key + "' = '" + it->second + "' is not an integer");
}

void write_atomically(const std::string& path, const std::function<void(const std::string& temp)>& write) {
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

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     const std::vector<torch::optim::Optimizer*>& optimizers, const CheckpointMeta& meta) {
  write_atomically(path, [&](const std::string& temp) {
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string(kFormat)));
    archive.write("model_kind", c10::IValue(meta.model));
    archive.write("architecture", c10::IValue(meta.architecture));
    archive.write("data_fingerprint", c10::IValue(meta.data_fingerprint));
    archive.write("epoch", c10::IValue(std::to_string(meta.epoch)));
    archive.write("steps", c10::IValue(std::to_string(meta.steps)));
    archive.write("history", c10::IValue(history_to_string(meta.history)));
    std::ostringstream attributes;  // one "key value" per line (values without newlines)
    for (const auto& [key, value] : meta.attributes) attributes << key << ' ' << value << '\n';
    archive.write("attributes", c10::IValue(attributes.str()));
    archive.write("optimizers", c10::IValue(std::to_string(optimizers.size())));
    torch::serialize::OutputArchive model_archive;
    model.save(model_archive);
    archive.write("model", model_archive);
    for (size_t k = 0; k < optimizers.size(); ++k) {
      torch::serialize::OutputArchive optimizer_archive;
      optimizers[k]->save(optimizer_archive);
      archive.write(optimizer_key(k), optimizer_archive);
    }
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
  m.architecture = read_string(archive, "architecture", path);
  m.data_fingerprint = read_string(archive, "data_fingerprint", path);
  m.epoch = std::stoi(read_string(archive, "epoch", path));
  m.steps = std::stoll(read_string(archive, "steps", path));
  m.history = history_from_string(read_string(archive, "history", path));
  std::istringstream attributes(read_string(archive, "attributes", path));
  std::string line;
  while (std::getline(attributes, line)) {
    const size_t space = line.find(' ');
    if (space != std::string::npos) m.attributes[line.substr(0, space)] = line.substr(space + 1);
  }
  return m;
}

void load_checkpoint(const std::string& path, torch::nn::Module& model,
                     const std::vector<torch::optim::Optimizer*>& optimizers) {
  try {
    torch::serialize::InputArchive archive, model_archive;
    archive.load_from(path);
    archive.read("model", model_archive);
    model.load(model_archive);
    for (size_t k = 0; k < optimizers.size(); ++k) {
      torch::serialize::InputArchive optimizer_archive;
      archive.read(optimizer_key(k), optimizer_archive);
      optimizers[k]->load(optimizer_archive);
    }
  } catch (const c10::Error& e) {
    throw Error("checkpoint '" + path + "' is corrupt or does not match the model: " +
                std::string(e.what_without_backtrace()).substr(0, 200));
  }
}

}  // namespace neurhom
