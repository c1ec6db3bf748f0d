#pragma once
// PG-LOD against the fine-scale FEM reference on the same fine mesh (n = N r):
//   l2_error_vs_fine     = ||u_h - u_H||_L2 / ||u_h||_L2,         u_H = sum_i U_i lambda_i
//   energy_error_vs_fine = ||u_h - (1 - Q) u_H||_a / ||u_h||_a,   a-norm with the fine coefficient
// Norms are evaluated exactly on the fine mesh with the assembled mass and stiffness matrices.
// Also the verification study of `neurhom lod -verify`: errors vs H (ell ~ |log2 H|) and vs
// ell at fixed H, with observed order in H and the decay ratios in ell.
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/lod/pglod.hpp"

namespace neurhom {

struct LodComparison {
  double l2_error_vs_fine = 0;
  double energy_error_vs_fine = 0;
  double offline_seconds = 0;
  double coarse_solve_seconds = 0;
  double fine_solve_seconds = 0;
  long long patches = 0;
  CorrectorTimings timings;  // this rank's breakdown
  // With a coefficient path: one record per step, U^m per step, and the time of the correctors
  // of A(0) that the selective updates start from (0 for update "all").
  std::vector<UpdateStep> steps;
  std::vector<std::vector<double>> coarse_history;
  double initial_corrector_seconds = 0;
};

struct LodFields {  // fine-grid views, filled when requested
  OwnedVec u_fine, u_coarse, u_corrected;
};

// Time-dependent comparisons use backward Euler on both levels and compare at t = T.
// With a coefficient path (parabolic only) both levels use A(t_m) at step m, and the energy
// norm is the one of A(T).
struct LodProblem {
  bool parabolic = false;
  const CoefficientPath* path = nullptr;
  CorrectorUpdate update;  // with a path: how the correctors follow A(t) (pglod.hpp)
  double final_time = 1.0;
  int steps = 10;
};

// grid: the fine mesh (n = N r); its communicator runs both methods. Argument order as
// compare_cem_with_fine (cem/cem_study.hpp).
LodComparison compare_lod_with_fine(const StructuredGrid& grid, const CoarseMesh& mesh, const CellField& coefficient,
                                    const Source& f, LodSettings settings, const LodProblem& problem,
                                    LodFields* fields = nullptr);

struct LodVerifyLevel {
  int coarse_n = 0, ell = 0;
  double H = 0, l2_error = 0, energy_error = 0, seconds = 0;
};

struct LodVerifyResult {
  std::vector<LodVerifyLevel> h_levels;    // H refinement with ell ~ |log2 H|
  std::vector<LodVerifyLevel> ell_levels;  // ell = 1, 2, ... at fixed H
  double h_rate_l2 = 0, h_rate_energy = 0; // least-squares slopes of log error vs log H
  std::vector<double> ell_decay;           // energy error ratios e(ell) / e(ell + 1)
};

struct LodVerifySettings {
  int fine_n = 128;
  std::vector<int> coarse_sizes = {4, 8, 16, 32};
  int ell_coarse_n = 16;
  std::vector<int> ells = {1, 2, 3, 4};
};

LodVerifyResult run_lod_verify(MPI_Comm comm, const CellField& coefficient, const Source& f,
                               const LodVerifySettings& settings, const std::string& patch_solver);

}  // namespace neurhom
