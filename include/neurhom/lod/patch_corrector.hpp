#pragma once
// Element correctors and local PG-LOD matrices on one patch N^l(T) (sequential).
//
// For each of the 4 coarse basis functions lambda_j of T: find q_j in V_h(N^l(T)), zero on
// the patch boundary, with I_H q_j = 0 at every patch coarse node off the domain boundary, and
//   a(q_j, w) = int_T A grad lambda_j . grad w    for all such w.               (eq. 3.5)
// Algebra (Engwer, Henning, Malqvist, Peterseim 2019; patch_saddle_point.hpp): A_p = patch
// stiffness on the free nodes, B = constraint matrix (QuasiInterpolation), r_j =
// (K_T lambda_j)|free. Factor A_p once (PatchFactorization), Y = A_p^{-1} B', S = B Y
// (ConstrainedSolve), and q_j = A_p^{-1} r_j - Y S^{-1} B A_p^{-1} r_j.
// Local matrices (eq. 3.9 with lambda_j restricted to T in the first term), rows = all patch
// coarse nodes i, columns = the 4 nodes j of T:
//   S_T[i,j] = int_T A grad lambda_j . grad lambda_i - int_{N^l(T)} A grad q_j . grad lambda_i
//   M_T[i,j] = int_T lambda_j lambda_i - int_{N^l(T)} q_j lambda_i     (parabolic PG-LOD)
#include <string>
#include <vector>

#include "neurhom/patch/patch_saddle_point.hpp"
#include "neurhom/lod/quasi_interpolation.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

struct PatchMatrices {
  Patch patch;
  std::vector<double> S;                         // coarse_nodes x 4, S[i * 4 + j]
  std::vector<double> M;                         // same layout, when requested
  std::vector<std::vector<double>> correctors;   // q_j at all patch fine nodes, when requested
};

struct CorrectorTimings {
  double assembly = 0, factorization = 0, solves = 0, local_matrices = 0;
  long long patches = 0;
};

class PatchCorrector {
 public:
  // solver: a PETSc MatSolverType for the patch Cholesky ("petsc", "cholmod", "mumps").
  explicit PatchCorrector(const CoarseMesh& mesh, std::string solver = "petsc");

  PatchMatrices compute(const Patch& patch, const std::vector<double>& cells, bool with_mass, bool keep_correctors);
  CorrectorTimings timings() const;

 private:
  CoarseMesh mesh_;
  QuasiInterpolation qi_;
  PatchFactorization factorization_;
  CorrectorTimings timings_;  // solves, local_matrices, patches (assembly/factorization: factorization_)
};

// S_T and M_T (layout of PatchMatrices) of given correctors q_j: the kept correctors of a
// selective update are combined with the current coefficient without a new solve.
std::vector<double> local_stiffness(const Patch& patch, const std::vector<double>& cells,
                                    const std::vector<std::vector<double>>& correctors);
std::vector<double> local_mass(const Patch& patch, double h, const std::vector<std::vector<double>>& correctors);

}  // namespace neurhom
