#include "neurhom/fem/box_verify.hpp"

#include <cmath>

#include "neurhom/core/constants.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/box_nonlinear.hpp"
#include "neurhom/fem/box_parabolic.hpp"

namespace neurhom {

namespace {
double phase(int d) { return 0.3 + 0.2 * d; }
}  // namespace

double BoxManufactured::u(const Point3& x) const {
  double v = 1;
  for (int d = 0; d < shape_.dim; ++d) v *= std::sin(kPi * x[static_cast<size_t>(d)] / shape_.lengths[static_cast<size_t>(d)] + phase(d));
  return v;
}

Point3 BoxManufactured::grad_u(const Point3& x) const {
  Point3 g{};
  for (int d = 0; d < shape_.dim; ++d) {
    const auto D = static_cast<size_t>(d);
    double v = kPi / shape_.lengths[D] * std::cos(kPi * x[D] / shape_.lengths[D] + phase(d));
    for (int e = 0; e < shape_.dim; ++e)
      if (e != d) v *= std::sin(kPi * x[static_cast<size_t>(e)] / shape_.lengths[static_cast<size_t>(e)] + phase(e));
    g[D] = v;
  }
  return g;
}

double BoxManufactured::kappa(const Point3& x) const {
  double v = 1;
  for (int d = 0; d < shape_.dim; ++d) v *= std::sin(2 * kPi * x[static_cast<size_t>(d)] / shape_.lengths[static_cast<size_t>(d)]);
  return 2.0 + v;
}

double BoxManufactured::laplacian(const Point3& x) const {
  double lap = 0;
  for (int d = 0; d < shape_.dim; ++d) {
    const double k = kPi / shape_.lengths[static_cast<size_t>(d)];
    lap -= k * k;
  }
  return lap * u(x);
}

Point3 BoxManufactured::grad_kappa(const Point3& x) const {
  Point3 g{};
  for (int d = 0; d < shape_.dim; ++d) {
    const auto D = static_cast<size_t>(d);
    double v = 2 * kPi / shape_.lengths[D] * std::cos(2 * kPi * x[D] / shape_.lengths[D]);
    for (int e = 0; e < shape_.dim; ++e)
      if (e != d) v *= std::sin(2 * kPi * x[static_cast<size_t>(e)] / shape_.lengths[static_cast<size_t>(e)]);
    g[D] = v;
  }
  return g;
}

double BoxManufactured::f(const Point3& x) const {
  const Point3 gu = grad_u(x), gk = grad_kappa(x);
  double gk_gu = 0;
  for (int d = 0; d < shape_.dim; ++d) gk_gu += gk[static_cast<size_t>(d)] * gu[static_cast<size_t>(d)];
  return -(kappa(x) * laplacian(x) + gk_gu);
}

double BoxManufactured::neumann(const Point3& x, int face) const {
  const double normal = face % 2 == 0 ? -1.0 : 1.0;
  return kappa(x) * grad_u(x)[static_cast<size_t>(face / 2)] * normal;
}

BoxProblem BoxManufactured::problem() const {
  BoxProblem p;
  p.coefficient = [this](const Point3& x) { return kappa(x); };
  p.source = [this](const Point3& x) { return f(x); };
  p.dirichlet = [this](const Point3& x) { return u(x); };
  p.neumann = [this](const Point3& x, int face) { return neumann(x, face); };
  return p;
}

BoxConvergenceResult run_box_convergence_study(MPI_Comm comm, const BoxShape& coarsest, const BoxBoundary& bc,
                                               const BoxConvergenceSettings& settings) {
  const int meshes = settings.meshes;
  require(meshes >= 2 && meshes <= 12, "-verify_meshes must be in 2..12");
  BoxConvergenceResult result;
  BoxShape shape = coarsest;
  const BoxManufactured m(shape);
  const BoxProblem problem = m.problem();
  for (int level = 0; level < meshes; ++level) {
    WallTimer timer;
    const BoxGrid grid(comm, shape);
    BoxConvergenceLevel l;
    OwnedVec u;
    double g = 1;  // u = g(T) U at the final time (1 for the elliptic problem)
    if (settings.nonlinear) {
      const double gamma = settings.gamma;
      BoxTimeProblem tp;
      tp.coefficient = problem.coefficient;
      tp.source = [&m, gamma](const Point3& x, double t) {
        const double g = 1 + t, ut = g * m.u(x), k = m.kappa(x);
        const Point3 gu = m.grad_u(x), gk = m.grad_kappa(x);
        double gk_gu = 0, gu2 = 0;
        for (int d = 0; d < 3; ++d) {
          gk_gu += gk[static_cast<size_t>(d)] * gu[static_cast<size_t>(d)];
          gu2 += gu[static_cast<size_t>(d)] * gu[static_cast<size_t>(d)];
        }
        return m.u(x) - std::exp(gamma * ut) * (g * (k * m.laplacian(x) + gk_gu) + gamma * k * g * g * gu2);
      };
      tp.dirichlet = [&](const Point3& x, double t) { return (1 + t) * m.u(x); };
      tp.neumann = [&m, gamma](const Point3& x, int face, double t) {
        return std::exp(gamma * (1 + t) * m.u(x)) * (1 + t) * m.neumann(x, face);
      };
      tp.initial = [&](const Point3& x) { return m.u(x); };
      BoxNonlinearSolution ns = solve_box_nonlinear(grid, bc, tp, gamma, settings.final_time, settings.steps);
      u = std::move(ns.u);
      l.iterations = ns.newton_iterations;
      g = 1 + settings.final_time;
    } else if (settings.parabolic) {
      BoxTimeProblem tp;
      tp.coefficient = problem.coefficient;
      tp.source = [&](const Point3& x, double t) { return m.u(x) + (1 + t) * m.f(x); };
      tp.dirichlet = [&](const Point3& x, double t) { return (1 + t) * m.u(x); };
      tp.neumann = [&](const Point3& x, int face, double t) { return (1 + t) * m.neumann(x, face); };
      tp.initial = [&](const Point3& x) { return m.u(x); };
      BoxTimeSolution ts = solve_box_parabolic(grid, bc, tp, settings.final_time, settings.steps);
      u = std::move(ts.u);
      l.iterations = ts.iterations;
      g = 1 + settings.final_time;
    } else {
      BoxSolution sol = solve_box_elliptic(grid, bc, problem);
      double total = sol.source_integral, scale = std::abs(sol.source_integral);
      for (int f = 0; f < 2 * shape.dim; ++f) {
        total += sol.face_flux[static_cast<size_t>(f)];
        scale += std::abs(sol.face_flux[static_cast<size_t>(f)]);
      }
      l.flux_balance = std::abs(total) / scale;
      l.iterations = sol.iterations;
      u = std::move(sol.u);
    }
    const BoxErrorNorms e = box_error_vs_exact(
        grid, u, [&](const Point3& x) { return g * m.u(x); },
        [&](const Point3& x) {
          Point3 v = m.grad_u(x);
          for (double& c : v) c *= g;
          return v;
        });
    l.cells = shape.cells;
    for (int d = 0; d < shape.dim; ++d) l.h = std::max(l.h, grid.h(d));
    l.l2_error = e.l2_error;
    l.h1_error = e.h1_error;
    l.l2_relative = e.l2_error / e.l2_exact;
    l.h1_relative = e.h1_error / e.h1_exact;
    l.dofs = grid.num_nodes();
    l.seconds = timer.seconds();
    result.levels.push_back(l);
    for (int d = 0; d < shape.dim; ++d) shape.cells[static_cast<size_t>(d)] *= 2;
  }
  const auto& a = result.levels[result.levels.size() - 2];
  const auto& b = result.levels.back();
  result.l2_rate = std::log2(a.l2_error / b.l2_error);
  result.h1_rate = std::log2(a.h1_error / b.h1_error);
  return result;
}

}  // namespace neurhom
