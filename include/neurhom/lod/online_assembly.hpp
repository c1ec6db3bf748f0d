#pragma once
// The online phase of the neural operator compression (Kroepfl, Maier, Peterseim 2022, eq. 4.2):
//   S^_A = sum_T Phi_T(Psi(R_T(A))),
// with this rank's block of coarse cells (block_of, the same split as PgLod):
//   extract_patch_rows    R_T(A) for the rank's cells, one row of ((2 ell + 1) r)^2 values each:
//                         the coefficient is sampled once on the fine rows the rank's
//                         patches touch (a zero-padded band), then every row is a strided
//                         copy of a side x side window of the band (no per-patch evaluation)
//   assemble_from_extended  S_A from one extended (2 ell + 2)^2 x 4 matrix per cell (row-major
//                         [i * 4 + j]), outer rows skipped, into the coarse MPIAIJ matrix.
// The network Psi sits between the two; feeding exact extended S_T instead reproduces the
// PG-LOD matrix S_A (tested).
#include <mpi.h>

#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

// Row-major [cells of this rank][input size] (float32: the network's input precision),
// written to `out` (cells x extended_patch_cells floats) or returned. Collective (the
// positivity check of the coefficient).
void extract_patch_rows(MPI_Comm comm, const CellField& coefficient, const CoarseMesh& mesh, int ell, float* out);
std::vector<float> extract_patch_rows(MPI_Comm comm, const CellField& coefficient, const CoarseMesh& mesh, int ell);
// Projects every local matrix (rows [i * 4 + j]) onto zero row sums: S_T[i, :] -= mean_j
// S_T[i, j]. Exact local matrices already satisfy sum_j S_T[i, j] = 0 (the 4 basis functions
// of T sum to 1 on T, whose gradient and corrector vanish), so S_A annihilates constants away
// from the boundary; a network's output does so only approximately, and the small error in
// that direction shifts the lowest eigenvalues of S^_A (the solution error is a smooth bump).
// (float or double)
template <class Real>
void project_zero_row_sums(std::vector<Real>& rows);
template <class Real>
OwnedMat assemble_from_extended(MPI_Comm comm, const CoarseMesh& mesh, int ell, const std::vector<Real>& rows);

}  // namespace neurhom
