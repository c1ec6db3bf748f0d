#pragma once
// The FEM side of the NH-PINN cases (Leung, Lin, Zhang 2021, Sec. 5; coef/homogenization_cases.hpp):
// the fine-scale reference u_eps, the cell problems and the homogenized data (a*, a*(x), r*),
// the homogenized solution v, and e_4 = ||v - u_eps|| / ||u_eps||. `neurhom homog` reports
// them; `neurhom nhpinn` compares its PINNs against the same reference and solves the
// homogenized equation with the PINN's a* / r* by FEM (w, for e_2).
//
//   elliptic2d  u_eps: Q1 on an n x n grid, n = fine_per_period / eps (h/eps = 1/64 by
//               default: n = 512), a sampled at the cell centres; cell problems on a periodic
//               n_cell^2 grid (homog/cell_problem.hpp); v: tensor Q1 solve on the same grid
//   slow1d      u_eps: 1D P1 with h = eps / fine_per_period; a*(x) = harmonic mean over y of
//               a(x, .) (the exact solution of the 1D cell problem, n_cell midpoints);
//               v: 1D P1 with a*(x) on the same mesh
//   reaction1d  u_eps: 1D P1 + backward Euler (`steps`) with R(x) = r(x/eps)/eps; cell problem
//               -D N'' = -r by periodic P1 on n_cell nodes, r* = <r N> by the trapezoid
//               rule; v: the same parabolic solver with R = r*. All errors at t = T.
// Norms: the L2 norm of the FEM space (exact Q1/P1 mass), solutions compared node by node.
#include <mpi.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "neurhom/coef/homogenization_cases.hpp"

namespace neurhom {

struct HomogCaseSettings {
  int fine_per_period = 64;  // eps / h
  int cell_n = 128;          // cell-problem mesh
  int steps = 200;           // reaction1d time steps
};

// Homogenized data from any cell solver (FEM or PINN).
struct HomogenizedData {
  std::array<double, 4> a_star{};              // elliptic2d
  std::function<double(double)> a_star_of_x;   // slow1d
  double r_star = 0;                           // reaction1d
};

class HomogReference {
 public:
  // Collective: solves u_eps and the FEM cell problems.
  HomogReference(MPI_Comm comm, HomogenizationCase c, const HomogCaseSettings& settings);
  ~HomogReference();

  const HomogenizationCase& problem() const { return c_; }
  int cells() const { return cells_; }          // fine cells per side (2D) or in total (1D)
  double h_over_eps() const;
  const std::vector<double>& nodes_x() const { return x_; }  // 1D nodes; 2D: node coordinates per side
  const std::vector<double>& u_eps() const { return u_eps_; }  // natural nodal values (all nodes, every rank)
  const HomogenizedData& fem_data() const { return fem_; }
  // slow1d: a*(x) samples of the FEM cell solve; reaction1d: N at the cell nodes
  const std::vector<double>& cell_x() const { return cell_x_; }
  const std::vector<double>& cell_values() const { return cell_values_; }
  // elliptic2d: the FEM chi_j at the cell nodes (index j n + i, n = cell_n, zero mean)
  const std::vector<double>& fem_chi(int j) const { return chi_[static_cast<size_t>(j)]; }
  int cell_n() const { return s_.cell_n; }

  // Collective: the homogenized equation with `data`, solved by FEM on the fine mesh.
  std::vector<double> homogenized_solution(const HomogenizedData& data) const;
  // L2 norm of a nodal function of the fine mesh, and the relative L2 distance.
  double l2_norm(const std::vector<double>& u) const;
  double relative_l2(const std::vector<double>& u, const std::vector<double>& reference) const;

 private:
  MPI_Comm comm_;
  HomogenizationCase c_;
  HomogCaseSettings s_;
  int cells_ = 0;
  std::vector<double> x_, u_eps_, cell_x_, cell_values_;
  std::array<std::vector<double>, 2> chi_;
  HomogenizedData fem_;
};

// What `neurhom homog` reports for a case (FEM only).
struct HomogCaseResult {
  std::string name;
  double eps = 0, h_over_eps = 0;
  int fine_cells = 0;
  std::array<double, 4> a_star{};                 // elliptic2d
  std::vector<double> a_star_x, a_star_values;    // slow1d: samples of a*(x)
  double a_star_error = 0;                        // slow1d: ||a*_h - a*|| / ||a*|| over the samples
  double r_star = 0, r_star_exact = 0;            // reaction1d
  double cell_error = 0;                          // reaction1d: ||N_h - N|| / ||N|| at the cell nodes
  double e4 = 0;                                  // ||v - u_eps|| / ||u_eps||
  double seconds = 0;
};

// Collective: the reference, the FEM homogenized solution v and e_4; writes x (or the grid
// size), u_eps, v and v - u_eps to `fields` (HDF5, "" for none; 2D arrays [n+1][n+1], [y][x]).
HomogCaseResult run_homog_case(MPI_Comm comm, const HomogenizationCase& c, const HomogCaseSettings& settings,
                               const std::string& fields);

// Periodic 1D cell problem -(D N')' = g on [0, period) with zero mean, P1 on n nodes y_k = k
// period / n (dense Cholesky of K + 1 1'/n; g is projected to zero mean). Nodal values.
std::vector<double> solve_periodic_cell_1d(double diffusion, const std::function<double(double)>& g, double period,
                                           int n);

}  // namespace neurhom
