#include "neurhom/lod/nodal_corrector.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

int patch_coarse_node(const Patch& patch, int i, int j) {
  const int a = i - patch.I0, b = j - patch.J0;
  require(a >= 0 && b >= 0 && a <= patch.cells_x && b <= patch.cells_y, "coarse node outside the patch");
  return patch.coarse_node(a, b);
}

NodalCorrector::NodalCorrector(const CoarseMesh& mesh, std::string solver)
    : mesh_(mesh), qi_(mesh), factorization_(std::move(solver)) {}

std::vector<double> NodalCorrector::compute(const Patch& patch, int i, int j, const std::vector<double>& cells) {
  WallTimer timer;
  factorization_.factor(patch, cells);
  std::vector<int> constrained;
  const ConstrainedSolve constraint(factorization_, qi_.constraint_matrix(patch, &constrained));
  const std::vector<double> lambda = coarse_basis(patch, patch_coarse_node(patch, i, j));
  std::vector<double> k_lambda, z;
  apply_stiffness(patch, cells, CellSet::Patch, lambda, k_lambda);
  std::vector<double> rhs;
  restrict_to_free(patch, k_lambda, rhs);
  factorization_.solve(rhs, z);
  constraint.remove_constraint(z);
  seconds_ += timer.seconds();
  return extend_from_free(patch, z);
}

}  // namespace neurhom
