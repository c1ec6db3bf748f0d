#include "neurhom/homog/cell_problem.hpp"

#include <petscdmda.h>

#include <cmath>
#include <string>
#include <vector>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

namespace {

// Signs s_j of int_K d_j phi_k = s_j h / 2 for the local nodes 0..3 (x fastest).
constexpr double kSx[4] = {-1, 1, -1, 1}, kSy[4] = {-1, -1, 1, 1};

}  // namespace

namespace {

// The periodic DMDA's owned corner block.
struct Corners {
  PetscInt xs = 0, ys = 0, xm = 0, ym = 0;
  size_t cell(PetscInt i, PetscInt j) const { return static_cast<size_t>((j - ys) * xm + (i - xs)); }
};

// Assembles the periodic Q1 stiffness A (cell (i, j) belongs to the rank owning its lower-left
// node; nodes wrap periodically) and the loads b_d = -int a d_j phi, through ghosted local
// vectors summed into the global ones (ADD_VALUES). Returns the cell values of a (owned cells);
// Error on every rank if a value is not positive and finite.
std::vector<double> assemble_cell_system(MPI_Comm comm, DM dm, const Corners& c, const CellCoefficient& a, int n, Mat A,
                                         OwnedVec (&b)[2]) {
  const double h = 1.0 / n;
  Vec b_local[2] = {nullptr, nullptr};
  PetscScalar** b_array[2] = {nullptr, nullptr};
  for (int d = 0; d < 2; ++d) {
    NH_PETSC(DMGetLocalVector(dm, &b_local[d]));
    NH_PETSC(VecSet(b_local[d], 0.0));
    NH_PETSC(DMDAVecGetArray(dm, b_local[d], &b_array[d]));
  }
  const auto& K = q1::reference_stiffness();
  std::string bad;
  std::vector<double> cell_values(static_cast<size_t>(c.xm * c.ym));
  for (PetscInt j = c.ys; j < c.ys + c.ym; ++j)
    for (PetscInt i = c.xs; i < c.xs + c.xm; ++i) {
      const double ac = a((i + 0.5) * h, (j + 0.5) * h);
      if (bad.empty() && !(std::isfinite(ac) && ac > 0)) bad = "value " + std::to_string(ac);
      cell_values[c.cell(i, j)] = ac;
      MatStencil nodes[4];
      for (int k = 0; k < 4; ++k) {
        nodes[k].i = i + (k & 1);
        nodes[k].j = j + (k >> 1);
        nodes[k].k = 0;
        nodes[k].c = 0;
      }
      PetscScalar Ke[16], be[2][4];
      for (int k = 0; k < 16; ++k) Ke[k] = ac * K[static_cast<size_t>(k)];
      for (int k = 0; k < 4; ++k) {
        be[0][k] = -ac * kSx[k] * h / 2;
        be[1][k] = -ac * kSy[k] * h / 2;
      }
      NH_PETSC(MatSetValuesStencil(A, 4, nodes, 4, nodes, Ke, ADD_VALUES));
      for (int d = 0; d < 2; ++d)
        for (int k = 0; k < 4; ++k) b_array[d][nodes[k].j][nodes[k].i] += be[d][k];
    }
  for (int d = 0; d < 2; ++d) {
    NH_PETSC(DMDAVecRestoreArray(dm, b_local[d], &b_array[d]));
    NH_PETSC(VecSet(b[d], 0.0));
    NH_PETSC(DMLocalToGlobal(dm, b_local[d], ADD_VALUES, b[d]));
    NH_PETSC(DMRestoreLocalVector(dm, &b_local[d]));
  }
  const int rank_bad = first_rank_with(comm, !bad.empty());
  if (rank_bad >= 0) throw Error("cell problem: the coefficient is not positive and finite: " + broadcast_string(comm, rank_bad, bad));
  NH_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return cell_values;
}

// a*_de = sum_K a_c (h^2 delta_de + sum_k chi_e(k) s_d(k) h / 2), from ghosted values, and the
// chi_e on every rank (natural order).
void effective_tensor(MPI_Comm comm, DM dm, const Corners& c, const std::vector<double>& cell_values, int n,
                      const OwnedVec (&chi)[2], CellProblemResult& result) {
  const double h = 1.0 / n;
  double a_star[4] = {0, 0, 0, 0};
  for (int e = 0; e < 2; ++e) {
    Vec local = nullptr;  // DM-owned work vector
    NH_PETSC(DMGetLocalVector(dm, &local));
    NH_PETSC(DMGlobalToLocalBegin(dm, chi[e], INSERT_VALUES, local));
    NH_PETSC(DMGlobalToLocalEnd(dm, chi[e], INSERT_VALUES, local));
    PetscScalar** x = nullptr;
    NH_PETSC(DMDAVecGetArrayRead(dm, local, &x));
    for (PetscInt j = c.ys; j < c.ys + c.ym; ++j)
      for (PetscInt i = c.xs; i < c.xs + c.xm; ++i) {
        const double ac = cell_values[c.cell(i, j)];
        const double values[4] = {x[j][i], x[j][i + 1], x[j + 1][i], x[j + 1][i + 1]};
        for (int d = 0; d < 2; ++d) {
          double flux = d == e ? h * h : 0.0;
          for (int k = 0; k < 4; ++k) flux += values[k] * (d == 0 ? kSx[k] : kSy[k]) * h / 2;
          a_star[d * 2 + e] += ac * flux;
        }
      }
    std::vector<double>& values = result.chi[static_cast<size_t>(e)];
    values.assign(static_cast<size_t>(n) * static_cast<size_t>(n), 0.0);
    for (PetscInt j = c.ys; j < c.ys + c.ym; ++j)
      for (PetscInt i = c.xs; i < c.xs + c.xm; ++i) values[static_cast<size_t>(j * n + i)] = x[j][i];
    NH_PETSC(DMDAVecRestoreArrayRead(dm, local, &x));
    NH_PETSC(DMRestoreLocalVector(dm, &local));
    MPI_Allreduce(MPI_IN_PLACE, values.data(), n * n, MPI_DOUBLE, MPI_SUM, comm);
  }
  MPI_Allreduce(a_star, result.a_star.data(), 4, MPI_DOUBLE, MPI_SUM, comm);
}

}  // namespace

