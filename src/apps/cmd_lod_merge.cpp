// `neurhom lod-merge`: joins the per-family files of a `lod-datagen -family_index K` job
// array into the dataset one run would have written (methods/compression/net/lod_dataset.hpp). No PETSc.
#include <cstdio>
#include <sstream>

#include "arg_options.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/methods/compression/net/lod_dataset.hpp"

namespace neurhom::app {

int run_lod_merge(MPI_Comm comm, int argc, char** argv) {
  ArgOptions args(argc, argv, "lod-merge");
  const std::string list = args.get("-inputs", "", "comma list of lod-datagen files (one family range each)");
  const std::string output = args.get("-o", "", "merged HDF5 dataset");
  const std::string report_path = args.get("-report", "", "JSON file with the key figures of the run");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(!output.empty(), "lod-merge needs an output file: -o merged.h5");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");
  std::vector<std::string> inputs;
  for (const auto& item : split_list(list))
    if (!item.empty()) inputs.push_back(item);
  WallTimer timer;
  const LodDatasetMeta m = merge_lod_datasets(comm, inputs, output);
  const double seconds = max_ranks(comm, timer.seconds());
  Json report = Json::object();
  report["output"] = output;
  report["inputs"] = Json::array_of(inputs);
  report["families"] = Json::array_of(m.families);
  report["samples_per_family"] = m.samples;
  Json rows = Json::object();
  for (Split s : {Split::Train, Split::Val, Split::Test}) rows[split_name(s)] = m.rows(s);
  report["rows"] = rows;
  report["seconds"] = seconds;
  write_report(report_path, report, comm);
  if (is_root(comm))
    std::printf("neurhom lod-merge: %zu files, %zu families x %d samples (%lld + %lld + %lld rows) -> %s in %.1f s\n",
                inputs.size(), m.families.size(), m.samples, m.rows(Split::Train), m.rows(Split::Val),
                m.rows(Split::Test), output.c_str(), seconds);
  return 0;
}

}  // namespace neurhom::app
