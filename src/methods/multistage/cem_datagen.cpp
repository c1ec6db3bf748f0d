// `neurhom cem-datagen` (see cem_datagen.hpp for the data and its layout).
#include "neurhom/methods/multistage/cem_datagen.hpp"
#include "neurhom/core/constants.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "neurhom/cem/cem_space.hpp"
#include "neurhom/methods/multistage/cem_time_sample.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/methods/multistage/net/cem_dataset.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/methods/multistage/steady_sample.hpp"

namespace neurhom {

namespace {

using hs = hsize_t;

// Max-pool of f(., t) at the fine cell centres with pool = stride = r: (n / r)^2 values.
std::vector<double> pooled_source(const Source& f, double t, int fine_n, int r) {
  const int blocks = fine_n / r;
  std::vector<double> out(static_cast<size_t>(blocks * blocks), -std::numeric_limits<double>::infinity());
  for (int cy = 0; cy < fine_n; ++cy)
    for (int cx = 0; cx < fine_n; ++cx) {
      double& m = out[static_cast<size_t>((cy / r) * blocks + cx / r)];
      m = std::max(m, f.value((cx + 0.5) / fine_n, (cy + 0.5) / fine_n, t));
    }
  return out;
}

struct TimeRow {
  long long seed = 0;
  std::vector<double> xi, projected, modes, pooled, linear_target, nonlinear_target, linear_moment, nonlinear_moment;
  double linear_norm = 0, nonlinear_norm = 0;
};

TimeRow time_sample(const CemTimeSampler& c, std::uint64_t seed) {
  const CemDatagenSettings& s = c.settings();
  TimeRow row;
  row.seed = static_cast<long long>(seed);
  const auto xi = paper_cem_xi(seed);
  row.xi.assign(xi.begin(), xi.end());
  const auto f = make_source("paper-cem", seed);
  const int L = s.modes, N = s.coarse_n * s.coarse_n, dim = N * L, steps = s.steps;
  const double dt = s.final_time / steps;
  row.projected.resize(static_cast<size_t>(steps * dim));
  row.modes.resize(static_cast<size_t>(L * steps * N));
  OwnedVec F = c.grid().create_vector();
  for (int n = 1; n <= steps; ++n) {
    const double t = n * dt;
    assemble_load(c.grid(), *f, t, F);
    OwnedVec Fms = c.space().restrict_vector(F);
    const std::vector<double> v = local_values(Fms);
    std::copy(v.begin(), v.end(), row.projected.begin() + static_cast<long>((n - 1) * dim));
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < L; ++k)
        row.modes[static_cast<size_t>((k * steps + (n - 1)) * N + i)] = v[static_cast<size_t>(i * L + k)];
    const std::vector<double> pooled = pooled_source(*f, t, s.fine_n, s.fine_n / s.coarse_n);
    row.pooled.insert(row.pooled.end(), pooled.begin(), pooled.end());
  }
  if (s.linear) {
    const OwnedVec u = c.fine_solution(seed, ProblemKind::Parabolic);
    row.linear_target = c.project(u);
    row.linear_norm = c.l2_norm(u);
    row.linear_moment = c.moment(u);
  }
  if (s.nonlinear) {
    const OwnedVec u = c.fine_solution(seed, ProblemKind::Nonlinear);
    row.nonlinear_target = c.project(u);
    row.nonlinear_norm = c.l2_norm(u);
    row.nonlinear_moment = c.moment(u);
  }
  return row;
}

// Each rank solves its block of a split's samples on PETSC_COMM_SELF; all ranks write one row
// per round with collective hyperslab writes (a rank without a sample writes 0 rows). A sample
// that fails on one rank (e.g. Newton diverging) fails the whole run with its message on every
// rank, instead of leaving the other ranks waiting in the collective write.
template <class Solve, class Write>
void write_split_rows(MPI_Comm comm, const std::string& what, int rows_in_split, Progress& progress, long long& done,
                      bool show_progress, Solve solve, Write write) {
  const int size = mpi_size(comm);
  const Block block = block_of(rows_in_split, comm);
  const long rounds = (rows_in_split + size - 1) / size;
  for (long j = 0; j < rounds; ++j) {
    const long index = block.begin + j;
    const bool mine = index < block.end;
    const hs first = static_cast<hs>(mine ? index : 0), rows = mine ? 1 : 0;
    decltype(solve(mine, 0)) row;
    std::string failure;
    try {
      row = solve(mine, static_cast<int>(mine ? index : 0));
    } catch (const std::exception& e) {
      failure = what + " " + std::to_string(index) + ": " + e.what();
    }
    const int failed = first_rank_with(comm, !failure.empty());
    if (failed >= 0) throw Error(broadcast_string(comm, failed, failure));
    write(first, rows, row);
    done += std::min<long long>(size, rows_in_split - j * size);
    if (show_progress) progress.update(done);
  }
}

// The time-dependent rows (Sec. 4.1) of both splits.
void write_time_rows(MPI_Comm comm, Hdf5File& file, const CemDatasetMeta& meta, const CemTimeSampler& context,
                     Progress& progress, long long& done, bool show_progress) {
  for (int split = 0; split < 2; ++split) {
    const std::string base = cem_group(false, split);
    const int offset = split == 0 ? 0 : meta.train;
    write_split_rows(
        comm, std::string(split == 0 ? "training" : "test") + " sample", meta.split_rows(split), progress, done,
        show_progress,
        [&](bool mine, int index) {
          return mine ? time_sample(context, sample_seed(meta.seed, 0, offset + index)) : TimeRow();
        },
        [&](hs first, hs rows, const TimeRow& row) {
          file.write_rows(base + "sample_seed", first, rows, &row.seed);
          file.write_rows(base + "xi", first, rows, row.xi.data());
          file.write_rows(base + "source_projected", first, rows, row.projected.data());
          file.write_rows(base + "source_modes", first, rows, row.modes.data());
          file.write_rows(base + "source_pooled", first, rows, row.pooled.data());
          if (meta.linear) {
            file.write_rows(base + "linear_target", first, rows, row.linear_target.data());
            file.write_rows(base + "linear_fine_norm", first, rows, &row.linear_norm);
            file.write_rows(base + "linear_fine_moment", first, rows, row.linear_moment.data());
          }
          if (meta.nonlinear) {
            file.write_rows(base + "nonlinear_target", first, rows, row.nonlinear_target.data());
            file.write_rows(base + "nonlinear_fine_norm", first, rows, &row.nonlinear_norm);
            file.write_rows(base + "nonlinear_fine_moment", first, rows, row.nonlinear_moment.data());
          }
        });
  }
}

// The steady-state rows (Sec. 5, no CEM) of both splits; counts (all ranks) the rejected draws
// and the samples whose kappa is not positive somewhere (literal reading).
void write_steady_rows(MPI_Comm comm, Hdf5File& file, const CemDatasetMeta& meta, Progress& progress,
                       long long& done, bool show_progress, CemDatagenResult& result) {
  const StructuredGrid grid(PETSC_COMM_SELF, meta.fine_n);
  long long rejected = 0, nonpositive = 0;
  for (int split = 0; split < 2; ++split) {
    const std::string base = cem_group(true, split);
    const int offset = split == 0 ? 0 : meta.train;
    write_split_rows(
        comm, std::string(split == 0 ? "steady training" : "steady test") + " sample", meta.split_rows(split), progress,
        done, show_progress,
        [&](bool mine, int index) {
          return mine ? solve_steady_sample(grid, meta.coarse_n, sample_seed(meta.seed, 1, offset + index),
                                            parse_steady_reading(meta.steady_kappa))
                      : SteadySample();
        },
        [&](hs first, hs rows, const SteadySample& row) {
          rejected += row.rejected;
          nonpositive += rows > 0 && row.kappa_min <= 0 ? 1 : 0;
          file.write_rows(base + "p", first, rows, row.p.data());
          file.write_rows(base + "features", first, rows, row.features.data());
          file.write_rows(base + "pooled_kappa", first, rows, row.pooled_kappa.data());
          file.write_rows(base + "target", first, rows, row.target.data());
          file.write_rows(base + "kappa_min", first, rows, &row.kappa_min);
        });
  }
  result.steady_rejected = sum_ranks(comm, rejected);
  result.steady_nonpositive = sum_ranks(comm, nonpositive);
}

}  // namespace

