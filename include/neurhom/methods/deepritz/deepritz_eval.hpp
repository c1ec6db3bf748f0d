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
//             lodpinn), mean over interior nodes and steps, vs the nodal and the element basis;
//             and in the energy norm ||.||_K of the step's coefficient (basis_error_energy_*)
//   test set  test_samples random p in the training range, each fixed in time: the mean and
//             max of relative_error_T (the battery example's "0.0298 mean over the test set")
//   speedup   time of the LOD-ANN bases over the whole path vs recomputing the correctors at
//             every step (nodal and element), max over ranks
//   exact     without a bundle (-example instead of -model): the exact bases alone, the
//             localization of the two LODs at ell against the global LOD (element correctors
//             on the whole domain, ell = H^-1): nodal vs element, nodal vs global and element
//             vs global at T, on the path and as test-set means (needs no training)
//   tables    -tabulate K: element correctors computed offline at K parameters p_j (linspace
//             over the range) and interpolated linearly in p online (p is one scalar per
//             step); -lookup: the exact element correctors at the nearest training p (a
//             lookup table, no interpolation). Errors vs the element LOD like the LOD-ANN's.
//   timing    step_seconds_*: per time step end to end (correctors, Phi = P - Q, coarse
//             matrices and solve), max over ranks, for every method on the path
//   lagged    coefficient_time lagged: step m uses a(p(t_{m-1})) and its basis (lodpinn's
//             solveHomParabolic; the battery-ref default), current: a(p(t_m))
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
  std::string example;          // instead of a bundle: the exact bases of this example alone
  int coarse_n = 0, fine_n = 0, ell = 0;  // with a bundle: the expected setting (0: the bundle's; a mismatch is an error);
                                          // with -example: the mesh (0: the example's)
  LodForm form = LodForm::Galerkin;  // the paper's and lodpinn's form
  std::string coefficient_time;  // "" (the example's), current, lagged
  bool global_lod = false;       // also the global LOD (always without a bundle)
  int tabulate = 0;              // > 1: element correctors tabulated at this many p, interpolated linearly
  bool lookup = false;           // the exact element correctors at the nearest training p
  double final_time = 1.0;
  int steps = 0;                 // 0: the example's (24; battery-ref 19)
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
  bool networks = true, global_lod = false, lagged = false;
  double nodal_vs_global_T = 0, element_vs_global_T = 0;  // with the global LOD
  double localization_error_T_mean = 0, nodal_vs_global_T_mean = 0, element_vs_global_T_mean = 0;  // test set
  int tabulate = 0, lookup_points = 0;
  double tabulated_error_T = 0, lookup_error_T = 0, tabulated_error_T_mean = 0, lookup_error_T_mean = 0;  // vs element LOD
  double table_offline_seconds = 0;
  // end to end per time step on the path: correctors + Phi + coarse matrices and solve
  double step_seconds_ann = 0, step_seconds_nodal = 0, step_seconds_element = 0, step_seconds_tabulated = 0,
         step_seconds_lookup = 0;
  int coarse_n = 0, fine_n = 0, ell = 0, nodes = 0, steps = 0;
  double p_start = 0, p_end = 0;
  double relative_error_T = 0, relative_error_T_nodal = 0, localization_error_T = 0;
  double relative_error_spacetime = 0;     // over all steps (lodpinn's figure)
  std::vector<double> times, error_history;  // LOD-ANN vs LOD per step
  double basis_error_mean = 0, basis_error_max = 0;  // vs nodal LOD
  double basis_error_element_mean = 0;                // vs element LOD
  double basis_error_energy_mean = 0, basis_error_energy_element_mean = 0;  // the same in the K norm
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
