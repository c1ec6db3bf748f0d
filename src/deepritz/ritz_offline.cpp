#include "neurhom/deepritz/ritz_offline.hpp"

#include <cstdio>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/nn/ritz_bundle.hpp"

namespace neurhom {

namespace {

std::string hidden_string(const std::vector<std::int64_t>& hidden) {
  std::string s;
  for (size_t k = 0; k < hidden.size(); ++k) s += (k ? "x" : "") + std::to_string(hidden[k]);
  return s;
}

}  // namespace

DeepRitzTrainSummary train_deep_ritz(MPI_Comm comm, const DeepRitzTrainSettings& s) {
  require(!s.output.empty(), "train -model deepritz needs an output bundle: -o bundle.pt");
  s.train.validate();
  const DeepRitzExample& e = s.example;
  require(e.ell >= 1, "-ell must be at least 1 (got " + std::to_string(e.ell) + ")");
  require(e.samples >= 1, "-samples must be at least 1 (got " + std::to_string(e.samples) + ")");
  const CoarseMesh mesh(e.coarse_n, e.fine_n);
  require(mesh.cells >= 2, "-coarse_n must be at least 2 for interior coarse nodes");
  const QuasiInterpolation qi(mesh);
  const std::vector<double> params = linspace_parameters(e.family, e.samples);
  const std::vector<CoarseNode> nodes = interior_coarse_nodes(mesh);
  const int count = static_cast<int>(nodes.size()), rank = mpi_rank(comm), size = mpi_size(comm);
  const auto [begin, end] = node_block(count, rank, size);
  const bool root = is_root(comm);
  if (root)
    std::printf("[deepritz] %s: H = 1/%d, h = 1/%d, ell = %d, %d interior nodes on %d ranks, %d training parameters, "
                "network %s, up to %d steps\n",
                e.name.c_str(), e.coarse_n, e.fine_n, e.ell, count, size, e.samples,
                widths_to_string(ritz_widths(s.train.hidden)).c_str(), s.train.steps);

  WallTimer timer;
  std::vector<double> local_params, local_stats;
  std::vector<long long> local_nodes;
  long long per_network = 0;
  for (int k = begin; k < end; ++k) {
    const CoarseNode& node = nodes[static_cast<size_t>(k)];
    const RitzProblem problem = build_ritz_problem(mesh, qi, node, e.ell, e.family, params);
    RitzTrainSettings ts = s.train;
    ts.seed = s.train.seed + static_cast<std::uint64_t>(node.index(mesh));
    RitzNet net(ritz_widths(ts.hidden), ts.seed, ts.dtype);
    const RitzTrainResult r = train_ritz_corrector(net, problem, ts);
    const std::vector<double> flat = flatten_parameters(*net);
    per_network = static_cast<long long>(flat.size());
    local_params.insert(local_params.end(), flat.begin(), flat.end());
    local_stats.insert(local_stats.end(), {r.energy, r.interpolation, static_cast<double>(r.steps), r.seconds});
    local_nodes.push_back(node.index(mesh));
    if (root) {
      const int done = k - begin + 1;
      const double elapsed = timer.seconds();
      std::printf("[deepritz] node %d/%d (%d,%d): energy %.5e  |I_H alpha|^2 %.2e  %d steps%s  %.1f s  (%.1f steps/s)  ETA %.0f s\n",
                  done, end - begin, node.i, node.j, r.energy, r.interpolation, r.steps, r.stopped_early ? " (converged)" : "",
                  r.seconds, r.steps / std::max(r.seconds, 1e-9), elapsed / done * (end - begin - done));
      std::fflush(stdout);
    }
  }
  const double seconds = max_ranks(comm, timer.seconds());

  // Gather the networks on rank 0.
  const int local = end - begin;
  std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size));
  MPI_Gather(&local, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  long long P = per_network;
  MPI_Allreduce(MPI_IN_PLACE, &P, 1, MPI_LONG_LONG, MPI_MAX, comm);
  std::vector<long long> all_nodes(static_cast<size_t>(count));
  std::vector<double> all_params(static_cast<size_t>(count) * static_cast<size_t>(P)), all_stats(static_cast<size_t>(count) * 4);
  auto gather = [&](const void* send, int n_per, MPI_Datatype type, void* recv, int scale) {
    std::vector<int> c(static_cast<size_t>(size)), d(static_cast<size_t>(size));
    int offset = 0;
    for (int r = 0; r < size; ++r) {
      c[static_cast<size_t>(r)] = counts[static_cast<size_t>(r)] * scale;
      d[static_cast<size_t>(r)] = offset;
      offset += c[static_cast<size_t>(r)];
    }
    MPI_Gatherv(send, n_per, type, recv, c.data(), d.data(), type, 0, comm);
  };
  gather(local_nodes.data(), local, MPI_LONG_LONG, all_nodes.data(), 1);
  gather(local_params.data(), local * static_cast<int>(P), MPI_DOUBLE, all_params.data(), static_cast<int>(P));
  gather(local_stats.data(), local * 4, MPI_DOUBLE, all_stats.data(), 4);

  DeepRitzTrainSummary summary;
  summary.nodes = count;
  summary.seconds = seconds;
  summary.parameters_per_network = P;
  std::string failure;
  if (root) try {
    RitzBundle b;
    b.widths = ritz_widths(s.train.hidden);
    b.attributes = {{"example", e.name},
                    {"coarse_n", std::to_string(e.coarse_n)},
                    {"fine_n", std::to_string(e.fine_n)},
                    {"ell", std::to_string(e.ell)},
                    {"samples", std::to_string(e.samples)},
                    {"p_min", format_number(e.family.p_min)},
                    {"p_max", format_number(e.family.p_max)},
                    {"scale", format_number(e.family.scale)},
                    {"steps", std::to_string(s.train.steps)},
                    {"hidden", hidden_string(s.train.hidden)},
                    {"dtype", s.train.dtype == torch::kFloat64 ? "float64" : "float32"},
                    {"seed", std::to_string(s.train.seed)},
                    {"ranks", std::to_string(size)}};
    for (int k = 0; k < count; ++k) {
      b.nodes.push_back(all_nodes[static_cast<size_t>(k)]);
      b.parameters.emplace_back(all_params.begin() + static_cast<long>(k) * P, all_params.begin() + static_cast<long>(k + 1) * P);
      const double* st = &all_stats[static_cast<size_t>(k) * 4];
      b.stats.push_back({st[0], st[1], st[2], st[3]});
      summary.energy_mean += st[0] / count;
      summary.interpolation_max = std::max(summary.interpolation_max, st[1]);
      summary.steps_mean += st[2] / count;
      summary.node_seconds_total += st[3];
      if (st[2] < s.train.steps) ++summary.stopped_early;
    }
    summary.node_seconds_mean = summary.node_seconds_total / count;
    save_ritz_bundle(s.output, b);
  } catch (const Error& err) {
    failure = err.what();
  }
  failure = broadcast_string(comm, 0, failure);
  if (!failure.empty()) throw Error(failure);
  MPI_Bcast(&summary.energy_mean, 1, MPI_DOUBLE, 0, comm);
  MPI_Bcast(&summary.interpolation_max, 1, MPI_DOUBLE, 0, comm);
  MPI_Bcast(&summary.steps_mean, 1, MPI_DOUBLE, 0, comm);
  MPI_Bcast(&summary.node_seconds_total, 1, MPI_DOUBLE, 0, comm);
  MPI_Bcast(&summary.node_seconds_mean, 1, MPI_DOUBLE, 0, comm);
  MPI_Bcast(&summary.stopped_early, 1, MPI_INT, 0, comm);
  return summary;
}

}  // namespace neurhom
