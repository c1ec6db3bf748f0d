#pragma once
// MPI setup for the PETSc-free tests (MPI without PETSc).
#include <mpi.h>

struct MpiFixture {
  MpiFixture() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
  }
  ~MpiFixture() { MPI_Finalize(); }
};
