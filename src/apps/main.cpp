// The `neurhom` command: `neurhom COMMAND [options]` or `neurhom METHOD VERB [options]`
// (one grammar over the five methods: datagen | train | eval, mapped onto the commands by
// kMethodVerbs; the one-word commands stay as aliases for scripts).
//
// Options: every command lists its options with -help and exits 0 without running; an option
// that the command does not know is an Error (one line, exit 1) before any work.
//
// Errors: neurhom::Error (every rank agrees) -> one line on rank 0, exit status 1.
// Anything else (LocalError, PETSc failures, std::bad_alloc) -> a line naming the rank and
// MPI_Abort, since other ranks may be blocked in a collective operation.
// PETSc subcommands run between PetscInitialize/PetscFinalize and read PETSc options; the
// others (train) run between MPI_Init/MPI_Finalize with their own option parser, so the
// executable also exists in a build without PETSc (-DNEURHOM_WITH_PETSC=OFF).
#ifdef NEURHOM_WITH_PETSC
#include <slepcsys.h>
#endif

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/blas_threads.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#ifdef NEURHOM_WITH_PETSC
#include "options.hpp"
#endif

namespace {

const char* const kUsage =
    "neurhom " NEURHOM_VERSION ": neural multiscale model reduction on PETSc\n"
    "usage: [mpiexec -n P] neurhom COMMAND [options]      (`neurhom COMMAND -help`: its options)\n"
    "       [mpiexec -n P] neurhom METHOD VERB [options]  (`neurhom METHOD`: its verbs)\n"
#ifdef NEURHOM_WITH_PETSC
    "numerics:\n"
    "  fem       fine-scale Q1 solve: -problem elliptic|parabolic|nonlinear -coef ... -o out.h5 -report r.json\n"
    "            (-verify: manufactured-solution convergence study)\n"
    "  lod       Petrov-Galerkin LOD vs. the fine FEM: -coarse_n 16 -fine_n 128 -ell 2 -coef ... -report r.json\n"
    "            (-verify: convergence in H and ell; -problem parabolic)\n"
    "  cem       CEM-GMsFEM vs. the fine FEM: -coarse_n 10 -fine_n 100 -cem_modes 3 -cem_oversampling 3\n"
    "            -problem elliptic|parabolic|nonlinear -report r.json -o out.h5; -verify: rates vs H\n"
    "  homog     FEM homogenization references of the NH-PINN cases: -case elliptic2d|slow1d|reaction1d\n"
#endif
    "methods (METHOD VERB; the older one-word spellings in brackets keep working):\n"
    "  compression datagen|merge|train|eval   operator compression, Kroepfl, Maier, Peterseim 2022\n"
    "            [lod-datagen, lod-merge, train -model compression, compress-eval]\n"
    "  multistage  datagen|baselines|train|eval  multi-stage networks on CEM reduced models\n"
    "            [cem-datagen, cem-baselines, train -model multistage, multistage-eval]\n"
    "  nhpinn      reference|train            homogenization-based PINNs (train also evaluates e1..e4)\n"
    "            [homog, nhpinn]\n"
    "  deepritz    train|eval                 Deep Ritz LOD correctors\n"
    "            [train -model deepritz, deepritz-eval]\n"
    "  mrcae       datagen|train|eval         multiresolution convolutional autoencoders (-model cae: baselines)\n"
    "            [mrcae-data, train -model mrcae|cae, mrcae-eval]\n"
    "  help      this text (`neurhom help commands`: every command of this build, one per line)\n";

struct Command {
  const char* name;
  int (*run_petsc)(MPI_Comm);
  int (*run_plain)(MPI_Comm, int, char**);
};

const Command kCommands[] = {
#ifdef NEURHOM_WITH_PETSC
    {"fem", neurhom::app::run_fem, nullptr},
    {"lod", neurhom::app::run_lod, nullptr},
    {"lod-datagen", neurhom::app::run_lod_datagen, nullptr},
    {"cem", neurhom::app::run_cem, nullptr},
    {"cem-datagen", neurhom::app::run_cem_datagen, nullptr},
    {"homog", neurhom::app::run_homog, nullptr},
#endif
    {"lod-merge", nullptr, neurhom::app::run_lod_merge},
#ifdef NEURHOM_WITH_TORCH
    {"train", nullptr, neurhom::app::run_train},
    {"mrcae-data", nullptr, neurhom::app::run_mrcae_data},
    {"mrcae-eval", nullptr, neurhom::app::run_mrcae_eval},
    {"cem-baselines", nullptr, neurhom::app::run_cem_baselines},
#endif
#if defined(NEURHOM_WITH_TORCH) && defined(NEURHOM_WITH_PETSC)
    {"compress-eval", neurhom::app::run_compress_eval, nullptr},
    {"multistage-eval", neurhom::app::run_multistage_eval, nullptr},
    {"nhpinn", neurhom::app::run_nhpinn, nullptr},
    {"deepritz-eval", neurhom::app::run_deepritz_eval, nullptr},
#endif
};

// `neurhom METHOD VERB`: the command it runs and the options it implies (put before the user's).
struct MethodVerb {
  const char* method;
  const char* verb;
  const char* command;
  const char* implied_model;  // "-model X" for `train`, else nullptr
};

const MethodVerb kMethodVerbs[] = {
    {"compression", "datagen", "lod-datagen", nullptr},  {"compression", "merge", "lod-merge", nullptr},
    {"compression", "train", "train", "compression"},    {"compression", "eval", "compress-eval", nullptr},
    {"multistage", "datagen", "cem-datagen", nullptr},   {"multistage", "train", "train", "multistage"},
    {"multistage", "eval", "multistage-eval", nullptr},  {"multistage", "baselines", "cem-baselines", nullptr},
    {"nhpinn", "reference", "homog", nullptr},
    {"nhpinn", "train", "nhpinn", nullptr},              {"deepritz", "train", "train", "deepritz"},
    {"deepritz", "eval", "deepritz-eval", nullptr},      {"mrcae", "datagen", "mrcae-data", nullptr},
    {"mrcae", "train", "train", "mrcae"},                {"mrcae", "eval", "mrcae-eval", nullptr},
};

bool is_method(const std::string& name) {
  for (const auto& m : kMethodVerbs)
    if (name == m.method) return true;
  return false;
}

// `neurhom METHOD [-help]`: the verbs of METHOD; `neurhom METHOD VERB`: nullptr if unknown.
const MethodVerb* find_method_verb(const std::string& method, const std::string& verb) {
  for (const auto& m : kMethodVerbs)
    if (method == m.method && verb == m.verb) return &m;
  return nullptr;
}

void print_method_verbs(const std::string& method) {
  std::printf("neurhom %s VERB [options] (`neurhom %s VERB -help`: its options); verbs:\n", method.c_str(), method.c_str());
  for (const auto& m : kMethodVerbs)
    if (method == m.method)
      std::printf("  %-10s = neurhom %s%s%s\n", m.verb, m.command, m.implied_model ? " -model " : "",
                  m.implied_model ? m.implied_model : "");
}

// Runs `body` and maps exceptions to the exit status (see the file comment).
template <class Body>
int guarded(const std::string& name, MPI_Comm comm, Body body) {
  try {
    return body();
  } catch (const neurhom::Error& e) {
    if (neurhom::is_root(comm)) std::fprintf(stderr, "neurhom %s: error: %s\n", name.c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neurhom %s: error on rank %d: %s\n", name.c_str(), neurhom::mpi_rank(comm), e.what());
    std::fflush(stderr);
    MPI_Abort(comm, 1);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "help") == 0 && std::strcmp(argv[2], "commands") == 0) {
    for (const auto& c : kCommands) std::printf("%s\n", c.name);  // this build's commands, for scripts
    for (const auto& m : kMethodVerbs) std::printf("%s %s\n", m.method, m.verb);
    return 0;
  }
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, stdout);
    return argc < 2 ? 1 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("neurhom %s\n", NEURHOM_VERSION);
    return 0;
  }
  // `neurhom METHOD VERB ...` -> `neurhom COMMAND [-model M] ...` (nhpinn alone stays the command).
  std::vector<char*> rewritten;
  const bool nhpinn_command = std::strcmp(argv[1], "nhpinn") == 0 && (argc < 3 || argv[2][0] == '-');
  if (is_method(argv[1]) && !nhpinn_command) {
    const std::string method = argv[1];
    if (argc < 3 || argv[2][0] == '-') {
      print_method_verbs(method);
      const bool help = argc >= 3 && (std::strcmp(argv[2], "-help") == 0 || std::strcmp(argv[2], "--help") == 0);
      return help ? 0 : 1;
    }
    const MethodVerb* mv = find_method_verb(method, argv[2]);
    if (!mv) {
      std::fprintf(stderr, "neurhom: error: unknown verb '%s' for %s (run `neurhom %s`)\n", argv[2], method.c_str(),
                   method.c_str());
      return 1;
    }
    static std::string command_name, model_option = "-model", model_name;
    command_name = mv->command;
    rewritten = {argv[0], command_name.data()};
    if (mv->implied_model) {
      model_name = mv->implied_model;
      rewritten.push_back(model_option.data());
      rewritten.push_back(model_name.data());
    }
    for (int k = 3; k < argc; ++k) rewritten.push_back(argv[k]);
    rewritten.push_back(nullptr);
    argc = static_cast<int>(rewritten.size()) - 1;
    argv = rewritten.data();
  }
  const std::string name = argv[1];
  const Command* command = nullptr;
  for (const auto& c : kCommands)
    if (name == c.name) command = &c;
  if (!command) {
    std::fprintf(stderr, "neurhom: error: unknown subcommand '%s' (run `neurhom help`)\n", name.c_str());
    return 1;
  }

  if (command->run_plain) {
    MPI_Init(&argc, &argv);
    neurhom::app::start_command_clock();
    const int status = guarded(name, MPI_COMM_WORLD, [&] { return command->run_plain(MPI_COMM_WORLD, argc - 2, argv + 2); });
    MPI_Finalize();
    return status;
  }
#ifdef NEURHOM_WITH_PETSC
  // PETSc sees the options after the subcommand.
  std::vector<char*> args{argv[0]};
  for (int k = 2; k < argc; ++k) args.push_back(argv[k]);
  args.push_back(nullptr);
  int petsc_argc = static_cast<int>(args.size()) - 1;
  char** petsc_argv = args.data();
  if (SlepcInitialize(&petsc_argc, &petsc_argv, nullptr, nullptr)) return 1;  // also PETSc
  neurhom::default_blas_threads();  // one BLAS thread per rank (core/blas_threads.hpp)
  const MPI_Comm comm = PETSC_COMM_WORLD;
  neurhom::app::start_command_clock();
  const int status = guarded(name, comm, [&] {
    const int s = command->run_petsc(comm);
    neurhom::app::warn_unused_options(comm);
    return s;
  });
  SlepcFinalize();
  return status;
#else
  return 1;
#endif
}
