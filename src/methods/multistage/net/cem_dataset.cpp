#include "neurhom/methods/multistage/net/cem_dataset.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

using hs = hsize_t;

void create(Hdf5File& file, const std::string& name, std::vector<hs> dims, Hdf5Type type = Hdf5Type::Float64) {
  std::vector<hs> chunk = dims;
  chunk[0] = 1;
  if (dims[0] == 0) return;
  file.create_dataset(name, dims, chunk, type);
}

}  // namespace

int cem_train_samples(int samples) { return std::min(samples - 1, static_cast<int>(std::lround(0.75 * samples))); }

std::string cem_group(bool steady, int split) {
  return std::string(steady ? "/steady/" : "/time/") + (split == 0 ? "train" : "test") + "/";
}

void CemDatasetMeta::write(Hdf5File& file) const {
  file.set_attribute("/", "format", std::string(kFormat));
  file.set_attribute("/", "version", static_cast<long long>(kVersion));
  file.set_attribute("/", "coarse_n", static_cast<long long>(coarse_n));
  file.set_attribute("/", "fine_n", static_cast<long long>(fine_n));
  file.set_attribute("/", "cem_modes", static_cast<long long>(modes));
  file.set_attribute("/", "cem_oversampling", static_cast<long long>(oversampling));
  file.set_attribute("/", "dim_vms", static_cast<long long>(dim_vms()));
  file.set_attribute("/", "T", final_time);
  file.set_attribute("/", "steps", static_cast<long long>(steps));
  file.set_attribute("/", "gamma", gamma);
  file.set_attribute("/", "seed", static_cast<long long>(seed));
  file.set_attribute("/", "samples", static_cast<long long>(samples));
  file.set_attribute("/", "train", static_cast<long long>(train));
  file.set_attribute("/", "test", static_cast<long long>(test));
  file.set_attribute("/", "coefficient", coefficient);
  file.set_attribute("/", "source", source);
  file.set_attribute("/", "steady_eps", steady_eps);
  file.set_attribute("/", "steady_source", steady_source);
  file.set_attribute("/", "steady_kappa", steady_kappa);
}

void CemDatasetMeta::create_datasets(Hdf5File& file) const {
  const hs L = static_cast<hs>(modes), N = static_cast<hs>(cells()), dim = static_cast<hs>(dim_vms()),
           T = static_cast<hs>(steps);
  for (int split = 0; split < 2; ++split) {
    const hs n = static_cast<hs>(split_rows(split));
    const std::string t = cem_group(false, split), st = cem_group(true, split);
    if (time_data()) {
      create(file, t + "sample_seed", {n}, Hdf5Type::Int64);
      create(file, t + "xi", {n, 5});
      create(file, t + "source_projected", {n, T, dim});
      create(file, t + "source_modes", {n, L, T, N});
      create(file, t + "source_pooled", {n, T, N});
    }
    if (linear) {
      create(file, t + "linear_target", {n, dim});
      create(file, t + "linear_fine_norm", {n});
      create(file, t + "linear_fine_moment", {n, dim});
    }
    if (nonlinear) {
      create(file, t + "nonlinear_target", {n, dim});
      create(file, t + "nonlinear_fine_norm", {n});
      create(file, t + "nonlinear_fine_moment", {n, dim});
    }
    if (steady) {
      create(file, st + "p", {n, 3});
      create(file, st + "features", {n, 3, N});
      create(file, st + "pooled_kappa", {n, N});
      create(file, st + "target", {n, N});
      create(file, st + "kappa_min", {n});
    }
  }
}

CemDatasetMeta CemDatasetMeta::read(const Hdf5File& file) {
  // Version 1 files lack /steady/*/pooled_kappa only; everything else reads the same.
  const long long version = file.has_attribute("/", "version") ? file.read_attribute_int("/", "version") : 0;
  file.require_format(kFormat, version == 1 ? 1 : kVersion, "CEM dataset");
  CemDatasetMeta m;
  m.version = static_cast<int>(version);
  m.coarse_n = static_cast<int>(file.read_attribute_int("/", "coarse_n"));
  m.fine_n = static_cast<int>(file.read_attribute_int("/", "fine_n"));
  m.modes = static_cast<int>(file.read_attribute_int("/", "cem_modes"));
  m.oversampling = static_cast<int>(file.read_attribute_int("/", "cem_oversampling"));
  m.steps = static_cast<int>(file.read_attribute_int("/", "steps"));
  m.final_time = file.read_attribute_double("/", "T");
  m.gamma = file.read_attribute_double("/", "gamma");
  m.seed = static_cast<std::uint64_t>(file.read_attribute_int("/", "seed"));
  m.samples = static_cast<int>(file.read_attribute_int("/", "samples"));
  m.train = static_cast<int>(file.read_attribute_int("/", "train"));
  m.test = static_cast<int>(file.read_attribute_int("/", "test"));
  m.coefficient = file.read_attribute_string("/", "coefficient");
  m.source = file.read_attribute_string("/", "source");
  m.steady_eps = file.read_attribute_double("/", "steady_eps");
  m.steady_source = file.read_attribute_string("/", "steady_source");
  if (file.has_attribute("/", "steady_kappa")) m.steady_kappa = file.read_attribute_string("/", "steady_kappa");
  if (file.has_attribute("/", "steady_rejected")) m.steady_rejected = file.read_attribute_int("/", "steady_rejected");
  const int any = m.train > 0 ? 0 : 1;
  m.linear = file.has_dataset(cem_group(false, any) + "linear_target");
  m.nonlinear = file.has_dataset(cem_group(false, any) + "nonlinear_target");
  m.steady = file.has_dataset(cem_group(true, any) + "target");
  m.steady_pooled = file.has_dataset(cem_group(true, any) + "pooled_kappa");
  m.fine_moments = file.has_dataset(cem_group(false, any) + (m.linear ? "linear" : "nonlinear") + "_fine_moment");
  return m;
}

}  // namespace neurhom
