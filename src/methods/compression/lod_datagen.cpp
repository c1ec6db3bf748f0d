// Offline dataset generation for the neural operator compression (see lod_datagen.hpp).
#include "neurhom/methods/compression/lod_datagen.hpp"

#include <algorithm>
#include <cstdio>

#include "neurhom/coef/random.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"

namespace neurhom {

std::vector<std::string> default_lod_families() {
  std::vector<std::string> f;
  for (int k = 0; k <= 8; ++k) f.push_back("levels" + std::to_string(k));
  f.push_back("ms");
  return f;
}

std::vector<std::string> parse_lod_families(const std::string& list) {
  if (list.empty() || list == "all") return default_lod_families();
  std::vector<std::string> out;
  for (const auto& item : split_list(list)) {
    lod_family_options(item, 1, 1.0, 2.0);  // validates the name
    require(std::find(out.begin(), out.end(), item) == out.end(), "family '" + item + "' is listed twice (-families)");
    out.push_back(item);
  }
  return out;
}

CoefficientOptions lod_family_options(const std::string& family, std::uint64_t seed, double alpha, double beta) {
  CoefficientOptions o;
  o.seed = seed;
  o.alpha = alpha;
  o.beta = beta;
  if (family == "ms") {
    o.family = "ms";
    return o;
  }
  const std::string prefix = "levels";
  bool ok = family.size() > prefix.size() && family.compare(0, prefix.size(), prefix) == 0;
  int level = -1;
  if (ok) {
    const std::string digits = family.substr(prefix.size());
    ok = digits.size() <= 2 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) level = std::stoi(digits);
  }
  require(ok && level >= 0 && level <= 16,
          "unknown family '" + family + "' (-families); known: levels0 ... levels16, ms, or all");
  o.family = "levels";
  o.level = level;
  return o;
}

namespace {

struct RowBuffers {
  std::vector<double> inputs, outputs;
  std::vector<long long> family, sample, cell;
  void clear() {
    inputs.clear();
    outputs.clear();
    family.clear();
    sample.clear();
    cell.clear();
  }
};


}  // namespace

