#pragma once
// KSP wrapper for the symmetric positive definite fine-scale systems.
//
// Defaults: CG preconditioned by GAMG, relative tolerance 1e-10 (tight enough that the
// algebraic error is far below the discretization error of every test), then
// KSPSetFromOptions so any -ksp_* / -pc_* option (or the given prefix) overrides them.
// A solve that does not converge throws Error with PETSc's reason.
#include <string>

#include "neurhom/core/petsc_util.hpp"

namespace neurhom {

class LinearSolver {
 public:
  LinearSolver(MPI_Comm comm, Mat A, const std::string& prefix = "");
  // Solves A x = b; returns the iteration count.
  PetscInt solve(Vec b, Vec x);
  PetscInt total_iterations() const { return total_iterations_; }
  KSP ksp() const { return ksp_; }

 private:
  OwnedKSP ksp_;
  PetscInt total_iterations_ = 0;
};

// Direct solver for the small coarse systems of LOD and CEM: KSPPREONLY + LU (MUMPS, which
// also runs in parallel), options prefix `prefix` (e.g. -lod_pc_factor_mat_solver_type).
OwnedKSP create_direct_ksp(Mat system, const std::string& prefix);
// KSPSolve that throws Error("<what> failed: <reason>") when the solve diverges.
void solve_checked(KSP ksp, Vec b, Vec x, const std::string& what);

}  // namespace neurhom
