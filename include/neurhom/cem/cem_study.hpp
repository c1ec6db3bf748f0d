#pragma once
// CEM-GMsFEM against the fine-scale FEM reference on the same fine mesh (n = N r), for the
// elliptic, parabolic and nonlinear problems (time-dependent ones compared at t = T):
//   l2_error_vs_fine     = ||u_h - u_ms||_L2 / ||u_h||_L2
//   energy_error_vs_fine = ||u_h - u_ms||_a / ||u_h||_a,   a-norm with kappa
// both evaluated exactly on the fine mesh with the assembled mass and stiffness matrices.
// And the verification study of `neurhom cem -verify`: energy error vs H with oversampling
// m(H) for a high-contrast channel coefficient at two contrasts.
#include <vector>

#include "neurhom/cem/cem_solver.hpp"
#include "neurhom/cem/cem_space.hpp"

namespace neurhom {

struct CemComparison {
  double l2_error_vs_fine = 0, energy_error_vs_fine = 0;
  long long dim_vms = 0, newton_iterations = 0;
  double offline_seconds = 0, coarse_solve_seconds = 0, fine_solve_seconds = 0;
  double eigenvalue_min = 0, eigenvalue_max = 0, max_eigen_residual = 0;
  CemTimings timings;  // this rank's breakdown
};

struct CemFields {
  OwnedVec u_fine, u_cem;
};

CemComparison compare_cem_with_fine(const StructuredGrid& grid, const CoarseMesh& mesh, const CellField& kappa,
                                    const Source& f, const CemSettings& settings, const CemProblem& problem,
                                    CemFields* fields = nullptr);

struct CemVerifySettings {
  int fine_n = 80;
  std::vector<int> coarse_sizes = {4, 8, 16};
  std::vector<double> contrasts = {1e2, 1e4};
  int modes = 3;
  // m(H, contrast) = round(log2(1/H)) + round(log10(contrast) / 2), i.e. m ~ log(contrast / H)
  // as in the CEM localization estimate (Chung, Efendiev, Leung 2018): 3, 4, 5 for H = 1/4,
  // 1/8, 1/16 at contrast 1e2 and 4, 5, 6 at 1e4. With m ~ |log H| alone the exponential
  // decay is not yet reached at 1e4 (energy error 0.75 at H = 1/16, m = 3).
  static int oversampling_for(int coarse_n, double contrast = 1.0);
};

struct CemVerifyLevel {
  double contrast = 0, H = 0;
  int coarse_n = 0, oversampling = 0;
  double l2_error = 0, energy_error = 0, seconds = 0;
};

struct CemVerifyResult {
  std::vector<CemVerifyLevel> levels;  // contrast-major
  std::vector<double> h_rates;         // energy, least-squares slope per contrast
  double h_rate = 0;                   // of the highest contrast
  double contrast_ratio = 0;           // max over H of the ratio (>= 1) of e(highest), e(lowest contrast)
};

CemVerifyResult run_cem_verify(MPI_Comm comm, const Source& f, const CemVerifySettings& settings);

}  // namespace neurhom
