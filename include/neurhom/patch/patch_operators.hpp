#pragma once
// Fine-scale operators on one patch (sequential, patch-local numbering of coarse_mesh.hpp).
// Shared by the LOD correctors, S_T/M_T and the CEM local problems.
//
//   patch_cell_values : coefficient on the patch's fine cells (lexicographic, x fastest)
//   apply_stiffness   : y = K v, K = sum over cells of a_c K_ref (all patch fine nodes);
//                       with CellSet::Center only the fine cells inside the centre cell T
//   apply_mass        : y = M v likewise
//   coarse_basis      : lambda_i at all fine nodes of the patch
//   restrict_to_coarse: (P' v)_i = sum_x lambda_i(x) v(x) for all patch coarse nodes i
//   free_stiffness    : K restricted to the free (interior) nodes as a PETSc SeqAIJ matrix
#include <petscmat.h>

#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

enum class CellSet { Patch, Center };

std::vector<double> patch_cell_values(const Patch& patch, const CellField& field, long fine_n);

void apply_stiffness(const Patch& patch, const std::vector<double>& cells, CellSet set, const std::vector<double>& v,
                     std::vector<double>& y);
void apply_mass(const Patch& patch, double h, CellSet set, const std::vector<double>& v, std::vector<double>& y);

std::vector<double> coarse_basis(const Patch& patch, int coarse_node);
// The 4 patch fine nodes of every fine cell (Q1 order, cells lexicographic, x fastest): the
// connectivity through which apply_stiffness() acts, for batched re-implementations of K v
// (the Deep Ritz energy, methods/deepritz/net/ritz_corrector.hpp). Size 4 * fine cells.
std::vector<int> patch_cell_nodes(const Patch& patch);
std::vector<double> restrict_to_coarse(const Patch& patch, const std::vector<double>& v);
// Values at the free (interior) nodes of a function given at all patch fine nodes, and back
// (zero on the patch boundary): the transfers around every patch saddle-point solve.
void restrict_to_free(const Patch& patch, const std::vector<double>& full, std::vector<double>& free);
std::vector<double> extend_from_free(const Patch& patch, const std::vector<double>& free);
// 1 at the free nodes, 0 on the patch boundary (at all patch fine nodes).
std::vector<double> free_node_mask(const Patch& patch);

// Assembles sum over fine cells c of w_c E (E an element matrix: q1::reference_stiffness()
// or q1::mass(h)) into *A, over all patch fine nodes (free_only = false: the Neumann matrices
// of the CEM cell eigenproblems) or the free nodes only. Created on first use; later calls
// reuse the nonzero pattern.
void assemble_patch_matrix(const Patch& patch, const std::vector<double>& weights, const q1::ElementMatrix& element,
                           bool free_only, Mat* A);
// Assembles the free-node stiffness into *A (created on first use; later calls reuse the
// same nonzero pattern, so a cached symbolic factorization stays valid).
void assemble_free_stiffness(const Patch& patch, const std::vector<double>& cells, Mat* A);

}  // namespace neurhom
