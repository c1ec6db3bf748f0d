#include "neurhom/homog/homog_cases.hpp"

#include <cmath>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/dense.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/homog/cell_problem.hpp"
#include "neurhom/homog/fem1d.hpp"
#include "neurhom/homog/homogenized_solve.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

std::vector<double> solve_periodic_cell_1d(double diffusion, const std::function<double(double)>& g, double period,
                                           int n) {
  require(n >= 4 && diffusion > 0 && period > 0, "periodic 1D cell problem: need n >= 4 and D, period > 0");
  const double h = period / n;
  DenseMatrix K(n, n);
  std::vector<double> b(static_cast<size_t>(n), 0.0);
  for (int e = 0; e < n; ++e) {  // element [y_e, y_{e+1}], node e+1 wraps
    const int i = e, j = (e + 1) % n;
    const double k = diffusion / h;
    K(i, i) += k;
    K(j, j) += k;
    K(i, j) -= k;
    K(j, i) -= k;
    // Simpson for int g phi_i, int g phi_j
    const double y0 = e * h, gm = g(y0 + 0.5 * h), g0 = g(y0), g1 = g(y0 + h);
    b[static_cast<size_t>(i)] += h / 6.0 * (g0 + 2.0 * gm);
    b[static_cast<size_t>(j)] += h / 6.0 * (g1 + 2.0 * gm);
  }
  double mean = 0;
  for (double v : b) mean += v / n;
  for (double& v : b) v -= mean;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) K(i, j) += 1.0 / n;  // fixes the constant; zero-mean rhs -> zero-mean N
  cholesky_factor(K);
  cholesky_solve(K, b);
  return b;
}

HomogReference::HomogReference(MPI_Comm comm, HomogenizationCase c, const HomogCaseSettings& s)
    : comm_(comm), c_(std::move(c)), s_(s) {
  require(s.fine_per_period >= 4, "-fine_per_period must be at least 4 (h = eps / fine_per_period)");
  require(s.cell_n >= 8, "-cell_n must be at least 8");
  require(s.steps >= 1, "-steps must be at least 1");
  const double eps = c_.eps;
  if (c_.dim == 2) {
    cells_ = static_cast<int>(std::lround(s.fine_per_period / eps));
    const StructuredGrid grid(comm, cells_);
    const auto a = make_function_field([this](double x1, double x2) { return c_.a2d(x1 / c_.eps, x2 / c_.eps); },
                                       "nhpinn-elliptic2d");
    const auto f = make_function_source([this](double x1, double x2, double) { return c_.f2d(x1, x2); }, "nhpinn-f");
    FemInputs in;
    in.coefficient = a.get();
    in.source = f.get();
    const FemSolution u = solve_fem(grid, in, FemSettings());
    u_eps_ = grid.to_natural(u.u);
    const CellProblemResult cell = solve_cell_problems(comm, c_.a2d, s.cell_n);
    fem_.a_star = cell.a_star;
    chi_ = cell.chi;
    for (int k = 0; k <= cells_; ++k) x_.push_back(static_cast<double>(k) / cells_);
    return;
  }
  const double length = c_.x1 - c_.x0;
  const double period = c_.name == "reaction1d" ? c_.cell_period * eps : eps;  // of the coefficient in x
  cells_ = static_cast<int>(std::ceil(length / period * s.fine_per_period));
  const double h = length / cells_;
  for (int k = 0; k <= cells_; ++k) x_.push_back(c_.x0 + k * h);
  if (c_.name == "slow1d") {
    Fem1dCoefficients coef;
    coef.x0 = c_.x0;
    coef.x1 = c_.x1;
    coef.diffusion = [this](double x) { return c_.a1d(x, x / c_.eps); };
    u_eps_ = solve_elliptic_1d(comm, cells_, coef, c_.f1d);
    const int n = s.cell_n;
    fem_.a_star_of_x = [this, n](double x) { return harmonic_mean_1d([this, x](double y) { return c_.a1d(x, y); }, n); };
    for (int k = 0; k <= 100; ++k) {
      const double xk = c_.x0 + length * k / 100.0;
      cell_x_.push_back(xk);
      cell_values_.push_back(fem_.a_star_of_x(xk));
    }
  } else {  // reaction1d
    Fem1dCoefficients coef;
    coef.x0 = c_.x0;
    coef.x1 = c_.x1;
    const double D = c_.diffusion;
    coef.diffusion = [D](double) { return D; };
    coef.reaction = [this](double x) { return c_.r(x / c_.eps) / c_.eps; };
    u_eps_ = solve_parabolic_1d(comm, cells_, coef, [this](double x, double) { return c_.f1d(x); }, c_.initial,
                                c_.final_time, s.steps);
    const int n = s.cell_n;
    const double Y = c_.cell_period;
    cell_values_ = solve_periodic_cell_1d(D, [this](double y) { return -c_.r(y); }, Y, n);
    double r_star = 0;
    for (int k = 0; k < n; ++k) {
      cell_x_.push_back(k * Y / n);
      r_star += c_.r(k * Y / n) * cell_values_[static_cast<size_t>(k)] / n;  // periodic trapezoid
    }
    fem_.r_star = r_star;
  }
}

HomogReference::~HomogReference() = default;

double HomogReference::h_over_eps() const {
  if (c_.dim == 2) return 1.0 / (cells_ * c_.eps);
  return (c_.x1 - c_.x0) / cells_ / c_.eps;
}

