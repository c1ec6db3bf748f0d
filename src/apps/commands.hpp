#pragma once
// The subcommands of the `neurhom` executable. Each returns the process exit status and
// throws neurhom::Error for user errors (reported by main on rank 0).
#include <mpi.h>

namespace neurhom::app {

int run_fem(MPI_Comm comm);
int run_lod(MPI_Comm comm);
int run_lod_datagen(MPI_Comm comm);

}  // namespace neurhom::app
