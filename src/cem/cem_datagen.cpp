// `neurhom cem-datagen` (see cem_datagen.hpp for the data and its layout).
#include "neurhom/cem/cem_datagen.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "neurhom/cem/cem_space.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/problem.hpp"

namespace neurhom {

namespace {

constexpr double kPi = 3.14159265358979323846;
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

// The per-rank machinery of the time-dependent data: fine grid and CEM space on
// PETSC_COMM_SELF, the Gram solver of R'R and the fine mass matrix.
struct TimeContext {
  const CemDatagenSettings& s;
  StructuredGrid grid;
  CoarseMesh mesh;
  std::unique_ptr<CellField> kappa;
  std::unique_ptr<CemSpace> space;
  OwnedMat gram, mass;
  OwnedKSP gram_solver;

  explicit TimeContext(const CemDatagenSettings& settings)
      : s(settings), grid(PETSC_COMM_SELF, settings.fine_n), mesh(settings.coarse_n, settings.fine_n) {
    kappa = make_coefficient(s.coefficient, PETSC_COMM_SELF);
    CemSettings cs;
    cs.modes = s.modes;
    cs.oversampling = s.oversampling;
    space = std::make_unique<CemSpace>(grid, mesh, cs);
    space->compute(*kappa);
    NH_PETSC(MatTransposeMatMult(space->R(), space->R(), MAT_INITIAL_MATRIX, PETSC_DEFAULT, gram.out()));
    gram_solver = create_direct_ksp(gram, "cem_gram_");
    mass = create_operator(grid);
    assemble_mass(grid, mass);
  }

