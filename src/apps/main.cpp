// The `neurhom` command: `neurhom SUBCOMMAND [PETSc options]`.
//
// Errors: neurhom::Error (every rank agrees) -> one line on rank 0, exit status 1.
// Anything else (LocalError, PETSc failures, std::bad_alloc) -> a line naming the rank and
// MPI_Abort, since other ranks may be blocked in a collective operation.
#include <petscsys.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "commands.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "options.hpp"

namespace {

const char* const kUsage =
    "neurhom " NEURHOM_VERSION ": neural multiscale model reduction on PETSc\n"
    "usage: [mpiexec -n P] neurhom SUBCOMMAND [options]\n"
    "subcommands:\n"
    "  fem       fine-scale Q1 solve: -problem elliptic|parabolic|nonlinear -coef ... -o out.h5 -report r.json\n"
    "            (-verify: manufactured-solution convergence study)\n"
    "  lod       Petrov-Galerkin LOD vs. the fine FEM: -coarse_n 16 -fine_n 128 -ell 2 -coef ... -report r.json\n"
    "            (-verify: convergence in H and ell; -problem parabolic)\n"
    "  lod-datagen  (R_T(A), S_T) dataset for operator compression: -samples 500 -families all -o lod.h5\n"
    "  help      this text\n"
    "`neurhom SUBCOMMAND -help` lists every option with its default; -options_file and -log_view work.\n";

struct Command {
  const char* name;
  int (*run)(MPI_Comm);
};

const Command kCommands[] = {{"fem", neurhom::app::run_fem}, {"lod", neurhom::app::run_lod},
                              {"lod-datagen", neurhom::app::run_lod_datagen}};

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

  // PETSc sees the options after the subcommand.
  std::vector<char*> args{argv[0]};
  for (int k = 2; k < argc; ++k) args.push_back(argv[k]);
  args.push_back(nullptr);
  int petsc_argc = static_cast<int>(args.size()) - 1;
  char** petsc_argv = args.data();
  if (PetscInitialize(&petsc_argc, &petsc_argv, nullptr, nullptr)) return 1;
  int status = 1;
  const MPI_Comm comm = PETSC_COMM_WORLD;
  try {
    status = command->run(comm);
    neurhom::app::warn_unused_options(comm);
  } catch (const neurhom::Error& e) {
    if (neurhom::is_root(comm)) std::fprintf(stderr, "neurhom %s: error: %s\n", name.c_str(), e.what());
    status = 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neurhom %s: error on rank %d: %s\n", name.c_str(), neurhom::mpi_rank(comm), e.what());
    std::fflush(stderr);
    MPI_Abort(comm, 1);
  }
  PetscFinalize();
  return status;
}
