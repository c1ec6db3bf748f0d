#pragma once
// The fine-scale problems on (0,1)^2 with u = 0 on the boundary:
//   elliptic   -div(a grad u) = f
//   parabolic  u_t - div(a grad u) = f,                  u(0) = u0, backward Euler
//   nonlinear  u_t - div(kappa exp(gamma u) grad u) = f, u(0) = u0, backward Euler + Newton
// Discretization: Q1 on the StructuredGrid, a (kappa) piecewise constant per cell.
// solve_fem() solves the elliptic case here (problem.cpp) and dispatches the others to
// solve_parabolic() (parabolic_solve.hpp) and solve_nonlinear() (nonlinear_solve.hpp).
//   parabolic step:  (M + dt A) u^{n+1} = M u^n + dt F(t_{n+1})        (one KSP, fixed matrix;
//                    with a time-dependent coefficient A = A(t_{n+1}) is reassembled per step)
//   nonlinear step:  R(u) = M (u - u^n) + dt (N(u) - F(t_{n+1})) = 0 with
//                    N(u)_i = int kappa exp(gamma u) grad u . grad phi_i (2 x 2 Gauss)
//                    solved by SNES (Newton line search, options prefix -nl_), exact Jacobian
//                    J = M + dt (int kappa e^{gamma u} grad phi_k . grad phi_i
//                                + gamma int kappa e^{gamma u} phi_k grad u . grad phi_i).
#include <functional>
#include <string>
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

enum class ProblemKind { Elliptic, Parabolic, Nonlinear };

ProblemKind parse_problem_kind(const std::string& name);  // throws Error naming -problem
std::string to_string(ProblemKind kind);

struct FemSettings {
  ProblemKind kind = ProblemKind::Elliptic;
  double final_time = 1.0;  // -T
  int steps = 10;           // -steps
  double gamma = 1.0;       // -gamma (nonlinear)
  int output_every = 0;     // keep a snapshot every k steps (0: final state only)
  bool show_progress = false;
};

struct FemInputs {
  const CellField* coefficient = nullptr;                 // a, or kappa for the nonlinear problem
  const Source* source = nullptr;                         // f(x, t)
  std::function<double(double, double)> initial;          // u0 (empty: 0)
  const CoefficientPath* coefficient_path = nullptr;      // parabolic: a(t_n) per step (else `coefficient`)
};

struct FemSolution {
  OwnedVec u;                          // final state
  std::vector<double> cell_values;     // coefficient on owned cells
  std::vector<double> snapshot_times;  // with output_every > 0 (includes t = 0 and T)
  std::vector<OwnedVec> snapshots;
  long long linear_iterations = 0;
  long long newton_iterations = 0;
  int substeps = 0;                    // nonlinear: steps split in two after a Newton failure
  int steps = 0;
  double assembly_seconds = 0;
  double solve_seconds = 0;
};

// Collective over grid.comm(). Throws Error on invalid settings or failed solves.
FemSolution solve_fem(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings);

}  // namespace neurhom
