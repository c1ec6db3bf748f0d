#include "neurhom/fem/assembly.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

namespace {

// Row/column stencils of the 4 nodes of cell (i, j), in local node order.
void cell_stencil(PetscInt i, PetscInt j, MatStencil st[4]) {
  const PetscInt di[4] = {0, 1, 0, 1}, dj[4] = {0, 0, 1, 1};
  for (int k = 0; k < 4; ++k) {
    st[k].i = i + di[k];
    st[k].j = j + dj[k];
    st[k].k = 0;
    st[k].c = 0;
  }
}

void add_element(Mat A, PetscInt i, PetscInt j, const q1::ElementMatrix& ke) {
  MatStencil st[4];
  cell_stencil(i, j, st);
  NH_PETSC(MatSetValuesStencil(A, 4, st, 4, st, ke.data(), ADD_VALUES));
}

void finish(Mat A) {
  NH_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
}

}  // namespace

std::vector<double> sample_cells(const StructuredGrid& grid, const CellField& field, const std::string& what) {
  field.check_mesh(grid.n());
  const IndexRange cx = grid.cell_x(), cy = grid.cell_y();
  std::vector<double> values(static_cast<size_t>(grid.num_local_cells()));
  std::string local_problem;
  for (PetscInt j = cy.begin; j < cy.end; ++j) {
    for (PetscInt i = cx.begin; i < cx.end; ++i) {
      const double v = field.value(i, j, grid.n());
      values[static_cast<size_t>(grid.local_cell(i, j))] = v;
      if (local_problem.empty() && !(std::isfinite(v) && v > 0))
        local_problem = "value " + format_number(v) + " at cell (" + std::to_string(i) + "," + std::to_string(j) + ")";
    }
  }
  // All ranks must agree before throwing; the first offending rank's message is reported.
  const int bad_rank = first_rank_with(grid.comm(), !local_problem.empty());
  if (bad_rank >= 0)
    throw Error(what + " '" + field.describe() + "' is not positive and finite: " +
                broadcast_string(grid.comm(), bad_rank, local_problem));
  return values;
}

OwnedMat create_operator(const StructuredGrid& grid) {
  OwnedMat A;
  NH_PETSC(DMCreateMatrix(grid.dm(), A.out()));
  NH_PETSC(MatSetOption(A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return A;
}

void assemble_stiffness(const StructuredGrid& grid, const std::vector<double>& cell_values, Mat A) {
  const auto& kref = q1::reference_stiffness();
  const IndexRange cx = grid.cell_x(), cy = grid.cell_y();
  for (PetscInt j = cy.begin; j < cy.end; ++j) {
    for (PetscInt i = cx.begin; i < cx.end; ++i) {
      const double a = cell_values[static_cast<size_t>(grid.local_cell(i, j))];
      q1::ElementMatrix ke;
      for (int k = 0; k < 16; ++k) ke[k] = a * kref[k];
      add_element(A, i, j, ke);
    }
  }
  finish(A);
}

void assemble_tensor_stiffness(const StructuredGrid& grid, const TensorField& tensor, Mat A) {
  const IndexRange cx = grid.cell_x(), cy = grid.cell_y();
  const double h = grid.h();
  std::string bad;
  for (PetscInt j = cy.begin; j < cy.end; ++j)
    for (PetscInt i = cx.begin; i < cx.end; ++i) {
      const auto a = tensor((i + 0.5) * h, (j + 0.5) * h);
      // Uniform ellipticity: a11 > 0 and det > 0.
      if (bad.empty() && !(std::isfinite(a[0] + a[1] + a[2]) && a[0] > 0 && a[0] * a[2] - a[1] * a[1] > 0))
        bad = "(" + std::to_string(a[0]) + ", " + std::to_string(a[1]) + ", " + std::to_string(a[2]) + ")";
      add_element(A, i, j, q1::tensor_stiffness(a[0], a[1], a[2]));
    }
  const int rank = first_rank_with(grid.comm(), !bad.empty());
  if (rank >= 0)
    throw Error("coefficient tensor is not symmetric positive definite: " + broadcast_string(grid.comm(), rank, bad));
  finish(A);
}

void assemble_mass(const StructuredGrid& grid, Mat M) {
  const q1::ElementMatrix me = q1::mass(grid.h());
  const IndexRange cx = grid.cell_x(), cy = grid.cell_y();
  for (PetscInt j = cy.begin; j < cy.end; ++j)
    for (PetscInt i = cx.begin; i < cx.end; ++i) add_element(M, i, j, me);
  finish(M);
}

void assemble_load(const StructuredGrid& grid, const Source& f, double t, Vec F) {
  const double h = grid.h();
  const auto& quad = q1::gauss(2);
  Vec local = nullptr;
  NH_PETSC(DMGetLocalVector(grid.dm(), &local));
  NH_PETSC(VecSet(local, 0.0));
  PetscScalar** a = nullptr;
  NH_PETSC(DMDAVecGetArray(grid.dm(), local, &a));
  const IndexRange cx = grid.cell_x(), cy = grid.cell_y();
  for (PetscInt j = cy.begin; j < cy.end; ++j) {
    for (PetscInt i = cx.begin; i < cx.end; ++i) {
      q1::ElementVector fe{};
      for (const auto& q : quad.points) {
        const double fq = f.value((static_cast<double>(i) + q.s) * h, (static_cast<double>(j) + q.t) * h, t);
        for (int k = 0; k < 4; ++k) fe[k] += q.weight * h * h * fq * q.phi[k];
      }
      add_to_cell(a, i, j, fe);
    }
  }
  NH_PETSC(DMDAVecRestoreArray(grid.dm(), local, &a));
  NH_PETSC(VecSet(F, 0.0));
  NH_PETSC(DMLocalToGlobal(grid.dm(), local, ADD_VALUES, F));
  NH_PETSC(DMRestoreLocalVector(grid.dm(), &local));
}

void interpolate(const StructuredGrid& grid, const std::function<double(double, double)>& g, Vec u) {
  PetscScalar** a = nullptr;
  NH_PETSC(DMDAVecGetArray(grid.dm(), u, &a));
  const double h = grid.h();
  for (PetscInt j = grid.node_y().begin; j < grid.node_y().end; ++j)
    for (PetscInt i = grid.node_x().begin; i < grid.node_x().end; ++i)
      a[j][i] = g(static_cast<double>(i) * h, static_cast<double>(j) * h);
  NH_PETSC(DMDAVecRestoreArray(grid.dm(), u, &a));
}

}  // namespace neurhom
