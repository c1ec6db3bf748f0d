#pragma once
// LOD solves in an explicitly given corrected basis (PETSc, distributed): the online phase
// of the LOD-ANN (Elasmi, Krumbiegel, Maier 2024, eqs. (10a), (20)) and, with the exact
// correctors, its references.
//
// FineSpace: the fine Q1 matrices in natural node numbering j (n+1) + i with the rows laid
// out like the DMDA's natural vectors of the grid (so results go to FieldWriter by
// DMDANaturalToGlobal): K_h(a), M_h (the L2 norm), the prolongation P (column z = Lambda_z
// at the fine nodes), the mass of the time derivative M_h(c) with the heat capacity c (c = 1:
// M_h) and the load M_h(c) f_h with f_h the source at the fine nodes (f = 1 by default; the
// battery-ref example: c = rho c_p per layer, f = 3 in the active material, as lodpinn).
//
// corrected_basis: Phi = P - Q, column z = Lambda_z - Q Lambda_z, from per-rank lists of
// corrections (coarse node, patch, values at the patch's fine nodes). Nodal correctors (one
// per node: the networks, NodalCorrector) and element correctors (four per coarse cell T:
// q_{T,z}, PgLod with keep_correctors) add up the same way: Q Lambda_z = sum of its entries.
//
// ParabolicBasisLod: backward Euler with the basis of step m (Phi^m) and the test space
// T^m = Phi^m (Galerkin, the lodpinn reference code) or T = P (Petrov-Galerkin, as
// `neurhom lod`):
//   (T' M_h(c) Phi^m + tau T' K_h^m Phi^m) U^m = T' M_h(c) u^{m-1} + tau T' M_h(c) f_h,   u^m = Phi^m U^m,
// u^{m-1} the previous fine (corrected) state, u^0 = 0, coarse boundary rows eliminated. In
// Petrov-Galerkin form with element correctors this is exactly PgLod::solve_parabolic with
// a CoefficientPath (tested).
#include <functional>
#include <memory>
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/lod/patch_corrector.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

class FineSpace {
 public:
  // grid.n() == mesh.fine_cells(); capacity null: c = 1; source empty: f = 1
  FineSpace(const StructuredGrid& grid, const CoarseMesh& mesh, const CellField* capacity = nullptr,
            const std::function<double(double, double)>& source = {});
  const StructuredGrid& grid() const { return grid_; }
  const CoarseMesh& mesh() const { return mesh_; }
  MPI_Comm comm() const { return grid_.comm(); }

  OwnedMat stiffness(const CellField& a) const;  // K_h(a), natural numbering
  Mat mass() const { return mass_; }
  Mat time_mass() const { return capacity_mass_ ? capacity_mass_.get() : mass_.get(); }  // M_h(c)
  Mat prolongation() const { return prolongation_; }
  Vec load() const { return load_; }             // M_h(c) f_h
  OwnedVec create_vector() const;                // natural layout (rows of the matrices)
  double l2_norm(Vec v) const;                   // sqrt(v' M_h v)
  void to_grid(Vec natural, Vec global) const;   // into the DMDA's global ordering

  PetscInt local_rows() const { return local_rows_; }
  PetscInt local_coarse() const { return local_coarse_; }

 private:
  OwnedMat create_fine_matrix() const;
  const StructuredGrid& grid_;
  CoarseMesh mesh_;
  PetscInt local_rows_ = 0, local_coarse_ = 0;
  OwnedMat assemble_mass(const CellField* weight) const;
  OwnedMat mass_, capacity_mass_, prolongation_;
  OwnedVec load_;
};

struct BasisCorrection {
  long coarse_node = 0;         // natural coarse index j (N+1) + i
  Patch patch;
  std::vector<double> values;   // at the patch's fine nodes
};

// The corrections of the element correctors q_{T,z} of `neurhom lod` (PgLod with
// keep_correctors): four per local coarse cell T, one per node of T.
std::vector<BasisCorrection> element_corrections(const CoarseMesh& mesh, const std::vector<PatchMatrices>& patches);

// Phi = P - Q (collective; every rank passes its own corrections).
OwnedMat corrected_basis(const FineSpace& space, const std::vector<BasisCorrection>& local);

// Relative column errors ||Phi_z - Ref_z||_2 / ||Ref_z||_2 of the interior coarse nodes
// (Euclidean over the fine nodes, as the lodpinn reference code): mean and max over nodes.
struct ColumnErrors {
  double mean = 0, max = 0;
};
ColumnErrors relative_column_errors(const FineSpace& space, Mat phi, Mat reference);
// The same in the energy norm of K: ||Phi_z - Ref_z||_K / ||Ref_z||_K (what the Galerkin form,
// which tests with Phi, is sensitive to).
ColumnErrors relative_energy_errors(const FineSpace& space, Mat phi, Mat reference, Mat stiffness);

enum class LodForm { Galerkin, PetrovGalerkin };
LodForm lod_form_from_string(const std::string& name);  // galerkin | pg (throws Error)
const char* lod_form_name(LodForm form);

class ParabolicBasisLod {
 public:
  ParabolicBasisLod(const FineSpace& space, LodForm form, double dt);
  // One backward Euler step with basis Phi^m and fine stiffness K_h^m.
  void step(Mat phi, Mat stiffness);
  Vec state() const { return u_; }   // u^m = Phi^m U^m (natural layout)
  Vec coarse() const { return U_; }  // U^m

 private:
  const FineSpace& space_;
  LodForm form_;
  double dt_;
  OwnedVec u_, U_;
};

}  // namespace neurhom
