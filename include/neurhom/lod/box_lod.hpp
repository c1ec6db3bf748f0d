#pragma once
// PG-LOD on boxes in 2D and 3D with per-face boundary conditions (issue 30): the
// dimension-general counterpart of patch_corrector.hpp / pglod.hpp (the unit square, which the
// 2D methods use; on a square box with Dirichlet faces both give the same solution, tested).
//
// Meshes: coarse cells N_1 x N_2 [x N_3], each refined r times per direction (fine cells
// n_d = N_d r, the BoxGrid). Patches N^ell(T): the coarse cells within ell layers of T,
// clipped at the domain. Fine nodes of a patch are free except on the patch boundary inside
// the domain and on the domain's Dirichlet faces (a patch touching a Neumann face keeps its
// nodes there free: the corrector satisfies the natural condition).
//
// Math, per coarse cell T (as in patch_corrector.hpp, with lambda_j the 2^d coarse Q1 hats of T):
//   I_H v (z) = sum_{K in patch, K contains z} (P_K v)(z) / #{K in the domain containing z},
//     P_K = (x)_d P1 the local L2 projection onto Q1(K); P1 = (Phi' M1 Phi)^{-1} Phi' M1 is the
//     1D projection of the r+1 fine nodes of a coarse interval onto its 2 hats (the mass and
//     the basis are tensor products, so is P_K); Dirichlet coarse nodes get 0 and carry no
//     constraint, Neumann ones do.
//   q_j in V_h(N^ell(T)) (free nodes), I_H q_j = 0 at the constrained patch coarse nodes,
//     a_patch(q_j, w) = a_T(lambda_j, w) for all such w                        (eq. 3.5)
//     -> A_p z = (K_T lambda_j)|free, q_j = z - Y S^{-1} C z (patch_saddle_point.hpp), or with
//        -patch_solver kkt (3D default) q_j from [A_p C'; C 0] [q_j; mu] = [K_T lambda_j; 0]
//        factored at once, C's unknowns as the Schur block (patch_kkt.hpp; same q_j to 2e-15)
//   S_T[i, j] = lambda_i' K_T lambda_j - lambda_i' K_patch q_j    (all patch coarse nodes i)
//   M_T[i, j] = lambda_i' M_T lambda_j - lambda_i' M_patch q_j    (parabolic, as pglod.hpp)
//   S_A = sum_T S_T (PETSc AIJ over the coarse nodes, natural order), Dirichlet rows and
//   columns eliminated; F_i = (f, lambda_i) by 2 Gauss points per direction on the fine cells;
//   S_A U = F by a direct solver (MUMPS LU; options prefix -lod_coarse_).
// Boundary data constant per face (-bc_values; fem/box_fem.hpp set_box_face_data): the coarse
// unknowns of the Dirichlet nodes are the data, U_j = g_D(x_j), so the fine-scale solution
// (1 - C) U carries the lifting (1 - C) G of the coarse interpolant of g_D (its correctors
// vanish on the boundary, so its trace is G's); the free rows get F_i - sum_{j in D} S_A[i, j] G_j
// (MatZeroRowsColumns with x = G). Neumann fluxes add F_i += int_{Gamma_N} g_N lambda_i (the
// coarse grid's Neumann load). With global patches and data of a linear solution the method is
// exact (tested).
// Work distribution: the coarse cells in contiguous blocks over the ranks, one sequential
// patch problem at a time per rank, the patch factorization analysed once per patch shape
// (PatchFactorization / KktFactorization, the 8 most recent shapes kept: shape_cache.hpp).
#include <mpi.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "neurhom/coef/source.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/box_grid.hpp"
#include "neurhom/patch/box_patch.hpp"

namespace neurhom {

struct BoxPatchMatrices {
  BoxPatch patch;
  std::vector<double> S;                        // patch coarse nodes x 2^d, S[i * 2^d + j]
  std::vector<double> M;                        // the same layout for M_T (with_mass; parabolic)
  std::vector<std::vector<double>> correctors;  // q_j at all patch fine nodes, when kept
  double max_constraint_residual = 0;           // max |I_H q_j| at the constrained nodes / max |q_j|
};

// One patch (sequential). `field` is evaluated on the patch's fine cells.
class BoxPatchCorrector {
 public:
  BoxPatchCorrector(const BoxCoarseMesh& mesh, std::string solver = "petsc");
  BoxPatchMatrices compute(const BoxPatch& patch, const BoxCellField& field, bool keep_correctors, bool with_mass = false);
  double assembly_seconds() const;       // the patch matrices (`kkt`: A and [A C'; C 0])
  double factorization_seconds() const;  // numeric (and once per shape symbolic) factorizations
  // Y = A^-1 C' (blocked) and S = C Y; 0 with `kkt`, where the Schur complement is part of the factorization
  double constraint_seconds() const { return constraint_seconds_; }
  double corrector_seconds() const { return corrector_seconds_; }    // the 2^d corrector solves and S_T

