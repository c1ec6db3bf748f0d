#include "neurhom/methods/multistage/cem_time_sample.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/coef/source.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/linear_solve.hpp"

namespace neurhom {

CemTimeSampler::CemTimeSampler(const CemDatagenSettings& settings)
    : s_(settings), grid_(PETSC_COMM_SELF, settings.fine_n), mesh_(settings.coarse_n, settings.fine_n) {
  // The nonlinear fine solves (high contrast, gamma = 20) need a direct Newton solver.
  PetscBool set = PETSC_FALSE;
  NH_PETSC(PetscOptionsHasName(nullptr, nullptr, "-nl_pc_type", &set));
  if (!set && s_.nonlinear) {
    NH_PETSC(PetscOptionsSetValue(nullptr, "-nl_ksp_type", "preonly"));
    NH_PETSC(PetscOptionsSetValue(nullptr, "-nl_pc_type", "lu"));
  }
  kappa_ = make_coefficient(s_.coefficient, PETSC_COMM_SELF);
  CemSettings cs;
  cs.modes = s_.modes;
  cs.oversampling = s_.oversampling;
  space_ = std::make_unique<CemSpace>(grid_, mesh_, cs);
  space_->compute(*kappa_);
  NH_PETSC(MatTransposeMatMult(space_->R(), space_->R(), MAT_INITIAL_MATRIX, PETSC_DEFAULT, gram_.out()));
  gram_solver_ = create_direct_ksp(gram_, "cem_gram_");
  mass_ = create_operator(grid_);
  assemble_mass(grid_, mass_);
}

OwnedVec CemTimeSampler::fine_solution(std::uint64_t seed, ProblemKind kind) const {
  const auto f = make_source("paper-cem", seed);
  FemInputs in;
  in.coefficient = kappa_.get();
  in.source = f.get();
  FemSettings fem;
  fem.final_time = s_.final_time;
  fem.steps = s_.steps;
  fem.gamma = s_.gamma;
  fem.kind = kind;
  FemSolution u = solve_fem(grid_, in, fem);
  return std::move(u.u);
}

std::vector<double> CemTimeSampler::project(Vec u) const {
  OwnedVec b = space_->restrict_vector(u), c = space_->create_coarse_vector();
  solve_checked(gram_solver_, b, c, "(R'R) projection solve");
  return local_values(c);
}

double CemTimeSampler::l2_norm(Vec u) const { return matrix_norm(mass_, u); }

std::vector<double> CemTimeSampler::moment(Vec u) const {
  OwnedVec mu = grid_.create_vector();
  NH_PETSC(MatMult(mass_, u, mu));
  return local_values(space_->restrict_vector(mu));
}

double CemTimeSampler::l2_distance(const std::vector<double>& coarse, Vec u) const {
  OwnedVec c = space_->create_coarse_vector();
  set_local_values(coarse, c);
  OwnedVec ru = grid_.create_vector();
  space_->prolong(c, ru);
  NH_PETSC(VecAXPY(ru, -1.0, u));
  return matrix_norm(mass_, ru);
}

std::vector<double> CemTimeSampler::coarse_mass_dense() const {
  if (coarse_mass_.get() == nullptr) coarse_mass_ = space_->project(mass_);
  PetscInt rows = 0, cols = 0;
  NH_PETSC(MatGetSize(coarse_mass_, &rows, &cols));
  std::vector<double> dense(static_cast<size_t>(rows) * static_cast<size_t>(cols), 0.0);
  for (PetscInt i = 0; i < rows; ++i) {
    PetscInt n = 0;
    const PetscInt* idx = nullptr;
    const PetscScalar* v = nullptr;
    NH_PETSC(MatGetRow(coarse_mass_, i, &n, &idx, &v));
    for (PetscInt k = 0; k < n; ++k) dense[static_cast<size_t>(i * cols + idx[k])] = PetscRealPart(v[k]);
    NH_PETSC(MatRestoreRow(coarse_mass_, i, &n, &idx, &v));
  }
  return dense;
}

double CemTimeSampler::coarse_l2_norm(const std::vector<double>& coarse) const {
  if (coarse_mass_.get() == nullptr) coarse_mass_ = space_->project(mass_);
  OwnedVec c = space_->create_coarse_vector(), mc = space_->create_coarse_vector();
  set_local_values(coarse, c);
  NH_PETSC(MatMult(coarse_mass_, c, mc));
  PetscScalar dot = 0;
  NH_PETSC(VecDot(c, mc, &dot));
  return std::sqrt(std::max(PetscRealPart(dot), 0.0));
}

}  // namespace neurhom