  // u_H = (R'R)^{-1} R' u and ||u||_L2.
  void project(Vec u, std::vector<double>& target, double& norm) const {
    OwnedVec b = space->restrict_vector(u), c = space->create_coarse_vector();
    solve_checked(gram_solver, b, c, "(R'R) projection solve");
    target = local_values(c);
    norm = matrix_norm(mass, u);
  }
};

struct TimeRow {
  long long seed = 0;
  std::vector<double> xi, projected, modes, pooled, linear_target, nonlinear_target;
  double linear_norm = 0, nonlinear_norm = 0;
};

TimeRow time_sample(const TimeContext& c, std::uint64_t seed) {
  const CemDatagenSettings& s = c.s;
  TimeRow row;
  row.seed = static_cast<long long>(seed);
  const auto xi = paper_cem_xi(seed);
  row.xi.assign(xi.begin(), xi.end());
  const auto f = make_source("paper-cem", seed);
  const int L = s.modes, N = s.coarse_n * s.coarse_n, dim = N * L, steps = s.steps;
  const double dt = s.final_time / steps;
  row.projected.resize(static_cast<size_t>(steps * dim));
  row.modes.resize(static_cast<size_t>(L * steps * N));
  OwnedVec F = c.grid.create_vector();
  for (int n = 1; n <= steps; ++n) {
    const double t = n * dt;
    assemble_load(c.grid, *f, t, F);
    OwnedVec Fms = c.space->restrict_vector(F);
    const std::vector<double> v = local_values(Fms);
    std::copy(v.begin(), v.end(), row.projected.begin() + static_cast<long>((n - 1) * dim));
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < L; ++k)
        row.modes[static_cast<size_t>((k * steps + (n - 1)) * N + i)] = v[static_cast<size_t>(i * L + k)];
    const std::vector<double> pooled = pooled_source(*f, t, s.fine_n, s.fine_n / s.coarse_n);
    row.pooled.insert(row.pooled.end(), pooled.begin(), pooled.end());
  }
  FemInputs in;
  in.coefficient = c.kappa.get();
  in.source = f.get();
  FemSettings fem;
  fem.final_time = s.final_time;
  fem.steps = steps;
  fem.gamma = s.gamma;
  if (s.linear) {
    fem.kind = ProblemKind::Parabolic;
    const FemSolution u = solve_fem(c.grid, in, fem);
    c.project(u.u, row.linear_target, row.linear_norm);
  }
  if (s.nonlinear) {
    fem.kind = ProblemKind::Nonlinear;
    const FemSolution u = solve_fem(c.grid, in, fem);
    c.project(u.u, row.nonlinear_target, row.nonlinear_norm);
  }
  return row;
}

struct SteadyRow {
  std::vector<double> p, features, target;
  long long rejected = 0;
};

SteadyRow steady_sample(const CemDatagenSettings& s, const StructuredGrid& grid, std::uint64_t seed) {
  SteadyRow row;
  SplitMix64 rng(seed);
  const int n = s.fine_n, r = s.fine_n / s.coarse_n, N = s.coarse_n * s.coarse_n;
  double p[3];
  for (;;) {
    p[0] = rng.uniform(-2.0, 2.0);
    p[1] = rng.uniform(-1.2, 1.2);
    p[2] = rng.uniform(-1.5, 1.5);
    double lowest = std::numeric_limits<double>::infinity();
    for (int cy = 0; cy < n; ++cy)
      for (int cx = 0; cx < n; ++cx) {
        const double x = (cx + 0.5) / n, y = (cy + 0.5) / n;
        lowest = std::min(lowest, steady_kappa_component(0, x, y, p) + steady_kappa_component(1, x, y, p) +
                                      steady_kappa_component(2, x, y, p));
      }
    if (lowest > 0) break;
    ++row.rejected;
    if (row.rejected > 100000) throw LocalError("cem-datagen: no admissible steady-state coefficient in 100000 draws");
  }
  row.p.assign(p, p + 3);
  row.features.assign(static_cast<size_t>(3 * N), 0.0);
  for (int j = 0; j < 3; ++j)
    for (int cy = 0; cy < n; ++cy)
      for (int cx = 0; cx < n; ++cx)
        row.features[static_cast<size_t>(j * N + (cy / r) * s.coarse_n + cx / r)] +=
            steady_kappa_component(j, (cx + 0.5) / n, (cy + 0.5) / n, p) / (r * r);
  const double pp[3] = {p[0], p[1], p[2]};
  const auto kappa = make_function_field(
      [pp](double x, double y) {
        return steady_kappa_component(0, x, y, pp) + steady_kappa_component(1, x, y, pp) +
               steady_kappa_component(2, x, y, pp);
      },
      "steady");
  const auto one = make_source("one", 1);
  FemInputs in;
  in.coefficient = kappa.get();
  in.source = one.get();
  const FemSolution u = solve_fem(grid, in, FemSettings());
  const std::vector<double> nodes = grid.to_natural(u.u);
  row.target.assign(static_cast<size_t>(N), 0.0);
  for (int cy = 0; cy < n; ++cy)
    for (int cx = 0; cx < n; ++cx) {
      const auto at = [&](int x, int y) { return nodes[static_cast<size_t>(y * (n + 1) + x)]; };
      const double cell_mean = 0.25 * (at(cx, cy) + at(cx + 1, cy) + at(cx, cy + 1) + at(cx + 1, cy + 1));
      row.target[static_cast<size_t>((cy / r) * s.coarse_n + cx / r)] += cell_mean / (r * r);
    }
  return row;
}

void create(Hdf5File& file, const std::string& name, std::vector<hs> dims, Hdf5Type type = Hdf5Type::Float64) {
  std::vector<hs> chunk = dims;
  chunk[0] = 1;
  if (dims[0] == 0) return;
  file.create_dataset(name, dims, chunk, type);
}

}  // namespace

double steady_kappa_component(int j, double x1, double x2, const double p[3], double eps) {
  if (j == 0) return 8.0 + p[0];
  if (j == 1) return std::exp(x1 + x2 + p[1]) * std::cos(2 * kPi * x2 / eps) * std::sin(2 * kPi * x1 / eps);
  return std::exp(x1 * x2 + p[2]) * std::cos(2 * kPi * x1 / eps) * std::sin(2 * kPi * x2 / eps);
}

