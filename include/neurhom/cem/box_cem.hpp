#pragma once
// CEM-GMsFEM on boxes in 2D and 3D (issue 30): the dimension-general counterpart of
// cem_space.hpp / cem_solver.hpp (the unit square), on the box patches of patch/box_patch.hpp.
//
// Math (Chung, Leung, Pun, Zhang 2020, Sec. 2.2), per coarse cell K_i (hexahedra in 3D):
//   auxiliary problem  a_i(phi, v) = lambda s_i(phi, v) on V_h(K_i) (Neumann), s_i with
//     kappa~ = kappa sum_j |grad chi_j|^2; for the 2^d trilinear hats of a box cell with sides
//     H_d, at local coordinates xi: sum_j |grad chi_j|^2 = sum_d (2 / H_d^2) prod_{e != d}
//     (xi_e^2 + (1 - xi_e)^2), taken at each fine cell's centre (2D: cem_auxiliary.hpp's formula);
//     L modes (-cem_modes) by SLEPc (cell_modes(), shift-and-invert at -1), s-orthonormal.
//   basis  psi_{i,k} = argmin { a(psi, psi) : psi in V_h(K_i^+), free nodes of the oversampled
//     region K_i^+ = N^m(K_i) (box_free_index: zero on the region's boundary inside the domain
//     and on Dirichlet faces), s(psi, phi_{j,l}) = delta_ij delta_kl for all K_j in K_i^+ }
//     = Y S^{-1} e_(i,k) (ConstrainedSolve::minimizer; one sparse Cholesky per region).
//   coarse problem  R' = [psi_{i,k}] (rows, in the fine mesh's PETSc ordering through the
//     DMDA's AO), A_ms = R' A_h R (MatPtAP), F_ms = R' F_h, A_ms c = F_ms (MUMPS), u_ms = R c.
//   parabolic  M_ms = R' M_h R, (M_ms + dt A_ms) c^m = M_ms c^{m-1} + dt F_ms, c^0 = 0 (backward Euler).
// Homogeneous boundary data (the basis vanishes on the Dirichlet faces). Coarse cells in
// contiguous blocks over the ranks; the S phi rows of all cells are allgathered.
#include <mpi.h>

#include <functional>
#include <string>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/fem/box_boundary.hpp"
#include "neurhom/mesh/box_grid.hpp"

namespace neurhom {

struct BoxCemSettings {
  int ratio = 8;          // fine cells per coarse cell and direction
  int modes = 4;          // L (-cem_modes)
  int oversampling = 2;   // m (-cem_oversampling)
  std::string patch_solver = "petsc";
  bool progress = true;
  // parabolic (steps > 0): u(0) = 0, backward Euler on V_ms, (M_ms + dt A_ms) c^m = M_ms c^{m-1}
  // + dt F_ms with M_ms = R' M R, A_ms = R' A R (as the square's parabolic CEM, cem_solver.hpp);
  // the fine reference takes the same steps; errors at t = T
  double final_time = 1.0;
  int steps = 0;
  // called (collectively) with the fine grid, the fine solution, u_ms and the coefficient on the
  // owned fine cells, e.g. to write them (cmd_cem_box.cpp -o)
  std::function<void(const BoxGrid&, Vec u_fine, Vec u_ms, const std::vector<double>& cells)> fields;
};

struct BoxCemResult {
  double energy_error_vs_fine = 0;  // ||u_h - u_ms||_a / ||u_h||_a
  double l2_error_vs_fine = 0;      // ||u_h - u_ms||_L2 / ||u_h||_L2
  long long dim = 0;                // dim V_ms = cells x L
  double lambda_min = 0, lambda_max = 0, max_residual = 0;  // over the retained eigenpairs
  double offline_seconds = 0, online_seconds = 0, fine_solve_seconds = 0;
  long long region_fine_nodes_max = 0;
};

// Error for -cem_modes outside [1, (r+1)^dim] or a negative -cem_oversampling.
void check_box_cem_settings(const BoxCemSettings& settings, int dim);

BoxCemResult compare_box_cem_with_fine(MPI_Comm comm, const BoxShape& fine, const BoxBoundary& bc, const BoxCellField& field,
                                       const Source& f, const BoxCemSettings& settings);

}  // namespace neurhom
