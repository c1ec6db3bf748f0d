// `neurhom train`: data-parallel training of a surrogate network (no PETSc needed).
#include <cstdio>

#include "arg_options.hpp"
#include "commands.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/nn/compression_training.hpp"

namespace neurhom::app {

int run_train(MPI_Comm comm, int argc, char** argv) {
  ArgOptions args(argc, argv, "train");
  TrainSettings s;
  const std::string model = args.get("-model", "compression", "network: compression (operator compression MLP)");
  const std::string data = args.get("-data", "", "HDF5 dataset from `neurhom lod-datagen`");
  s.epochs = static_cast<int>(args.get_int("-epochs", s.epochs, "training epochs"));
  s.batch = args.get_int("-batch", s.batch, "global minibatch size (split over the ranks)");
  s.learning_rate = args.get_real("-lr", s.learning_rate, "Adam step size of the first -lr_epochs epochs");
  s.late_rate = args.get_real("-lr_late", s.late_rate, "Adam step size afterwards");
  s.lr_epochs = static_cast<int>(args.get_int("-lr_epochs", s.lr_epochs, "epochs at -lr"));
  s.seed = static_cast<std::uint64_t>(args.get_int("-seed", 1, "seed of the initial weights and the shuffling"));
  s.threads = static_cast<int>(args.get_int("-threads", 0, "intra-op threads per rank (0: cores / ranks per node)"));
  s.device = args.get("-device", "cpu", "cpu or cuda");
  s.augment = args.get("-augment", "none", "training data augmentation: none, or d4 (a random symmetry of the square per row and epoch)");
  s.output = args.get("-o", "", "trained model (TorchScript); the checkpoint is <o>.ckpt");
  const std::string report_path = args.get("-report", "", "JSON file with the key figures of the run");
  s.resume = args.flag("-resume", "continue from <o>.ckpt");
  s.stop_after_epochs = static_cast<int>(args.get_int("-stop_after", 0, "stop after this many epochs (testing aid)"));
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(model == "compression", "unknown model '" + model + "' (-model); known: compression");
  require(!data.empty(), "train needs a dataset: -data lod.h5 (from `neurhom lod-datagen`)");
  require(s.epochs >= 1, "-epochs must be at least 1 (got " + std::to_string(s.epochs) + ")");
  require(s.batch >= 1, "-batch must be at least 1 (got " + std::to_string(s.batch) + ")");
  require(s.threads >= 0, "-threads must be non-negative");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");

  const TrainResult r = train_compression(comm, data, s);
  const EpochRecord& last = r.history.back();
  Json report = training_report(r, comm);
  report["model"] = model;
  report["data"] = data;
  report["data_fingerprint"] = r.data_fingerprint;
  report["batch"] = static_cast<long long>(s.batch);
  report["augment"] = s.augment;
  report["test_loss"] = r.test_loss;
  write_json_file(report_path, report, comm);
  if (is_root(comm))
    std::printf("neurhom train: %d epochs, train %.4e, val %.4e, test %.4e, %.0f samples/s on %d ranks -> %s\n",
                static_cast<int>(r.history.size()), last.train_loss, last.val_loss, r.test_loss, r.samples_per_second,
                mpi_size(comm), s.output.c_str());
  return 0;
}

}  // namespace neurhom::app
