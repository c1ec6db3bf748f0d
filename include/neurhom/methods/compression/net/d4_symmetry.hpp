#pragma once
// The 8 symmetries of the square (the dihedral group D4) acting on the fixed-size patch data
// of the operator compression (lod/patch_extraction.hpp): exact data augmentation.
//
// Rotating or reflecting the coefficient about the centre of an extended patch permutes the
// LOD problem: the fine mesh, the quasi-interpolation I_H and the Q1 stiffness are invariant
// under D4, and so is the zero extension outside the domain when the whole domain is
// transformed with the patch. Hence for g in D4, with f_g the map of positions,
//   R_{g(T)}(A o g^{-1})[f_g(c)]                 = R_T(A)[c]          (cells c of the patch)
//   S_{g(T)}(A o g^{-1})[f_g(i) * 4 + f_g(j)]   = S_T(A)[i * 4 + j]  (patch node i, corner j of T)
// (tested against lod/ for interior, edge and corner patches in test_d4_symmetry), so every
// computed patch gives 8 exact training rows.
//
// Element g = 0..7: bit 0 reflects x, bit 1 reflects y, bit 2 swaps x and y; on an n x n grid
// of positions (cells or nodes, row-major [y][x]) f_g first swaps, then reflects:
//   (x, y) -> swap ? (y, x) : (x, y),  x -> n - 1 - x,  y -> n - 1 - y.
// g = 0 is the identity, 3 the rotation by pi, 5 and 6 the rotations by +-pi/2.
// The 4 corners of T (j = 2 cy + cx, the column order of S_T) transform as the n = 2 grid.
// This header is PETSc-free (used by nn/ for training and by the tests of lod/).
#include <array>
#include <cstdint>
#include <vector>

namespace neurhom {

constexpr int kD4Order = 8;

// f_g(x, y) on an n x n grid.
std::array<int, 2> d4_apply(int g, int x, int y, int n);
// The element h with f_h = f_g^{-1}.
int d4_inverse(int g);

// Gather maps: transformed[k] = original[gather[k]].
// R_T: side x side cells, row-major [y][x].
std::vector<std::int64_t> d4_cell_gather(int g, int side);
// Extended S_T: node_side^2 patch nodes (row-major [y][x]) x 4 corners, [node * 4 + corner].
std::vector<std::int64_t> d4_extended_matrix_gather(int g, int node_side);

}  // namespace neurhom
