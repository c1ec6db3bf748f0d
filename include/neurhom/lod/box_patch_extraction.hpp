#pragma once
// Fixed-size patches for learning on boxes in 2D and 3D (issue 30): the counterpart of
// patch_extraction.hpp (Kroepfl, Maier, Peterseim 2022, Sec. 3.4, eq. 3.11, Fig. 3.1) for the
// box PG-LOD of box_lod.hpp.
//
// The coarse mesh is extended by ell layers of outer cells where the coefficient is 0, so every
// N^ell(T) has (2 ell + 1)^d coarse cells:
//   R_T(A)      : the coefficient on the ((2 ell + 1) r)^d fine cells of the extended patch,
//                 row-major [z][y][x], 0 outside D;
//   extended S_T: (2 ell + 2)^d x 2^d, rows = extended patch coarse nodes q (x fastest; node q
//                 is the global coarse node T - ell + q), columns = T's 2^d nodes (x fastest),
//                 zero rows for nodes outside D; stored row-major [q * 2^d + j].
// Every extended node inside D lies in the clipped patch [max(0, T - ell), min(N, T + ell + 1)],
// so the extension loses nothing: assembling the rows of the nodes inside D gives the same S_A
// as the clipped patches (tested). On the unit square with Dirichlet faces the layout equals
// the 2D one (patch_extraction.hpp), R_T [y][x] and S_T [i * 4 + j].
#include <vector>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/lod/box_lod.hpp"
#include "neurhom/patch/box_patch.hpp"

namespace neurhom {

long box_extended_patch_cells(int dim, int ratio, int ell);  // ((2 ell + 1) r)^d
long box_extended_patch_nodes(int dim, int ell);              // (2 ell + 2)^d

std::vector<double> extract_box_patch_coefficient(const BoxCellField& field, const BoxCoarseMesh& mesh, const Index3& T, int ell);
std::vector<double> extend_box_local_matrix(const BoxPatchMatrices& local, const BoxCoarseMesh& mesh, int ell);

// The global coarse node (natural order) of every coarse node of the patch (patch-local order).
std::vector<long> box_patch_global_nodes(const BoxCoarseMesh& mesh, const BoxPatch& patch);
// The global coarse node of extended node q of T's extended patch, -1 outside D.
long box_extended_global_node(const BoxCoarseMesh& mesh, const Index3& T, int ell, long q);

}  // namespace neurhom
