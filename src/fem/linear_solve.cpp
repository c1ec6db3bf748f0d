#include "neurhom/fem/linear_solve.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

LinearSolver::LinearSolver(MPI_Comm comm, Mat A, const std::string& prefix) {
  NH_PETSC(KSPCreate(comm, ksp_.out()));
  if (!prefix.empty()) NH_PETSC(KSPSetOptionsPrefix(ksp_, prefix.c_str()));
  NH_PETSC(KSPSetOperators(ksp_, A, A));
  NH_PETSC(KSPSetType(ksp_, KSPCG));
  PC pc = nullptr;
  NH_PETSC(KSPGetPC(ksp_, &pc));
  NH_PETSC(PCSetType(pc, PCGAMG));
  NH_PETSC(KSPSetTolerances(ksp_, 1e-10, 1e-50, PETSC_DEFAULT, 10000));
  NH_PETSC(KSPSetFromOptions(ksp_));
}

PetscInt LinearSolver::solve(Vec b, Vec x) {
  NH_PETSC(KSPSolve(ksp_, b, x));
  KSPConvergedReason reason;
  NH_PETSC(KSPGetConvergedReason(ksp_, &reason));
  PetscInt its = 0;
  NH_PETSC(KSPGetIterationNumber(ksp_, &its));
  if (reason < 0)
    throw Error(std::string("linear solver did not converge: ") + KSPConvergedReasons[reason] + " after " +
                std::to_string(its) + " iterations (try other -ksp_type/-pc_type)");
  total_iterations_ += its;
  return its;
}

OwnedKSP create_direct_ksp(Mat system, const std::string& prefix) {
  MPI_Comm comm;
  NH_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(system), &comm));
  OwnedKSP ksp;
  NH_PETSC(KSPCreate(comm, ksp.out()));
  NH_PETSC(KSPSetOptionsPrefix(ksp, prefix.c_str()));
  NH_PETSC(KSPSetOperators(ksp, system, system));
  NH_PETSC(KSPSetType(ksp, KSPPREONLY));
  PC pc;
  NH_PETSC(KSPGetPC(ksp, &pc));
  NH_PETSC(PCSetType(pc, PCLU));
  NH_PETSC(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  NH_PETSC(KSPSetFromOptions(ksp));
  return ksp;
}

void solve_checked(KSP ksp, Vec b, Vec x, const std::string& what) {
  NH_PETSC(KSPSolve(ksp, b, x));
  KSPConvergedReason reason;
  NH_PETSC(KSPGetConvergedReason(ksp, &reason));
  if (reason < 0) throw Error(what + " failed: " + KSPConvergedReasons[reason]);
}

}  // namespace neurhom
