#pragma once
// Q1 finite elements on boxes in 2D and 3D (BoxGrid, box_element.hpp) for
//   -div(a grad u) = f in Omega,  u = g_D on the Dirichlet faces,  a grad u . n = g_N on the
//   Neumann faces (BoxBoundary),
// with a piecewise constant per cell (sampled at the cell centre, as the 2D code does).
// Weak form: find u in g_D + V_D with
//   sum_K a_K int_K grad u . grad v = int f v + sum_{Neumann faces} int_F g_N v   for all v in V_D,
// load by 2 Gauss points per direction (cells and faces). Dirichlet rows and columns are
// eliminated symmetrically (MatZeroRowsColumnsStencil), so the system stays SPD: CG with
// algebraic multigrid (PCGAMG), options prefix `-box_` (e.g. -box_ksp_type preonly
// -box_pc_type cholesky for a direct solve).
//
// Face fluxes: with A_0 the operator before the elimination and F the full load, the residual
// r = A_0 u - F vanishes at the free nodes, and at a Dirichlet node it is the consistent
// boundary flux int_{dOmega} (a grad u . n) phi_i. Summed over the nodes of a Dirichlet face
// (a node on several Dirichlet faces counts for the lowest-numbered) it is the face's flux;
// for a Neumann face the flux is int_F g_N. Because the shape functions sum to one and A_0
// kills constants, sum_faces flux + int f = 0 holds discretely (to the solver tolerance).
#include <array>
#include <functional>
#include <vector>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/box_boundary.hpp"
#include "neurhom/mesh/box_grid.hpp"

namespace neurhom {

using PointFunction = std::function<double(const Point3&)>;
using PointGradient = std::function<Point3(const Point3&)>;
using FaceFunction = std::function<double(const Point3&, int face)>;  // g_N on face f

struct BoxProblem {
  PointFunction coefficient;  // a(x) > 0, sampled at cell centres
  PointFunction source;       // f (empty: 0)
  PointFunction dirichlet;    // g_D (empty: 0)
  FaceFunction neumann;       // g_N (empty: 0)
  bool direct = false;        // MUMPS LU (options prefix -box_direct_) instead of CG/GAMG: small systems
};

struct BoxSolution {
  OwnedVec u;
  std::array<double, 6> face_flux{};  // int_F a grad u . n per face (see above)
  double source_integral = 0;         // int f (by the load vector: sum_i F_i without Neumann terms)
  long long iterations = 0;
  double assembly_seconds = 0, solve_seconds = 0;
};

// The stiffness matrix with the cell values a_K (BoxGrid::local_cell order), no boundary
// conditions (constants in its null space).
OwnedMat assemble_box_stiffness(const BoxGrid& grid, const std::vector<double>& cell_values);
// a at the owned cell centres; Error naming `what` if a value anywhere is not finite and positive.
std::vector<double> sample_box_cells(const BoxGrid& grid, const PointFunction& a, const std::string& what);

// The coefficient of a box field as a point function on the fine mesh `shape` (the value of the
// fine cell containing x), and a 2D source f(x1, x2) of the unit square scaled to the box and
// constant along x3: the conventions of `neurhom fem` and `neurhom lod` on boxes.
PointFunction box_field_function(const BoxCellField& field, const BoxShape& shape);
PointFunction box_source_function(const Source& f, const BoxShape& shape);
// Boundary data constant per face (-bc_values, one number per face x-,x+,y-,y+[,z-,z+]): g_D
// = the value of the lowest-numbered Dirichlet face a node lies on (edges and corners where
// faces disagree), g_N = the flux of a Neumann face. Empty or all-zero values: homogeneous
// data (the functions stay empty). Error unless there are 2 dim values, all finite.
void set_box_face_data(BoxProblem& problem, const BoxShape& shape, const BoxBoundary& bc, const std::vector<double>& face_values);
bool nonzero_face_values(const std::vector<double>& face_values);

BoxSolution solve_box_elliptic(const BoxGrid& grid, const BoxBoundary& bc, const BoxProblem& problem);

struct BoxErrorNorms {
  double l2_error = 0, h1_error = 0, l2_exact = 0, h1_exact = 0;
};
// F_i = int f phi_i (2 Gauss points per direction and cell), a global Vec.
OwnedVec assemble_box_load(const BoxGrid& grid, const PointFunction& f);

// F_i += int_F g_N phi_i over the Neumann faces of bc (2 Gauss points per direction).
void add_box_neumann_load(const BoxGrid& grid, const BoxBoundary& bc, const FaceFunction& g, Vec F);
// The owned nodes on Dirichlet faces (stencils), and u = g_D there (other entries kept).
std::vector<MatStencil> box_dirichlet_nodes(const BoxGrid& grid, const BoxBoundary& bc);
void set_box_dirichlet_values(const BoxGrid& grid, const BoxBoundary& bc, const PointFunction& g, Vec u);
// u = g at every owned node (initial conditions).
void interpolate_box(const BoxGrid& grid, const PointFunction& g, Vec u);

// sum over cells of w_c E (E: box::stiffness or box::mass of the cell sizes), no boundary conditions.
OwnedMat assemble_box_matrix(const BoxGrid& grid, const std::vector<double>& cell_weights, const std::vector<double>& element);

// ||u - u_h||_L2, ||grad(u - u_h)||_L2 and the norms of u by 3 Gauss points per direction.
BoxErrorNorms box_error_vs_exact(const BoxGrid& grid, Vec u, const PointFunction& exact, const PointGradient& gradient);

}  // namespace neurhom
