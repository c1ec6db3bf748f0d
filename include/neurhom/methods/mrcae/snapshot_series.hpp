#pragma once
// The project's own multiscale snapshot data for the multiresolution autoencoders
// (`neurhom mrcae-data -example multiscale`): the parabolic fine-scale Q1 solve
//   u_t - div(a(x, t) grad u) = 1 on (0,1)^2, u = 0 on the boundary, u(0) = 0,
// with a moving coefficient: background 1 plus an oscillating inclusion (radius 0.2,
// a = 1 + 9 (1 + sin(2 pi x1 / eps) sin(2 pi x2 / eps)) / 2, eps = 1/16) whose centre moves on
// the diagonal from (0.25, 0.25) to (0.75, 0.75) over [0, T]. Backward Euler, `count`
// snapshots of the node values on an (n-1) x (n-1) cell grid (n x n images), one per step.
#include <mpi.h>

#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"

namespace neurhom {

// The coefficient: moving_inclusion_path (coef/coefficient_paths.hpp).
// Collective; returns the snapshots [count][n][n] ([y][x]) on every rank.
std::vector<double> parabolic_snapshots(MPI_Comm comm, int n, int count, double final_time);

// The `multiscale` snapshot set (T = 1, seeded 70/20/10 split); Error as check_snapshot_request.
SnapshotSet multiscale_snapshot_set(MPI_Comm comm, int n, long long count, std::uint64_t seed);

}  // namespace neurhom
