// `neurhom train`: data-parallel training of a surrogate network (no PETSc needed). -model
// selects the network; each reads its options, calls one library function, writes the report.
#include <cstdio>

#include "arg_options.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/net/compression_training.hpp"
#include "neurhom/methods/multistage/net/multistage_training.hpp"

namespace neurhom::app {

#ifdef NEURHOM_WITH_PETSC
int train_deepritz_model(MPI_Comm comm, ArgOptions& args);  // cmd_deepritz.cpp
#endif
int train_mrcae_model(MPI_Comm comm, ArgOptions& args);     // cmd_mrcae.cpp
int train_cae_model(MPI_Comm comm, ArgOptions& args);       // cmd_mrcae.cpp

namespace {

int train_compression_model(MPI_Comm comm, ArgOptions& args) {
  TrainSettings s;
  const std::string data = args.get("-data", "", "HDF5 dataset from `neurhom lod-datagen`");
  s.epochs = static_cast<int>(args.get_int("-epochs", s.epochs, "training epochs"));
  s.batch = args.get_int("-batch", s.batch, "global minibatch size (split over the ranks)");
  s.learning_rate = args.get_real("-lr", s.learning_rate, "Adam step size of the first -lr_epochs epochs");
  s.late_rate = args.get_real("-lr_late", s.late_rate, "Adam step size afterwards");
  s.lr_epochs = static_cast<int>(args.get_int("-lr_epochs", s.lr_epochs, "epochs at -lr"));
  s.seed = static_cast<std::uint64_t>(args.get_int("-seed", static_cast<long long>(s.seed), "seed of the initial weights and the shuffling"));
  s.threads = static_cast<int>(args.get_int("-threads", s.threads, "intra-op threads per rank (0: cores / ranks per node)"));
  s.device = args.get("-device", s.device, "cpu or cuda");
  s.augment = args.get("-augment", s.augment, "training data augmentation: none, or d4 (a random symmetry of the square per row and epoch)");
  s.equivariance = args.get("-equivariance", s.equivariance,
                            "symmetry of the square: none (the paper's MLP), canonical (canonicalized patches, one pass) "
                            "or gconv (weight-shared D4-equivariant MLP)");
  s.patch_test_weight = args.get_real("-patch_test_weight", s.patch_test_weight,
                                     "weight w of the patch-test term: loss J + w J_E (0: the paper's loss J)");
  s.precision = args.get("-precision", s.precision, "training arithmetic: fp32, or bf16 (bfloat16 forward GEMMs, float32 weights, Adam and losses)");
  s.output = args.get("-o", "", "trained model (TorchScript); the checkpoint is <o>.ckpt");
  const std::string report_path = args.get("-report", "", "JSON file with the key figures of the run");
  s.resume = args.flag("-resume", "continue from <o>.ckpt");
  s.fresh_optimizer = args.flag("-fresh_optimizer", "with -resume: start Adam anew (fine-tuning with a changed loss)");
  s.stop_after_epochs = static_cast<int>(args.get_int("-stop_after", 0, "stop after this many epochs (testing aid)"));
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(!data.empty(), "train needs a dataset: -data lod.h5 (from `neurhom lod-datagen`)");
  require(s.epochs >= 1, "-epochs must be at least 1 (got " + std::to_string(s.epochs) + ")");
  require(s.batch >= 1, "-batch must be at least 1 (got " + std::to_string(s.batch) + ")");
  require(s.threads >= 0, "-threads must be non-negative");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");

  const TrainResult r = train_compression(comm, data, s);
  const EpochRecord& last = r.history.back();
  Json report = to_json(r, s, comm);  // model: "compression"
  report["data"] = data;
  write_report(report_path, report, comm);
  if (is_root(comm))
    std::printf("neurhom train: %d epochs, train %.4e, val %.4e, test %.4e, %.0f samples/s on %d ranks -> %s\n",
                static_cast<int>(r.history.size()), last.train_loss, last.val_loss, r.test_loss, r.samples_per_second,
                mpi_size(comm), s.output.c_str());
  return 0;
}

int train_multistage_model(MPI_Comm comm, ArgOptions& args) {
  MultistageTrainSettings s;
  const std::string data = args.get("-data", "", "HDF5 dataset from `neurhom cem-datagen`");
  s.problem = args.get("-problem", s.problem, "linear, nonlinear (time data, Sec. 4) or steady (Sec. 5)");
  const int stages = static_cast<int>(args.get_int("-stages", 0, "number of stages (0: one per -reduction entry)"));
  const std::string reduction = args.get("-reduction", "", "D_k per stage, comma separated: cem-all, cem-mode-k, pool, learned (time); kappa-0..2, pool (steady)");
  s.m1 = static_cast<int>(args.get_int("-m1", s.m1, "time tokens after the attention"));
  s.r1 = static_cast<int>(args.get_int("-r1", s.r1, "width of each attention head and of the output tokens"));
  s.hidden = static_cast<int>(args.get_int("-hidden", s.hidden, "hidden width of the steady G_k and C_k"));
  s.combine = args.get("-combine", s.combine, "C_k (time data): residual (u_{k-1} + W g_k + b, ours) or concat (W [u_{k-1}; g_k] + b, the paper's words)");
  s.normalize = !args.flag("-no_normalize", "switch the per-column input normalization off (a baseline)");
  s.target_basis = args.get("-target_basis", s.target_basis, "learned targets (time data): cem (the CEM coefficients) or mass (coefficients in an M-orthonormal basis of V_ms, from the dataset's R'MR)");
  s.epochs = static_cast<int>(args.get_int("-epochs", s.epochs, "training epochs per stage"));
  s.learned_epochs = static_cast<int>(args.get_int("-learned_epochs", s.learned_epochs, "pre-training epochs of the learned reduction"));
  s.learned_channels = static_cast<int>(args.get_int("-learned_channels", s.learned_channels, "channels between the two 1x1 convolutions of the learned reduction"));
  s.batch = args.get_int("-batch", s.batch, "global minibatch size (split over the ranks)");
  s.learning_rate = args.get_real("-lr", s.learning_rate, "initial Adam step size of every stage");
  s.final_rate = args.get_real("-lr_final", s.final_rate, "step size reached at the end of every stage (exponential decay)");
  s.seed = static_cast<std::uint64_t>(args.get_int("-seed", static_cast<long long>(s.seed), "seed of the initial weights and the shuffling"));
  s.threads = static_cast<int>(args.get_int("-threads", s.threads, "intra-op threads per rank (0: cores / ranks per node)"));
  s.device = args.get("-device", s.device, "cpu or cuda");
  s.print_every = static_cast<int>(args.get_int("-print_every", s.print_every, "epochs between progress lines"));
  s.output = args.get("-o", "", "trained model; stage checkpoints <o>.stage<k>.ckpt");
  const std::string report_path = args.get("-report", "", "JSON file with the key figures of the run");
  s.resume = args.flag("-resume", "continue from the stage checkpoints");
  args.finish(is_root(comm));
  if (args.help_requested()) return 0;
  require(!data.empty(), "train -model multistage needs a dataset: -data cem.h5 (from `neurhom cem-datagen`)");
  require(stages >= 0, "-stages must be non-negative");
  if (reduction.empty())
    s.reductions.assign(static_cast<size_t>(stages > 0 ? stages : 3), s.problem == "steady" ? "kappa-0" : "cem-all");
  else
    s.reductions = parse_reduction_list(reduction, stages);
  require(s.batch >= 1, "-batch must be at least 1 (got " + std::to_string(s.batch) + ")");
  require(s.threads >= 0, "-threads must be non-negative");
  require(s.print_every >= 1, "-print_every must be at least 1");
  if (!report_path.empty()) require_writable_location(report_path, "-report file");

  const MultistageTrainResult r = train_multistage(comm, data, s);
  Json report = to_json(r, s, comm);
  report["data"] = data;
  write_report(report_path, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom train: multistage %s, %d stages, test error (eq. 7) per stage:", s.problem.c_str(),
                r.arch.stages());
    for (double e : r.test_errors) std::printf(" %.5f", e);
    std::printf(" (mean predictor %.5f), %.1f s on %d ranks -> %s\n", r.mean_predictor_error, r.seconds, mpi_size(comm),
                s.output.c_str());
  }
  return 0;
}

}  // namespace

