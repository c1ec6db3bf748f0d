#pragma once
// MPI setup for the PETSc-free neural tests, and a synthetic LOD dataset in the lod-datagen
// format: inputs uniform in [1, 5], outputs a fixed affine function of 2 linear features of
// the inputs (low-dimensional, like S_T), so a network can learn it in seconds.
#include <mpi.h>
#include <torch/torch.h>

#include <string>

#include "neurhom/core/mpi_util.hpp"
#include "neurhom/data/lod_dataset.hpp"

struct MpiFixture {
  MpiFixture() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
  }
  ~MpiFixture() { MPI_Finalize(); }
};

inline neurhom::LodDatasetMeta write_synthetic_dataset(const std::string& path, MPI_Comm comm, int samples = 20) {
  using namespace neurhom;
  LodDatasetMeta m;
  m.coarse_n = 4;
  m.fine_n = 8;
  m.ell = 1;
  m.input_size = 36;   // ((2*1+1)*2)^2
  m.output_rows = 16;  // (2*1+2)^2
  m.samples = samples;
  m.families = {"levels1", "ms"};
  m.seed = 3;
  m.alpha = 1;
  m.beta = 5;
  Hdf5File file(path, Hdf5File::Mode::Create, comm);
  m.write(file);
  torch::manual_seed(11);
  const auto P = torch::randn({m.input_size, 2}, torch::kFloat64) / 6.0;
  const auto Q = torch::randn({2, m.output_size()}, torch::kFloat64);
  const auto b = torch::randn({m.output_size()}, torch::kFloat64);
  for (Split s : {Split::Train, Split::Val, Split::Test}) {
    const hsize_t rows = static_cast<hsize_t>(m.rows(s));
    file.create_dataset(lod_dataset_path(s, "inputs"), {rows, 36}, {16, 36}, Hdf5Type::Float32);
    file.create_dataset(lod_dataset_path(s, "outputs"), {rows, 64}, {16, 64}, Hdf5Type::Float32);
    const auto x = 1.0 + 4.0 * torch::rand({static_cast<long>(rows), 36}, torch::kFloat64);
    const auto y = (torch::matmul(torch::matmul(x - 3.0, P), Q) + b).contiguous();
    const bool root = neurhom::mpi_rank(comm) == 0;
    file.write_rows(lod_dataset_path(s, "inputs"), 0, root ? rows : 0, x.contiguous().data_ptr<double>());
    file.write_rows(lod_dataset_path(s, "outputs"), 0, root ? rows : 0, y.data_ptr<double>());
  }
  return m;
}

#include "neurhom/data/cem_dataset.hpp"

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
  return m;
}
