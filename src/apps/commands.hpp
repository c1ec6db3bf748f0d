#pragma once
// The subcommands of the `neurhom` executable. Each returns the process exit status and
// throws neurhom::Error for user errors (reported by main on rank 0).
// PETSc subcommands read their options from the PETSc options database; the neural ones
// (train) parse argv themselves so that they also build without PETSc.
#include <mpi.h>

namespace neurhom::app {

int run_fem(MPI_Comm comm);
int run_lod(MPI_Comm comm);
int run_lod_datagen(MPI_Comm comm);
int run_cem(MPI_Comm comm);
int run_cem_datagen(MPI_Comm comm);
int run_homog(MPI_Comm comm);
int run_compress_eval(MPI_Comm comm);
int run_multistage_eval(MPI_Comm comm);
int run_nhpinn(MPI_Comm comm);
int run_deepritz_eval(MPI_Comm comm);

int run_train(MPI_Comm comm, int argc, char** argv);
int run_lod_merge(MPI_Comm comm, int argc, char** argv);
int run_mrcae_data(MPI_Comm comm, int argc, char** argv);
int run_mrcae_eval(MPI_Comm comm, int argc, char** argv);
int run_cem_baselines(MPI_Comm comm, int argc, char** argv);

}  // namespace neurhom::app
