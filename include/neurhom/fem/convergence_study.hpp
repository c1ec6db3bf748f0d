#pragma once
// Manufactured-solution convergence study (`neurhom fem -verify`): solves the chosen problem
// with the ManufacturedSolution on meshes n = n0, 2 n0, 4 n0, ... and reports the errors at
// the final time and the observed orders between successive meshes,
//   rate = log(e_coarse / e_fine) / log(2).
// Theory for Q1: 2 in L2, 1 in the H1 seminorm.
#include <vector>

#include "neurhom/fem/problem.hpp"

namespace neurhom {

struct ConvergenceLevel {
  int n = 0;
  double h = 0;
  double l2_error = 0, h1_error = 0;        // absolute errors at the final time
  double l2_relative = 0, h1_relative = 0;  // divided by the norms of u
  long long iterations = 0;
  double seconds = 0;
};

struct ConvergenceResult {
  std::vector<ConvergenceLevel> levels;
  double l2_rate = 0, h1_rate = 0;  // between the two finest meshes
};

struct ConvergenceSettings {
  ProblemKind kind = ProblemKind::Elliptic;
  std::vector<int> sizes = {8, 16, 32, 64};
  double final_time = 0.5;
  int steps = 8;
  double gamma = 0.5;
};

ConvergenceResult run_convergence_study(MPI_Comm comm, const ConvergenceSettings& settings);

}  // namespace neurhom