CellProblemResult solve_cell_problems(MPI_Comm comm, const CellCoefficient& a, int n) {
  require(n >= 4, "cell problem: need at least 4 cells per side (got " + std::to_string(n) + ")");
  OwnedDM dm;
  NH_PETSC(DMDACreate2d(comm, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_PERIODIC, DMDA_STENCIL_BOX, n, n, PETSC_DECIDE,
                        PETSC_DECIDE, 1, 1, nullptr, nullptr, dm.out()));
  NH_PETSC(DMSetUp(dm));
  Corners c;
  NH_PETSC(DMDAGetCorners(dm, &c.xs, &c.ys, nullptr, &c.xm, &c.ym, nullptr));
  OwnedMat A;
  NH_PETSC(DMCreateMatrix(dm, A.out()));
  OwnedVec b[2], chi[2];
  for (int d = 0; d < 2; ++d) {
    NH_PETSC(DMCreateGlobalVector(dm, b[d].out()));
    NH_PETSC(DMCreateGlobalVector(dm, chi[d].out()));
  }
  const std::vector<double> cell_values = assemble_cell_system(comm, dm, c, a, n, A, b);

  // A is singular (constants); solve in the complement and fix zero-mean chi.
  OwnedNullSpace constants;
  NH_PETSC(MatNullSpaceCreate(comm, PETSC_TRUE, 0, nullptr, constants.out()));
  NH_PETSC(MatSetNullSpace(A, constants));
  NH_PETSC(MatSetNearNullSpace(A, constants));
  CellProblemResult result;
  result.n = n;
  {
    LinearSolver solver(comm, A, "cell_");
    for (int d = 0; d < 2; ++d) {
      NH_PETSC(MatNullSpaceRemove(constants, b[d]));
      result.iterations += solver.solve(b[d], chi[d]);
      NH_PETSC(MatNullSpaceRemove(constants, chi[d]));  // zero mean
    }
  }
  effective_tensor(comm, dm, c, cell_values, n, chi, result);
  return result;
}

double harmonic_mean_1d(const std::function<double(double)>& a, int n) {
  require(n >= 1, "harmonic_mean_1d: need at least one cell");
  double inverse = 0;
  for (int k = 0; k < n; ++k) {
    const double v = a((k + 0.5) / n);
    require(std::isfinite(v) && v > 0, "1D cell problem: the coefficient is not positive and finite");
    inverse += 1.0 / v / n;
  }
  return 1.0 / inverse;
}

}  // namespace neurhom
