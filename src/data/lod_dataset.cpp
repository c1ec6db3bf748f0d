#include "neurhom/data/lod_dataset.hpp"

#include <sstream>

#include "neurhom/core/error.hpp"

namespace neurhom {

const char* split_name(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Test: return "test";
  }
  return "?";
}

Split parse_split(const std::string& name) {
  if (name == "train") return Split::Train;
  if (name == "val") return Split::Val;
  if (name == "test") return Split::Test;
  throw Error("unknown split '" + name + "'; known: train, val, test");
}

SplitSizes split_sizes(int samples) {
  SplitSizes s;
  s.train = static_cast<int>(0.8 * samples + 1e-9);
  s.val = static_cast<int>(0.9 * samples + 1e-9) - s.train;
  s.test = samples - s.train - s.val;
  return s;
}

long long LodDatasetMeta::rows(Split split) const {
  return static_cast<long long>(families.size()) * split_sizes(samples).of(split) * patches_per_sample();
}

long long LodDatasetMeta::first_row(int family, int sample) const {
  const SplitSizes sizes = split_sizes(samples);
  Split split = Split::Test;
  if (sample < sizes.train) split = Split::Train;
  else if (sample < sizes.train + sizes.val) split = Split::Val;
  const long long in_split = sample - sizes.first(split);
  return (static_cast<long long>(family) * sizes.of(split) + in_split) * patches_per_sample();
}

std::string lod_dataset_path(Split split, const std::string& what) {
  return std::string("/") + split_name(split) + "/" + what;
}

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k) out += (k ? "," : "") + items[k];
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

}  // namespace

void LodDatasetMeta::write(Hdf5File& file) const {
  file.set_attribute("/", "format", std::string(kFormat));
  file.set_attribute("/", "version", static_cast<long long>(kVersion));
  file.set_attribute("/", "neurhom_version", std::string(NEURHOM_VERSION));
  file.set_attribute("/", "coarse_n", static_cast<long long>(coarse_n));
  file.set_attribute("/", "fine_n", static_cast<long long>(fine_n));
  file.set_attribute("/", "H", 1.0 / coarse_n);
  file.set_attribute("/", "eps", 1.0 / fine_n);
  file.set_attribute("/", "ell", static_cast<long long>(ell));
  file.set_attribute("/", "input_size", static_cast<long long>(input_size));
  file.set_attribute("/", "output_rows", static_cast<long long>(output_rows));
  file.set_attribute("/", "output_cols", static_cast<long long>(output_cols));
  file.set_attribute("/", "samples", static_cast<long long>(samples));
  file.set_attribute("/", "families", join(families));
  file.set_attribute("/", "seed", static_cast<long long>(seed));
  file.set_attribute("/", "alpha", alpha);
  file.set_attribute("/", "beta", beta);
  file.set_attribute("/", "precision", precision);
  file.set_attribute("/", "split", std::string("80/10/10 per family: first train, next val, last test"));
}

LodDatasetMeta LodDatasetMeta::read(const Hdf5File& file) {
  const std::string where = "'" + file.path() + "'";
  require(file.has_attribute("/", "format") && file.read_attribute_string("/", "format") == kFormat,
          where + " is not a neurhom LOD dataset (no format attribute '" + std::string(kFormat) + "')");
  const long long version = file.read_attribute_int("/", "version");
  require(version == kVersion, where + " has dataset version " + std::to_string(version) + ", this neurhom reads " +
                                   std::to_string(kVersion));
  LodDatasetMeta m;
  m.coarse_n = static_cast<int>(file.read_attribute_int("/", "coarse_n"));
  m.fine_n = static_cast<int>(file.read_attribute_int("/", "fine_n"));
  m.ell = static_cast<int>(file.read_attribute_int("/", "ell"));
  m.input_size = static_cast<int>(file.read_attribute_int("/", "input_size"));
  m.output_rows = static_cast<int>(file.read_attribute_int("/", "output_rows"));
  m.output_cols = static_cast<int>(file.read_attribute_int("/", "output_cols"));
  m.samples = static_cast<int>(file.read_attribute_int("/", "samples"));
  m.families = split_list(file.read_attribute_string("/", "families"));
  m.seed = static_cast<std::uint64_t>(file.read_attribute_int("/", "seed"));
  m.alpha = file.read_attribute_double("/", "alpha");
  m.beta = file.read_attribute_double("/", "beta");
  m.precision = file.read_attribute_string("/", "precision");
  for (Split s : {Split::Train, Split::Val, Split::Test}) {
    for (const char* what : {"inputs", "outputs"}) {
      const std::string path = lod_dataset_path(s, what);
      require(file.has_dataset(path), where + " has no dataset '" + path + "'");
      const auto dims = file.dataset_dims(path);
      const long long cols = std::string(what) == "inputs" ? m.input_size : m.output_size();
      require(dims.size() == 2 && static_cast<long long>(dims[0]) == m.rows(s) && static_cast<long long>(dims[1]) == cols,
              where + ": dataset '" + path + "' has the wrong shape for its metadata (expected " +
                  std::to_string(m.rows(s)) + " x " + std::to_string(cols) + ")");
    }
  }
  return m;
}

}  // namespace neurhom
