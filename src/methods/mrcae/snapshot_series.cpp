#include "neurhom/methods/mrcae/snapshot_series.hpp"

#include <cmath>

#include "neurhom/coef/source.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/methods/mrcae/net/mrcae_examples.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

CoefficientPath moving_inclusion_path(double T) {
  require(T > 0, "the final time must be positive");
  return CoefficientPath(
      [T](double t) {
        const double s = std::min(1.0, std::max(0.0, t / T));
        const double cx = 0.25 + 0.5 * s, cy = cx, eps = 1.0 / 16, pi = 3.14159265358979323846;
        return make_function_field(
            [=](double x, double y) {
              if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > 0.04) return 1.0;
              return 1.0 + 4.5 * (1.0 + std::sin(2 * pi * x / eps) * std::sin(2 * pi * y / eps));
            },
            "moving oscillating inclusion");
      },
      "background 1 with an oscillating inclusion (radius 0.2, eps 1/16, contrast 10) moving from (0.25, 0.25) to "
      "(0.75, 0.75)");
}

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
