#pragma once
// The networks of the homogenization-based PINNs (NH-PINN, Leung, Lin, Zhang 2021, Sec. 4-5)
// for the cases of coef/homogenization_cases.hpp, PETSc-free. Each is a tanh MLP (nn/pinn.hpp)
// trained full-batch by the shared Trainer; the collocation points are split over the ranks
// and every loss term is a partial sum over the rank's points divided by the GLOBAL count, so
// the allreduced gradient is the full-batch gradient (data-parallel PINN).
//
// Step 1, cell problems (Sec. 4.1, eq. (12) + oversampling):
//   elliptic2d   chi_j on Y = [0,1]^2, n x n grid:  div(a (grad chi_j + e_j)) = grad a . (grad
//                chi_j + e_j) + a lap chi_j = 0; periodic pairs on opposite faces; with
//                oversampling, `layers` rows of points outside each face tied to their periodic
//                images inside (w = 1/3 each; without: 1/2, 1/2)
//   slow1d       one network chi(x, y) for the whole family of cell problems (the paper trains
//                one per x): d_y(a(x,y)(1 + chi_y)) = 0, periodic (and oversampled) in y
//   reaction1d   N(y) on [0, |Y|]: D N'' - r = 0, periodic, oversampled
//   loss         w_1 |residual|^2 + w_2 |pairs|^2 + w_3 |oversampling|^2 (CellPinnSetup::weights;
//                the paper's equal weights by default), or, with the periodic input layer
//                (CellPinnSetup::periodic_features, nn/pinn.hpp PeriodicFeatures; our
//                improvement), the residual alone: the network is periodic by construction
//   drift        chi_j = -y_j also solves the 2D cell equation, so a PINN held periodic only by
//                loss terms can drift along y_j; cell_drift() fits it (a*_jj drops by ~2 alpha_j)
// Step 2, homogenized data by autodiff: a*_ij = int_Y a (delta_ij + d_i chi_j) (midpoint rule,
//   m^2 points); a*(x) = int_0^1 a(x,y)(1 + chi_y) dy and its x-derivative (autograd for
//   chi_yx, central differences for a_x); r* = <r N> (periodic trapezoid).
// Step 3, homogenized PINNs: a*_11 u_xx + 2 a*_12 u_xy + a*_22 u_yy + f = 0 on an n x n grid
//   (u = 0 on the boundary, w = 1/2, 1/2, or exactly by the ansatz u = s B(x) N(x) of
//   nn/pinn.hpp, our default for elliptic2d); a*' u' + a* u'' + f = 0 (1D); u_t - D u_xx + r* u - f
//   = 0 on an x-t grid with u = 0 at x_0, x_1 and u(x, 0) = u_0 (w = 1/7, 5/7, 1/7).
// Classical PINN (baseline): the same networks and points on the multiscale equation itself
//   (a(x/eps) and its gradient by central differences of the case's function).
// Coefficient values and gradients at the points come from the case's std::functions by
// central differences (step 1e-6; the functions are smooth), so the cases are defined once.
#include <mpi.h>
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "neurhom/coef/homogenization_cases.hpp"
#include "neurhom/nn/mlp.hpp"
#include "neurhom/nn/pinn.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

struct PinnSettings {
  std::string name = "pinn";
  int epochs = 2000;
  double lr = 1e-3, decay = 1.0;    // Adam, lr decay^(step / decay_steps) (continuous)
  long long decay_steps = 1000;
  std::uint64_t seed = 1;
  int threads = 0;
  int print_every = 500;
  std::vector<std::int64_t> hidden = {64, 64, 64};  // widths between input and output
};

struct PinnFit {
  ErrorHistory errors;     // the caller's error after every epoch
  TrainerResult training;
  double seconds = 0;
};

// One network (`net`, input dim d) trained on `loss` (this rank's partial objective) with
// `error` evaluated after every epoch (identical on every rank, no communication).
PinnFit fit_pinn(MPI_Comm comm, Mlp& net, const PinnSettings& settings, const std::function<torch::Tensor()>& loss,
                 const std::function<double()>& error);

// This rank's contiguous share of the rows of `points`.
torch::Tensor local_rows(const torch::Tensor& points, MPI_Comm comm);

// --- step 1: cell problems ---
struct CellPinnSetup {
  int n = 101;              // grid points per side of the cell (endpoints included)
  int oversampling = 2;     // layers outside each face (0: periodic pairs only)
  int nx = 21;              // slow1d: x samples of the parametric cell network
  // Loss weights (w_1 residual, w_2 periodic pairs, w_3 oversampling layers; eq. (12) and Sec.
  // 4.1), positive, summing to 1; empty: the paper's equal weights (1/3 each, 1/2 without
  // oversampling).
  std::vector<double> weights;
  // > 0: an exactly periodic input layer with this many frequencies per periodic input
  // (nn/pinn.hpp PeriodicFeatures; an improvement over the paper, which imposes periodicity by
  // loss terms): the periodic and oversampling terms vanish identically, the loss is the
  // residual alone. 0: the paper's plain input.
  int periodic_features = 0;
  void validate() const;    // throws Error naming the option
  std::array<double, 3> loss_weights() const;  // {w_1, w_2, w_3} (w_3 = 0 without oversampling)
};
Mlp train_cell_pinn_2d(MPI_Comm comm, const HomogenizationCase& c, int j, const CellPinnSetup& setup,
                       const PinnSettings& settings, const std::function<double(Mlp&)>& error, PinnFit* fit = nullptr);
