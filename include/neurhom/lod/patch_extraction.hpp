#pragma once
// Fixed-size patches for learning (Kroepfl, Maier, Peterseim 2022, Sec. 3.4, eq. 3.11, Fig. 3.1).
//
// The coarse mesh is extended by ell layers of outer cells where the coefficient is 0, so
// every N^ell(T) has (2 ell + 1) x (2 ell + 1) coarse cells:
//   R_T(A)      : the coefficient on the ((2 ell + 1) r)^2 fine cells of the extended patch,
//                 row-major [y][x], 0 outside D (1600 values for r = 8, ell = 2);
//   extended S_T: (2 ell + 2)^2 x 4 (36 x 4 for ell = 2), rows = extended patch coarse nodes
//                 (lexicographic, x fastest), columns = T's 4 nodes, zero rows for nodes
//                 outside D; stored row-major [i * 4 + j].
// Assembly from extended matrices skips the outer rows (negative row indices), so it gives
// exactly the same S_A as the truncated patches.
#include <petscmat.h>

#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/lod/patch_corrector.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

int extended_patch_cells(const CoarseMesh& mesh, int ell);  // ((2 ell + 1) r)^2
int extended_patch_nodes(int ell);                            // (2 ell + 2)^2

std::vector<double> extract_patch_coefficient(const CellField& field, const CoarseMesh& mesh, int I, int J,
                                              int ell);
std::vector<double> extend_local_matrix(const PatchMatrices& local, int ell);

// Adds an extended local matrix of T = (I, J) into the coarse matrix A (rows outside D skipped).
void add_extended_matrix(Mat A, const CoarseMesh& mesh, int I, int J, int ell, const std::vector<double>& values);

}  // namespace neurhom