LodDatagenResult generate_lod_dataset(MPI_Comm comm, const LodDatagenSettings& s) {
  require(s.samples >= 1, "-samples must be at least 1 (got " + std::to_string(s.samples) + ")");
  require(!s.output.empty(), "lod-datagen needs an output file (-o data.h5)");
  const CoarseMesh mesh(s.coarse_n, s.fine_n);
  LodSettings lod_settings;
  lod_settings.ell = s.ell;
  lod_settings.patch_solver = s.patch_solver;
  PgLod lod(comm, mesh, lod_settings);

  LodDatagenResult result;
  LodDatasetMeta& meta = result.meta;
  meta.coarse_n = s.coarse_n;
  meta.fine_n = s.fine_n;
  meta.ell = s.ell;
  meta.input_size = extended_patch_cells(mesh, s.ell);
  meta.output_rows = extended_patch_nodes(s.ell);
  meta.samples = s.samples;
  meta.families = s.families.empty() ? default_lod_families() : s.families;
  if (s.family_index >= 0) {  // one family of the list, with the seeds of the full run (job arrays)
    require(s.family_index < static_cast<int>(meta.families.size()),
            "-family_index " + std::to_string(s.family_index) + " is not below the " +
                std::to_string(meta.families.size()) + " families of -families");
    meta.families = {meta.families[static_cast<size_t>(s.family_index)]};
    meta.family_offset = s.family_index;
  }
  meta.seed = s.seed;
  meta.alpha = s.alpha;
  meta.beta = s.beta;
  meta.precision = s.float64 ? "float64" : "float32";
  const int families = static_cast<int>(meta.families.size());
  const long long per_sample = meta.patches_per_sample();
  const double elem = s.float64 ? 8.0 : 4.0;
  result.bytes = static_cast<double>(families) * s.samples * per_sample *
                 ((meta.input_size + meta.output_size()) * elem + 3 * 8.0);
  if (is_root(comm))
    std::printf("[lod-datagen] %d families x %d samples x %lld patches = %lld rows (%d + %d values), about %.3g GB\n",
                families, s.samples, per_sample, families * s.samples * per_sample, meta.input_size,
                meta.output_size(), result.bytes / 1e9);

  require_writable_location(s.output, "-o");
  AtomicOutput atomic(s.output, comm);
  WallTimer timer;
  {
    Hdf5File file(atomic.temp_path(), Hdf5File::Mode::Create, comm);
    meta.write(file);
    meta.create_datasets(file);
    std::vector<long long> seeds(static_cast<size_t>(families) * s.samples);
    for (int f = 0; f < families; ++f)
      for (int i = 0; i < s.samples; ++i)
        seeds[static_cast<size_t>(f) * s.samples + i] = static_cast<long long>(sample_seed(s.seed, meta.family_offset + f, i));
    file.write_rows("/seeds", 0, is_root(comm) ? static_cast<hsize_t>(families) : 0, seeds.data());

    const SplitSizes sizes = split_sizes(s.samples);
    const Block cells = block_of(per_sample, comm);
    Progress progress("lod-datagen", "sample", static_cast<long long>(families) * s.samples, comm, 2.0);
    RowBuffers rows;
    long long done = 0;
    for (int f = 0; f < families; ++f) {
      for (int i = 0; i < s.samples; ++i) {
        const auto coefficient = make_coefficient(
            lod_family_options(meta.families[static_cast<size_t>(f)], seeds[static_cast<size_t>(f) * s.samples + i],
                               s.alpha, s.beta),
            comm);
        lod.compute(*coefficient);
        rows.clear();
        for (const PatchMatrices& p : lod.local_patches()) {
          const auto in = extract_patch_coefficient(*coefficient, mesh, p.patch.T_I, p.patch.T_J, s.ell);
          const auto out = extend_local_matrix(p, s.ell);
          rows.inputs.insert(rows.inputs.end(), in.begin(), in.end());
          rows.outputs.insert(rows.outputs.end(), out.begin(), out.end());
          rows.family.push_back(f);
          rows.sample.push_back(i);
          rows.cell.push_back(static_cast<long long>(p.patch.T_J) * s.coarse_n + p.patch.T_I);
        }
        const Split split = i < sizes.train ? Split::Train : i < sizes.train + sizes.val ? Split::Val : Split::Test;
        const hsize_t first = static_cast<hsize_t>(meta.first_row(f, i) + cells.begin);
        const hsize_t count = static_cast<hsize_t>(cells.end - cells.begin);
        file.write_rows(lod_dataset_path(split, "inputs"), first, count, rows.inputs.data());
        file.write_rows(lod_dataset_path(split, "outputs"), first, count, rows.outputs.data());
        file.write_rows(lod_dataset_path(split, "family"), first, count, rows.family.data());
        file.write_rows(lod_dataset_path(split, "sample"), first, count, rows.sample.data());
        file.write_rows(lod_dataset_path(split, "cell"), first, count, rows.cell.data());
        ++done;
        if (s.show_progress) {
          char extra[64];
          std::snprintf(extra, sizeof extra, "%.0f patches/s", done * per_sample / progress.elapsed_seconds());
          progress.update(done, extra);
        }
      }
    }
    if (s.show_progress) progress.finish();
  }
  atomic.commit();
  result.seconds = max_ranks(comm, timer.seconds());
  result.patches = static_cast<long long>(families) * s.samples * per_sample;
  return result;
}

Json to_json(const LodDatagenResult& r) {
  Json report = Json::object();
  report["coarse_n"] = r.meta.coarse_n;
  report["fine_n"] = r.meta.fine_n;
  report["ell"] = r.meta.ell;
  report["families"] = Json::array_of(r.meta.families);
  report["samples_per_family"] = r.meta.samples;
  report["input_size"] = r.meta.input_size;
  report["output_size"] = r.meta.output_size();
  Json rows = Json::object();
  for (Split sp : {Split::Train, Split::Val, Split::Test}) rows[split_name(sp)] = r.meta.rows(sp);
  report["rows"] = rows;
  report["patches"] = r.patches;
  report["seconds"] = r.seconds;
  report["patches_per_second"] = r.patches / r.seconds;
  return report;
}

}  // namespace neurhom
