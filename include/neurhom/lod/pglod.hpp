#pragma once
// Petrov-Galerkin LOD on PETSc (Kroepfl, Maier, Peterseim 2022, Sec. 3.3-3.4).
//
// Offline: the coarse cells T are split into contiguous blocks over the ranks; each rank
// computes the patch matrices S_T (and M_T) of its cells with a PatchCorrector on
// PETSC_COMM_SELF. The coefficient is a CellField, so every rank evaluates the fine cells
// of its patches itself, with no communication.
// Assembly (eq. 3.10): S_A = sum_T pi_T S_T phi_T' into a distributed MPIAIJ matrix over the
// (N+1)^2 coarse nodes (natural numbering j (N+1) + i), each rank adding its rows with
// MatSetValues; likewise M_A from M_T.
// Solve: S_A U = F with F_i = (f, lambda_i), homogeneous Dirichlet rows/columns eliminated;
// KSP prefix -lod_ (default: direct LU with MUMPS).
// Parabolic (backward Euler, Elasmi, Krumbiegel, Maier 2024, eq. 10a in Petrov-Galerkin form):
//   (M_A + dt S_A) U^{m} = M_A U^{m-1} + dt F(t_m).
// Fine-scale views: u_H = sum_i U_i lambda_i on the fine grid, and the corrected solution
// (1 - Q) u_H = u_H - sum_T sum_{j in T} U_j q_{T,j}.
#include <memory>
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/lod/patch_corrector.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

// Corrector updates along a time-dependent coefficient (solve_parabolic with a path):
//   all       : every corrector recomputed for A(t_m) at every step (Elasmi, Krumbiegel, Maier 2024)
//   indicator : correctors computed for A(0); at step m those with e_T > tol
//               (corrector_indicator.hpp; A~ = the coefficient of their last computation) are
//               recomputed, the others kept (Hellman, Malqvist 2019)
//   never     : the correctors of A(0) kept for the whole run
// Kept correctors enter S_T with the current coefficient (local_stiffness, no solve); M_T does
// not depend on A.
struct CorrectorUpdate {
  std::string policy = "all";
  double tol = 0.1;
  void validate() const;  // Error for an unknown policy or a negative tolerance (naming -update, -update_tol)
};
std::string corrector_update_names();  // "all, indicator, never"

// One time step of solve_parabolic with a path (all ranks hold the same values).
struct UpdateStep {
  double time = 0;
  double recomputed_fraction = 0;                  // correctors recomputed / all
  double indicator_max = -1, indicator_mean = -1;  // e_T over all T (-1: not computed, policies all/never)
  double corrector_seconds = 0;                    // of which the correctors: indicator, solves, S_T (max over ranks)
  double seconds = 0;                              // the step: patches, assembly, coarse solve (max over ranks)
};

struct LodSettings {
  int ell = 2;                         // patch size: N^ell(T), ell layers of coarse cells around T
  std::string patch_solver = "petsc";  // MatSolverType of the patch Cholesky
  bool with_mass = false;              // also M_T (parabolic)
  bool keep_correctors = false;        // needed for the corrected fine-scale solution
  bool show_progress = false;
};

class PgLod {
 public:
  PgLod(MPI_Comm comm, const CoarseMesh& mesh, const LodSettings& settings);

  // Computes the patch matrices of this rank's coarse cells. Collective (progress only).
  void compute(const CellField& coefficient);

  const CoarseMesh& mesh() const { return mesh_; }
  const LodSettings& settings() const { return settings_; }
  const std::vector<PatchMatrices>& local_patches() const { return patches_; }
  CorrectorTimings timings() const { return corrector_.timings(); }
  double offline_seconds() const { return offline_seconds_; }
  long long total_patches() const;

  OwnedMat stiffness() const;  // S_A, no boundary conditions
  OwnedMat mass() const;       // M_A (requires with_mass)
  OwnedVec load(const Source& f, double t) const;

  // Elliptic solve with homogeneous Dirichlet conditions; returns U (coarse Vec).
  OwnedVec solve_elliptic(const Source& f) const;
  // Parabolic solve from U = 0; returns U at t = final_time.
  OwnedVec solve_parabolic(const Source& f, double final_time, int steps) const;
  // Parabolic solve with a coefficient that changes every step: the patch matrices are
  // recomputed for A(t_m) each step (Elasmi, Krumbiegel, Maier 2024, Sec. 2.3, eq. 10a, Petrov-Galerkin):
  //   (M_A^m + dt S_A^m) U^m = M_A^{m-1} U^{m-1} + dt F(t_m),
  // M_A^{m-1} U^{m-1} = ((1 - Q^{m-1}) u_H^{m-1}, lambda_i) the previous corrected state.
  // Leaves the patches of A(T) in place (for corrector_part at the final time).
  // With an update other than "all" the correctors of A(0) are computed first (offline_seconds());
  // `history` gets one UpdateStep per step, `coarse_history` U^m (all coarse nodes) per step.
  OwnedVec solve_parabolic(const CoefficientPath& path, const Source& f, double final_time, int steps,
                           const CorrectorUpdate& update = {}, std::vector<UpdateStep>* history = nullptr,
                           std::vector<std::vector<double>>* coarse_history = nullptr);
  // One selective update for a new coefficient (keep_correctors must be set and compute() run):
  // the correctors the policy selects are recomputed, S_T of the others reassembled.
  UpdateStep update(const CellField& coefficient, const CorrectorUpdate& update);

  // u_H = sum U_i lambda_i and the corrector part sum_T sum_j U_j q_{T,j} on the fine grid
  // (the grid must be the fine mesh N r). The corrector part needs keep_correctors.
  void coarse_to_fine(const StructuredGrid& grid, Vec U, Vec u_fine) const;
  void corrector_part(const StructuredGrid& grid, Vec U, Vec out) const;

  MPI_Comm comm() const { return comm_; }

 private:
  OwnedMat assemble(bool mass_matrix) const;

  MPI_Comm comm_;
  CoarseMesh mesh_;
  LodSettings settings_;
  PatchCorrector corrector_;
  std::vector<PatchMatrices> patches_;
  std::vector<std::vector<double>> corrector_cells_;  // A~ of each kept corrector set (keep_correctors)
  std::vector<std::vector<double>> step_cells_;       // the coefficient of the last compute()/update()
  std::vector<double> step_indicator_;                // e_T of the last update() (0 after a recomputation)
  double offline_seconds_ = 0;
};

// Creates a distributed (N+1)^2 x (N+1)^2 coarse matrix preallocated for PG-LOD couplings
// with ell layers (each row couples to at most (2 ell + 3)^2 columns).
OwnedMat create_coarse_matrix(MPI_Comm comm, const CoarseMesh& mesh, int ell);
// Adds the local matrix `values` (rows: patch coarse nodes, 4 columns: T's nodes) into A.
void add_patch_matrix(Mat A, const CoarseMesh& mesh, const Patch& patch, const std::vector<double>& values);
// Solves A U = F with homogeneous Dirichlet rows/columns eliminated (A is copied).
OwnedVec solve_coarse(const CoarseMesh& mesh, Mat A, Vec F);

}  // namespace neurhom
