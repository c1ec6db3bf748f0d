#include "neurhom/methods/deepritz/online_basis.hpp"

#include <petscdmda.h>

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

namespace {

PetscInt first_row(Mat A) {
  PetscInt first = 0, last = 0;
  NH_PETSC(MatGetOwnershipRange(A, &first, &last));
  return first;
}

}  // namespace

FineSpace::FineSpace(const StructuredGrid& grid, const CoarseMesh& mesh, const CellField* capacity,
                     const std::function<double(double, double)>& source)
    : grid_(grid), mesh_(mesh) {
  require(grid.n() == mesh.fine_cells(), "FineSpace: the grid is not the fine mesh of the coarse mesh");
  OwnedVec natural;
  NH_PETSC(DMDACreateNaturalVector(grid.dm(), natural.out()));
  NH_PETSC(VecGetLocalSize(natural, &local_rows_));
  PetscInt coarse_total = static_cast<PetscInt>(mesh.num_nodes());
  local_coarse_ = PETSC_DECIDE;
  NH_PETSC(PetscSplitOwnership(grid.comm(), &local_coarse_, &coarse_total));

  mass_ = assemble_mass(nullptr);
  if (capacity) capacity_mass_ = assemble_mass(capacity);
  const int n = grid.n();
  const PetscInt r0 = first_row(mass_), r1 = r0 + local_rows_;

  // P: column z = Lambda_z at the fine nodes (bilinear interpolation from the coarse nodes).
  NH_PETSC(MatCreateAIJ(grid.comm(), local_rows_, local_coarse_, grid.num_nodes(), coarse_total, 4, nullptr, 4, nullptr,
                        prolongation_.out()));
  const int r = mesh.ratio;
  for (PetscInt k = r0; k < r1; ++k) {
    const int x = static_cast<int>(k % (n + 1)), y = static_cast<int>(k / (n + 1));
    const int I = std::min(x / r, mesh.cells - 1), J = std::min(y / r, mesh.cells - 1);
    const double s = static_cast<double>(x - I * r) / r, t = static_cast<double>(y - J * r) / r;
    const PetscInt cols[4] = {static_cast<PetscInt>(mesh.node_index(I, J)), static_cast<PetscInt>(mesh.node_index(I + 1, J)),
                              static_cast<PetscInt>(mesh.node_index(I, J + 1)),
                              static_cast<PetscInt>(mesh.node_index(I + 1, J + 1))};
    const PetscScalar w[4] = {(1 - s) * (1 - t), s * (1 - t), (1 - s) * t, s * t};
    for (int c = 0; c < 4; ++c)
      if (w[c] != 0.0) NH_PETSC(MatSetValues(prolongation_, 1, &k, 1, &cols[c], &w[c], INSERT_VALUES));
  }
  NH_PETSC(MatAssemblyBegin(prolongation_, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(prolongation_, MAT_FINAL_ASSEMBLY));

  load_ = create_vector();
  OwnedVec f = create_vector();
  if (source) {
    for (PetscInt k = r0; k < r1; ++k) {
      const double x = static_cast<double>(k % (n + 1)) / n, y = static_cast<double>(k / (n + 1)) / n;
      NH_PETSC(VecSetValue(f, k, source(x, y), INSERT_VALUES));
    }
    NH_PETSC(VecAssemblyBegin(f));
    NH_PETSC(VecAssemblyEnd(f));
  } else {
    NH_PETSC(VecSet(f, 1.0));
  }
  NH_PETSC(MatMult(time_mass(), f, load_));
}

// M_h(c) = sum over cells of c(cell) times the Q1 element mass (c = 1 without a weight); each
// rank adds the cells whose lower-left node it owns.
OwnedMat FineSpace::assemble_mass(const CellField* weight) const {
  OwnedMat M = create_fine_matrix();
  const int n = grid_.n();
  const q1::ElementMatrix me = q1::mass(grid_.h());
  q1::ElementMatrix mc;
  const PetscInt r0 = first_row(M), r1 = r0 + local_rows_;
  for (PetscInt k = r0; k < r1; ++k) {
    const PetscInt i = k % (n + 1), j = k / (n + 1);
    if (i == n || j == n) continue;
    const double c = weight ? weight->value(i, j, n) : 1.0;
    if (!(std::isfinite(c) && c > 0))
      throw LocalError("mass coefficient " + weight->describe() + " is not positive and finite on fine cell (" +
                       std::to_string(i) + ", " + std::to_string(j) + ")");
    for (int e = 0; e < 16; ++e) mc[static_cast<size_t>(e)] = c * me[static_cast<size_t>(e)];
    const PetscInt nodes[4] = {k, k + 1, k + n + 1, k + n + 2};
    NH_PETSC(MatSetValues(M, 4, nodes, 4, nodes, mc.data(), ADD_VALUES));
  }
  NH_PETSC(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
  return M;
}

OwnedMat FineSpace::create_fine_matrix() const {
  OwnedMat A;
  NH_PETSC(MatCreateAIJ(grid_.comm(), local_rows_, local_rows_, grid_.num_nodes(), grid_.num_nodes(), 9, nullptr, 9,
                        nullptr, A.out()));
  return A;
}

OwnedMat FineSpace::stiffness(const CellField& a) const {
  OwnedMat K = create_fine_matrix();
  const int n = grid_.n();
  const auto& kref = q1::reference_stiffness();
  q1::ElementMatrix ke;
  const PetscInt r0 = first_row(K), r1 = r0 + local_rows_;
  for (PetscInt k = r0; k < r1; ++k) {
    const PetscInt i = k % (n + 1), j = k / (n + 1);
    if (i == n || j == n) continue;
    const double value = a.value(i, j, n);
    if (!(std::isfinite(value) && value > 0))
      throw LocalError("coefficient " + a.describe() + " is not positive and finite on fine cell (" + std::to_string(i) +
                       ", " + std::to_string(j) + ")");
    for (int c = 0; c < 16; ++c) ke[static_cast<size_t>(c)] = value * kref[static_cast<size_t>(c)];
    const PetscInt nodes[4] = {k, k + 1, k + n + 1, k + n + 2};
    NH_PETSC(MatSetValues(K, 4, nodes, 4, nodes, ke.data(), ADD_VALUES));
  }
  NH_PETSC(MatAssemblyBegin(K, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(K, MAT_FINAL_ASSEMBLY));
  return K;
}

OwnedVec FineSpace::create_vector() const {
  OwnedVec v;
  NH_PETSC(VecCreateMPI(grid_.comm(), local_rows_, grid_.num_nodes(), v.out()));
  return v;
}

double FineSpace::l2_norm(Vec v) const {
  OwnedVec w = create_vector();
  NH_PETSC(MatMult(mass_, v, w));
  PetscScalar dot = 0;
  NH_PETSC(VecDot(v, w, &dot));
  return std::sqrt(std::max(0.0, static_cast<double>(dot)));
}

void FineSpace::to_grid(Vec natural, Vec global) const {
  OwnedVec nat;
  NH_PETSC(DMDACreateNaturalVector(grid_.dm(), nat.out()));
  NH_PETSC(VecCopy(natural, nat));
  NH_PETSC(DMDANaturalToGlobalBegin(grid_.dm(), nat, INSERT_VALUES, global));
  NH_PETSC(DMDANaturalToGlobalEnd(grid_.dm(), nat, INSERT_VALUES, global));
}

std::vector<BasisCorrection> element_corrections(const CoarseMesh& mesh, const std::vector<PatchMatrices>& patches) {
  std::vector<BasisCorrection> corrections;
  for (const PatchMatrices& pm : patches) {
    require(pm.correctors.size() == 4, "element_corrections: the LOD patches were computed without keep_correctors");
    int t_nodes[4];
    pm.patch.t_nodes(t_nodes);
    for (int k = 0; k < 4; ++k) {
      const int a = t_nodes[k] % (pm.patch.cells_x + 1), b = t_nodes[k] / (pm.patch.cells_x + 1);
      corrections.push_back({mesh.node_index(pm.patch.I0 + a, pm.patch.J0 + b), pm.patch, pm.correctors[static_cast<size_t>(k)]});
    }
  }
  return corrections;
}

OwnedMat corrected_basis(const FineSpace& space, const std::vector<BasisCorrection>& local) {
  const StructuredGrid& grid = space.grid();
  const CoarseMesh& mesh = space.mesh();
  OwnedMat phi;
  NH_PETSC(MatCreateAIJ(space.comm(), space.local_rows(), space.local_coarse(), grid.num_nodes(),
                        static_cast<PetscInt>(mesh.num_nodes()), 36, nullptr, 36, nullptr, phi.out()));
  NH_PETSC(MatSetOption(phi, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  // P
  const Mat P = space.prolongation();
  PetscInt r0 = 0, r1 = 0;
  NH_PETSC(MatGetOwnershipRange(P, &r0, &r1));
  for (PetscInt row = r0; row < r1; ++row) {
    PetscInt ncols = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* values = nullptr;
    NH_PETSC(MatGetRow(P, row, &ncols, &cols, &values));
    NH_PETSC(MatSetValues(phi, 1, &row, ncols, cols, values, INSERT_VALUES));
    NH_PETSC(MatRestoreRow(P, row, &ncols, &cols, &values));
  }
  NH_PETSC(MatAssemblyBegin(phi, MAT_FLUSH_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(phi, MAT_FLUSH_ASSEMBLY));
  // - Q
  const int n = grid.n();
  for (const BasisCorrection& c : local) {
    const Patch& p = c.patch;
    require(static_cast<int>(c.values.size()) == p.fine_nodes(), "corrected_basis: values do not match the patch");
    const PetscInt col = static_cast<PetscInt>(c.coarse_node);
    const int x0 = p.I0 * p.ratio, y0 = p.J0 * p.ratio;
    for (int y = 1; y < p.fine_ny(); ++y)
      for (int x = 1; x < p.fine_nx(); ++x) {
        const PetscScalar v = -c.values[static_cast<size_t>(p.fine_node(x, y))];
        if (v == 0.0) continue;
        const PetscInt row = static_cast<PetscInt>(y0 + y) * (n + 1) + (x0 + x);
        NH_PETSC(MatSetValues(phi, 1, &row, 1, &col, &v, ADD_VALUES));
      }
  }
  NH_PETSC(MatAssemblyBegin(phi, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(phi, MAT_FINAL_ASSEMBLY));
  return phi;
}

ColumnErrors relative_column_errors(const FineSpace& space, Mat phi, Mat reference) {
  OwnedMat diff;
  NH_PETSC(MatDuplicate(phi, MAT_COPY_VALUES, diff.out()));
  NH_PETSC(MatAXPY(diff, -1.0, reference, DIFFERENT_NONZERO_PATTERN));
  const CoarseMesh& mesh = space.mesh();
  std::vector<PetscReal> d(static_cast<size_t>(mesh.num_nodes())), ref(d.size());
  NH_PETSC(MatGetColumnNorms(diff, NORM_2, d.data()));
  NH_PETSC(MatGetColumnNorms(reference, NORM_2, ref.data()));
  ColumnErrors e;
  int count = 0;
  for (int j = 1; j < mesh.cells; ++j)
    for (int i = 1; i < mesh.cells; ++i) {
      const auto k = static_cast<size_t>(mesh.node_index(i, j));
      const double rel = d[k] / ref[k];
      e.mean += rel;
      e.max = std::max(e.max, rel);
      ++count;
    }
  if (count > 0) e.mean /= count;
  return e;
}

ColumnErrors relative_energy_errors(const FineSpace& space, Mat phi, Mat reference, Mat stiffness) {
  OwnedMat diff;
  NH_PETSC(MatDuplicate(phi, MAT_COPY_VALUES, diff.out()));
  NH_PETSC(MatAXPY(diff, -1.0, reference, DIFFERENT_NONZERO_PATTERN));
  // diag(X' K X) for X = diff and X = reference: the squared energy norms of the columns
  auto column_energies = [&](Mat X) {
    OwnedMat KX, G;
    NH_PETSC(MatMatMult(stiffness, X, MAT_INITIAL_MATRIX, PETSC_DEFAULT, KX.out()));
    NH_PETSC(MatTransposeMatMult(X, KX, MAT_INITIAL_MATRIX, PETSC_DEFAULT, G.out()));
    OwnedVec d;
    NH_PETSC(MatCreateVecs(G, nullptr, d.out()));
    NH_PETSC(MatGetDiagonal(G, d));
    return gather_to_all(d);
  };
  const std::vector<double> d = column_energies(diff), ref = column_energies(reference);
  const CoarseMesh& mesh = space.mesh();
  ColumnErrors e;
  int count = 0;
  for (int j = 1; j < mesh.cells; ++j)
    for (int i = 1; i < mesh.cells; ++i) {
      const auto k = static_cast<size_t>(mesh.node_index(i, j));
      const double rel = std::sqrt(std::max(0.0, d[k]) / ref[k]);
      e.mean += rel;
      e.max = std::max(e.max, rel);
      ++count;
    }
  if (count > 0) e.mean /= count;
  return e;
}

LodForm lod_form_from_string(const std::string& name) {
  if (name == "galerkin") return LodForm::Galerkin;
  if (name == "pg") return LodForm::PetrovGalerkin;
  throw Error("unknown LOD form '" + name + "' (-form); known: galerkin, pg");
}

const char* lod_form_name(LodForm form) { return form == LodForm::Galerkin ? "galerkin" : "pg"; }

ParabolicBasisLod::ParabolicBasisLod(const FineSpace& space, LodForm form, double dt) : space_(space), form_(form), dt_(dt) {
  require(dt > 0, "the time step must be positive");
  u_ = space.create_vector();
  NH_PETSC(VecSet(u_, 0.0));
}

void ParabolicBasisLod::step(Mat phi, Mat stiffness) {
  const Mat test = form_ == LodForm::Galerkin ? phi : space_.prolongation();
  OwnedMat k_phi, m_phi, S, system;
  NH_PETSC(MatMatMult(stiffness, phi, MAT_INITIAL_MATRIX, PETSC_DEFAULT, k_phi.out()));
  NH_PETSC(MatMatMult(space_.time_mass(), phi, MAT_INITIAL_MATRIX, PETSC_DEFAULT, m_phi.out()));
  NH_PETSC(MatTransposeMatMult(test, k_phi, MAT_INITIAL_MATRIX, PETSC_DEFAULT, S.out()));
  NH_PETSC(MatTransposeMatMult(test, m_phi, MAT_INITIAL_MATRIX, PETSC_DEFAULT, system.out()));
  NH_PETSC(MatAXPY(system, dt_, S, DIFFERENT_NONZERO_PATTERN));  // T'M Phi + dt T'K Phi
  // rhs = T' (M(c) u^{m-1} + dt M(c) f_h)
  OwnedVec w = space_.create_vector(), rhs;
  NH_PETSC(MatMult(space_.time_mass(), u_, w));
  NH_PETSC(VecAXPY(w, dt_, space_.load()));
  NH_PETSC(MatCreateVecs(system, U_.out(), rhs.out()));
  NH_PETSC(MatMultTranspose(test, w, rhs));
  const CoarseDirichlet boundary(space_.mesh(), system);
  boundary.apply_symmetric(system);
  boundary.zero(rhs);
  OwnedKSP ksp = create_direct_ksp(system, "deepritz_");
  solve_checked(ksp, rhs, U_, "coarse LOD-ANN solve");
  NH_PETSC(MatMult(phi, U_, u_));
}

}  // namespace neurhom
