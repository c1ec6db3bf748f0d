// Corrector error indicator e_T (see corrector_indicator.hpp for the math).
#include "neurhom/lod/corrector_indicator.hpp"

#include <array>
#include <cmath>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

namespace {

using NodalFunctions = std::vector<std::vector<double>>;

// sum over the patch's fine cells K of w_K f_i|_K' K_ref f_j|_K for 4 functions; f_i on the
// cells of T is f_i + t_part_i (t_part: functions that live on T only, e.g. lambda_j 1_T).
DenseMatrix weighted_gram(const Patch& p, const std::vector<double>& weights, const NodalFunctions& f,
                          const NodalFunctions* t_part, bool t_only) {
  const auto& kref = q1::reference_stiffness();
  const int nx = p.fine_nx(), ny = p.fine_ny(), ta = p.T_I - p.I0, tb = p.T_J - p.J0;
  DenseMatrix g(4, 4);
  for (int cy = 0; cy < ny; ++cy)
    for (int cx = 0; cx < nx; ++cx) {
      const bool in_t = cx / p.ratio == ta && cy / p.ratio == tb;
      const double w = weights[static_cast<size_t>(cy * nx + cx)];
      if (w == 0.0 || (t_only && !in_t)) continue;
      const int nodes[4] = {p.fine_node(cx, cy), p.fine_node(cx + 1, cy), p.fine_node(cx, cy + 1),
                            p.fine_node(cx + 1, cy + 1)};
      std::array<std::array<double, 4>, 4> v{};  // v[i][a]: function i at the cell's node a
      for (int i = 0; i < 4; ++i)
        for (int a = 0; a < 4; ++a) {
          const auto node = static_cast<size_t>(nodes[a]);
          double value = f.empty() ? 0.0 : f[static_cast<size_t>(i)][node];
          if (t_part && in_t) value += (*t_part)[static_cast<size_t>(i)][node];
          v[static_cast<size_t>(i)][static_cast<size_t>(a)] = value;
        }
      for (int i = 0; i < 4; ++i) {
        std::array<double, 4> kv{};
        for (int a = 0; a < 4; ++a)
          for (int b = 0; b < 4; ++b) kv[static_cast<size_t>(a)] += kref[a * 4 + b] * v[static_cast<size_t>(i)][static_cast<size_t>(b)];
        for (int j = 0; j <= i; ++j) {
          double s = 0;
          for (int a = 0; a < 4; ++a) s += v[static_cast<size_t>(j)][static_cast<size_t>(a)] * kv[static_cast<size_t>(a)];
          g(i, j) += w * s;
        }
      }
    }
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j) g(i, j) = g(j, i);
  return g;
}

NodalFunctions t_basis(const Patch& p) {
  int t_nodes[4];
  p.t_nodes(t_nodes);
  NodalFunctions lambda;
  for (int j = 0; j < 4; ++j) lambda.push_back(coarse_basis(p, t_nodes[j]));
  return lambda;
}

// max over c (modulo constants: the last coordinate fixed to 0) of c'Ec / c'Bc
double max_ratio(const DenseMatrix& e, const DenseMatrix& b) {
  DenseMatrix e3(3, 3), b3(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      e3(i, j) = e(i, j);
      b3(i, j) = b(i, j);
    }
  return std::max(0.0, largest_generalized_eigenvalue(e3, b3));
}

void check_sizes(const Patch& p, const NodalFunctions& q, const std::vector<double>& cells, const char* what) {
  require(q.size() == 4, std::string(what) + ": expected the 4 correctors of T");
  for (const auto& v : q) require(static_cast<int>(v.size()) == p.fine_nodes(), std::string(what) + ": corrector size");
  require(static_cast<long>(cells.size()) == static_cast<long>(p.fine_nx()) * p.fine_ny(),
          std::string(what) + ": coefficient size");
}

}  // namespace

double corrector_error_indicator(const Patch& patch, const NodalFunctions& old_correctors,
                                 const std::vector<double>& old_cells, const std::vector<double>& new_cells) {
  check_sizes(patch, old_correctors, new_cells, "corrector_error_indicator");
  require(old_cells.size() == new_cells.size(), "corrector_error_indicator: coefficient sizes differ");
  std::vector<double> b(new_cells.size());
  bool changed = false;
  for (size_t k = 0; k < b.size(); ++k) {
    const double d = new_cells[k] - old_cells[k];
    b[k] = d * d / new_cells[k];
    changed = changed || d != 0.0;
  }
  if (!changed) return 0.0;
  const NodalFunctions lambda = t_basis(patch);
  NodalFunctions minus_q = old_correctors;
  for (auto& v : minus_q)
    for (double& x : v) x = -x;
  const DenseMatrix e = weighted_gram(patch, b, minus_q, &lambda, false);
  const DenseMatrix energy_t = weighted_gram(patch, new_cells, lambda, nullptr, true);
  return std::sqrt(max_ratio(e, energy_t));
}

double corrector_change(const Patch& patch, const NodalFunctions& old_correctors, const NodalFunctions& new_correctors,
                        const std::vector<double>& new_cells) {
  check_sizes(patch, old_correctors, new_cells, "corrector_change");
  check_sizes(patch, new_correctors, new_cells, "corrector_change");
  NodalFunctions d = new_correctors;
  for (size_t j = 0; j < d.size(); ++j)
    for (size_t k = 0; k < d[j].size(); ++k) d[j][k] -= old_correctors[j][k];
  const DenseMatrix e = weighted_gram(patch, new_cells, d, nullptr, false);
  const DenseMatrix energy_t = weighted_gram(patch, new_cells, t_basis(patch), nullptr, true);
  return std::sqrt(max_ratio(e, energy_t));
}

}  // namespace neurhom
