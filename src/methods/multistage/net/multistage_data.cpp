#include "neurhom/methods/multistage/net/multistage_data.hpp"

#include <cstdio>

#include "neurhom/core/error.hpp"
#include "neurhom/methods/multistage/net/multistage_net.hpp"

namespace neurhom {

namespace {

bool is_time(const std::string& problem) { return problem == "linear" || problem == "nonlinear"; }

int mode_index(const std::string& reduction, const std::string& prefix) {
  if (reduction.rfind(prefix, 0) != 0) return -1;
  const std::string k = reduction.substr(prefix.size());
  if (k.empty() || k.find_first_not_of("0123456789") != std::string::npos || k.size() > 4) return -1;
  return std::stoi(k);
}

torch::Tensor read_tensor(const Hdf5File& file, const std::string& name) {
  require(file.has_dataset(name), "'" + file.path() + "' has no dataset " + name);
  const std::vector<hsize_t> dims = file.dataset_dims(name);
  std::vector<double> values = file.read_all(name);
  std::vector<std::int64_t> shape(dims.begin(), dims.end());
  return torch::from_blob(values.data(), shape, torch::kFloat64).clone();
}

}  // namespace

void require_multistage_problem(const CemDatasetMeta& meta, const std::string& path, const std::string& problem) {
  const bool present = problem == "linear" ? meta.linear : problem == "nonlinear" ? meta.nonlinear
                                          : problem == "steady"  ? meta.steady
                                                                 : false;
  require(problem == "linear" || problem == "nonlinear" || problem == "steady",
          "unknown problem '" + problem + "' (-problem); known: linear, nonlinear, steady");
  require(present, "'" + path + "' has no " + problem + " data (generate it with `neurhom cem-datagen -problems " +
                       problem + "`)");
  require(meta.train > 0 && meta.test > 0, "'" + path + "' needs training and test samples");
}

int multistage_outputs(const CemDatasetMeta& meta, const std::string& problem) {
  return is_time(problem) ? meta.dim_vms() : meta.cells();
}

int multistage_reduction_width(const CemDatasetMeta& meta, const std::string& problem, const std::string& reduction) {
  const std::string offered = is_time(problem) ? "cem-all, cem-mode-1..cem-mode-" + std::to_string(meta.modes) + ", pool, learned"
                                               : std::string("kappa-0, kappa-1, kappa-2, pool");
  const std::string bad = "reduction '" + reduction + "' (-reduction) does not match the " + problem +
                          " data; this file offers " + offered;
  if (is_time(problem)) {
    if (reduction == "cem-all") return meta.dim_vms();
    if (reduction == "pool" || reduction == "learned") return meta.cells();
    const int k = mode_index(reduction, "cem-mode-");
    require(k >= 1 && k <= meta.modes, bad);
    return meta.cells();
  }
  if (reduction == "pool") {
    require(meta.steady_pooled, "reduction 'pool' needs /steady/*/pooled_kappa, which this version-" +
                                    std::to_string(meta.version) + " file lacks (regenerate it with cem-datagen)");
    return meta.cells();
  }
  const int j = mode_index(reduction, "kappa-");
  require(j >= 0 && j <= 2, bad);
  return meta.cells();
}

MultistageSplit read_multistage_split(const Hdf5File& file, const CemDatasetMeta& meta, const std::string& problem,
                                      const std::vector<std::string>& reductions, int split) {
  require_multistage_problem(meta, file.path(), problem);
  for (const auto& r : reductions) multistage_reduction_width(meta, problem, r);
  MultistageSplit out;
  const std::int64_t n = meta.split_rows(split);
  if (is_time(problem)) {
    const std::string g = cem_group(false, split);
    out.targets = read_tensor(file, g + problem + "_target");
    std::vector<long long> seeds(static_cast<size_t>(n));
    file.read_rows(g + "sample_seed", 0, static_cast<hsize_t>(n), seeds.data());
    out.sample_seeds = torch::tensor(std::vector<std::int64_t>(seeds.begin(), seeds.end()), torch::kInt64);
    torch::Tensor projected, modes, pooled;
    for (const auto& r : reductions) {
      if (r == "cem-all") {
        if (!projected.defined()) projected = read_tensor(file, g + "source_projected");
        out.inputs.push_back(projected);
      } else if (r == "pool") {
        if (!pooled.defined()) pooled = read_tensor(file, g + "source_pooled");
        out.inputs.push_back(pooled);
      } else if (r == "learned") {
        out.inputs.emplace_back();  // complete_learned_inputs()
      } else {
        if (!modes.defined()) modes = read_tensor(file, g + "source_modes");  // [n, L, steps, N]
        out.inputs.push_back(modes.select(1, mode_index(r, "cem-mode-") - 1).contiguous());
      }
    }
  } else {
    const std::string g = cem_group(true, split);
    out.targets = read_tensor(file, g + "target");
    torch::Tensor features, pooled;
    for (const auto& r : reductions) {
      if (r == "pool") {
        if (!pooled.defined()) pooled = read_tensor(file, g + "pooled_kappa");
        out.inputs.push_back(pooled);
      } else {
        if (!features.defined()) features = read_tensor(file, g + "features");  // [n, 3, N]
        out.inputs.push_back(features.select(1, mode_index(r, "kappa-")).contiguous());
      }
    }
  }
  require(out.targets.size(0) == n, "'" + file.path() + "': the target rows do not match the split size");
  require(torch::isfinite(out.targets).all().item<bool>(), "'" + file.path() + "' has non-finite targets");
  for (const auto& x : out.inputs)
    require(!x.defined() || torch::isfinite(x).all().item<bool>(), "'" + file.path() + "' has non-finite inputs");
  return out;
}

SourceGrid source_grid_of(const CemDatasetMeta& meta) {
  SourceGrid g;
  g.fine_n = meta.fine_n;
  g.pool = meta.fine_n / meta.coarse_n;
  g.steps = meta.steps;
  g.final_time = meta.final_time;
  return g;
}

void complete_learned_inputs(MultistageNetImpl& net, const std::vector<std::string>& reductions, MultistageSplit& split,
                             const SourceGrid& grid) {
  for (size_t k = 0; k < reductions.size(); ++k) {
    if (reductions[k] != "learned" || split.inputs[k].defined()) continue;
    require(!net.reducer().is_empty(), "multistage: the model has no learned reduction");
    split.inputs[k] = learned_inputs(net.reducer(), split.sample_seeds, grid);
  }
}

std::string multistage_fingerprint(const CemDatasetMeta& meta, const std::string& problem, const MultistageSplit& train) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const void* data, size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t k = 0; k < bytes; ++k) h = (h ^ p[k]) * 1099511628211ULL;
  };
  const std::string text = problem + "/" + std::to_string(meta.coarse_n) + "/" + std::to_string(meta.fine_n) + "/" +
                           std::to_string(meta.modes) + "/" + std::to_string(meta.samples) + "/" +
                           std::to_string(meta.seed) + "/" + meta.coefficient;
  mix(text.data(), text.size());
  for (std::int64_t r : {std::int64_t{0}, train.rows() - 1}) {
    const torch::Tensor row = train.targets[r].contiguous();
    mix(row.data_ptr<double>(), static_cast<size_t>(row.numel()) * sizeof(double));
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace neurhom
