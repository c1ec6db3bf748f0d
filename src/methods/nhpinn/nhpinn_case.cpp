#include "neurhom/methods/nhpinn/nhpinn_case.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"

namespace neurhom {

namespace {

std::vector<double> minus_mean(std::vector<double> v) {
  double m = 0;
  for (double x : v) m += x / static_cast<double>(v.size());
  for (double& x : v) x -= m;
  return v;
}

// The test nodes of the fine mesh where the homogenized PINN is compared every epoch.
struct TestNodes {
  torch::Tensor points;          // [M, d] inputs of the homogenized network
  std::vector<size_t> index;     // into the fine natural nodal vectors
};

TestNodes test_nodes(const HomogReference& ref) {
  const HomogenizationCase& c = ref.problem();
  TestNodes t;
  const std::vector<double>& x = ref.nodes_x();
  std::vector<double> rows;
  if (c.dim == 2) {
    const int n = ref.cells(), stride = std::max(1, n / 128);
    for (int j = 0; j <= n; j += stride)
      for (int i = 0; i <= n; i += stride) {
        rows.push_back(x[static_cast<size_t>(i)]);
        rows.push_back(x[static_cast<size_t>(j)]);
        t.index.push_back(static_cast<size_t>(j * (n + 1) + i));
      }
    t.points = torch::tensor(rows, torch::kFloat64).view({-1, 2});
  } else {
    for (size_t k = 0; k < x.size(); ++k) {
      rows.push_back(x[k]);
      if (c.name == "reaction1d") rows.push_back(c.final_time);
      t.index.push_back(k);
    }
    t.points = torch::tensor(rows, torch::kFloat64).view({static_cast<std::int64_t>(x.size()), -1});
  }
  return t;
}

std::vector<double> pick(const std::vector<double>& v, const std::vector<size_t>& index) {
  std::vector<double> out;
  out.reserve(index.size());
  for (size_t k : index) out.push_back(v[k]);
  return out;
}

// Piecewise-linear interpolation of samples (xs increasing).
std::function<double(double)> interpolant(std::vector<double> xs, std::vector<double> ys) {
  return [xs = std::move(xs), ys = std::move(ys)](double x) {
    if (x <= xs.front()) return ys.front();
    if (x >= xs.back()) return ys.back();
    const size_t k = static_cast<size_t>(std::upper_bound(xs.begin(), xs.end(), x) - xs.begin()) - 1;
    const double t = (x - xs[k]) / (xs[k + 1] - xs[k]);
    return (1 - t) * ys[k] + t * ys[k + 1];
  };
}

// Steps 1 and 2: the cell PINN(s) of the case and the homogenized data (a*, a*(x) and its
// derivative, or r*) computed from them; the cell errors go into r.
struct CellStep {
  HomogenizedData data;
  std::function<double(double)> a_star_dx;  // slow1d
};

CellStep cell_step_elliptic2d(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& s,
                              const HomogReference& ref, NhpinnResult& r) {
  CellStep out;
  PinnSettings cs = s.cell_train;
  const int n = ref.cell_n();
  std::vector<double> rows;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      rows.push_back(static_cast<double>(i) / n);
      rows.push_back(static_cast<double>(j) / n);
    }
  const torch::Tensor cell_nodes = torch::tensor(rows, torch::kFloat64).view({-1, 2});
  auto chi_error = [&](int j) {
    return [&, j](Mlp& net) { return relative_l2_discrete(minus_mean(evaluate_pinn(net, cell_nodes)), ref.fem_chi(j)); };
  };
  const auto train_without_oversampling = [&](const std::function<double(Mlp&)>& error) {
    CellPinnSetup plain = s.cell;
    plain.oversampling = 0;
    plain.weights.clear();  // the paper's 1/2, 1/2
    PinnSettings ps = cs;
    ps.name = "cell chi_1, no oversampling";
    PinnFit f0;
    train_cell_pinn_2d(comm, c, 0, plain, ps, error, &f0);
    r.cell_error_no_oversampling = average_last(f0.errors.values(), s.average_last);
  };
  PinnFit fit, fit2;
  cs.name = "cell chi_1";
  Mlp chi1 = train_cell_pinn_2d(comm, c, 0, s.cell, cs, chi_error(0), &fit);
  r.cell_history = fit.errors.values();
  r.cell_error = average_last(r.cell_history, s.average_last);
  r.cell_drift[0] = cell_drift(cell_nodes, minus_mean(evaluate_pinn(chi1, cell_nodes)), ref.fem_chi(0))[0];
  if (s.cell_only) {  // a*_11 and a*_21 need chi_1 alone
    const std::array<double, 4> A = a_star_from_cell_pinns(chi1, chi1, c), F = ref.fem_data().a_star;
    r.a_star = {A[0], 0.0, A[2], 0.0};
    r.a_star_error = std::max(std::abs(A[0] - F[0]), std::abs(A[2] - F[2]));
    if (s.without_oversampling) train_without_oversampling(chi_error(0));
    return out;
  }
  cs.name = "cell chi_2";
  Mlp chi2 = train_cell_pinn_2d(comm, c, 1, s.cell, cs, chi_error(1), &fit2);
  r.cell_error_chi2 = average_last(fit2.errors.values(), s.average_last);
  r.cell_drift[1] = cell_drift(cell_nodes, minus_mean(evaluate_pinn(chi2, cell_nodes)), ref.fem_chi(1))[1];
  out.data.a_star = a_star_from_cell_pinns(chi1, chi2, c);
  r.a_star = out.data.a_star;
  for (size_t k = 0; k < 4; ++k) r.a_star_error = std::max(r.a_star_error, std::abs(r.a_star[k] - ref.fem_data().a_star[k]));
  if (s.without_oversampling) train_without_oversampling(chi_error(0));
  return out;
}

CellStep cell_step_slow1d(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& s, NhpinnResult& r) {
  CellStep out;
  PinnSettings cs = s.cell_train;
  std::vector<double> xs;
  for (int k = 0; k <= 100; ++k) xs.push_back(c.x0 + (c.x1 - c.x0) * k / 100.0);
  std::vector<double> exact;
  for (double x : xs) exact.push_back(c.exact_a_star(x));
  PinnFit fit;
  cs.name = "cell chi(x, y)";
  Mlp chi = train_cell_pinn_slow1d(comm, c, s.cell, cs, [&](Mlp& net) {
    return relative_l2_discrete(a_star_of_x_from_cell_pinn(net, c, xs, 64).first, exact);
  }, &fit);
  r.cell_history = fit.errors.values();
  r.cell_error = average_last(r.cell_history, s.average_last);
  r.a_star_error = r.cell_error;
  const auto [values, derivatives] = a_star_of_x_from_cell_pinn(chi, c, xs);
  out.data.a_star_of_x = interpolant(xs, values);
  out.a_star_dx = interpolant(xs, derivatives);
  return out;
}

CellStep cell_step_reaction1d(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& s, NhpinnResult& r) {
  CellStep out;
  PinnSettings cs = s.cell_train;
  const int m = 400;
  const torch::Tensor y = torch::arange(m, torch::kFloat64).mul(c.cell_period / m).unsqueeze(1);
  std::vector<double> exact;
  for (int k = 0; k < m; ++k) exact.push_back(c.exact_cell(k * c.cell_period / m));
  PinnFit fit;
  cs.name = "cell N(y)";
  Mlp n_net = train_cell_pinn_reaction(comm, c, s.cell, cs, [&](Mlp& net) {
    return relative_l2_discrete(minus_mean(evaluate_pinn(net, y)), exact);
  }, &fit);
  r.cell_history = fit.errors.values();
  r.cell_error = average_last(r.cell_history, s.average_last);
  out.data.r_star = r_star_from_cell_pinn(n_net, c);
  r.r_star = out.data.r_star;
  r.a_star_error = std::abs(r.r_star - c.exact_r_star);
  return out;
}

// -homog_data fem: the FEM cell data (slow1d: a*'(x) by central differences of the samples).
CellStep cell_step_fem(const HomogReference& ref, NhpinnResult& r) {
  CellStep out;
  out.data = ref.fem_data();
  r.a_star = out.data.a_star;
  r.r_star = out.data.r_star;
  if (out.data.a_star_of_x) {
    const auto a = out.data.a_star_of_x;
    out.a_star_dx = [a](double x) { return (a(x + 1e-4) - a(x - 1e-4)) / 2e-4; };
  }
  return out;
}

// What the homogenized PINN is compared with at the test nodes: u_eps, and w = the FEM solution
// with the PINN's homogenized data.
struct TestValues {
  TestNodes nodes;
  std::vector<double> u, w;
};

// Step 3: the homogenized PINN p; e1 (vs u_eps) and e3 (vs w) every epoch into r.
Mlp homogenized_step(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& s, const CellStep& cell,
                     const TestValues& t, const DirichletAnsatz& ansatz, NhpinnResult& r) {
  PinnSettings hs = s.homogenized_train;
  hs.name = "homogenized PINN";
  std::vector<double> e3_history;
  PinnFit fit;
  Mlp p = train_homogenized_pinn(comm, c, cell.data.a_star, cell.data.a_star_of_x, cell.a_star_dx, cell.data.r_star,
                                 s.homogenized, hs, [&](Mlp& net) {
                                   const std::vector<double> values = evaluate_pinn(net, t.nodes.points, ansatz);
                                   e3_history.push_back(relative_l2_discrete(values, t.w));
                                   return relative_l2_discrete(values, t.u);
                                 }, &fit);
  r.e1_history = fit.errors.values();
  r.e3_history = e3_history;
  r.e1 = average_last(r.e1_history, s.average_last);
  r.e3 = average_last(r.e3_history, s.average_last);
  return p;
}

// The paper's baselines: the classical PINN on the multiscale equation, and the transfer
// experiment (the classical PINN started from p, keeping p's ansatz u = s B N).
void baseline_step(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& s, const TestValues& t,
                   const DirichletAnsatz& ansatz, Mlp& p, NhpinnResult& r) {
  PinnSettings bs = s.baseline_train;
  const auto error = [&](Mlp& net) { return relative_l2_discrete(evaluate_pinn(net, t.nodes.points), t.u); };
  const auto transfer_error = [&](Mlp& net) {
    return relative_l2_discrete(evaluate_pinn(net, t.nodes.points, ansatz), t.u);
  };
  PinnFit bf, tf;
  bs.name = "classical PINN";
  train_classical_pinn(comm, c, s.baseline_setup, bs, error, nullptr, &bf);
  r.baseline_history = bf.errors.values();
  r.baseline_error = average_last(r.baseline_history, std::min(s.average_last, 100));
  bs.name = "transfer (classical PINN from p)";
  train_classical_pinn(comm, c, s.baseline_setup, bs, transfer_error, &p, &tf, ansatz);
  r.transfer_history = tf.errors.values();
  r.transfer_error = average_last(r.transfer_history, std::min(s.average_last, 100));
}

// -o: the error histories and the test-node solutions (HDF5, atomically).
void write_case_file(MPI_Comm comm, const std::string& path, const HomogenizationCase& c, const NhpinnResult& r,
                     const TestValues& t, const std::vector<double>& p_test, const std::vector<double>& v_test) {
  AtomicOutput out(path, comm);
  {
    Hdf5File file(out.temp_path(), Hdf5File::Mode::Create, comm);
    auto write = [&](const std::string& name, const std::vector<double>& values) {
      if (!values.empty()) file.write_replicated(name, {values.size()}, values.data());
    };
    write("/history/e1", r.e1_history);
    write("/history/e3", r.e3_history);
    write("/history/cell_error", r.cell_history);
    write("/history/baseline_error", r.baseline_history);
    write("/history/transfer_error", r.transfer_history);
    if (t.nodes.points.defined())
      write("/test/points", std::vector<double>(t.nodes.points.data_ptr<double>(),
                                                t.nodes.points.data_ptr<double>() + t.nodes.points.numel()));
    write("/test/nhpinn", p_test);
    write("/test/u_eps", t.u);
    write("/test/w", t.w);
    write("/test/v", v_test);
    file.set_attribute("/", "case", c.name);
    file.set_attribute("/", "eps", c.eps);
  }
  out.commit();
}

}  // namespace

