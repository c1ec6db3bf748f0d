// Offline dataset generation for the neural operator compression (see lod_datagen.hpp).
#include "neurhom/methods/compression/lod_datagen.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

#include "neurhom/coef/random.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/coef/box_field.hpp"
#include "neurhom/lod/box_lod.hpp"
#include "neurhom/lod/box_patch_extraction.hpp"
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
  std::vector<long long> cell;
  void clear() {
    inputs.clear();
    outputs.clear();
    cell.clear();
  }
};

// The rows of one coefficient sample for the coarse cells of this rank (block_of(patches per
// sample), in natural order): R_T(A), the extended S_T and the cell index.
using SampleRows = std::function<void(const CoefficientOptions& coefficient, RowBuffers& rows)>;

// The unit square (Sec. 4.2 of the paper): PgLod over the ranks, patch_extraction.hpp.
SampleRows square_rows(MPI_Comm comm, const LodDatagenSettings& s, LodDatasetMeta& meta) {
  const CoarseMesh mesh(s.coarse_n, s.fine_n);
  LodSettings lod_settings;
  lod_settings.ell = s.ell;
  lod_settings.patch_solver = s.patch_solver;
  auto lod = std::make_shared<PgLod>(comm, mesh, lod_settings);
  meta.coarse_n = s.coarse_n;
  meta.fine_n = s.fine_n;
  meta.input_size = extended_patch_cells(mesh, s.ell);
  meta.output_rows = extended_patch_nodes(s.ell);
  return [comm, mesh, lod, ell = s.ell](const CoefficientOptions& options, RowBuffers& rows) {
    const auto coefficient = make_coefficient(options, comm);
    lod->compute(*coefficient);
    for (const PatchMatrices& p : lod->local_patches()) {
      const auto in = extract_patch_coefficient(*coefficient, mesh, p.patch.T_I, p.patch.T_J, ell);
      const auto out = extend_local_matrix(p, ell);
      rows.inputs.insert(rows.inputs.end(), in.begin(), in.end());
      rows.outputs.insert(rows.outputs.end(), out.begin(), out.end());
      rows.cell.push_back(static_cast<long long>(p.patch.T_J) * mesh.cells + p.patch.T_I);
    }
  };
}

// Boxes in 2D and 3D (issue 30): the box patch corrector of box_lod.hpp on this rank's block of
// coarse cells, box_patch_extraction.hpp.
SampleRows box_rows(MPI_Comm comm, const LodDatagenSettings& s, LodDatasetMeta& meta) {
  const LodDatagenBox& b = *s.box;
  const BoxCoarseMesh mesh(b.fine, b.ratio, b.bc);
  const int dim = b.fine.dim;
  meta.dim = dim;
  meta.coarse_cells.clear();
  meta.fine_cells.clear();
  std::string lengths;
  for (int d = 0; d < dim; ++d) {
    meta.coarse_cells.push_back(mesh.cells(d));
    meta.fine_cells.push_back(b.fine.cells[static_cast<size_t>(d)]);
    lengths += (d ? "," : "") + format_number(b.fine.lengths[static_cast<size_t>(d)]);
  }
  meta.coarse_n = meta.coarse_cells[0];
  meta.fine_n = meta.fine_cells[0];
  meta.box = lengths;
  meta.bc = b.bc.describe();
  meta.input_size = static_cast<int>(box_extended_patch_cells(dim, b.ratio, s.ell));
  meta.output_rows = static_cast<int>(box_extended_patch_nodes(dim, s.ell));
  meta.output_cols = 1 << dim;
  const CellIndex3 all = {b.fine.cells[0], b.fine.cells[1], dim == 3 ? b.fine.cells[2] : 1};
  const Block block = block_of(mesh.num_cells(), comm);
  auto corrector = std::make_shared<BoxPatchCorrector>(mesh, s.patch_solver);
  return [comm, mesh, dim, all, block, corrector, ell = s.ell](const CoefficientOptions& options, RowBuffers& rows) {
    const auto field = make_box_coefficient(options, dim, comm);
    field->check_mesh(dim, all);
    for (long t = block.begin; t < block.end; ++t) {
      const Index3 T = mesh.cell_of(t);
      const BoxPatchMatrices m = corrector->compute(make_box_patch(mesh, T, ell), *field, false);
      require(m.max_constraint_residual < 1e-8, "lod-datagen: a corrector violates I_H q = 0 (constraint solve failed)");
      const auto in = extract_box_patch_coefficient(*field, mesh, T, ell);
      const auto out = extend_box_local_matrix(m, mesh, ell);
      rows.inputs.insert(rows.inputs.end(), in.begin(), in.end());
      rows.outputs.insert(rows.outputs.end(), out.begin(), out.end());
      rows.cell.push_back(t);
    }
  };
}

}  // namespace

LodDatagenResult generate_lod_dataset(MPI_Comm comm, const LodDatagenSettings& s) {
  require(s.samples >= 1, "-samples must be at least 1 (got " + std::to_string(s.samples) + ")");
  require(!s.output.empty(), "lod-datagen needs an output file (-o data.h5)");
  LodDatagenResult result;
  LodDatasetMeta& meta = result.meta;
  meta.ell = s.ell;
  const SampleRows sample_rows = s.box ? box_rows(comm, s, meta) : square_rows(comm, s, meta);
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
    std::printf("[lod-datagen] %dD: %d families x %d samples x %lld patches = %lld rows (%d + %d values), about %.3g GB\n",
                meta.dim, families, s.samples, per_sample, families * s.samples * per_sample, meta.input_size,
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
    const hsize_t count = static_cast<hsize_t>(cells.end - cells.begin);
    Progress progress("lod-datagen", "sample", static_cast<long long>(families) * s.samples, comm, 2.0);
    RowBuffers rows;
    long long done = 0;
    for (int f = 0; f < families; ++f) {
      for (int i = 0; i < s.samples; ++i) {
        rows.clear();
        sample_rows(lod_family_options(meta.families[static_cast<size_t>(f)], seeds[static_cast<size_t>(f) * s.samples + i],
                                       s.alpha, s.beta),
                    rows);
        require(rows.cell.size() == count, "lod-datagen: a rank computed " + std::to_string(rows.cell.size()) +
                                               " rows of a sample, expected " + std::to_string(count));
        const std::vector<long long> family(count, f), sample(count, i);
        const Split split = i < sizes.train ? Split::Train : i < sizes.train + sizes.val ? Split::Val : Split::Test;
        const hsize_t first = static_cast<hsize_t>(meta.first_row(f, i) + cells.begin);
        file.write_rows(lod_dataset_path(split, "inputs"), first, count, rows.inputs.data());
        file.write_rows(lod_dataset_path(split, "outputs"), first, count, rows.outputs.data());
        file.write_rows(lod_dataset_path(split, "family"), first, count, family.data());
        file.write_rows(lod_dataset_path(split, "sample"), first, count, sample.data());
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
  report["dim"] = r.meta.dim;
  report["coarse_cells"] = Json::array_of(r.meta.coarse_cells.empty() ? std::vector<int>{r.meta.coarse_n, r.meta.coarse_n} : r.meta.coarse_cells);
  report["cells"] = Json::array_of(r.meta.fine_cells.empty() ? std::vector<int>{r.meta.fine_n, r.meta.fine_n} : r.meta.fine_cells);
  report["box"] = r.meta.box;
  report["bc"] = r.meta.bc;
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
