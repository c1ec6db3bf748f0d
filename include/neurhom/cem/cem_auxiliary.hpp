#pragma once
// Auxiliary space of CEM-GMsFEM (Chung, Leung, Pun, Zhang 2020, Sec. 2.2, eq. 2; Chung,
// Efendiev, Leung 2018), one coarse cell K_i at a time (sequential, PETSC_COMM_SELF):
//
//   find (lambda, phi):  a_i(phi, v) = lambda s_i(phi, v)   for all v in V_h(K_i)
//   a_i(p, q) = int_{K_i} kappa grad p . grad q          (no boundary condition: Neumann)
//   s_i(p, q) = int_{K_i} kappa~ p q,   kappa~ = kappa sum_j |grad chi_j|^2
//
// chi_j: the coarse bilinear (Q1) partition of unity. On K_i with local coordinates
// (s, t) in [0,1]^2, sum_j |grad chi_j|^2 = (2(1-s)^2 + 2 s^2 + 2(1-t)^2 + 2 t^2) / H^2,
// taken at each fine cell's centre (kappa~ piecewise constant per fine cell like kappa).
//
// Code: A = sum_c kappa_c K_ref, S = sum_c kappa~_c M_c on the (r+1)^2 fine nodes of K_i
// (assemble_patch_matrix), SLEPc EPS with EPS_GHEP, spectral transformation shift-and-
// invert with target sigma = -1 (A - sigma S is SPD although A is singular; eigenvalues
// nearest sigma are the smallest), tolerance 1e-12; options prefix -cem_ (e.g.
// -cem_eps_type, -cem_eps_target, -cem_st_ksp_type). The retained L_i modes are
// s-orthonormalized (modified Gram-Schmidt in the S inner product) and signed so that their
// largest entry is positive.
#include <petscmat.h>

#include <string>
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

struct CellModes {
  int I = 0, J = 0;                           // the coarse cell
  std::vector<double> eigenvalues;            // L ascending
  std::vector<std::vector<double>> modes;     // phi_k at the (r+1)^2 cell nodes, y (r+1) + x
  std::vector<std::vector<double>> s_modes;   // S phi_k at the same nodes (constraint rows)
  double max_residual = 0;                    // max_k ||A phi - lambda S phi|| / (||S phi|| max(1, lambda))
};

// kappa~ on the r x r fine cells of a coarse cell with fine cell values kappa (row-major).
std::vector<double> kappa_tilde(const std::vector<double>& kappa, int ratio, double H);

// The `modes` eigenpairs of A phi = lambda S phi nearest the target -1 (A the Neumann stiffness,
// S the kappa~ mass of one coarse cell, sequential), s-orthonormalized and signed as above;
// `where` names the cell in errors. Shared by the unit square and the boxes (cem/box_cem.hpp).
CellModes cell_modes(Mat A, Mat S, int modes, const std::string& where);

// Solves the eigenproblem of coarse cell (I, J) and keeps `modes` eigenpairs. Throws Error if
// `modes` exceeds the cell's (r+1)^2 fine dofs or SLEPc does not converge.
CellModes solve_cell_eigenproblem(const CoarseMesh& mesh, const CellField& coefficient, int I, int J, int modes);

}  // namespace neurhom
