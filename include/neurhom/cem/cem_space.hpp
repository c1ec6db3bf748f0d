#pragma once
// The CEM-GMsFEM multiscale space V_ms (Chung, Leung, Pun, Zhang 2020, Sec. 2.2, eq. 3):
//
//   psi_{i,k} = argmin { a(psi, psi) : psi in V_h(K_i^+) zero on the boundary of K_i^+,
//                        s(psi, phi_{j,l}) = delta_ij delta_kl for every auxiliary mode
//                        phi_{j,l} of every coarse cell K_j in K_i^+ }
// K_i^+ = K_{i,m}: the coarse cell with m layers of coarse cells around it (`oversampling`,
// -cem_oversampling), the same Patch as the LOD's N^m(T).
//
// Algebra per region (patch_saddle_point.hpp): A = patch stiffness on the free nodes, C =
// rows (S_j phi_{j,l}) restricted to the free nodes for all (j, l) in the region; the L
// basis functions of K_i are the columns Y S^{-1} e_{(i,k)} of one Schur complement
// (one sparse Cholesky of A, |C| solves for Y).
//
// Distribution: coarse cells are split in contiguous blocks over the ranks (block_of);
// each rank solves the eigenproblems of its cells (cem_auxiliary.hpp), the S phi rows of
// all cells are allgathered (L (r+1)^2 values per cell), then each rank builds the basis
// of its cells. R' (dim V_ms x fine nodes) is assembled with local rows only (basis
// function (i, k) is row i L + k) and transposed to R (fine nodes in the DMDA's PETSc
// ordering x dim V_ms, MPIAIJ). Results do not depend on the number of ranks.
//
// Coarse operators: A_ms = R' A_h R and M_ms = R' M_h R (MatPtAP), F_ms = R' F_h, u_ms = R c.
#include <vector>

#include "neurhom/cem/cem_auxiliary.hpp"
#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

struct CemSettings {
  int modes = 3;                       // L_i (-cem_modes)
  int oversampling = 2;                // m (-cem_oversampling)
  std::string patch_solver = "petsc";  // MatSolverType of the region Cholesky
  bool show_progress = false;
};

struct CemTimings {  // this rank's seconds
  double eigen = 0, basis_assembly = 0, basis_factorization = 0, basis_solves = 0, global = 0;
  long long eigenproblems = 0, basis_regions = 0;
};

class CemSpace {
 public:
  // grid: the fine mesh (n = N r). Throws Error for invalid settings.
  CemSpace(const StructuredGrid& grid, const CoarseMesh& mesh, const CemSettings& settings);

  // Collective: eigenproblems, basis, R, and the fine stiffness/mass of `kappa`.
  void compute(const CellField& kappa);

  Mat R() const { return R_; }
  PetscInt dim() const;
  const StructuredGrid& grid() const { return grid_; }
  const CoarseMesh& mesh() const { return mesh_; }
  const CemSettings& settings() const { return settings_; }
  const std::vector<CellModes>& local_modes() const { return modes_; }
  const std::vector<double>& fine_cell_values() const { return cells_; }  // kappa on owned fine cells
  double eigenvalue_min() const { return lambda_min_; }  // over all retained modes, all cells
  double eigenvalue_max() const { return lambda_max_; }
  double max_eigen_residual() const { return max_residual_; }
  const CemTimings& timings() const { return timings_; }
  double offline_seconds() const { return offline_seconds_; }

  // R' X R for a fine operator X (PETSc ordering).
  OwnedMat project(Mat fine_operator) const;
  // c = R' f for a fine vector f.
  OwnedVec restrict_vector(Vec fine) const;
  // u = R c.
  void prolong(Vec coarse, Vec fine) const;
  OwnedVec create_coarse_vector() const;

 private:
  // The sparse column of one basis function: fine node indices (natural, later PETSc) and values.
  struct BasisColumn {
    std::vector<PetscInt> nodes;
    std::vector<double> values;
  };
  // The four stages of compute(), in order.
  std::vector<double> solve_auxiliary_problems(const CellField& kappa, const Block& block);
  std::vector<double> gather_s_modes(const std::vector<double>& s_local) const;
  std::vector<BasisColumn> build_basis(const CellField& kappa, const Block& block, const std::vector<double>& s_all);
  void assemble_R(const Block& block, std::vector<BasisColumn>& columns);

  const StructuredGrid& grid_;
  CoarseMesh mesh_;
  CemSettings settings_;
  std::vector<CellModes> modes_;
  std::vector<double> cells_;
  OwnedMat R_;
  double lambda_min_ = 0, lambda_max_ = 0, max_residual_ = 0, offline_seconds_ = 0;
  CemTimings timings_;
};

}  // namespace neurhom
