// Data-parallel multi-stage training: 2 ranks with the global batch split give the losses of
// 1 rank with the whole batch (same seed, same steps) and the same stage errors.
#define BOOST_TEST_MODULE multistage_parallel
#include <boost/test/unit_test.hpp>

#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/multistage/net/multistage_training.hpp"
#include "multistage_fixture.hpp"

using namespace neurhom;

BOOST_GLOBAL_FIXTURE(MpiFixture);

BOOST_AUTO_TEST_CASE(two_ranks_take_the_steps_of_one) {
  const MPI_Comm world = MPI_COMM_WORLD;
  BOOST_REQUIRE(mpi_size(world) == 2);
  write_synthetic_cem_dataset("test_multistage_parallel.h5", world, 80, 4);
  MultistageTrainSettings s;
  s.problem = "linear";
  s.reductions = {"cem-mode-1", "pool"};
  s.m1 = 2;
  s.r1 = 3;
  s.epochs = 4;
  s.batch = 12;
  s.threads = 1;
  s.show_progress = false;
  s.output = "test_multistage_parallel_2.pt";
  const MultistageTrainResult two = train_multistage(world, "test_multistage_parallel.h5", s);
  if (mpi_rank(world) != 0) return;
  s.output = "test_multistage_parallel_1.pt";
  const MultistageTrainResult one = train_multistage(MPI_COMM_SELF, "test_multistage_parallel.h5", s);
  BOOST_REQUIRE(one.stages.size() == 2u);
  for (size_t k = 0; k < 2; ++k) {
    BOOST_REQUIRE(one.stages[k].history.size() == two.stages[k].history.size());
    for (size_t e = 0; e < one.stages[k].history.size(); ++e) {
      const double a = one.stages[k].history[e].train_loss, b = two.stages[k].history[e].train_loss;
      BOOST_TEST(std::abs(a - b) <= 2e-4 * std::abs(a), "stage " << k + 1 << " epoch " << e + 1 << ": " << a << " vs " << b);
    }
    BOOST_TEST(std::abs(one.test_errors[k] - two.test_errors[k]) <= 1e-3 * one.test_errors[k]);
  }
}
