#include "neurhom/lod/patch_corrector.hpp"

#include <algorithm>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

PatchCorrector::PatchCorrector(const CoarseMesh& mesh, std::string solver)
    : mesh_(mesh), qi_(mesh), factorization_(std::move(solver)) {}

CorrectorTimings PatchCorrector::timings() const {
  CorrectorTimings t = timings_;
  t.assembly = factorization_.timings().assembly;
  t.factorization = factorization_.timings().factorization;
  return t;
}

PatchMatrices PatchCorrector::compute(const Patch& patch, const std::vector<double>& cells, bool with_mass,
                                      bool keep_correctors) {
  factorization_.factor(patch, cells);
  WallTimer timer;
  std::vector<int> constrained;
  const ConstrainedSolve constraint(factorization_, qi_.constraint_matrix(patch, &constrained));

  int t_nodes[4];
  patch.t_nodes(t_nodes);
  std::vector<std::vector<double>> correctors;
  std::vector<double> k_lambda, rhs, z;
  for (int j = 0; j < 4; ++j) {
    apply_stiffness(patch, cells, CellSet::Center, coarse_basis(patch, t_nodes[j]), k_lambda);
    restrict_to_free(patch, k_lambda, rhs);
    factorization_.solve(rhs, z);
    constraint.remove_constraint(z);  // q = z - Y S^{-1} B z
    correctors.push_back(extend_from_free(patch, z));
  }
  PatchMatrices result;
  result.patch = patch;
  result.S = local_stiffness(patch, cells, correctors);
  if (with_mass) result.M = local_mass(patch, 1.0 / mesh_.fine_cells(), correctors);
  if (keep_correctors) result.correctors = std::move(correctors);
  timings_.solves += timer.seconds();
  ++timings_.patches;
  return result;
}

namespace {

// P'(X_T lambda_j) - P'(X q_j) for the 4 columns j (X = K or M; apply(set, v, y) applies it)
template <class Apply>
std::vector<double> local_matrix(const Patch& patch, const std::vector<std::vector<double>>& correctors, Apply apply) {
  require(correctors.size() == 4, "local LOD matrices need the 4 correctors of T");
  const int ncoarse = patch.coarse_nodes();
  std::vector<double> out(static_cast<size_t>(ncoarse) * 4, 0.0), x_lambda, x_q;
  int t_nodes[4];
  patch.t_nodes(t_nodes);
  for (int j = 0; j < 4; ++j) {
    apply(CellSet::Center, coarse_basis(patch, t_nodes[j]), x_lambda);
    apply(CellSet::Patch, correctors[static_cast<size_t>(j)], x_q);
    const std::vector<double> a1 = restrict_to_coarse(patch, x_lambda), a2 = restrict_to_coarse(patch, x_q);
    for (int i = 0; i < ncoarse; ++i)
      out[static_cast<size_t>(i * 4 + j)] = a1[static_cast<size_t>(i)] - a2[static_cast<size_t>(i)];
  }
  return out;
}

}  // namespace

std::vector<double> local_stiffness(const Patch& patch, const std::vector<double>& cells,
                                    const std::vector<std::vector<double>>& correctors) {
  return local_matrix(patch, correctors, [&](CellSet set, const std::vector<double>& v, std::vector<double>& y) {
    apply_stiffness(patch, cells, set, v, y);
  });
}

std::vector<double> local_mass(const Patch& patch, double h, const std::vector<std::vector<double>>& correctors) {
  return local_matrix(patch, correctors, [&](CellSet set, const std::vector<double>& v, std::vector<double>& y) {
    apply_mass(patch, h, set, v, y);
  });
}

}  // namespace neurhom