std::vector<double> HomogReference::homogenized_solution(const HomogenizedData& d) const {
  if (c_.dim == 2) {
    const StructuredGrid grid(comm_, cells_);
    const std::array<double, 4> A = d.a_star;
    const double a12 = 0.5 * (A[1] + A[2]);
    const auto f = make_function_source([this](double x1, double x2, double) { return c_.f2d(x1, x2); }, "nhpinn-f");
    const OwnedVec v = solve_homogenized(grid, [A, a12](double, double) { return std::array<double, 3>{A[0], a12, A[3]}; }, *f);
    return grid.to_natural(v);
  }
  Fem1dCoefficients coef;
  coef.x0 = c_.x0;
  coef.x1 = c_.x1;
  if (c_.name == "slow1d") {
    require(static_cast<bool>(d.a_star_of_x), "slow1d: no a*(x) given");
    coef.diffusion = d.a_star_of_x;
    return solve_elliptic_1d(comm_, cells_, coef, c_.f1d);
  }
  const double D = c_.diffusion, r_star = d.r_star;
  coef.diffusion = [D](double) { return D; };
  coef.reaction = [r_star](double) { return r_star; };
  return solve_parabolic_1d(comm_, cells_, coef, [this](double x, double) { return c_.f1d(x); }, c_.initial,
                            c_.final_time, s_.steps);
}

double HomogReference::l2_norm(const std::vector<double>& u) const {
  double sum = 0;
  if (c_.dim == 2) {
    const int n = cells_;
    require(u.size() == static_cast<size_t>((n + 1) * (n + 1)), "homog: nodal vector of the wrong size");
    const double h = 1.0 / n, m1[2][2] = {{2, 1}, {1, 2}};
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double v[4] = {u[static_cast<size_t>(j * (n + 1) + i)], u[static_cast<size_t>(j * (n + 1) + i + 1)],
                             u[static_cast<size_t>((j + 1) * (n + 1) + i)], u[static_cast<size_t>((j + 1) * (n + 1) + i + 1)]};
        for (int a = 0; a < 4; ++a)
          for (int b = 0; b < 4; ++b) sum += v[a] * v[b] * m1[a % 2][b % 2] * m1[a / 2][b / 2];
      }
    return std::sqrt(sum * h * h / 36.0);
  }
  require(u.size() == static_cast<size_t>(cells_ + 1), "homog: nodal vector of the wrong size");
  const double h = (c_.x1 - c_.x0) / cells_;
  for (int k = 0; k < cells_; ++k) {
    const double a = u[static_cast<size_t>(k)], b = u[static_cast<size_t>(k + 1)];
    sum += h / 3.0 * (a * a + a * b + b * b);
  }
  return std::sqrt(sum);
}

double HomogReference::relative_l2(const std::vector<double>& u, const std::vector<double>& reference) const {
  require(u.size() == reference.size(), "homog: comparing nodal vectors of different sizes");
  std::vector<double> d(u.size());
  for (size_t k = 0; k < u.size(); ++k) d[k] = u[k] - reference[k];
  return l2_norm(d) / l2_norm(reference);
}

HomogCaseResult run_homog_case(MPI_Comm comm, const HomogenizationCase& c, const HomogCaseSettings& s,
                               const std::string& fields) {
  if (!fields.empty()) require_writable_location(fields, "-o fields file");
  WallTimer timer;
  const HomogReference ref(comm, c, s);
  HomogCaseResult r;
  r.name = c.name;
  r.eps = c.eps;
  r.h_over_eps = ref.h_over_eps();
  r.fine_cells = ref.cells();
  const HomogenizedData& d = ref.fem_data();
  r.a_star = d.a_star;
  r.r_star = d.r_star;
  r.r_star_exact = c.exact_r_star;
  if (c.name == "slow1d") {
    r.a_star_x = ref.cell_x();
    r.a_star_values = ref.cell_values();
    std::vector<double> exact;
    for (double x : r.a_star_x) exact.push_back(c.exact_a_star(x));
    r.a_star_error = relative_l2_discrete(r.a_star_values, exact);
  }
  if (c.name == "reaction1d") {
    std::vector<double> exact;
    for (double y : ref.cell_x()) exact.push_back(c.exact_cell(y));
    r.cell_error = relative_l2_discrete(ref.cell_values(), exact);
  }
  const std::vector<double> v = ref.homogenized_solution(d);
  r.e4 = ref.relative_l2(v, ref.u_eps());
  if (!fields.empty()) {
    AtomicOutput out(fields, comm);
    {
      Hdf5File file(out.temp_path(), Hdf5File::Mode::Create, comm);
      std::vector<hsize_t> dims = {ref.nodes_x().size()};
      if (c.dim == 2) dims = {ref.nodes_x().size(), ref.nodes_x().size()};
      std::vector<double> diff(v.size());
      for (size_t k = 0; k < v.size(); ++k) diff[k] = v[k] - ref.u_eps()[k];
      file.write_replicated("/x", {ref.nodes_x().size()}, ref.nodes_x().data());
      file.write_replicated("/u_eps", dims, ref.u_eps().data());
      file.write_replicated("/v", dims, v.data());
      file.write_replicated("/v_minus_u_eps", dims, diff.data());
      file.set_attribute("/", "case", c.name);
      file.set_attribute("/", "eps", c.eps);
    }
    out.commit();
  }
  r.seconds = max_ranks(comm, timer.seconds());
  return r;
}

}  // namespace neurhom