void parse_cem_problems(const std::string& list, CemDatagenSettings& s) {
  s.linear = s.nonlinear = s.steady = false;
  if (list == "all" || list.empty()) {
    s.linear = s.nonlinear = s.steady = true;
    return;
  }
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(',', start), list.size());
    const std::string item = list.substr(start, end - start);
    if (item == "linear") s.linear = true;
    else if (item == "nonlinear") s.nonlinear = true;
    else if (item == "steady") s.steady = true;
    else throw Error("unknown problem '" + item + "' (-problems); known: linear, nonlinear, steady, or all");
    start = end + 1;
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
  // The nonlinear fine solves (high contrast, gamma = 20) need a direct Newton solver.
  PetscBool set = PETSC_FALSE;
  NH_PETSC(PetscOptionsHasName(nullptr, nullptr, "-nl_pc_type", &set));
  if (!set) {
    NH_PETSC(PetscOptionsSetValue(nullptr, "-nl_ksp_type", "preonly"));
    NH_PETSC(PetscOptionsSetValue(nullptr, "-nl_pc_type", "lu"));
  }
  CemDatagenResult result;
  result.train = std::min(s.samples - 1, static_cast<int>(std::lround(0.75 * s.samples)));
  result.test = s.samples - result.train;
  const int L = s.modes, N = s.coarse_n * s.coarse_n, dim = N * L, steps = s.steps;
  const bool time_data = s.linear || s.nonlinear;
  WallTimer timer;
  std::unique_ptr<TimeContext> context;
  if (time_data) context = std::make_unique<TimeContext>(s);  // rank-local CEM space (validates the settings)
  result.dim_vms = dim;
  if (is_root(comm))
    std::printf("[cem-datagen] H = 1/%d, h = 1/%d, L_i = %d (dim V_ms = %d), m = %d, %d samples (%d train + %d test)%s%s%s\n",
                s.coarse_n, s.fine_n, L, dim, s.oversampling, s.samples, result.train, result.test,
                s.linear ? ", linear" : "", s.nonlinear ? ", nonlinear" : "", s.steady ? ", steady" : "");

  AtomicOutput atomic(s.output, comm);
  {
    Hdf5File file(atomic.temp_path(), Hdf5File::Mode::Create, comm);
    file.set_attribute("/", "format", std::string("neurhom-cem-dataset"));
    file.set_attribute("/", "version", 1LL);
    file.set_attribute("/", "coarse_n", static_cast<long long>(s.coarse_n));
    file.set_attribute("/", "fine_n", static_cast<long long>(s.fine_n));
    file.set_attribute("/", "cem_modes", static_cast<long long>(L));
    file.set_attribute("/", "cem_oversampling", static_cast<long long>(s.oversampling));
    file.set_attribute("/", "dim_vms", static_cast<long long>(dim));
    file.set_attribute("/", "T", s.final_time);
    file.set_attribute("/", "steps", static_cast<long long>(steps));
    file.set_attribute("/", "gamma", s.gamma);
    file.set_attribute("/", "seed", static_cast<long long>(s.seed));
    file.set_attribute("/", "samples", static_cast<long long>(s.samples));
    file.set_attribute("/", "train", static_cast<long long>(result.train));
    file.set_attribute("/", "test", static_cast<long long>(result.test));
    file.set_attribute("/", "coefficient", context ? context->kappa->describe() : std::string("none"));
    file.set_attribute("/", "source", std::string("paper-cem (eq. 5), t_n = n T / steps, n = 1..steps"));
    file.set_attribute("/", "steady_eps", 0.1);
    file.set_attribute("/", "steady_source", std::string("one"));
    const char* splits[2] = {"train", "test"};
    const int counts[2] = {result.train, result.test};
    for (int sp = 0; sp < 2; ++sp) {
      const hs n = static_cast<hs>(counts[sp]);
      const std::string t = std::string("/time/") + splits[sp] + "/", st = std::string("/steady/") + splits[sp] + "/";
      if (time_data) {
        create(file, t + "sample_seed", {n}, Hdf5Type::Int64);
        create(file, t + "xi", {n, 5});
        create(file, t + "source_projected", {n, hs(steps), hs(dim)});
        create(file, t + "source_modes", {n, hs(L), hs(steps), hs(N)});
        create(file, t + "source_pooled", {n, hs(steps), hs(N)});
      }
      if (s.linear) {
        create(file, t + "linear_target", {n, hs(dim)});
        create(file, t + "linear_fine_norm", {n});
      }
      if (s.nonlinear) {
        create(file, t + "nonlinear_target", {n, hs(dim)});
        create(file, t + "nonlinear_fine_norm", {n});
      }
      if (s.steady) {
        create(file, st + "p", {n, 3});
        create(file, st + "features", {n, 3, hs(N)});
        create(file, st + "target", {n, hs(N)});
      }
    }

    const int size = mpi_size(comm);
    const long long total = (time_data ? s.samples : 0) + (s.steady ? s.samples : 0);
    Progress progress("cem-datagen", "sample", total, comm, 2.0);
    long long done = 0;
    const StructuredGrid steady_grid(PETSC_COMM_SELF, s.fine_n);
    for (int kind = 0; kind < 2; ++kind) {  // 0: time-dependent, 1: steady
      if ((kind == 0 && !time_data) || (kind == 1 && !s.steady)) continue;
      for (int sp = 0; sp < 2; ++sp) {
        const std::string base = std::string(kind == 0 ? "/time/" : "/steady/") + splits[sp] + "/";
        const int offset = sp == 0 ? 0 : result.train;
        const Block block = block_of(counts[sp], comm);
        const long rounds = (counts[sp] + size - 1) / size;
        for (long j = 0; j < rounds; ++j) {
          const long index = block.begin + j;
          const bool mine = index < block.end;
          const hs first = static_cast<hs>(mine ? index : 0), rows = mine ? 1 : 0;
          const std::uint64_t seed = sample_seed(s.seed, kind, offset + static_cast<int>(mine ? index : 0));
          if (kind == 0) {
            TimeRow row;
            if (mine) row = time_sample(*context, seed);
            file.write_rows(base + "sample_seed", first, rows, &row.seed);
            file.write_rows(base + "xi", first, rows, row.xi.data());
            file.write_rows(base + "source_projected", first, rows, row.projected.data());
            file.write_rows(base + "source_modes", first, rows, row.modes.data());
            file.write_rows(base + "source_pooled", first, rows, row.pooled.data());
            if (s.linear) {
              file.write_rows(base + "linear_target", first, rows, row.linear_target.data());
              file.write_rows(base + "linear_fine_norm", first, rows, &row.linear_norm);
            }
            if (s.nonlinear) {
              file.write_rows(base + "nonlinear_target", first, rows, row.nonlinear_target.data());
              file.write_rows(base + "nonlinear_fine_norm", first, rows, &row.nonlinear_norm);
            }
          } else {
            SteadyRow row;
            if (mine) row = steady_sample(s, steady_grid, seed);
            result.steady_rejected += row.rejected;
            file.write_rows(base + "p", first, rows, row.p.data());
            file.write_rows(base + "features", first, rows, row.features.data());
            file.write_rows(base + "target", first, rows, row.target.data());
          }
          done += std::min<long long>(size, counts[sp] - j * size);
          if (s.show_progress) progress.update(done);
        }
      }
    }
    if (s.show_progress) progress.finish();
    result.steady_rejected = sum_ranks(comm, result.steady_rejected);
    file.set_attribute("/", "steady_rejected", result.steady_rejected);
  }
  atomic.commit();
  result.seconds = max_ranks(comm, timer.seconds());
  return result;
}

}  // namespace neurhom