void parse_cem_problems(const std::string& list, CemDatagenSettings& s) {
  s.linear = s.nonlinear = s.steady = false;
  if (list == "all" || list.empty()) {
    s.linear = s.nonlinear = s.steady = true;
    return;
  }
  for (const auto& item : split_list(list)) {
    if (item == "linear") s.linear = true;
    else if (item == "nonlinear") s.nonlinear = true;
    else if (item == "steady") s.steady = true;
    else throw Error("unknown problem '" + item + "' (-problems); known: linear, nonlinear, steady, or all");
  }
}

CemDatagenResult generate_cem_dataset(MPI_Comm comm, const CemDatagenSettings& s) {
  require(s.samples >= 2, "-samples must be at least 2 (one train and one test sample; got " +
                              std::to_string(s.samples) + ")");
  require(s.steps >= 1 && s.final_time > 0, "-steps must be at least 1 and -T positive");
  require(!s.output.empty(), "cem-datagen needs an output file (-o cem.h5)");
  require(s.linear || s.nonlinear || s.steady, "-problems selects nothing");
  const CoarseMesh mesh(s.coarse_n, s.fine_n);  // validates the sizes
  require_writable_location(s.output, "-o");
  CemDatasetMeta meta;
  meta.coarse_n = s.coarse_n;
  meta.fine_n = s.fine_n;
  meta.modes = s.modes;
  meta.oversampling = s.oversampling;
  meta.steps = s.steps;
  meta.final_time = s.final_time;
  meta.gamma = s.gamma;
  meta.seed = s.seed;
  meta.samples = s.samples;
  meta.train = cem_train_samples(s.samples);
  meta.test = s.samples - meta.train;
  meta.linear = s.linear;
  meta.nonlinear = s.nonlinear;
  meta.steady = s.steady;
  meta.steady_kappa = to_string(s.steady_reading);
  meta.source = "paper-cem (eq. 5), t_n = n T / steps, n = 1..steps";
  CemDatagenResult result;
  result.train = meta.train;
  result.test = meta.test;
  result.dim_vms = meta.dim_vms();
  WallTimer timer;
  std::unique_ptr<CemTimeSampler> context;
  if (meta.time_data()) context = std::make_unique<CemTimeSampler>(s);  // rank-local CEM space (validates the settings)
  meta.coefficient = context ? context->kappa().describe() : std::string("none");
  if (is_root(comm))
    std::printf("[cem-datagen] H = 1/%d, h = 1/%d, L_i = %d (dim V_ms = %d), m = %d, %d samples (%d train + %d test)%s%s%s\n",
                s.coarse_n, s.fine_n, s.modes, meta.dim_vms(), s.oversampling, s.samples, meta.train, meta.test,
                s.linear ? ", linear" : "", s.nonlinear ? ", nonlinear" : "", s.steady ? ", steady" : "");

  AtomicOutput atomic(s.output, comm);
  {
    Hdf5File file(atomic.temp_path(), Hdf5File::Mode::Create, comm);
    meta.write(file);
    meta.create_datasets(file);
    if (meta.time_data()) {  // R'MR: the M-orthonormal target basis of `train -target_basis mass`
      const auto dim = static_cast<hsize_t>(meta.dim_vms());
      file.write_replicated("/time/coarse_mass", {dim, dim}, context->coarse_mass_dense().data());
    }
    const long long total = (meta.time_data() ? s.samples : 0) + (s.steady ? s.samples : 0);
    Progress progress("cem-datagen", "sample", total, comm, 2.0);
    long long done = 0;
    if (meta.time_data()) write_time_rows(comm, file, meta, *context, progress, done, s.show_progress);
    if (s.steady) write_steady_rows(comm, file, meta, progress, done, s.show_progress, result);
    if (s.show_progress) progress.finish();
    file.set_attribute("/", "steady_rejected", result.steady_rejected);
    file.set_attribute("/", "steady_nonpositive", result.steady_nonpositive);
  }
  atomic.commit();
  result.seconds = max_ranks(comm, timer.seconds());
  return result;
}

}  // namespace neurhom