int run_train(MPI_Comm comm, int argc, char** argv) {
  ArgOptions args(argc, argv, "train");
  if (args.help_requested() && !args.given("-model")) {
    if (is_root(comm))
      std::printf("neurhom train -model MODEL [options]: data-parallel training of a surrogate network\n"
                  "models (`neurhom train -model MODEL -help` lists each one's options):\n"
                  "  compression  operator-compression MLP on a `compression datagen` (lod-datagen) dataset\n"
                  "  multistage   multi-stage networks on a `multistage datagen` (cem-datagen) dataset\n"
                  "  deepritz     Deep Ritz LOD correctors, one network per coarse node%s\n"
                  "  mrcae        multiresolution convolutional autoencoder on a `mrcae datagen` dataset\n"
                  "  cae          its fixed-depth convolutional autoencoder baselines\n",
#ifdef NEURHOM_WITH_PETSC
                  ""
#else
                  " (needs a build with PETSc)"
#endif
      );
    return 0;
  }
  const std::string model = args.get("-model", "compression",
                                     "network: compression (operator compression MLP), multistage (CEM multi-stage networks), "
                                     "deepritz (Deep Ritz LOD correctors), mrcae (multiresolution autoencoder), cae (its fixed-depth baseline)");
  if (model == "multistage") return train_multistage_model(comm, args);
  if (model == "mrcae") return train_mrcae_model(comm, args);
  if (model == "cae") return train_cae_model(comm, args);
#ifdef NEURHOM_WITH_PETSC
  if (model == "deepritz") return train_deepritz_model(comm, args);
#endif
  if (model != "compression" && !args.help_requested())
    throw Error("unknown model '" + model + "' (-model); known: compression, multistage, deepritz, mrcae, cae");
  return train_compression_model(comm, args);
}

}  // namespace neurhom::app
