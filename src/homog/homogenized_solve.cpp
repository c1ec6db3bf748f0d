#include "neurhom/homog/homogenized_solve.hpp"

#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/linear_solve.hpp"

namespace neurhom {

OwnedVec solve_homogenized(const StructuredGrid& grid, const TensorField& a_star, const Source& f) {
  OwnedMat A = create_operator(grid);
  assemble_tensor_stiffness(grid, a_star, A);
  OwnedVec F = grid.create_vector(), u = grid.create_vector();
  assemble_load(grid, f, 0.0, F);
  const DirichletBoundary boundary(grid);
  boundary.apply_symmetric(A);
  boundary.zero(F);
  LinearSolver solver(grid.comm(), A, "homog_");
  solver.solve(F, u);
  return u;
}

}  // namespace neurhom
