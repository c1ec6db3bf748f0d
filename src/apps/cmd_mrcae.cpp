// MrCAE subcommands (no PETSc except for the multiscale example's fine solves):
// `neurhom mrcae-data` (snapshot datasets), `neurhom train -model mrcae` (progressive
// training, methods/mrcae/net/mrcae_training.hpp) and `neurhom mrcae-eval` (methods/mrcae/net/mrcae_eval.hpp). Read
// options, call one library function, write the report.
#include <cstdio>
#include <optional>
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
#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/conv_autoencoder.hpp"
#include "neurhom/methods/mrcae/net/mrcae_eval.hpp"
#include "neurhom/methods/mrcae/net/mrcae_examples.hpp"
#include "neurhom/methods/mrcae/net/mrcae_training.hpp"
#ifdef NEURHOM_WITH_PETSC
#include "neurhom/methods/mrcae/snapshot_series.hpp"
#include "petsc_session.hpp"
#endif

namespace neurhom::app {

namespace {

Json history_json(const std::vector<MrCaeOperation>& ops) {
  Json h = Json::array();
  for (const auto& o : ops) {
    Json j = Json::object();
    j["level"] = o.level;
    j["operation"] = o.kind;
    j["channels"] = o.channels;
    j["epochs"] = o.epochs;
    j["val_loss"] = o.val_loss;
    j["val_global"] = o.val_global;
    j["test_global"] = o.test_global;
    j["parameters"] = static_cast<long long>(o.parameters);
    j["encoding_size"] = static_cast<long long>(o.encoding_size);
    j["masked_fraction"] = o.masked_fraction;
    j["seconds"] = o.seconds;
    j["unresolved_fraction"] = o.unresolved_fraction;
    j["stop"] = o.stop;
    h.push_back(j);
  }
  return h;
}

}  // namespace

int run_mrcae_data(MPI_Comm comm, int argc, char** argv) {
  ArgOptions args(argc, argv, "mrcae-data");
  const std::string example = args.get("-example", "toy1", "toy1, toy2, turbulence or multiscale");
  const int size = static_cast<int>(args.get_int("-size", 127, "image size n = 2^k - 1"));
  const long long count = args.get_int("-snapshots", 500, "number of snapshots");
  const auto seed = static_cast<std::uint64_t>(args.get_int("-seed", 1, "seed of the split (and of the turbulence)"));
  const std::string convention = args.get("-convention", "reference",
                                          "toy formulas: reference (the authors' notebooks) or paper (eqs. 4.1-4.4 as printed)");
  const std::string scale = args.get("-scale", "unit", "unit (min-max to [0, 1] over all snapshots, as the reference code) or none");
  const std::string output = args.get("-o", "", "snapshot dataset (HDF5)");
  const std::string report_path = args.get("-report", "", "JSON report");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  check_snapshot_request(example, size, count);
  const ToyConvention toy = toy_convention_from_string(convention);
  require(scale == "unit" || scale == "none", "-scale must be unit or none (got '" + scale + "')");
  require(!output.empty(), "mrcae-data needs an output file: -o data.h5");
  require_writable_location(output, "-o file");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");
  WallTimer timer;
#ifdef NEURHOM_WITH_PETSC
  std::optional<PetscSession> petsc;
  if (example == "multiscale") petsc.emplace();
  SnapshotSet s = example == "multiscale" ? multiscale_snapshot_set(comm, size, count, seed)
                                          : synthetic_snapshot_set(example, size, count, seed, toy);
#else
  SnapshotSet s = synthetic_snapshot_set(example, size, count, seed, toy);
#endif
  if (scale == "unit") scale_to_unit_interval(s);
  write_snapshots(output, s, comm);
  Json report = Json::object();
  report["example"] = example;
  report["size"] = size;
  report["snapshots"] = count;
  report["description"] = s.description;
  report["convention"] = convention;
  report["scaling"] = s.scaling;
  report["offset"] = s.offset;
  report["scale"] = s.scale;
  report["seconds"] = timer.seconds();
  write_report(report_path, report, comm);
  if (is_root(comm))
    std::printf("neurhom mrcae-data: %s, %lld snapshots of %d x %d -> %s (%.1f s)\n", example.c_str(), count, size, size,
                output.c_str(), timer.seconds());
  return 0;
}

int train_mrcae_model(MPI_Comm comm, ArgOptions& args) {
  MrCaeTrainSettings s;
  const std::string data_path = args.get("-data", "", "snapshot dataset from `neurhom mrcae-data`");
  s.levels = static_cast<int>(args.get_int("-levels", s.levels, "levels of resolution"));
  const std::string tol = args.get("-tol", "1e-3,5e-4,1e-4", "per-level error tolerances of the adaptive filters (eq. 3.8)");
  const std::string channels = args.get("-channels", "", "channels of every widening group, per level (one value: all levels; "
                                                         "default 1,1,2 for 3 levels as the reference's toy runs, else 1)");
  const std::string groups = args.get("-groups", "3", "widening operations at most, per level (one value: all levels)");
  const std::string stop = args.get("-stop", "reference", "stop rule: reference (the authors' code) or patience (Appendix B)");
  const std::string activation = args.get("-activation", "linear", "linear (MrCAE) or relu");
  s.adaptive = !args.flag("-no_masks", "filter groups act everywhere (the MrCAE(+ReLU) comparison of Sec. 4.2)");
  s.w = args.get_real("-w", s.w, "omega of the loss: w MSE + (1 - w) max");
  s.epochs = static_cast<int>(args.get_int("-epochs", s.epochs, "maximal epochs per operation"));
  s.batch = args.get_int("-batch", s.batch, "global minibatch (0: the whole training split)");
  s.lr = args.get_real("-lr", s.lr, "Adam step size");
  s.noise = args.get_real("-noise", s.noise, "initialisation noise epsilon (Appendix A)");
  const std::string deepen_init = args.get("-deepen_init", "constant", "deepening convolution around the identity tap: constant "
                                                                       "eps (the reference code) or noise U(-eps, eps) (Appendix A)");
  s.patience = static_cast<int>(args.get_int("-patience", s.patience, "-stop patience: epochs without 0.1 % progress (Appendix B: 10)"));
  const std::string restore = args.get("-restore", "last", "parameters an operation ends with: last (the reference code, whose "
                                                           "best_state_dict aliases the live parameters) or best (validation)");
  s.seed = static_cast<std::uint64_t>(args.get_int("-seed", static_cast<long long>(s.seed), "seed of the initialisation noise and the shuffling"));
  s.threads = static_cast<int>(args.get_int("-threads", s.threads, "intra-op threads per rank (0: cores / ranks per node)"));
  s.output = args.get("-o", "", "the trained model (written after every operation)");
  s.resume = args.flag("-resume", "continue after the last finished operation stored in -o");
  const std::string export_path = args.get("-export", "", "TorchScript file of the trained model (torch::jit::load-able)");
  const std::string report_path = args.get("-report", "", "JSON report");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  if (!export_path.empty()) require_writable_location(export_path, "-export file");
  s.tolerances = parse_list<double>(tol, "-tol");
  s.channels = parse_list<int>(!channels.empty() ? channels : (s.levels == 3 ? "1,1,2" : "1"), "-channels");
  s.groups = parse_list<int>(groups, "-groups");
  s.stop = mrcae_stop_from_string(stop);
  require(activation == "linear" || activation == "relu", "-activation must be linear or relu (got '" + activation + "')");
  s.activation = activation == "relu" ? MrCaeActivation::ReLU : MrCaeActivation::Linear;
  require(restore == "best" || restore == "last", "-restore must be best or last (got '" + restore + "')");
  require(deepen_init == "constant" || deepen_init == "noise", "-deepen_init must be constant or noise (got '" + deepen_init + "')");
  s.deepen_constant = deepen_init == "constant";
  s.restore_best = restore == "best";
  require(!s.output.empty(), "train -model mrcae needs an output model: -o model.pt");
  require_writable_location(s.output, "-o model");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");
  s.validate();
  const SnapshotSet data = read_snapshots(data_path, comm);
  const MrCaeTrainResult r = train_mrcae(comm, data, s);
  if (!export_path.empty() && is_root(comm)) {
    MrCae trained = load_mrcae(s.output);
    export_mrcae_torchscript(trained, export_path);
  }
  MPI_Barrier(comm);
  Json report = Json::object();
  report["model"] = "mrcae";
  report["data"] = data_path;
  report["example"] = data.example;
  report["architecture"] = r.architecture;
  report["parameters"] = static_cast<long long>(r.parameters);
  report["encoding_size"] = static_cast<long long>(r.encoding_size);
  report["seconds"] = r.seconds;
  report["ranks"] = mpi_size(comm);
  report["history"] = history_json(r.operations);
  report["restore"] = s.restore_best ? "best" : "last";
  report["deepen_init"] = s.deepen_constant ? "constant" : "noise";
  write_report(report_path, report, comm);
  if (is_root(comm))
    std::printf("neurhom train: mrcae %s, %zu operations, %lld parameters, encoding %lld, %.1f s -> %s\n", r.architecture.c_str(),
                r.operations.size(), static_cast<long long>(r.parameters), static_cast<long long>(r.encoding_size), r.seconds,
                s.output.c_str());
  return 0;
}

int train_cae_model(MPI_Comm comm, ArgOptions& args) {
  MrCaeTrainSettings s;
  const std::string data_path = args.get("-data", "", "snapshot dataset from `neurhom mrcae-data`");
  const std::string channels = args.get("-channels", "1,3,5", "channels of the encoder layers (their count is the depth)");
  const std::string activation = args.get("-activation", "linear", "linear (RED-Net Linear) or relu (RED-Net +ReLU)");
  const bool skip = args.flag("-skip", "RED-Net's skip connections: each decoder layer adds the encoder feature of its size");
  const int levels = static_cast<int>(args.get_int("-levels", 1, "levels of the MrCAE comparison (with -level)"));
  const int level = static_cast<int>(args.get_int("-level", -1, "train on the level-k data of -levels (-1: the finest) and "
                                                              "report the global metric (3.4), as the paper's protocol"));
  const std::string stop = args.get("-stop", "reference", "stop rule: reference (the authors' code) or patience");
  s.w = args.get_real("-w", s.w, "omega of the loss");
  s.epochs = static_cast<int>(args.get_int("-epochs", s.epochs, "maximal epochs"));
  s.batch = args.get_int("-batch", s.batch, "global minibatch (0: the whole training split)");
  s.lr = args.get_real("-lr", s.lr, "Adam step size");
  s.patience = static_cast<int>(args.get_int("-patience", s.patience, "-stop patience: epochs without 0.1 % progress"));
  s.seed = static_cast<std::uint64_t>(args.get_int("-seed", static_cast<long long>(s.seed), "seed of the weights and the shuffling"));
  s.threads = static_cast<int>(args.get_int("-threads", s.threads, "intra-op threads per rank"));
  const std::string report_path = args.get("-report", "", "JSON report");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(activation == "linear" || activation == "relu", "-activation must be linear or relu (got '" + activation + "')");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");
  s.stop = mrcae_stop_from_string(stop);
  s.restore_best = true;  // a baseline trained to its best validation epoch
  s.verbose = false;
  require(levels >= 1 && level >= -1 && level < levels,
          "-level must be -1 or in [0, -levels) (got " + std::to_string(level) + " of " + std::to_string(levels) + ")");
  ConvAutoencoderSpec spec;
  spec.channels = parse_list<int>(channels, "-channels");
  spec.activation = activation == "relu" ? MrCaeActivation::ReLU : MrCaeActivation::Linear;
  spec.skip = skip;
  spec.levels_up = level < 0 ? 0 : levels - 1 - level;
  const SnapshotSet data = read_snapshots(data_path, comm);
  const ConvAutoencoderResult r = train_conv_autoencoder(comm, data, spec, s);
  Json report = Json::object();
  report["model"] = "cae";
  report["data"] = data_path;
  report["architecture"] = r.architecture;
  report["parameters"] = static_cast<long long>(r.parameters);
  report["encoding_size"] = static_cast<long long>(r.encoding_size);
  report["val_loss"] = r.val_loss;
  report["test_loss"] = r.test_loss;
  report["test_error"] = r.test_error;
  report["level"] = level;
  report["skip"] = skip;
  report["epochs"] = r.epochs;
  report["stop"] = r.stop;
  report["seconds"] = r.seconds;
  write_report(report_path, report, comm);
  if (is_root(comm))
    std::printf("neurhom train: %s, %lld parameters, encoding %lld, val %.4e, test %.4e (global %.4e), %d epochs (%s), %.1f s\n",
                r.architecture.c_str(), static_cast<long long>(r.parameters), static_cast<long long>(r.encoding_size), r.val_loss,
                r.test_loss, r.test_error, r.epochs, r.stop.c_str(), r.seconds);
  return 0;
}

int run_mrcae_eval(MPI_Comm comm, int argc, char** argv) {
  ArgOptions args(argc, argv, "mrcae-eval");
  const std::string model = args.get("-model", "", "trained model (`neurhom train -model mrcae`)");
  const std::string data_path = args.get("-data", "", "its snapshot dataset (the test split is evaluated)");
  const double w = args.get_real("-w", 0.5, "omega of the metric (3.4)");
  const std::string fields_option = args.get("-fields", "", "HDF5/XDMF with test reconstructions and refinement maps");
  const std::string fields_alias = args.get("-o", "", "alias of -fields");
  const std::string fields = fields_option.empty() ? fields_alias : fields_option;
  const int snapshots = static_cast<int>(args.get_int("-field_snapshots", 3, "test snapshots written to -o"));
  const std::string report_path = args.get("-report", "", "JSON report");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(!model.empty(), "mrcae-eval needs a model: -model model.pt");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");
  if (!fields.empty()) require_writable_location(fields, "-fields file");
  const SnapshotSet data = read_snapshots(data_path, comm);
  const MrCaeEvalResult r = evaluate_mrcae(comm, model, data, w, fields, snapshots);
  Json report = Json::object();
  report["model"] = "mrcae";
  report["model_file"] = model;
  report["data"] = data_path;
  report["example"] = data.example;
  report["architecture"] = r.architecture;
  report["level_errors"] = Json::array_of(r.level_errors);
  report["level_relative_l2"] = Json::array_of(r.level_mse);
  report["interpolation_errors"] = Json::array_of(r.interpolation_errors);
  report["unresolved_fractions"] = Json::array_of(r.unresolved_fractions);
  report["scaling"] = data.scaling;
  report["parameters"] = static_cast<long long>(r.parameters);
  report["encoding_size"] = static_cast<long long>(r.encoding_size);
  report["test_snapshots"] = r.test_snapshots;
  report["history"] = history_json(r.history);
  write_report(report_path, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom mrcae-eval: %s, test error (3.4) per level:", data.example.c_str());
    for (double e : r.level_errors) std::printf(" %.4e", e);
    std::printf(", %lld parameters, encoding %lld\n", static_cast<long long>(r.parameters), static_cast<long long>(r.encoding_size));
  }
  return 0;
}

}  // namespace neurhom::app
