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

  PatchMatrices result;
  result.patch = patch;
  const int ncoarse = patch.coarse_nodes();
  result.S.assign(static_cast<size_t>(ncoarse) * 4, 0.0);
  if (with_mass) result.M.assign(static_cast<size_t>(ncoarse) * 4, 0.0);
  int t_nodes[4];
  patch.t_nodes(t_nodes);
  const double h = 1.0 / mesh_.fine_cells();
  std::vector<double> k_lambda, rhs, z, q, kq;
  for (int j = 0; j < 4; ++j) {
    const std::vector<double> lambda = coarse_basis(patch, t_nodes[j]);
    apply_stiffness(patch, cells, CellSet::Center, lambda, k_lambda);
    restrict_to_free(patch, k_lambda, rhs);
    factorization_.solve(rhs, z);
    constraint.remove_constraint(z);  // q = z - Y S^{-1} B z
    q = extend_from_free(patch, z);

    // S_T[:, j] = P'(K_T lambda_j) - P'(K q_j);  M_T[:, j] = P'(M_T lambda_j) - P'(M q_j)
    apply_stiffness(patch, cells, CellSet::Patch, q, kq);
    const std::vector<double> a1 = restrict_to_coarse(patch, k_lambda), a2 = restrict_to_coarse(patch, kq);
    for (int i = 0; i < ncoarse; ++i) result.S[static_cast<size_t>(i * 4 + j)] = a1[static_cast<size_t>(i)] - a2[static_cast<size_t>(i)];
    if (with_mass) {
      std::vector<double> m_lambda, mq;
      apply_mass(patch, h, CellSet::Center, lambda, m_lambda);
      apply_mass(patch, h, CellSet::Patch, q, mq);
      const std::vector<double> b1 = restrict_to_coarse(patch, m_lambda), b2 = restrict_to_coarse(patch, mq);
      for (int i = 0; i < ncoarse; ++i) result.M[static_cast<size_t>(i * 4 + j)] = b1[static_cast<size_t>(i)] - b2[static_cast<size_t>(i)];
    }
    if (keep_correctors) result.correctors.push_back(q);
  }
  timings_.solves += timer.seconds();
  ++timings_.patches;
  return result;
}

}  // namespace neurhom
