#include "neurhom/fem/box_fem.hpp"

#include "box_access.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/fem/linear_solve.hpp"

namespace neurhom {

using box_detail::GhostedValues;
using box_detail::LocalAccumulator;

namespace {

std::array<double, 3> cell_sizes(const BoxGrid& grid) {
  return {grid.h(0), grid.h(1), grid.dim() == 3 ? grid.h(2) : 1.0};
}

// The 2^d node stencils of cell (i, j, k), local node b = b_1 + 2 b_2 + 4 b_3.
std::array<MatStencil, 8> cell_stencils(const BoxGrid& grid, PetscInt i, PetscInt j, PetscInt k) {
  std::array<MatStencil, 8> s{};
  for (int b = 0; b < box::nodes_per_cell(grid.dim()); ++b)
    s[static_cast<size_t>(b)] = grid.stencil(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
  return s;
}

Point3 point_in_cell(const BoxGrid& grid, PetscInt i, PetscInt j, PetscInt k, const std::array<double, 3>& xi) {
  return {(i + xi[0]) * grid.h(0), (j + xi[1]) * grid.h(1), grid.dim() == 3 ? (k + xi[2]) * grid.h(2) : 0.0};
}

template <class F>
void for_owned_cells(const BoxGrid& grid, F&& f) {
  for (PetscInt k = grid.owned_cells(2).begin; k < grid.owned_cells(2).end; ++k)
    for (PetscInt j = grid.owned_cells(1).begin; j < grid.owned_cells(1).end; ++j)
      for (PetscInt i = grid.owned_cells(0).begin; i < grid.owned_cells(0).end; ++i) f(i, j, k);
}

void assemble_load(const BoxGrid& grid, const PointFunction& f, Vec F) {
  const int n = box::nodes_per_cell(grid.dim());
  const auto h = cell_sizes(grid);
  const auto points = box::gauss_box(grid.dim(), 2);
  const double volume = grid.cell_volume();
  LocalAccumulator acc(grid);
  for_owned_cells(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    std::array<double, 8> fe{};
    for (const auto& q : points) {
      const double v = f(point_in_cell(grid, i, j, k, q.xi)) * q.weight * volume;
      const auto s = box::shape(grid.dim(), q.xi, h);
      for (int b = 0; b < n; ++b) fe[static_cast<size_t>(b)] += v * s.phi[static_cast<size_t>(b)];
    }
    acc.add_cell(grid.dim(), i, j, k, fe);
  });
  acc.add_to(F);
}

// int_F g_N phi_b over the boundary facets of the owned cells on the Neumann faces.
void assemble_neumann(const BoxGrid& grid, const BoxBoundary& bc, const FaceFunction& g, Vec F) {
  const int dim = grid.dim();
  const int n = box::nodes_per_cell(dim);
  const auto h = cell_sizes(grid);
  const auto& gauss = box::gauss_1d(2);
  LocalAccumulator acc(grid);
  for (int face = 0; face < 2 * dim; ++face) {
    if (bc.dirichlet(face)) continue;
    const int d = face / 2, side = face % 2;
    const PetscInt layer = side == 0 ? 0 : grid.cells(d) - 1;  // the cells touching the face
    double area = 1;
    std::array<int, 2> tangential{};
    int t = 0;
    for (int e = 0; e < dim; ++e)
      if (e != d) {
        area *= grid.h(e);
        tangential[static_cast<size_t>(t++)] = e;
      }
    const int p2 = dim == 3 ? 2 : 1;
    for_owned_cells(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
      const PetscInt idx[3] = {i, j, k};
      if (idx[d] != layer) return;
      std::array<double, 8> fe{};
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < p2; ++b) {
          std::array<double, 3> xi{};
          xi[static_cast<size_t>(d)] = side;
          xi[static_cast<size_t>(tangential[0])] = gauss.x[static_cast<size_t>(a)];
          double w = gauss.w[static_cast<size_t>(a)];
          if (dim == 3) {
            xi[static_cast<size_t>(tangential[1])] = gauss.x[static_cast<size_t>(b)];
            w *= gauss.w[static_cast<size_t>(b)];
          }
          const double v = g(point_in_cell(grid, i, j, k, xi), face) * w * area;
          const auto s = box::shape(dim, xi, h);
          for (int c = 0; c < n; ++c) fe[static_cast<size_t>(c)] += v * s.phi[static_cast<size_t>(c)];
        }
      acc.add_cell(dim, i, j, k, fe);
    });
  }
  acc.add_to(F);
}

