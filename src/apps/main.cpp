// The `neurhom` command: `neurhom SUBCOMMAND [options]`.
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
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#ifdef NEURHOM_WITH_PETSC
#include "options.hpp"
#endif

namespace {

const char* const kUsage =
    "neurhom " NEURHOM_VERSION ": neural multiscale model reduction on PETSc\n"
    "usage: [mpiexec -n P] neurhom SUBCOMMAND [options]\n"
    "subcommands:\n"
#ifdef NEURHOM_WITH_PETSC
    "  fem       fine-scale Q1 solve: -problem elliptic|parabolic|nonlinear -coef ... -o out.h5 -report r.json\n"
    "            (-verify: manufactured-solution convergence study)\n"
    "  lod       Petrov-Galerkin LOD vs. the fine FEM: -coarse_n 16 -fine_n 128 -ell 2 -coef ... -report r.json\n"
    "            (-verify: convergence in H and ell; -problem parabolic)\n"
    "  cem       CEM-GMsFEM vs. the fine FEM: -coarse_n 10 -fine_n 100 -cem_modes 3 -cem_oversampling 3\n"
    "            -problem elliptic|parabolic|nonlinear -report r.json -o out.h5; -verify: rates vs H\n"
    "  cem-datagen  CEM reduced-model datasets (paper Sec. 4.1, 5): -samples 1600 -problems all -o cem.h5\n"
    "  homog     FEM homogenization references of the NH-PINN cases: -case elliptic2d|slow1d|reaction1d -report r.json\n"
    "  lod-datagen  (R_T(A), S_T) dataset for operator compression: -samples 500 -families all -o lod.h5\n"
    "            (-family_index K: only family K, for job arrays)\n"
#endif
    "  lod-merge join lod-datagen -family_index files: -inputs a.h5,b.h5,... -o lod.h5\n"
#ifdef NEURHOM_WITH_TORCH
    "  train     data-parallel training: -model compression -data lod.h5 -epochs 20 -o model.pt -report r.json\n"
    "            -model multistage -data cem.h5 -problem linear -reduction cem-mode-1,cem-mode-2,pool -o ms.pt\n"
    "            -model deepritz -example cont|battery -steps 3000 -o dr.pt (one network per coarse node)\n"
    "            -model mrcae -data snaps.h5 -levels 3 -tol 1e-3,5e-4,1e-4 -o mrcae.pt (multiresolution autoencoder)\n"
    "  mrcae-data  snapshot datasets: -example toy1|toy2|turbulence|multiscale -o snaps.h5\n"
    "  mrcae-eval  a trained MrCAE on the test split: -model mrcae.pt -data snaps.h5 -o fields.h5 -report r.json\n"
#endif
#if defined(NEURHOM_WITH_TORCH) && defined(NEURHOM_WITH_PETSC)
    "  compress-eval  neural S_A-hat vs. LOD S_A: -model model.pt -coef ms|smooth|cracks -rhs ... -report r.json\n"
    "  nhpinn    homogenization-based PINNs vs FEM: -case elliptic2d|slow1d|reaction1d [-baseline] -report r.json\n"
    "  deepritz-eval    LOD-ANN (Deep Ritz LOD correctors) vs LOD along a moving coefficient: -model dr.pt -report r.json\n"
    "  multistage-eval  multi-stage CEM network on its test split: -model ms.pt -data cem.h5 -report r.json\n"
#endif
    "  help      this text\n"
    "`neurhom SUBCOMMAND -help` lists every option with its default.\n";

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
#endif
#if defined(NEURHOM_WITH_TORCH) && defined(NEURHOM_WITH_PETSC)
    {"compress-eval", neurhom::app::run_compress_eval, nullptr},
    {"multistage-eval", neurhom::app::run_multistage_eval, nullptr},
    {"nhpinn", neurhom::app::run_nhpinn, nullptr},
    {"deepritz-eval", neurhom::app::run_deepritz_eval, nullptr},
#endif
};

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
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, stdout);
    return argc < 2 ? 1 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("neurhom %s\n", NEURHOM_VERSION);
    return 0;
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
  const MPI_Comm comm = PETSC_COMM_WORLD;
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
