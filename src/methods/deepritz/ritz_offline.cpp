#include "neurhom/methods/deepritz/ritz_offline.hpp"

#include <algorithm>
#include <cstdio>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/methods/deepritz/net/ritz_bundle.hpp"

namespace neurhom {


namespace {

// This rank's networks: their flattened parameters, (energy, |I_H alpha|^2, steps, seconds) per
// network and the global node indices, in node order; progress with ETA on rank 0.
struct LocalNetworks {
  std::vector<double> params, stats;
  std::vector<long long> nodes;
  long long per_network = 0;
  double evaluations = 0;  // network evaluations (fine nodes x parameters) over all steps
};

LocalNetworks train_local_networks(MPI_Comm comm, const DeepRitzTrainSettings& s, const CoarseMesh& mesh,
                                   const QuasiInterpolation& qi, const std::vector<double>& params,
                                   const std::vector<CoarseNode>& nodes, int begin, int end) {
  const DeepRitzExample& e = s.example;
  const bool root = is_root(comm);
  WallTimer timer;
  LocalNetworks out;
  const int per_batch = s.batch_nodes > 0 ? s.batch_nodes : std::max(1, end - begin);
  const RitzPadding padding = per_batch > 1 ? ritz_padding(mesh, qi, e.ell) : RitzPadding{};
  for (int first = begin; first < end; first += per_batch) {
    const int last = std::min(end, first + per_batch);
    std::vector<RitzProblem> problems;
    std::vector<RitzNet> nets;
    std::vector<std::uint64_t> seeds;
    for (int k = first; k < last; ++k) {
      const CoarseNode& node = nodes[static_cast<size_t>(k)];
      problems.push_back(build_ritz_problem(mesh, qi, node, e.ell, e.family, params));
      seeds.push_back(s.train.seed + static_cast<std::uint64_t>(node.index(mesh)));
      nets.emplace_back(ritz_widths(s.train.hidden), seeds.back(), s.train.dtype);
    }
    std::vector<RitzTrainResult> results;
    if (per_batch == 1) {
      RitzTrainSettings ts = s.train;
      ts.seed = seeds.front();
      results.push_back(train_ritz_corrector(nets.front(), problems.front(), ts));
    } else {
      results = train_ritz_batch(nets, problems, seeds, s.train, padding).nodes;
    }
    for (size_t b = 0; b < nets.size(); ++b) {
      const RitzTrainResult& r = results[b];
      const CoarseNode& node = nodes[static_cast<size_t>(first) + b];
      const std::vector<double> flat = flatten_parameters(*nets[b]);
      out.per_network = static_cast<long long>(flat.size());
      out.params.insert(out.params.end(), flat.begin(), flat.end());
      out.stats.insert(out.stats.end(), {r.energy, r.interpolation, static_cast<double>(r.steps), r.seconds});
      out.nodes.push_back(node.index(mesh));
      out.evaluations += static_cast<double>(r.steps) * static_cast<double>(problems[b].nodes() * problems[b].samples());
      if (root) {
        const int done = first - begin + static_cast<int>(b) + 1;
        const double elapsed = timer.seconds();
        std::printf("[deepritz] node %d/%d (%d,%d)%s: energy %.5e  |I_H alpha|^2 %.2e  %d steps%s  %.1f s  (%.1f steps/s)  ETA %.0f s\n",
                    done, end - begin, node.i, node.j, per_batch > 1 ? " [batched]" : "", r.energy, r.interpolation, r.steps,
                    r.stopped_early ? " (converged)" : "", r.seconds, r.steps / std::max(r.seconds, 1e-9),
                    elapsed / done * (end - begin - done));
        std::fflush(stdout);
      }
    }
  }
  return out;
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

  require(s.batch_nodes >= 0, "-batch_nodes must be non-negative (got " + std::to_string(s.batch_nodes) + ")");
  WallTimer timer;
  const LocalNetworks local = train_local_networks(comm, s, mesh, qi, params, nodes, begin, end);
  const double seconds = max_ranks(comm, timer.seconds());
  double evaluations = local.evaluations;
  MPI_Allreduce(MPI_IN_PLACE, &evaluations, 1, MPI_DOUBLE, MPI_SUM, comm);
  int per_batch = s.batch_nodes > 0 ? std::min(s.batch_nodes, end - begin) : end - begin;
  MPI_Allreduce(MPI_IN_PLACE, &per_batch, 1, MPI_INT, MPI_MAX, comm);

  // The networks on rank 0 (the bundle), the per-node statistics on every rank (the summary).
  long long P = local.per_network;
  MPI_Allreduce(MPI_IN_PLACE, &P, 1, MPI_LONG_LONG, MPI_MAX, comm);
  const std::vector<long long> all_nodes = gather_concat(comm, local.nodes);
  const std::vector<double> all_params = gather_concat(comm, local.params);
  const std::vector<double> all_stats = gather_concat(comm, local.stats, /*everywhere=*/true);

  DeepRitzTrainSummary summary;
  summary.nodes = count;
  summary.seconds = seconds;
  summary.parameters_per_network = P;
  summary.batch_nodes = per_batch;
  summary.samples_per_second = seconds > 0 ? evaluations / seconds : 0;
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
                    {"hidden", join_list(s.train.hidden, 'x')},
                    {"dtype", s.train.dtype == torch::kFloat64 ? "float64" : "float32"},
                    {"seed", std::to_string(s.train.seed)},
                    {"ranks", std::to_string(size)}};
    for (int k = 0; k < count; ++k) {
      b.nodes.push_back(all_nodes[static_cast<size_t>(k)]);
      b.parameters.emplace_back(all_params.begin() + static_cast<long>(k) * P, all_params.begin() + static_cast<long>(k + 1) * P);
      const double* st = &all_stats[static_cast<size_t>(k) * 4];
      b.stats.push_back({st[0], st[1], st[2], st[3]});
    }
    save_ritz_bundle(s.output, b);
  } catch (const Error& err) {
    failure = err.what();
  }
  failure = broadcast_string(comm, 0, failure);
  if (!failure.empty()) throw Error(failure);
  for (int k = 0; k < count; ++k) {  // the same sums on every rank
    const double* st = &all_stats[static_cast<size_t>(k) * 4];
    summary.energy_mean += st[0] / count;
    summary.interpolation_max = std::max(summary.interpolation_max, st[1]);
    summary.steps_mean += st[2] / count;
    summary.node_seconds_total += st[3];
    if (st[2] < s.train.steps) ++summary.stopped_early;
  }
  summary.node_seconds_mean = summary.node_seconds_total / count;
  return summary;
}

Json to_json(const DeepRitzTrainSummary& r, const DeepRitzTrainSettings& s) {
  Json report = Json::object();
  report["model"] = "deepritz";
  report["example"] = s.example.name;
  report["coarse_n"] = s.example.coarse_n;
  report["fine_n"] = s.example.fine_n;
  report["ell"] = s.example.ell;
  report["samples"] = s.example.samples;
  report["networks"] = r.nodes;
  report["widths"] = widths_to_string(ritz_widths(s.train.hidden));
  report["parameters_per_network"] = r.parameters_per_network;
  report["max_steps"] = s.train.steps;
  report["steps_mean"] = r.steps_mean;
  report["stopped_early"] = r.stopped_early;
  report["energy_mean"] = r.energy_mean;
  report["interpolation_max"] = r.interpolation_max;
  report["seconds"] = r.seconds;
  report["node_seconds_mean"] = r.node_seconds_mean;
  report["node_seconds_total"] = r.node_seconds_total;
  report["threads_per_rank"] = s.train.threads;
  report["batch_nodes"] = r.batch_nodes;
  report["samples_per_second"] = r.samples_per_second;
  return report;
}

}  // namespace neurhom