 private:
  BoxCoarseMesh mesh_;
  std::vector<double> P1_;  // 2 x (r+1)
  std::string solver_;
  double constraint_seconds_ = 0, corrector_seconds_ = 0;
  class Impl;
  std::shared_ptr<Impl> impl_;
};

struct BoxLodSettings {
  int ratio = 8;
  int ell = 2;
  std::string patch_solver = "petsc";
  std::vector<double> face_values;  // -bc_values, one per face (empty: homogeneous data)
  // parabolic (steps > 0): u_t - div(a grad u) = f on (0, final_time], u(0) = 0, data constant in
  // time, backward Euler (M_A + dt S_A) U^m = M_A U^{m-1} + dt F as pglod.hpp (Elasmi,
  // Krumbiegel, Maier 2024, eq. 10a); the fine reference and coarse FEM by solve_box_parabolic
  double final_time = 1.0;
  int steps = 0;
  bool progress = true;
  // called (collectively) with the fine grid, the fine solution, u_H on the fine grid and the
  // coefficient on the owned fine cells, e.g. to write them (cmd_lod_box.cpp -o)
  std::function<void(const BoxGrid&, Vec u_fine, Vec u_lod, const std::vector<double>& cells)> fields;
};

struct BoxLodResult {
  std::vector<double> coarse_solution;  // U at the coarse nodes (natural order), on every rank
  double l2_error_vs_fine = 0;          // ||u_h - u_H||_L2 / ||u_h||_L2 (exact on the fine mesh)
  double l2_error_coarse_fem = 0;       // the same for the classical coarse Q1 FEM (a at coarse-cell centres)
  double asymmetry = 0;                 // ||S_A - S_A'||_F / ||S_A||_F (0 for ideal patches)
  long long patches = 0;
  long long patch_fine_nodes_max = 0;
  double offline_seconds = 0, coarse_solve_seconds = 0, fine_solve_seconds = 0;
  double assembly_seconds = 0, factorization_seconds = 0, constraint_seconds = 0, corrector_seconds = 0;  // rank 0's patches
};

// PG-LOD on the box of `fine` (fine cells n_d = N_d ratio) against the fine FEM solution
// with the same coefficient, source and boundary conditions and data.
BoxLodResult compare_box_lod_with_fine(MPI_Comm comm, const BoxShape& fine, const BoxBoundary& bc, const BoxCellField& field,
                                       const Source& f, const BoxLodSettings& settings);

// `lod -verify` on boxes: on the fixed fine mesh `fine` (n cells per direction, all equal to n
// or multiples of a common n0), PG-LOD for coarse meshes of 2, 4, 8, ... cells in the first
// direction (the others in proportion) while the ratio h/H stays >= 2, with ell = max(1,
// ceil(log2 N)) (the 2D study's choice: ell ~ |log H|), then ell = 1, 2, 3 on the second of
// those meshes. The L2 error against the fine solution (the box path computes no energy error)
// gives the observed order in H (least squares) and the ratios e(ell) / e(ell + 1).
struct BoxLodVerifyLevel {
  std::array<int, 3> coarse_cells{1, 1, 1};
  int ell = 0;
  double H = 0, l2_error = 0, l2_error_coarse_fem = 0, seconds = 0;
};
struct BoxLodVerifyResult {
  std::vector<BoxLodVerifyLevel> h_levels, ell_levels;
  double h_rate = 0;              // least-squares slope of log(L2 error) vs log H
  std::vector<double> ell_decay;  // L2 error ratios e(ell) / e(ell + 1)
};
// The coarse cell counts in x of the H levels (2, 4, ...); throws for fewer than two levels.
std::vector<int> box_lod_verify_coarse_counts(const BoxShape& fine);
BoxLodVerifyResult run_box_lod_verify(MPI_Comm comm, const BoxShape& fine, const BoxBoundary& bc, const BoxCellField& field,
                                      const Source& f, const std::string& patch_solver,
                                      const std::vector<double>& face_values = {});

}  // namespace neurhom