Mlp train_cell_pinn_slow1d(MPI_Comm comm, const HomogenizationCase& c, const CellPinnSetup& setup,
                           const PinnSettings& settings, const std::function<double(Mlp&)>& error, PinnFit* fit = nullptr);
Mlp train_cell_pinn_reaction(MPI_Comm comm, const HomogenizationCase& c, const CellPinnSetup& setup,
                             const PinnSettings& settings, const std::function<double(Mlp&)>& error, PinnFit* fit = nullptr);

// The drift of a 2D cell PINN: least squares chi_pinn - chi_ref ~ c + alpha_1 y_1 + alpha_2 y_2
// over the cell nodes (points [N, 2], both fields as values there). The cell equation
// div(a (grad chi_j + e_j)) = 0 is solved by chi_j = -y_j as well, so only the periodicity terms
// hold the PINN back from such a drift; it lowers a*_jj by about alpha_j <a> (docs/pinn.md).
std::array<double, 2> cell_drift(const torch::Tensor& points, const std::vector<double>& chi_pinn,
                                 const std::vector<double>& chi_ref);

// --- step 2: homogenized data ---
std::array<double, 4> a_star_from_cell_pinns(Mlp& chi1, Mlp& chi2, const HomogenizationCase& c, int m = 200);
// a*(x) and d a*/dx at the points xs (slow1d), midpoint rule over m points in y.
std::pair<std::vector<double>, std::vector<double>> a_star_of_x_from_cell_pinn(Mlp& chi, const HomogenizationCase& c,
                                                                               const std::vector<double>& xs, int m = 200);
double r_star_from_cell_pinn(Mlp& n_net, const HomogenizationCase& c, int m = 400);

// --- step 3: homogenized PINNs and the classical baseline ---
struct HomogenizedPinnSetup {
  int n = 21;    // elliptic2d: grid per side; slow1d: points; reaction1d: points in x
  int nt = 100;  // reaction1d: points in t
  // elliptic2d / slow1d: the boundary weight w_2 of the loss w_1 |residual|^2 + w_2 |u|^2 on the
  // boundary, w_1 = 1 - w_2 (reaction1d keeps the paper's 1/7, 5/7, 1/7)
  double boundary_weight = 0.5;
  // elliptic2d / slow1d: u = 0 imposed exactly by u = s B(x) N(x) (nn/pinn.hpp DirichletAnsatz)
  // instead of the boundary loss term; s = max|f| L^2 / (8 lambda_min(a*)) (L the shortest side,
  // the size of the solution of -div(a* grad u) = f), so N is O(1). Not for reaction1d.
  bool exact_boundary = false;
  void validate() const;
};
// The ansatz the homogenized PINN of case c trains and is evaluated with (the identity unless
// setup.exact_boundary). a_star for elliptic2d, a_star_x (sampled on the domain) for slow1d.
DirichletAnsatz homogenized_ansatz(const HomogenizationCase& c, const std::array<double, 4>& a_star,
                                   const std::function<double(double)>& a_star_x, const HomogenizedPinnSetup& setup);
Mlp train_homogenized_pinn(MPI_Comm comm, const HomogenizationCase& c, const std::array<double, 4>& a_star,
                           const std::function<double(double)>& a_star_x, const std::function<double(double)>& a_star_dx,
                           double r_star, const HomogenizedPinnSetup& setup, const PinnSettings& settings,
                           const std::function<double(Mlp&)>& error, PinnFit* fit = nullptr);
// The classical PINN on the multiscale equation; `init` (if given) is the starting network
// (the transfer experiment: the NH-PINN homogenized network, trained with `ansatz`, which the
// classical PINN then keeps so that the starting network means the same function).
Mlp train_classical_pinn(MPI_Comm comm, const HomogenizationCase& c, const HomogenizedPinnSetup& setup,
                         const PinnSettings& settings, const std::function<double(Mlp&)>& error, Mlp* init = nullptr,
                         PinnFit* fit = nullptr, const DirichletAnsatz& ansatz = {});

// The solution values u = ansatz(net) at points [N, d] (no gradients), as doubles.
std::vector<double> evaluate_pinn(Mlp& net, const torch::Tensor& points, const DirichletAnsatz& ansatz = {});

}  // namespace neurhom
