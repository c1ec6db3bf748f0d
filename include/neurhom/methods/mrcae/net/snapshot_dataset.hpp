#pragma once
// Snapshot datasets of the multiresolution autoencoders (methods/mrcae/net/mrcae.hpp), HDF5:
//   /snapshots  [T, n, n] float64, each image stored [y][x]
//   /split      [T] int64: 0 train, 1 validation, 2 test (a seeded shuffle, 70/20/10 as the
//               MrCAE paper)
//   attributes  format "neurhom-snapshots", version 1, example, size n, snapshots T, and
//               the example's description
// Written by `neurhom mrcae-data` (rank 0 writes the replicated data), read by every rank.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurhom {

struct SnapshotSet {
  std::string example, description;
  int size = 0;                    // n
  long long count = 0;             // T
  std::vector<double> values;      // T * n * n
  std::vector<long long> split;    // T
  std::vector<long long> rows(int part) const;  // indices with split == part
};

// A seeded random 70/20/10 split of T snapshots.
std::vector<long long> shuffled_split(long long count, std::uint64_t seed);

// Collective; throws Error naming the file.
void write_snapshots(const std::string& path, const SnapshotSet& set, MPI_Comm comm);
SnapshotSet read_snapshots(const std::string& path, MPI_Comm comm);

}  // namespace neurhom
