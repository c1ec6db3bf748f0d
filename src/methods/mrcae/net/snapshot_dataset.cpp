#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"

namespace neurhom {

namespace {
constexpr const char* kFormat = "neurhom-snapshots";
constexpr long long kVersion = 1;
}  // namespace

std::vector<long long> SnapshotSet::rows(int part) const {
  std::vector<long long> r;
  for (long long k = 0; k < count; ++k)
    if (split[static_cast<size_t>(k)] == part) r.push_back(k);
  return r;
}

std::vector<long long> shuffled_split(long long count, std::uint64_t seed) {
  std::vector<long long> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<long long> split(static_cast<size_t>(count), 0);
  const long long train = count * 7 / 10, val = count * 2 / 10;
  for (long long k = 0; k < count; ++k)
    split[static_cast<size_t>(order[static_cast<size_t>(k)])] = k < train ? 0 : (k < train + val ? 1 : 2);
  return split;
}

void scale_to_unit_interval(SnapshotSet& s) {
  require(!s.values.empty(), "snapshot dataset: no values to scale");
  require(s.scaling == "none", "snapshot dataset: the values are already scaled");
  const auto [lo, hi] = std::minmax_element(s.values.begin(), s.values.end());
  const double offset = *lo, scale = *hi - *lo;
  require(std::isfinite(offset) && std::isfinite(scale) && scale > 0,
          "snapshot dataset '" + s.example + "': cannot scale to [0, 1] (constant or non-finite values)");
  for (double& v : s.values) v = (v - offset) / scale;
  s.scaling = "unit";
  s.offset = offset;
  s.scale = scale;
}

void write_snapshots(const std::string& path, const SnapshotSet& s, MPI_Comm comm) {
  require(s.size >= 1 && s.count >= 1, "snapshot dataset: no snapshots");
  require(static_cast<long long>(s.values.size()) == s.count * s.size * s.size && static_cast<long long>(s.split.size()) == s.count,
          "snapshot dataset: inconsistent sizes");
  AtomicOutput output(path, comm);
  {
    Hdf5File file(output.temp_path(), Hdf5File::Mode::Create, comm);
    const auto T = static_cast<hsize_t>(s.count), n = static_cast<hsize_t>(s.size);
    file.write_replicated("snapshots", {T, n, n}, s.values.data());
    std::vector<double> split(s.split.begin(), s.split.end());
    file.write_replicated("split", {T}, split.data());
    file.set_attribute("/", "format", std::string(kFormat));
    file.set_attribute("/", "version", kVersion);
    file.set_attribute("/", "example", s.example);
    file.set_attribute("/", "description", s.description);
    file.set_attribute("/", "size", static_cast<long long>(s.size));
    file.set_attribute("/", "snapshots", s.count);
    file.set_attribute("/", "scaling", s.scaling);
    file.set_attribute("/", "offset", s.offset);
    file.set_attribute("/", "scale", s.scale);
  }
  output.commit();
}

SnapshotSet read_snapshots(const std::string& path, MPI_Comm comm) {
  require(!path.empty(), "no snapshot dataset given (-data data.h5 from `neurhom mrcae-data`)");
  require(std::ifstream(path).good(), "cannot open snapshot dataset '" + path + "' (-data)");
  Hdf5File file(path, Hdf5File::Mode::Read, comm);
  file.require_format(kFormat, kVersion, "snapshot dataset");
  SnapshotSet s;
  s.example = file.read_attribute_string("/", "example");
  s.description = file.read_attribute_string("/", "description");
  s.size = static_cast<int>(file.read_attribute_int("/", "size"));
  s.count = file.read_attribute_int("/", "snapshots");
  if (file.has_attribute("/", "scaling")) {
    s.scaling = file.read_attribute_string("/", "scaling");
    s.offset = file.read_attribute_double("/", "offset");
    s.scale = file.read_attribute_double("/", "scale");
  }
  s.values = file.read_all("snapshots");
  const std::vector<double> split = file.read_all("split");
  require(s.count >= 1 && static_cast<long long>(s.values.size()) == s.count * s.size * s.size &&
              static_cast<long long>(split.size()) == s.count,
          "snapshot dataset '" + path + "' is inconsistent (snapshots, split)");
  for (double v : split) s.split.push_back(static_cast<long long>(v));
  return s;
}

}  // namespace neurhom
