#pragma once
// `neurhom nhpinn`: the NH-PINN pipeline of Leung, Lin, Zhang 2021 for one case
// (coef/homogenization_cases.hpp) against the FEM references (homog/homog_cases.hpp):
//
//   1. cell PINN(s) (methods/nhpinn/net/nhpinn.hpp), cell_error against the FEM / exact cell solution
//      (elliptic2d: chi_1 vs FEM chi_1 on the cell nodes, both with zero mean; slow1d:
//      e_a = ||a*_p - a*|| / ||a*|| at 101 points vs the exact a*(x); reaction1d: N vs
//      -cos(y)/D); elliptic2d also without oversampling (cell_error_no_oversampling)
//   2. a* / a*(x) / r* from the cell PINN by autodiff
//   3. the homogenized PINN p; the FEM homogenized solution w with the PINN's data (e_2) and
//      v with the FEM's (e_4); every epoch e_1 = ||p - u_eps|| / ||u_eps|| and
//      e_3 = ||p - w|| / ||w|| on the test nodes (1D: all fine nodes at t = T; 2D: every s-th
//      fine node, s = n / 128), reported as the average of the last `average_last` epochs,
//      as the paper does
//   baseline (optional): the classical PINN on the multiscale equation (baseline_error), and
//      the transfer experiment (classical PINN started from p; transfer_error)
// Error histories and the solutions go to an HDF5 file.
#include <mpi.h>

#include <array>
#include <string>
#include <vector>

#include "neurhom/homog/homog_cases.hpp"
#include "neurhom/methods/nhpinn/net/nhpinn.hpp"

namespace neurhom {

struct NhpinnSettings {
  HomogCaseSettings fem;
  CellPinnSetup cell;
  PinnSettings cell_train;
  HomogenizedPinnSetup homogenized;
  PinnSettings homogenized_train;
  bool without_oversampling = true;  // elliptic2d: also train the cell PINN without it
  // Step 3 with the FEM cell data instead of the cell PINNs' (no cell PINN is trained): isolates
  // the homogenized PINN; e2 = e4 then and e3 is the error of solving the homogenized equation.
  bool homog_data_from_fem = false;
  // Step 1 alone (cell-PINN studies): elliptic2d trains chi_1 only (and chi_1 without
  // oversampling when asked); no homogenized step, e1..e3 are not computed.
  bool cell_only = false;
  bool baseline = false;             // classical PINN and the transfer experiment
  HomogenizedPinnSetup baseline_setup;
  PinnSettings baseline_train;
  int average_last = 500;
  std::string output;                // HDF5 ("" for none)
};

struct NhpinnResult {
  std::string name;
  double eps = 0;
  double e1 = 0, e2 = 0, e3 = 0, e4 = 0;
  double cell_error = 0, cell_error_no_oversampling = -1, cell_error_chi2 = 0;
  // elliptic2d: the fitted drift alpha_j of chi_j (along y_j, cell_drift in net/nhpinn.hpp);
  // a_star_error: elliptic2d max_ij |a*_ij - a*_ij(FEM)|, slow1d ||a*_p - a*|| / ||a*|| (= the
  // cell error), reaction1d |r* - r*_exact|
  std::array<double, 2> cell_drift{};
  double a_star_error = 0;
  std::array<double, 4> a_star{}, a_star_fem{};
  double r_star = 0, r_star_fem = 0;
  double baseline_error = -1, transfer_error = -1;
  double homogenized_output_scale = 0;  // s of the exact boundary ansatz (0: boundary by the loss)
  double cell_seconds = 0, homogenized_seconds = 0, baseline_seconds = 0, seconds = 0;
  std::vector<double> e1_history, e3_history, cell_history, baseline_history, transfer_history;
};

NhpinnResult run_nhpinn_case(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& settings);

}  // namespace neurhom
