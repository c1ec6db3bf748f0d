// NH-PINN networks (nn/nhpinn.hpp) on 2 ranks: the data-parallel full-batch training (points
// split over the ranks, partial sums over global counts) takes the steps of one rank with all
// points; the periodic cell PINN of the diffusion-reaction case learns N = -cos(y)/D and
// r* = -1/4 by autodiff.
#define BOOST_TEST_MODULE nhpinn
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "neurhom/core/mpi_util.hpp"
#include "neurhom/nn/nhpinn.hpp"
#include "nn_fixture.hpp"

using namespace neurhom;

BOOST_GLOBAL_FIXTURE(MpiFixture);

namespace {
PinnSettings quick(int epochs) {
  PinnSettings s;
  s.epochs = epochs;
  s.lr = 2e-3;
  s.threads = 1;
  s.print_every = epochs + 1;
  s.hidden = {32, 32};
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(two_ranks_take_the_steps_of_one) {
  const HomogenizationCase c = make_homogenization_case("reaction1d");
  CellPinnSetup setup;
  setup.n = 41;
  PinnFit two, one;
  train_cell_pinn_reaction(MPI_COMM_WORLD, c, setup, quick(15), [](Mlp&) { return 0.0; }, &two);
  if (mpi_rank(MPI_COMM_WORLD) != 0) return;
  train_cell_pinn_reaction(MPI_COMM_SELF, c, setup, quick(15), [](Mlp&) { return 0.0; }, &one);
  for (size_t e = 0; e < one.training.history.size(); ++e) {
    const double a = one.training.history[e].train_loss, b = two.training.history[e].train_loss;
    BOOST_TEST(std::abs(a - b) <= 1e-9 * a, "epoch " << e + 1 << ": " << a << " vs " << b);
  }
}

BOOST_AUTO_TEST_CASE(cell_pinn_of_the_reaction_case_learns_N_and_r_star) {
  const HomogenizationCase c = make_homogenization_case("reaction1d");
  CellPinnSetup setup;
  setup.n = 61;
  const int m = 200;
  const torch::Tensor y = torch::arange(m, torch::kFloat64).mul(c.cell_period / m).unsqueeze(1);
  std::vector<double> exact;
  for (int k = 0; k < m; ++k) exact.push_back(c.exact_cell(k * c.cell_period / m));
  auto error = [&](Mlp& net) {
    std::vector<double> v = evaluate_pinn(net, y);
    double mean = 0, num = 0, den = 0;
    for (double x : v) mean += x / m;
    for (int k = 0; k < m; ++k) {
      num += std::pow(v[static_cast<size_t>(k)] - mean - exact[static_cast<size_t>(k)], 2);
      den += exact[static_cast<size_t>(k)] * exact[static_cast<size_t>(k)];
    }
    return std::sqrt(num / den);
  };
  PinnFit fit;
  Mlp net = train_cell_pinn_reaction(MPI_COMM_WORLD, c, setup, quick(1500), error, &fit);
  const double r_star = r_star_from_cell_pinn(net, c);
  BOOST_TEST_MESSAGE("N error " << fit.errors.values().back() << ", r* = " << r_star);
  BOOST_TEST(fit.errors.values().back() < 0.05);
  BOOST_TEST(std::abs(r_star - c.exact_r_star) < 0.02);
}