template <class F>
void for_owned_nodes(const BoxGrid& grid, F&& f) {
  for (PetscInt k = grid.nodes(2).begin; k < grid.nodes(2).end; ++k)
    for (PetscInt j = grid.nodes(1).begin; j < grid.nodes(1).end; ++j)
      for (PetscInt i = grid.nodes(0).begin; i < grid.nodes(0).end; ++i) f(i, j, k);
}

}  // namespace

OwnedVec assemble_box_load(const BoxGrid& grid, const PointFunction& f) {
  OwnedVec F = grid.create_vector();
  assemble_load(grid, f, F);
  return F;
}

void add_box_neumann_load(const BoxGrid& grid, const BoxBoundary& bc, const FaceFunction& g, Vec F) { assemble_neumann(grid, bc, g, F); }

std::vector<MatStencil> box_dirichlet_nodes(const BoxGrid& grid, const BoxBoundary& bc) {
  std::vector<MatStencil> rows;
  const unsigned dmask = bc.dirichlet_mask();
  for_owned_nodes(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    if (grid.faces_of_node(i, j, k) & dmask) rows.push_back(grid.stencil(i, j, k));
  });
  return rows;
}

void set_box_dirichlet_values(const BoxGrid& grid, const BoxBoundary& bc, const PointFunction& g, Vec u) {
  const unsigned dmask = bc.dirichlet_mask();
  PetscScalar* data = nullptr;  // owned block, x fastest
  NH_PETSC(VecGetArray(u, &data));
  PetscInt at = 0;
  for_owned_nodes(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    const PetscInt here = at++;
    if (grid.faces_of_node(i, j, k) & dmask) data[here] = g ? g(grid.node_point(i, j, k)) : 0.0;
  });
  NH_PETSC(VecRestoreArray(u, &data));
}

void interpolate_box(const BoxGrid& grid, const PointFunction& g, Vec u) {
  PetscScalar* data = nullptr;  // owned block, x fastest
  NH_PETSC(VecGetArray(u, &data));
  PetscInt at = 0;
  for_owned_nodes(grid, [&](PetscInt i, PetscInt j, PetscInt k) { data[at++] = g(grid.node_point(i, j, k)); });
  NH_PETSC(VecRestoreArray(u, &data));
}

std::vector<double> sample_box_cells(const BoxGrid& grid, const PointFunction& a, const std::string& what) {
  std::vector<double> values(static_cast<size_t>(grid.num_local_cells()));
  bool ok = true;
  for_owned_cells(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    const double v = a(grid.cell_centre(i, j, k));
    ok = ok && std::isfinite(v) && v > 0;
    values[static_cast<size_t>(grid.local_cell(i, j, k))] = v;
  });
  require(all_ranks(grid.comm(), ok), what + " must be finite and positive in every cell");
  return values;
}

PointFunction box_field_function(const BoxCellField& field, const BoxShape& shape) {
  const CellIndex3 cells = {shape.cells[0], shape.cells[1], shape.dim == 3 ? shape.cells[2] : 1};
  return [&field, shape, cells](const Point3& x) {
    CellIndex3 c{0, 0, 0};
    for (int d = 0; d < shape.dim; ++d) {
      const auto D = static_cast<size_t>(d);
      c[D] = std::min<long>(cells[D] - 1, static_cast<long>(x[D] / shape.lengths[D] * cells[D]));
    }
    return field.value(c, cells);
  };
}

PointFunction box_source_function(const Source& f, const BoxShape& shape) {
  return [&f, shape](const Point3& x) { return f.value(x[0] / shape.lengths[0], x[1] / shape.lengths[1], 0.0); };
}

bool nonzero_face_values(const std::vector<double>& face_values) {
  for (double v : face_values)
    if (v != 0.0) return true;
  return false;
}

