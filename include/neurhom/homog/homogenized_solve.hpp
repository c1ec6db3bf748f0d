#pragma once
// The homogenized equation -div(A*(x) grad u_0) = f on (0,1)^2, u_0 = 0 on the boundary, with a
// symmetric positive definite 2 x 2 tensor A* (constant, or slowly varying in x: evaluated
// at the cell centres), Q1 on the StructuredGrid (the tensor kernel of fem/q1_element.hpp),
// CG + GAMG with options prefix -homog_. The FEM reference of the homogenized PINNs
// (Leung, Lin, Zhang 2021, Sec. 3, step 3).
#include "neurhom/coef/source.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

// Collective over grid.comm(). Throws Error for a tensor that is not SPD somewhere.
OwnedVec solve_homogenized(const StructuredGrid& grid, const TensorField& a_star, const Source& f);

}  // namespace neurhom
