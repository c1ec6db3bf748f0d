#include "neurhom/methods/mrcae/snapshot_series.hpp"

#include <cmath>

#include "neurhom/coef/coefficient_paths.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/methods/mrcae/net/mrcae_examples.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

std::vector<double> parabolic_snapshots(MPI_Comm comm, int n, int count, double T) {
  require(n >= 3 && count >= 1, "multiscale snapshots: n >= 3 and at least one snapshot");
  const StructuredGrid grid(comm, n - 1);
  const CoefficientPath path = moving_inclusion_path(T);
  const auto start = path.at(0.0);
  const auto f = make_source("one", 1);
  FemInputs inputs;
  inputs.coefficient = start.get();
  inputs.source = f.get();
  inputs.coefficient_path = &path;
  FemSettings settings;
  settings.kind = ProblemKind::Parabolic;
  settings.final_time = T;
  settings.steps = count;
  settings.output_every = 1;
  const FemSolution solution = solve_fem(grid, inputs, settings);
  std::vector<double> out;
  out.reserve(static_cast<size_t>(count) * static_cast<size_t>(n) * static_cast<size_t>(n));
  // snapshots include t = 0 (all zero); keep the `count` states after each step
  for (size_t k = 1; k < solution.snapshots.size(); ++k) {
    const std::vector<double> values = grid.to_natural(solution.snapshots[k]);
    out.insert(out.end(), values.begin(), values.end());
  }
  require(static_cast<long long>(out.size()) == static_cast<long long>(count) * n * n, "multiscale snapshots: unexpected count");
  return out;
}

SnapshotSet multiscale_snapshot_set(MPI_Comm comm, int n, long long count, std::uint64_t seed) {
  SnapshotSet s;
  s.example = "multiscale";
  s.description = mrcae_example_description(s.example);
  check_snapshot_request(s.example, n, count);
  s.size = n;
  s.count = count;
  s.values = parabolic_snapshots(comm, n, static_cast<int>(count), 1.0);
  s.split = shuffled_split(count, seed);
  return s;
}

}  // namespace neurhom