void set_box_face_data(BoxProblem& problem, const BoxShape& shape, const BoxBoundary& bc, const std::vector<double>& values) {
  const int dim = shape.dim;
  require(values.empty() || static_cast<int>(values.size()) == 2 * dim,
          "-bc_values needs " + std::to_string(2 * dim) + " numbers, one per face (got " + std::to_string(values.size()) + ")");
  for (double v : values) require(std::isfinite(v), "-bc_values must be finite numbers");
  if (!nonzero_face_values(values)) return;
  problem.dirichlet = [dim, shape, bc, values](const Point3& x) {
    for (int f = 0; f < 2 * dim; ++f) {  // the lowest-numbered Dirichlet face the node lies on
      const auto d = static_cast<size_t>(f / 2);
      if (bc.dirichlet(f) && std::abs(x[d] - (f % 2 ? shape.lengths[d] : 0.0)) < 1e-9 * shape.lengths[d])
        return values[static_cast<size_t>(f)];
    }
    return 0.0;
  };
  problem.neumann = [values](const Point3&, int face) { return values[static_cast<size_t>(face)]; };
}

OwnedMat assemble_box_stiffness(const BoxGrid& grid, const std::vector<double>& cell_values) {
  return assemble_box_matrix(grid, cell_values, box::stiffness(grid.dim(), cell_sizes(grid)));
}

OwnedMat assemble_box_matrix(const BoxGrid& grid, const std::vector<double>& cell_values, const std::vector<double>& k_ref) {
  require(static_cast<PetscInt>(cell_values.size()) == grid.num_local_cells(), "assemble_box_matrix: one value per owned cell");
  OwnedMat A = grid.create_matrix();
  const int n = box::nodes_per_cell(grid.dim());
  std::vector<double> ke(k_ref.size());
  for_owned_cells(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    const double a = cell_values[static_cast<size_t>(grid.local_cell(i, j, k))];
    for (size_t e = 0; e < ke.size(); ++e) ke[e] = a * k_ref[e];
    const auto st = cell_stencils(grid, i, j, k);
    NH_PETSC(MatSetValuesStencil(A, n, st.data(), n, st.data(), ke.data(), ADD_VALUES));
  });
  NH_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return A;
}

BoxSolution solve_box_elliptic(const BoxGrid& grid, const BoxBoundary& bc, const BoxProblem& problem) {
  require(bc.dim == grid.dim(), "solve_box_elliptic: boundary conditions of another dimension");
  require(static_cast<bool>(problem.coefficient), "solve_box_elliptic: no coefficient");
  WallTimer timer;
  BoxSolution sol;
  OwnedMat A0 = assemble_box_stiffness(grid, sample_box_cells(grid, problem.coefficient, "the coefficient"));
  OwnedVec F = grid.create_vector();
  if (problem.source) assemble_load(grid, problem.source, F);
  PetscScalar source_sum = 0;
  NH_PETSC(VecSum(F, &source_sum));
  sol.source_integral = source_sum;
  if (problem.neumann) assemble_neumann(grid, bc, problem.neumann, F);

  // Dirichlet nodes (owned) and their values in u.
  sol.u = grid.create_vector();
  const std::vector<MatStencil> rows = box_dirichlet_nodes(grid, bc);
  const unsigned dmask = bc.dirichlet_mask();
  set_box_dirichlet_values(grid, bc, problem.dirichlet, sol.u);

  OwnedMat A;
  NH_PETSC(MatDuplicate(A0, MAT_COPY_VALUES, A.out()));
  OwnedVec b;
  NH_PETSC(VecDuplicate(F, b.out()));
  NH_PETSC(VecCopy(F, b));
  NH_PETSC(MatZeroRowsColumnsStencil(A, static_cast<PetscInt>(rows.size()), rows.data(), 1.0, sol.u, b));
  sol.assembly_seconds = timer.seconds();
  timer.reset();

  OwnedVec x;
  NH_PETSC(VecDuplicate(sol.u, x.out()));
  NH_PETSC(VecCopy(sol.u, x));
  if (problem.direct) {
    OwnedKSP ksp = create_direct_ksp(A, "box_direct_");
    solve_checked(ksp, b, x, "the direct solve on the box");
    sol.iterations = 1;
  } else {
    LinearSolver solver(grid.comm(), A, "box_");
    NH_PETSC(KSPSetInitialGuessNonzero(solver.ksp(), PETSC_TRUE));
    solver.solve(b, x);
    sol.iterations = solver.total_iterations();
  }
  NH_PETSC(VecCopy(x, sol.u));
  sol.solve_seconds = timer.seconds();

  // Face fluxes: r = A_0 u - F at the Dirichlet nodes, plus int_F g_N for the Neumann faces.
  OwnedVec r;
  NH_PETSC(VecDuplicate(F, r.out()));
  NH_PETSC(MatMult(A0, sol.u, r));
  NH_PETSC(VecAXPY(r, -1.0, F));
  std::array<double, 6> local{};
  {
    PetscScalar*** r3 = nullptr;
    PetscScalar** r2 = nullptr;
    if (grid.dim() == 3) NH_PETSC(DMDAVecGetArrayRead(grid.dm(), r, &r3));
    else NH_PETSC(DMDAVecGetArrayRead(grid.dm(), r, &r2));
    for_owned_nodes(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
      const unsigned on = grid.faces_of_node(i, j, k) & dmask;
      if (!on) return;
      int face = 0;
      while (!(on & (1u << face))) ++face;
      local[static_cast<size_t>(face)] += grid.dim() == 3 ? r3[k][j][i] : r2[j][i];
    });
    if (grid.dim() == 3) NH_PETSC(DMDAVecRestoreArrayRead(grid.dm(), r, &r3));
    else NH_PETSC(DMDAVecRestoreArrayRead(grid.dm(), r, &r2));
  }
  if (problem.neumann) {
    // int_F g_N: the Neumann load of that face alone, summed
    for (int face = 0; face < 2 * grid.dim(); ++face) {
      if (bc.dirichlet(face)) continue;
      BoxBoundary only = BoxBoundary::all_dirichlet(grid.dim());
      only.faces[static_cast<size_t>(face)] = FaceKind::Neumann;
      OwnedVec g = grid.create_vector();
      assemble_neumann(grid, only, problem.neumann, g);
      PetscScalar s = 0;
      NH_PETSC(VecSum(g, &s));
      if (is_root(grid.comm())) local[static_cast<size_t>(face)] += s;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, local.data(), 6, MPI_DOUBLE, MPI_SUM, grid.comm());
  sol.face_flux = local;
  return sol;
}

