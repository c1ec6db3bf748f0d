// Data parallelism on 2 ranks: 3 Adam steps with the batch split over the ranks equal 3 steps
// on one rank with the whole batch (to 1e-6), replicas start identical, and the per-epoch
// shards of the training blocks are disjoint; the GradientReducer backends (MPI; NCCL where
// a GPU and NCCL exist) sum the gradients.
#define BOOST_TEST_MODULE nn_parallel
#include <boost/test/unit_test.hpp>

#include <set>

#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/net/compression_mlp.hpp"
#include "neurhom/nn/distributed.hpp"
#include "neurhom/nn/gradient_reducer.hpp"
#include "neurhom/methods/compression/net/lod_batches.hpp"
#include "compression_fixture.hpp"

using namespace neurhom;

BOOST_GLOBAL_FIXTURE(MpiFixture);

namespace {
void train_steps(Mlp& net, MPI_Comm comm, const torch::Tensor& x, const torch::Tensor& y, std::int64_t global_batch) {
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2));
  for (int step = 0; step < 3; ++step) {
    adam.zero_grad();
    (relative_squared_error_sum(net->forward(x), y) / static_cast<double>(global_batch)).backward();
    allreduce_gradients(*net, comm);
    adam.step();
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(split_batch_on_two_ranks_equals_full_batch_on_one) {
  const MPI_Comm comm = MPI_COMM_WORLD;
  BOOST_REQUIRE(mpi_size(comm) == 2);
  const int rank = mpi_rank(comm);
  torch::manual_seed(1);  // same data on both ranks
  const auto x = torch::rand({10, 12}), y = torch::rand({10, 5}) + 0.5;
  const std::vector<std::int64_t> widths{12, 16, 5};

  Mlp parallel(widths);
  parallel->reset_glorot(100 + static_cast<std::uint64_t>(rank));  // different on purpose
  broadcast_parameters(*parallel, comm);                          // now rank 0's weights
  Mlp serial(widths);
  serial->reset_glorot(100);
  for (size_t k = 0; k < parallel->parameters().size(); ++k)
    BOOST_TEST((parallel->parameters()[k] - serial->parameters()[k]).abs().max().item<double>() == 0.0);

  const auto part = rank == 0 ? torch::indexing::Slice(0, 6) : torch::indexing::Slice(6, 10);  // 6 + 4 rows
  train_steps(parallel, comm, x.index({part}), y.index({part}), 10);
  train_steps(serial, MPI_COMM_SELF, x, y, 10);
  double worst = 0;
  for (size_t k = 0; k < serial->parameters().size(); ++k)
    worst = std::max(worst, (parallel->parameters()[k] - serial->parameters()[k]).abs().max().item<double>());
  BOOST_TEST_MESSAGE("2 ranks (split batch) vs 1 rank (full batch) after 3 Adam steps: " << worst);
  BOOST_TEST(worst < 1e-6);
}

BOOST_AUTO_TEST_CASE(epoch_shards_are_disjoint_and_cover_the_split) {
  const MPI_Comm comm = MPI_COMM_WORLD;
  const LodDatasetMeta m = write_synthetic_dataset("nn_shards.h5", comm);
  Hdf5File file("nn_shards.h5", Hdf5File::Mode::Read, comm);
  LodBatches batches(file, m, Split::Train, comm, 16, 9, 2);
  BOOST_TEST(batches.local_batch() == 8);
  // 2 families x 16 train samples x 16 cells = 512 rows, 256 per rank = 32 local steps.
  BOOST_TEST(batches.steps_per_epoch() == 32);
  for (int epoch = 1; epoch <= 2; ++epoch) {
    batches.start_epoch(epoch);
    std::vector<float> mine;
    Batch b;
    while (batches.next(b)) {
      BOOST_REQUIRE(b.rows() == 8);
      for (std::int64_t r = 0; r < b.rows(); ++r) mine.push_back(b.inputs[r][0].item<float>());  // rows are unique
    }
    int count = static_cast<int>(mine.size()), total = 0;
    MPI_Allreduce(&count, &total, 1, MPI_INT, MPI_SUM, comm);
    std::vector<float> all(static_cast<size_t>(total));
    std::vector<int> counts(2), displs(2, 0);
    MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
    displs[1] = counts[0];
    MPI_Allgatherv(mine.data(), count, MPI_FLOAT, all.data(), counts.data(), displs.data(), MPI_FLOAT, comm);
    BOOST_TEST(total == 512);
    BOOST_TEST(std::set<float>(all.begin(), all.end()).size() == all.size());  // every row once
  }
}

// The trainer's communication object: "mpi" on the CPU (the same sums as above); on a CUDA
// build with NCCL and >= 1 visible GPU, the NCCL backend gives the MPI backend's sums.
BOOST_AUTO_TEST_CASE(gradient_reducer_backends_sum_the_gradients) {
  const MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = mpi_rank(comm);
  const std::vector<std::int64_t> widths{6, 8, 3};
  auto summed_gradients = [&](const torch::Device& device, std::string* backend) {
    Mlp net(widths);
    net->reset_glorot(7 + static_cast<std::uint64_t>(rank));
    net->to(device);
    GradientReducer reducer(comm, device);
    *backend = reducer.backend();
    reducer.broadcast_parameters(*net);
    torch::manual_seed(static_cast<std::uint64_t>(rank) + 1);  // different data per rank
    const auto x = torch::rand({4, 6}).to(device), y = (torch::rand({4, 3}) + 0.5).to(device);
    relative_squared_error_sum(net->forward(x), y).backward();
    reducer.allreduce_gradients(*net);
    std::vector<torch::Tensor> grads;
    for (const auto& p : net->parameters()) grads.push_back(p.grad().to(torch::kCPU).reshape({-1}));
    return torch::cat(grads);
  };
  std::string backend;
  const torch::Tensor cpu = summed_gradients(torch::kCPU, &backend);
  BOOST_TEST(backend == "mpi");
  // Summed gradients are identical on both ranks.
  torch::Tensor other = cpu.clone();
  MPI_Bcast(other.data_ptr<float>(), static_cast<int>(other.numel()), MPI_FLOAT, 0, comm);
  BOOST_TEST(torch::allclose(cpu, other, 0, 0));
  if (torch::cuda::is_available() && nccl_available() &&
      static_cast<int>(torch::cuda::device_count()) >= mpi_size(comm)) {  // NCCL: one GPU per rank
    const torch::Tensor gpu = summed_gradients(torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(rank)), &backend);
    BOOST_TEST(backend == "nccl");
    BOOST_TEST(torch::allclose(gpu, cpu, 1e-5, 1e-6));
  } else {
    BOOST_TEST_MESSAGE("NCCL backend not tested: " << (nccl_available() ? "fewer GPUs than ranks" : "built without NCCL"));
  }
}
