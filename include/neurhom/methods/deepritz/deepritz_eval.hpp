#pragma once
// Online phase of the Deep Ritz LOD (LOD-ANN, Elasmi, Krumbiegel, Maier 2024, Sec. 4): a
// trained bundle (methods/deepritz/ritz_offline.hpp) against the exact LOD along the same
// coefficient path, all in one run so every figure comes from the same coefficients:
//
//   path      p(t) moves linearly from p_start to p_end over [0, T] (the coefficient changes
//             at every backward Euler step, tau = T / steps)
//   bases     per step: the LOD-ANN basis Lambda_z - Q_ANN Lambda_z (one forward pass per
//             node network), the exact nodal LOD basis (NodalCorrector, the minimizer the
//             networks learn) and the element-corrector LOD basis of `neurhom lod` (PgLod)
//   solves    ParabolicBasisLod in the chosen form (galerkin: the lodpinn reference code;
//             pg: `neurhom lod -problem parabolic`) for all three bases
//   errors    relative L2 errors of the fine corrected solutions:
//               relative_error_T        LOD-ANN vs LOD (element correctors) at T: the paper's figure
//               relative_error_T_nodal  LOD-ANN vs nodal LOD: the learning error alone
//               localization_error_T    nodal vs element LOD: the two localizations
//             basis errors ||Phi_ANN,z - Phi_z|| / ||Phi_z|| (Euclidean over the fine nodes, as
//             lodpinn), mean over interior nodes and steps, vs the nodal and the element basis
//   test set  test_samples random p in the training range, each fixed in time: the mean and
//             max of relative_error_T (the battery example's "0.0298 mean over the test set")
//   speedup   time of the LOD-ANN bases over the whole path vs recomputing the correctors at
//             every step (nodal and element), max over ranks
// Each rank evaluates the networks (and solves the nodal correctors) of its block of nodes;
// PgLod distributes its coarse cells; the fine matrices and the coarse solves are
// distributed PETSc objects.
#include <mpi.h>

#include <string>
#include <vector>

#include "neurhom/core/json_report.hpp"
#include "neurhom/methods/deepritz/online_basis.hpp"

namespace neurhom {

struct DeepRitzEvalSettings {
  std::string model;            // bundle
  int coarse_n = 0, fine_n = 0, ell = 0;  // expected setting (0: whatever the bundle has); a mismatch is an error
  LodForm form = LodForm::PetrovGalerkin;
  double final_time = 1.0;
  int steps = 24;
  double p_start = -1, p_end = -1;  // < 0: the family's range
  int test_samples = 25;
  std::uint64_t seed = 2024;    // test parameters
  std::string fields;           // HDF5/XDMF of both solutions and the error ("" = none)
  std::vector<double> field_times{1.0 / 24, 0.5, 1.0};
  int threads = 0;
  std::string patch_solver = "petsc";
};

struct DeepRitzEvalResult {
  std::string example, form;
  int coarse_n = 0, fine_n = 0, ell = 0, nodes = 0, steps = 0;
  double p_start = 0, p_end = 0;
  double relative_error_T = 0, relative_error_T_nodal = 0, localization_error_T = 0;
  double relative_error_spacetime = 0;     // over all steps (lodpinn's figure)
  std::vector<double> times, error_history;  // LOD-ANN vs LOD per step
  double basis_error_mean = 0, basis_error_max = 0;  // vs nodal LOD
  double basis_error_element_mean = 0;                // vs element LOD
  int test_samples = 0;
  double relative_error_T_mean = 0, relative_error_T_max = 0;
  double ann_seconds = 0, nodal_seconds = 0, element_seconds = 0;
  double online_speedup = 0, online_speedup_element = 0;
  int outside_range = 0;  // path parameters outside the training range (warned)
};

DeepRitzEvalResult evaluate_deep_ritz(MPI_Comm comm, const DeepRitzEvalSettings& settings);

// The report of an evaluation: errors at T and over time, basis errors, test set, online speedup.
Json to_json(const DeepRitzEvalResult& r);

}  // namespace neurhom
