#include "neurhom/methods/compression/net/lod_dataset.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/text_lists.hpp"

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

long long LodDatasetMeta::patches_per_sample() const {
  if (coarse_cells.empty()) return static_cast<long long>(coarse_n) * coarse_n;
  long long n = 1;
  for (int c : coarse_cells) n *= c;
  return n;
}

bool LodDatasetMeta::unit_square() const {
  const bool square = coarse_cells.empty() || (coarse_cells.size() == 2 && coarse_cells[0] == coarse_cells[1]);
  return dim == 2 && square && box == "1,1" && bc == "D,D,D,D";
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

std::string join(const std::vector<int>& items) {
  std::vector<std::string> s;
  for (int v : items) s.push_back(std::to_string(v));
  return join(s);
}

std::vector<int> parse_ints(const std::string& text, const std::string& where) {
  std::vector<int> out;
  for (const auto& item : split_list(text)) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    require(end && *end == 0 && v >= 1 && v <= (1L << 20), where + ": '" + text + "' is not a list of positive integers");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

long long power(long long base, int exponent) {
  long long p = 1;
  for (int k = 0; k < exponent; ++k) p *= base;
  return p;
}

}  // namespace

void LodDatasetMeta::write(Hdf5File& file) const {
  file.set_attribute("/", "format", std::string(kFormat));
  file.set_attribute("/", "version", static_cast<long long>(kVersion));
  file.set_attribute("/", "neurhom_version", std::string(NEURHOM_VERSION));
  file.set_attribute("/", "coarse_n", static_cast<long long>(coarse_n));
  file.set_attribute("/", "fine_n", static_cast<long long>(fine_n));
  const double L1 = std::stod(split_list(box).front());  // the box's side in x
  file.set_attribute("/", "H", L1 / coarse_n);
  file.set_attribute("/", "eps", L1 / fine_n);
  file.set_attribute("/", "ell", static_cast<long long>(ell));
  file.set_attribute("/", "input_size", static_cast<long long>(input_size));
  file.set_attribute("/", "output_rows", static_cast<long long>(output_rows));
  file.set_attribute("/", "output_cols", static_cast<long long>(output_cols));
  file.set_attribute("/", "samples", static_cast<long long>(samples));
  file.set_attribute("/", "families", join(families));
  file.set_attribute("/", "family_offset", static_cast<long long>(family_offset));
  file.set_attribute("/", "seed", static_cast<long long>(seed));
  file.set_attribute("/", "alpha", alpha);
  file.set_attribute("/", "beta", beta);
  file.set_attribute("/", "precision", precision);
  file.set_attribute("/", "split", std::string("80/10/10 per family: first train, next val, last test"));
  file.set_attribute("/", "dim", static_cast<long long>(dim));
  file.set_attribute("/", "coarse_cells", join(coarse_cells.empty() ? std::vector<int>{coarse_n, coarse_n} : coarse_cells));
  file.set_attribute("/", "fine_cells", join(fine_cells.empty() ? std::vector<int>{fine_n, fine_n} : fine_cells));
  file.set_attribute("/", "box", box);
  file.set_attribute("/", "bc", bc);
}

LodDatasetMeta LodDatasetMeta::read(const Hdf5File& file) {
  file.require_format(kFormat, kVersion, "LOD dataset");
  const std::string where = "'" + file.path() + "'";
  LodDatasetMeta m;
  m.coarse_n = static_cast<int>(file.read_attribute_int("/", "coarse_n"));
  m.fine_n = static_cast<int>(file.read_attribute_int("/", "fine_n"));
  m.ell = static_cast<int>(file.read_attribute_int("/", "ell"));
  m.input_size = static_cast<int>(file.read_attribute_int("/", "input_size"));
  m.output_rows = static_cast<int>(file.read_attribute_int("/", "output_rows"));
  m.output_cols = static_cast<int>(file.read_attribute_int("/", "output_cols"));
  m.samples = static_cast<int>(file.read_attribute_int("/", "samples"));
  m.families = split_list(file.read_attribute_string("/", "families"));
  if (file.has_attribute("/", "family_offset")) m.family_offset = static_cast<int>(file.read_attribute_int("/", "family_offset"));
  m.seed = static_cast<std::uint64_t>(file.read_attribute_int("/", "seed"));
  m.alpha = file.read_attribute_double("/", "alpha");
  m.beta = file.read_attribute_double("/", "beta");
  m.precision = file.read_attribute_string("/", "precision");
  if (file.has_attribute("/", "dim")) {  // files before issue 30: the unit square in 2D
    m.dim = static_cast<int>(file.read_attribute_int("/", "dim"));
    require(m.dim == 2 || m.dim == 3, where + ": attribute dim = " + std::to_string(m.dim) + " (expected 2 or 3)");
    m.coarse_cells = parse_ints(file.read_attribute_string("/", "coarse_cells"), where + " attribute coarse_cells");
    m.fine_cells = parse_ints(file.read_attribute_string("/", "fine_cells"), where + " attribute fine_cells");
    m.box = file.read_attribute_string("/", "box");
    m.bc = file.read_attribute_string("/", "bc");
    require(static_cast<int>(m.coarse_cells.size()) == m.dim && m.fine_cells.size() == m.coarse_cells.size() &&
                m.coarse_cells[0] == m.coarse_n && m.fine_cells[0] == m.fine_n,
            where + ": attributes coarse_cells/fine_cells do not fit dim = " + std::to_string(m.dim) + ", coarse_n, fine_n");
  }
  require(m.coarse_n >= 1 && m.fine_n >= m.coarse_n && m.fine_n % m.coarse_n == 0,
          where + ": fine_n = " + std::to_string(m.fine_n) + " is not a multiple of coarse_n = " + std::to_string(m.coarse_n));
  const long long rows_expected = power(2 * m.ell + 2, m.dim), cols_expected = 1LL << m.dim;
  require(m.ell >= 1 && m.output_rows == rows_expected && m.output_cols == cols_expected,
          where + ": output_rows x output_cols = " + std::to_string(m.output_rows) + " x " +
              std::to_string(m.output_cols) + " do not fit ell = " + std::to_string(m.ell) + " in " + std::to_string(m.dim) +
              "D (extended S_T: (2 ell + 2)^dim x 2^dim)");
  require(m.input_size == power(static_cast<long long>(2 * m.ell + 1) * m.ratio(), m.dim),
          where + ": input_size = " + std::to_string(m.input_size) + " does not fit ell = " + std::to_string(m.ell) +
              " and h/H = 1/" + std::to_string(m.ratio()) + " (R_T(A): ((2 ell + 1) r)^dim cells)");
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

void LodDatasetMeta::create_datasets(Hdf5File& file) const {
  const Hdf5Type type = precision == "float64" ? Hdf5Type::Float64 : Hdf5Type::Float32;
  const hsize_t elem = type == Hdf5Type::Float64 ? 8 : 4;
  // About 1 MiB per chunk, never more rows than one sample has.
  auto chunk_rows = [&](hsize_t cols) {
    return std::max<hsize_t>(1, std::min<hsize_t>(patches_per_sample(), (1u << 20) / (cols * elem)));
  };
  const hsize_t in = static_cast<hsize_t>(input_size), out = static_cast<hsize_t>(output_size());
  for (Split split : {Split::Train, Split::Val, Split::Test}) {
    const hsize_t n = static_cast<hsize_t>(rows(split));
    file.create_dataset(lod_dataset_path(split, "inputs"), {n, in}, {chunk_rows(in), in}, type);
    file.create_dataset(lod_dataset_path(split, "outputs"), {n, out}, {chunk_rows(out), out}, type);
    for (const char* what : {"family", "sample", "cell"})
      file.create_dataset(lod_dataset_path(split, what), {n}, {std::max<hsize_t>(1, std::min<hsize_t>(n, 65536))},
                          Hdf5Type::Int64);
  }
  const hsize_t f = static_cast<hsize_t>(families.size()), s = static_cast<hsize_t>(samples);
  file.create_dataset("/seeds", {f, s}, {f, s}, Hdf5Type::Int64);
}

namespace {

// Copies rows [first, first + count) of dataset `name` of `from` to row `to_first` of `to`,
// in blocks; rank 0 copies (write_rows is collective: the other ranks write no rows).
// `shift` is added to every value (the renumbered family column).
void copy_rows(MPI_Comm comm, const Hdf5File& from, Hdf5File& to, const std::string& name, long long count,
               long long to_first, hsize_t cols, bool integer, long long shift = 0) {
  const long long block = std::max<long long>(1, (1 << 22) / static_cast<long long>(cols));  // ~32 MB of doubles
  const bool root = is_root(comm);
  std::vector<double> values;
  std::vector<long long> ints;
  for (long long done = 0; done < count; done += block) {
    const long long n = std::min(block, count - done);
    const hsize_t mine = root ? static_cast<hsize_t>(n) : 0;
    if (integer) {
      ints.resize(static_cast<size_t>(n) * cols);
      if (root) from.read_rows(name, static_cast<hsize_t>(done), mine, ints.data());
      for (auto& v : ints) v += shift;
      to.write_rows(name, static_cast<hsize_t>(to_first + done), mine, ints.data());
    } else {
      values.resize(static_cast<size_t>(n) * cols);
      if (root) from.read_rows(name, static_cast<hsize_t>(done), mine, values.data());
      to.write_rows(name, static_cast<hsize_t>(to_first + done), mine, values.data());
    }
  }
}

}  // namespace

LodDatasetMeta merge_lod_datasets(MPI_Comm comm, const std::vector<std::string>& inputs, const std::string& output) {
  require(!inputs.empty(), "lod-merge needs input files (-inputs a.h5,b.h5,...)");
  std::vector<std::unique_ptr<Hdf5File>> files;
  std::vector<LodDatasetMeta> metas;
  for (const auto& path : inputs) {
    files.push_back(std::make_unique<Hdf5File>(path, Hdf5File::Mode::Read, comm));
    metas.push_back(LodDatasetMeta::read(*files.back()));
  }
  std::vector<size_t> order(inputs.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return metas[a].family_offset < metas[b].family_offset; });
  LodDatasetMeta merged = metas[order.front()];
  merged.families.clear();
  for (size_t k : order) {
    const LodDatasetMeta& m = metas[k];
    const std::string where = "'" + inputs[k] + "'";
    require(m.coarse_n == merged.coarse_n && m.fine_n == merged.fine_n && m.ell == merged.ell &&
                m.samples == merged.samples && m.seed == merged.seed && m.alpha == merged.alpha &&
                m.beta == merged.beta && m.precision == merged.precision && m.dim == merged.dim &&
                m.coarse_cells == merged.coarse_cells && m.fine_cells == merged.fine_cells && m.box == merged.box &&
                m.bc == merged.bc,
            where + " has another setting than '" + inputs[order.front()] +
                "' (mesh, box, faces, ell, samples, seed, alpha, beta and precision must agree)");
    const int expected = merged.family_offset + static_cast<int>(merged.families.size());
    require(m.family_offset == expected, where + " starts at family " + std::to_string(m.family_offset) + ", expected " +
                                             std::to_string(expected) +
                                             " (the parts must cover consecutive families once: lod-datagen -family_index)");
    merged.families.insert(merged.families.end(), m.families.begin(), m.families.end());
  }
  require_writable_location(output, "-o");
  AtomicOutput atomic(output, comm);
  {
    Hdf5File out(atomic.temp_path(), Hdf5File::Mode::Create, comm);
    merged.write(out);
    merged.create_datasets(out);
    long long seed_row = 0;
    long long at[3] = {0, 0, 0};
    for (size_t k : order) {
      const LodDatasetMeta& m = metas[k];
      const Hdf5File& in = *files[k];
      const long long family_shift = m.family_offset - merged.family_offset;
      copy_rows(comm, in, out, "/seeds", static_cast<long long>(m.families.size()), seed_row,
                static_cast<hsize_t>(m.samples), true);
      seed_row += static_cast<long long>(m.families.size());
      for (Split split : {Split::Train, Split::Val, Split::Test}) {
        const long long rows = m.rows(split), first = at[static_cast<int>(split)];
        copy_rows(comm, in, out, lod_dataset_path(split, "inputs"), rows, first, static_cast<hsize_t>(m.input_size), false);
        copy_rows(comm, in, out, lod_dataset_path(split, "outputs"), rows, first, static_cast<hsize_t>(m.output_size()), false);
        copy_rows(comm, in, out, lod_dataset_path(split, "family"), rows, first, 1, true, family_shift);
        copy_rows(comm, in, out, lod_dataset_path(split, "sample"), rows, first, 1, true);
        copy_rows(comm, in, out, lod_dataset_path(split, "cell"), rows, first, 1, true);
        at[static_cast<int>(split)] += rows;
      }
    }
  }
  atomic.commit();
  return merged;
}

}  // namespace neurhom
