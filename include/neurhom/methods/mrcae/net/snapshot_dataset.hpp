#pragma once
// Snapshot datasets of the multiresolution autoencoders (methods/mrcae/net/mrcae.hpp), HDF5:
//   /snapshots  [T, n, n] float64, each image stored [y][x]
//   /split      [T] int64: 0 train, 1 validation, 2 test (a seeded shuffle, 70/20/10 as the
//               MrCAE paper)
//   attributes  format "neurhom-snapshots", version 1, example, size n, snapshots T, the
//               example's description, and the scaling: "unit" (the stored values are
//               (raw - offset) / scale with offset = min, scale = max - min over all
//               snapshots, i.e. in [0, 1], as the MrCAE reference code scales its data) or
//               "none"; attributes offset and scale (files without them: "none")
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
  std::string scaling = "none";    // "unit" or "none"
  double offset = 0, scale = 1;    // stored = (raw - offset) / scale
  std::vector<long long> rows(int part) const;  // indices with split == part
};

// A seeded random 70/20/10 split of T snapshots.
std::vector<long long> shuffled_split(long long count, std::uint64_t seed);

// Maps the values onto [0, 1] (min-max over all snapshots, before the split, as the MrCAE
// reference code) and records offset and scale. Error for constant data.
void scale_to_unit_interval(SnapshotSet& set);

// Collective; throws Error naming the file.
void write_snapshots(const std::string& path, const SnapshotSet& set, MPI_Comm comm);
SnapshotSet read_snapshots(const std::string& path, MPI_Comm comm);

}  // namespace neurhom
