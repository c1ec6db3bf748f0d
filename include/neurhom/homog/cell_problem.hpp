#pragma once
// Periodic cell problems of homogenization (Leung, Lin, Zhang 2021, Sec. 3; the FEM reference
// of the cell PINNs). On the unit cell Y = (0,1)^2 with a Y-periodic scalar coefficient a(y):
//
//   find chi_j periodic with zero mean:  -div(a grad chi_j) = d_j a,  j = 1, 2,
//   i.e. int_Y a grad chi_j . grad v = - int_Y a e_j . grad v  for all periodic v,
//   a*_ij = int_Y a (delta_ij + d_i chi_j).
//
// Discretization: Q1 on an n x n periodic DMDA (DM_BOUNDARY_PERIODIC, n nodes per side),
// a constant per cell (its value at the cell centre), element stiffness a_c K_ref and load
// -a_c int_K d_j phi = -a_c s_j h / 2 (s_j = -1 / +1 for the nodes on the low / high side).
// The operator is singular (constants); CG + GAMG with the constant null space attached and
// the mean removed afterwards. a* is symmetric for scalar a and converges with O(h^2) (the
// energy of the correctors); for a laminate a = a(y_1) the discrete a* is exact:
// a*_11 = harmonic mean, a*_22 = arithmetic mean, a*_12 = 0 of the cell values.
// 1D: the cell problem is solved exactly by a* = (int_Y 1/a)^{-1} (harmonic_mean_1d).
#include <array>
#include <vector>
#include <functional>
#include <mpi.h>

namespace neurhom {

using CellCoefficient = std::function<double(double y1, double y2)>;

struct CellProblemResult {
  std::array<double, 4> a_star{};  // row-major [i][j]
  long long iterations = 0;        // CG iterations of both solves
  std::array<std::vector<double>, 2> chi;  // chi_j at the nodes y = (i, j) / n, index j n + i (zero mean, every rank)
  int n = 0;
};

// Collective. Throws Error for n < 4 or a non-positive coefficient value.
CellProblemResult solve_cell_problems(MPI_Comm comm, const CellCoefficient& a, int n);

// The 1D homogenized coefficient of a 1-periodic a(y), midpoint rule on n cells.
double harmonic_mean_1d(const std::function<double(double)>& a, int n);

}  // namespace neurhom
