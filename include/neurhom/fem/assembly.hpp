#pragma once
// Assembly of the Q1 fine-scale operators into distributed PETSc objects.
//
// For -div(a grad u) = f with a piecewise constant per cell:
//   A_ij = sum_K a_K int_K grad phi_j . grad phi_i   (a_K * K_ref, see q1_element.hpp)
//   M_ij = sum_K int_K phi_j phi_i
//   F_i  = sum_K int_K f phi_i                        (2 x 2 Gauss per cell)
// Each rank loops over the cells it owns (StructuredGrid) and adds element contributions;
// PETSc communicates contributions to rows owned by neighbours. No boundary conditions are
// applied here (see dirichlet.hpp), so A has the constants in its null space.
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

// Values of `field` on the cells owned by this rank (StructuredGrid::local_cell order).
// Collective: throws Error naming `what` if any value anywhere is not finite and positive,
// or if the field does not fit the mesh.
std::vector<double> sample_cells(const StructuredGrid& grid, const CellField& field, const std::string& what);

// A matrix with the sparsity of the Q1 stencil, all entries zero.
OwnedMat create_operator(const StructuredGrid& grid);

void assemble_stiffness(const StructuredGrid& grid, const std::vector<double>& cell_values, Mat A);
// A symmetric 2 x 2 coefficient tensor (a11, a12, a22) as a function of the cell centre
// (homogenized coefficients; constant per cell): A_ij = sum_K int_K A_K grad phi_j . grad phi_i.
using TensorField = std::function<std::array<double, 3>(double x1, double x2)>;
void assemble_tensor_stiffness(const StructuredGrid& grid, const TensorField& tensor, Mat A);
void assemble_mass(const StructuredGrid& grid, Mat M);
void assemble_load(const StructuredGrid& grid, const Source& f, double t, Vec F);

// Node values g(x1, x2) of a function into a global Vec (interpolation).
void interpolate(const StructuredGrid& grid, const std::function<double(double, double)>& g, Vec u);

// Adds the element vector `values` of cell (i, j) into a ghosted local array (DMDA indexing).
inline void add_to_cell(PetscScalar** local, PetscInt i, PetscInt j, const q1::ElementVector& values) {
  local[j][i] += values[0];
  local[j][i + 1] += values[1];
  local[j + 1][i] += values[2];
  local[j + 1][i + 1] += values[3];
}
}  // namespace neurhom
