#pragma once
// Threads of the BLAS under PETSc's direct solvers (CHOLMOD, MUMPS, LAPACK in SLEPc).
//
// neurhom runs one MPI rank per core. Debian's default BLAS is OpenBLAS built with OpenMP
// (libopenblas0-openmp), which starts one thread per core of the process's CPU mask. Under
// `mpiexec --bind-to core` that is one; in a plain `neurhom lod ...` (no mpiexec) or with
// oversubscribed ranks (bind-to none) it is every core, and the many small BLAS calls of a
// supernodal sparse factorization then cost more in thread start-up and spinning than they
// gain: a 3D PG-LOD run (64 patches, h/H = 1/8, ell = 2) took 92 s with 2 BLAS threads on the 2
// cores here and 29 s with one (docs/lod.md). So the PETSc commands use one BLAS thread per
// rank unless the user sets OMP_NUM_THREADS or OPENBLAS_NUM_THREADS; the training commands
// set their own (torch::set_num_threads, nn/trainer.hpp).
namespace neurhom {

// Sets the thread count of OpenMP and of OpenBLAS where those libraries are loaded in this
// process (looked up at run time: no link dependency; a no-op for a BLAS without threads).
void set_blas_threads(int threads);
// One thread per rank unless OMP_NUM_THREADS or OPENBLAS_NUM_THREADS is set.
void default_blas_threads();

}  // namespace neurhom