BoxErrorNorms box_error_vs_exact(const BoxGrid& grid, Vec u, const PointFunction& exact, const PointGradient& gradient) {
  const int dim = grid.dim();
  const int n = box::nodes_per_cell(dim);
  const auto h = cell_sizes(grid);
  const auto points = box::gauss_box(dim, 3);
  const double volume = grid.cell_volume();
  GhostedValues values(grid, u);
  double sums[4] = {0, 0, 0, 0};
  for_owned_cells(grid, [&](PetscInt i, PetscInt j, PetscInt k) {
    std::array<double, 8> ue{};
    for (int b = 0; b < n; ++b) ue[static_cast<size_t>(b)] = values.at(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
    for (const auto& q : points) {
      const auto s = box::shape(dim, q.xi, h);
      const Point3 x = point_in_cell(grid, i, j, k, q.xi);
      double uh = 0;
      Point3 gh{};
      for (int b = 0; b < n; ++b) {
        uh += ue[static_cast<size_t>(b)] * s.phi[static_cast<size_t>(b)];
        for (int d = 0; d < dim; ++d) gh[static_cast<size_t>(d)] += ue[static_cast<size_t>(b)] * s.grad[static_cast<size_t>(b)][static_cast<size_t>(d)];
      }
      const double ue_x = exact(x);
      const Point3 ge = gradient(x);
      const double w = q.weight * volume;
      sums[0] += w * (ue_x - uh) * (ue_x - uh);
      sums[2] += w * ue_x * ue_x;
      for (int d = 0; d < dim; ++d) {
        const auto D = static_cast<size_t>(d);
        sums[1] += w * (ge[D] - gh[D]) * (ge[D] - gh[D]);
        sums[3] += w * ge[D] * ge[D];
      }
    }
  });
  MPI_Allreduce(MPI_IN_PLACE, sums, 4, MPI_DOUBLE, MPI_SUM, grid.comm());
  return {std::sqrt(sums[0]), std::sqrt(sums[1]), std::sqrt(sums[2]), std::sqrt(sums[3])};
}

}  // namespace neurhom
