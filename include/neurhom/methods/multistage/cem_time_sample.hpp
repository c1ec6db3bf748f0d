#pragma once
// One sample of the time-dependent data of Chung, Leung, Pun, Zhang 2020, Sec. 4.1, on one
// rank (PETSC_COMM_SELF): the fine grid, the CEM space of the fixed kappa (computed once), the
// Gram solver of R'R and the fine mass matrix. Used by `cem-datagen` (all the fields of a
// dataset row, cem_datagen.hpp) and by `multistage-eval` (the fine solution u_h(T) of a test
// sample again, for the relative L2 error of eq. (8): ||R u_H - u_h|| / ||u_h||).
//
//   fine_solution(seed, kind)   u_h(T): backward Euler, `steps` steps to T, source eq. (5)
//                               with xi from the seed, linear (4) or nonlinear (6)
//   project(u)                  u_H = (R'R)^{-1} R' u   (the learning target)
//   l2_distance(c, u)           ||R c - u||_L2 with the fine Q1 mass matrix
//   moment(u)                   R'M u (with R'MR and ||u||: eq. (8) of any c without u, see
//                               methods/multistage/net/cem_dataset.hpp)
//   coarse_l2_norm(c)           ||R c||_L2 = sqrt(c' (R'MR) c): the basis-independent size of a
//                               coefficient vector (R'MR is formed once, on first use)
#include <cstdint>
#include <memory>
#include <vector>

#include "neurhom/methods/multistage/cem_datagen.hpp"
#include "neurhom/cem/cem_space.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

class CemTimeSampler {
 public:
  // Computes the CEM space; with settings.nonlinear, selects a direct Newton solver
  // (-nl_ksp_type preonly -nl_pc_type lu) unless -nl_pc_type is given.
  explicit CemTimeSampler(const CemDatagenSettings& settings);

  const CemDatagenSettings& settings() const { return s_; }
  const CellField& kappa() const { return *kappa_; }
  const CemSpace& space() const { return *space_; }
  const StructuredGrid& grid() const { return grid_; }

  OwnedVec fine_solution(std::uint64_t seed, ProblemKind kind) const;  // kind: Parabolic or Nonlinear
  std::vector<double> project(Vec u) const;
  double l2_norm(Vec u) const;
  std::vector<double> moment(Vec u) const;
  double l2_distance(const std::vector<double>& coarse, Vec u) const;
  double coarse_l2_norm(const std::vector<double>& coarse) const;
  std::vector<double> coarse_mass_dense() const;  // R'MR, row-major dim x dim

 private:
  CemDatagenSettings s_;
  StructuredGrid grid_;
  CoarseMesh mesh_;
  std::unique_ptr<CellField> kappa_;
  std::unique_ptr<CemSpace> space_;
  OwnedMat gram_, mass_;
  mutable OwnedMat coarse_mass_;  // R'MR
  OwnedKSP gram_solver_;
};

}  // namespace neurhom