NhpinnResult run_nhpinn_case(MPI_Comm comm, const HomogenizationCase& c, const NhpinnSettings& s) {
  require(s.average_last >= 1, "-average_last must be at least 1");
  s.cell.validate();
  s.homogenized.validate();
  if (s.baseline) s.baseline_setup.validate();
  if (!s.output.empty()) require_writable_location(s.output, "-o file");
  WallTimer total;
  NhpinnResult r;
  r.name = c.name;
  r.eps = c.eps;
  if (is_root(comm)) std::printf("[nhpinn] case %s, eps = %g: FEM references\n", c.name.c_str(), c.eps);
  const HomogReference ref(comm, c, s.fem);
  const std::vector<double> v = ref.homogenized_solution(ref.fem_data());
  r.e4 = ref.relative_l2(v, ref.u_eps());
  r.a_star_fem = ref.fem_data().a_star;
  r.r_star_fem = ref.fem_data().r_star;

  WallTimer cell_timer;
  const CellStep cell = s.homog_data_from_fem      ? cell_step_fem(ref, r)
                        : c.name == "elliptic2d" ? cell_step_elliptic2d(comm, c, s, ref, r)
                        : c.name == "slow1d"     ? cell_step_slow1d(comm, c, s, r)
                                                 : cell_step_reaction1d(comm, c, s, r);
  r.cell_seconds = max_ranks(comm, cell_timer.seconds());
  if (s.cell_only) {
    if (!s.output.empty()) write_case_file(comm, s.output, c, r, {}, {}, {});
    r.seconds = max_ranks(comm, total.seconds());
    return r;
  }

  const std::vector<double> w = ref.homogenized_solution(cell.data);
  r.e2 = ref.relative_l2(w, ref.u_eps());
  TestValues t;
  t.nodes = test_nodes(ref);
  t.u = pick(ref.u_eps(), t.nodes.index);
  t.w = pick(w, t.nodes.index);
  WallTimer homog_timer;
  const DirichletAnsatz ansatz = homogenized_ansatz(c, cell.data.a_star, cell.data.a_star_of_x, s.homogenized);
  r.homogenized_output_scale = ansatz.exact() ? ansatz.scale() : 0.0;
  Mlp p = homogenized_step(comm, c, s, cell, t, ansatz, r);
  r.homogenized_seconds = max_ranks(comm, homog_timer.seconds());

  if (s.baseline) {
    WallTimer base_timer;
    baseline_step(comm, c, s, t, ansatz, p, r);
    r.baseline_seconds = max_ranks(comm, base_timer.seconds());
  }
  if (!s.output.empty())
    write_case_file(comm, s.output, c, r, t, evaluate_pinn(p, t.nodes.points, ansatz), pick(v, t.nodes.index));
  r.seconds = max_ranks(comm, total.seconds());
  return r;
}

}  // namespace neurhom
