#pragma once
// A synthetic LOD dataset in the lod-datagen format: inputs uniform in [1, 5], outputs a fixed
// affine function of 2 linear features of the inputs (low-dimensional, like S_T), so a network
// can learn it in seconds.
#include <mpi.h>
#include <torch/torch.h>

#include <string>

#include "mpi_fixture.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/net/lod_dataset.hpp"

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

