#pragma once
#include <mpi.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "mpi_fixture.hpp"
#include "neurhom/methods/multistage/net/cem_dataset.hpp"

// A synthetic CEM dataset in the cem-datagen format (time data, linear problem): coarse 2 x 2,
// L = 3 (dim V_ms = 12), `steps` time steps; source projections random, the target a fixed
// linear map of the time-weighted projections (linear in F_0, like the linear problem), the
// pooled source random. `nonlinear` adds the nonlinear group (a different linear map).
inline neurhom::CemDatasetMeta write_synthetic_cem_dataset(const std::string& path, MPI_Comm comm, int samples = 160,
                                                           int steps = 5, bool nonlinear = false) {
  using namespace neurhom;
  CemDatasetMeta m;
  m.coarse_n = 2;
  m.fine_n = 8;
  m.modes = 3;
  m.oversampling = 1;
  m.steps = steps;
  m.final_time = 1;
  m.gamma = 1;
  m.seed = 5;
  m.samples = samples;
  m.train = cem_train_samples(samples);
  m.test = samples - m.train;
  m.coefficient = "synthetic";
  m.source = "synthetic";
  m.linear = true;
  m.nonlinear = nonlinear;
  Hdf5File file(path, Hdf5File::Mode::Create, comm);
  m.write(file);
  m.create_datasets(file);
  const int N = m.cells(), L = m.modes, dim = m.dim_vms();
  torch::manual_seed(21);
  const auto time_weights = torch::linspace(0.7, 1.0, steps, torch::kFloat64).view({1, steps, 1});
  const auto W = torch::randn({dim, dim}, torch::kFloat64) / 3.0;
  const auto W2 = torch::randn({dim, dim}, torch::kFloat64) / 3.0;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  for (int split = 0; split < 2; ++split) {
    const int n = m.split_rows(split);
    torch::manual_seed(100 + static_cast<std::uint64_t>(split));
    const auto projected = torch::randn({n, steps, dim}, torch::kFloat64);
    const auto modes = projected.view({n, steps, N, L}).permute({0, 3, 1, 2}).contiguous();  // [n, L, steps, N]
    const auto pooled = torch::rand({n, steps, N}, torch::kFloat64);
    const auto features = (projected * time_weights).sum(1);
    const auto linear = torch::matmul(features, W.t()).contiguous();
    const auto nonlin = torch::matmul(features, W2.t()).contiguous();
    std::vector<long long> seeds(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) seeds[static_cast<size_t>(i)] = 1000 * split + i;
    const hsize_t rows = rank == 0 ? static_cast<hsize_t>(n) : 0;
    const std::string g = cem_group(false, split);
    file.write_rows(g + "sample_seed", 0, rows, seeds.data());
    file.write_rows(g + "source_projected", 0, rows, projected.data_ptr<double>());
    file.write_rows(g + "source_modes", 0, rows, modes.data_ptr<double>());
    file.write_rows(g + "source_pooled", 0, rows, pooled.contiguous().data_ptr<double>());
    file.write_rows(g + "linear_target", 0, rows, linear.data_ptr<double>());
    const auto norms = linear.norm(2, {1}).contiguous();
    file.write_rows(g + "linear_fine_norm", 0, rows, norms.data_ptr<double>());
    if (nonlinear) {
      file.write_rows(g + "nonlinear_target", 0, rows, nonlin.data_ptr<double>());
      file.write_rows(g + "nonlinear_fine_norm", 0, rows, norms.data_ptr<double>());
    }
  }
  // /time/coarse_mass: an SPD stand-in for R'MR with basis scales spread over two decades
  const auto b = torch::sin(torch::arange(dim, torch::kFloat64).view({dim, 1}) +
                            2 * torch::arange(dim, torch::kFloat64).view({1, dim}));
  const auto gram = (b.mm(b.t()) / dim + torch::diag(0.01 + torch::arange(dim, torch::kFloat64) / dim)).contiguous();
  file.write_replicated("/time/coarse_mass", {static_cast<hsize_t>(dim), static_cast<hsize_t>(dim)},
                        gram.data_ptr<double>());
  return m;
}
