#include "neurhom/methods/deepritz/net/ritz_bundle.hpp"

#include <fstream>
#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/nn/checkpoint.hpp"

namespace neurhom {

namespace {

constexpr const char* kFormat = "neurhom-deepritz-bundle";

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString())
    throw Error("'" + path + "' is not a Deep Ritz bundle (no '" + key + "'; train one with `neurhom train -model deepritz`)");
  return value.toStringRef();
}

torch::Tensor read_tensor(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path) {
  torch::Tensor t;
  if (!archive.try_read(key, t)) throw Error("Deep Ritz bundle '" + path + "' has no '" + key + "'");
  return t.contiguous();
}

}  // namespace

const std::string& RitzBundle::attribute(const std::string& key) const {
  const auto it = attributes.find(key);
  require(it != attributes.end(), "Deep Ritz bundle has no attribute '" + key + "'");
  return it->second;
}

int RitzBundle::int_attribute(const std::string& key) const {
  const std::string& v = attribute(key);
  try {
    size_t used = 0;
    const int x = std::stoi(v, &used);
    if (used == v.size()) return x;
  } catch (const std::exception&) {
  }
  throw Error("Deep Ritz bundle attribute '" + key + "' = '" + v + "' is not an integer");
}

double RitzBundle::real_attribute(const std::string& key) const {
  const std::string& v = attribute(key);
  try {
    size_t used = 0;
    const double x = std::stod(v, &used);
    if (used == v.size()) return x;
  } catch (const std::exception&) {
  }
  throw Error("Deep Ritz bundle attribute '" + key + "' = '" + v + "' is not a number");
}

int RitzBundle::find(std::int64_t node) const {
  for (size_t k = 0; k < nodes.size(); ++k)
    if (nodes[k] == node) return static_cast<int>(k);
  return -1;
}

RitzNet RitzBundle::network(size_t k, torch::Dtype dtype) const {
  RitzNet net(widths, 0, dtype);
  unflatten_parameters(*net, parameters.at(k));
  return net;
}

void save_ritz_bundle(const std::string& path, const RitzBundle& b) {
  require(b.nodes.size() == b.parameters.size() && b.nodes.size() == b.stats.size() && !b.nodes.empty(),
          "Deep Ritz bundle: one parameter vector and one stats entry per node");
  const auto P = static_cast<std::int64_t>(b.parameters.front().size());
  const auto K = static_cast<std::int64_t>(b.nodes.size());
  torch::Tensor params = torch::empty({K, P}, torch::kFloat64), stats = torch::empty({K, 4}, torch::kFloat64);
  for (std::int64_t k = 0; k < K; ++k) {
    require(static_cast<std::int64_t>(b.parameters[static_cast<size_t>(k)].size()) == P,
            "Deep Ritz bundle: networks of different sizes");
    std::copy(b.parameters[static_cast<size_t>(k)].begin(), b.parameters[static_cast<size_t>(k)].end(),
              params[k].data_ptr<double>());
    const RitzNodeStats& s = b.stats[static_cast<size_t>(k)];
    double* row = stats[k].data_ptr<double>();
    row[0] = s.energy;
    row[1] = s.interpolation;
    row[2] = s.steps;
    row[3] = s.seconds;
  }
  std::ostringstream attributes;
  for (const auto& [key, value] : b.attributes) attributes << key << ' ' << value << '\n';
  write_atomically(path, [&](const std::string& temp) {
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string(kFormat)));
    archive.write("attributes", c10::IValue(attributes.str()));
    archive.write("widths", c10::IValue(widths_to_string(b.widths)));
    archive.write("nodes", torch::tensor(b.nodes, torch::kInt64));
    archive.write("parameters", params);
    archive.write("stats", stats);
    archive.save_to(temp);
  });
}

RitzBundle load_ritz_bundle(const std::string& path) {
  require(std::ifstream(path).good(), "cannot open Deep Ritz bundle '" + path + "' (-model)");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw Error("'" + path + "' is not a Deep Ritz bundle (not a torch archive)");
  }
  require(read_string(archive, "format", path) == kFormat, "'" + path + "' is not a Deep Ritz bundle");
  RitzBundle b;
  std::istringstream attributes(read_string(archive, "attributes", path));
  std::string line;
  while (std::getline(attributes, line)) {
    const size_t space = line.find(' ');
    if (space != std::string::npos) b.attributes[line.substr(0, space)] = line.substr(space + 1);
  }
  b.widths = widths_from_string(read_string(archive, "widths", path));
  const torch::Tensor nodes = read_tensor(archive, "nodes", path).to(torch::kInt64);
  const torch::Tensor params = read_tensor(archive, "parameters", path).to(torch::kFloat64);
  const torch::Tensor stats = read_tensor(archive, "stats", path).to(torch::kFloat64);
  const std::int64_t K = nodes.numel();
  require(K >= 1 && params.dim() == 2 && params.size(0) == K && stats.dim() == 2 && stats.size(0) == K && stats.size(1) == 4,
          "Deep Ritz bundle '" + path + "' is inconsistent (nodes, parameters, stats)");
  for (std::int64_t k = 0; k < K; ++k) {
    b.nodes.push_back(nodes[k].item<std::int64_t>());
    const double* p = params[k].data_ptr<double>();
    b.parameters.emplace_back(p, p + params.size(1));
    const double* s = stats[k].data_ptr<double>();
    b.stats.push_back({s[0], s[1], s[2], s[3]});
  }
  RitzNet probe(b.widths, 0, torch::kFloat64);
  require(static_cast<std::int64_t>(flatten_parameters(*probe).size()) == params.size(1),
          "Deep Ritz bundle '" + path + "': parameter count does not match widths " + widths_to_string(b.widths));
  return b;
}

}  // namespace neurhom
