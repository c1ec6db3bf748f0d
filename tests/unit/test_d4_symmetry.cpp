// Exact data augmentation of the operator compression by the symmetries of the square
// (methods/compression/net/d4_symmetry.hpp): for random coefficients and every g in D4, the PG-LOD local matrix
// S_{g(T)} of the transformed coefficient A o g^{-1}, computed by lod/, equals the permuted
// S_T of A, and the extracted coefficient patch equals the permuted R_T, for interior, edge
// and corner patches (the whole domain is transformed, so the zero extension outside it
// transforms with the patch). Tolerance 1e-12 relative to max |S_T|: the two computations
// solve permuted copies of the same sparse systems, so only rounding differs.
// The patch test of the compression loss (compression_mlp.hpp) on the same exact local
// matrices: for an interior T, E_T = W^T S_T V has a zero first row (w = 1), and for a constant
// coefficient c its 2 x 2 block is c I exactly (the corrector has zero trace on the patch, so it
// is a(-Q_T v, w) = 0 for linear w); J_E is D4-invariant and a uniform scaling (1 + d) of S^
// gives J_E = d^2.
#define BOOST_TEST_MODULE d4_symmetry
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/methods/compression/net/compression_mlp.hpp"
#include "neurhom/methods/compression/net/d4_symmetry.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

// A o g^{-1} on the unit square: the value at cell c of an n x n mesh is A at f_g^{-1}(c).
class TransformedField : public CellField {
 public:
  TransformedField(const CellField& a, int g) : a_(a), inverse_(d4_inverse(g)) {}
  double value(long i, long j, long n) const override {
    const auto p = d4_apply(inverse_, static_cast<int>(i), static_cast<int>(j), static_cast<int>(n));
    return a_.value(p[0], p[1], n);
  }
  std::string describe() const override { return "transformed " + a_.describe(); }

 private:
  const CellField& a_;
  int inverse_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(group_structure) {
  std::set<std::vector<std::int64_t>> distinct;
  for (int g = 0; g < kD4Order; ++g) {
    const auto gather = d4_cell_gather(g, 5);
    distinct.insert(gather);
    // A permutation, and g^{-1} undoes g.
    std::vector<std::int64_t> sorted = gather;
    std::sort(sorted.begin(), sorted.end());
    for (size_t k = 0; k < sorted.size(); ++k) BOOST_TEST(sorted[k] == static_cast<std::int64_t>(k));
    const int h = d4_inverse(g);
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 5; ++x) {
        const auto p = d4_apply(g, x, y, 5), q = d4_apply(h, p[0], p[1], 5);
        BOOST_TEST((q[0] == x && q[1] == y));
      }
    const auto m = d4_extended_matrix_gather(g, 4);
    BOOST_TEST(std::set<std::int64_t>(m.begin(), m.end()).size() == 64u);
  }
  BOOST_TEST(distinct.size() == 8u);  // 8 different maps: the whole group
  // Rotation by pi/2 (g = 5: swap, then reflect x) applied 4 times is the identity.
  int x = 1, y = 0;
  for (int k = 0; k < 4; ++k) {
    const auto p = d4_apply(5, x, y, 3);
    x = p[0], y = p[1];
  }
  BOOST_TEST((x == 1 && y == 0));
}

BOOST_AUTO_TEST_CASE(lod_local_matrices_transform_exactly) {
  // 5 x 5 coarse cells, ell = 1: the centre cell is interior, others touch edges and corners.
  const int coarse_n = 5, fine_n = 20, ell = 1;
  const CoarseMesh mesh(coarse_n, fine_n);
  LodSettings settings;
  settings.ell = ell;
  CoefficientOptions o;
  o.family = "ms";
  o.alpha = 1;
  o.beta = 5;
  double worst_S = 0, worst_R = 0;
  for (std::uint64_t seed : {3u, 11u}) {
    o.seed = seed;
    const auto a = make_coefficient(o, PETSC_COMM_SELF);
    PgLod lod(PETSC_COMM_SELF, mesh, settings);
    lod.compute(*a);
    const std::vector<PatchMatrices> original = lod.local_patches();
    for (int g = 0; g < kD4Order; ++g) {
      const TransformedField ag(*a, g);
      PgLod lod_g(PETSC_COMM_SELF, mesh, settings);
      lod_g.compute(ag);
      const auto cell_gather = d4_cell_gather(g, (2 * ell + 1) * mesh.ratio);
      const auto matrix_gather = d4_extended_matrix_gather(g, 2 * ell + 2);
      for (const auto& p : original) {
        const auto t = d4_apply(g, p.patch.T_I, p.patch.T_J, coarse_n);
        const auto it = std::find_if(lod_g.local_patches().begin(), lod_g.local_patches().end(),
                                     [&](const PatchMatrices& q) { return q.patch.T_I == t[0] && q.patch.T_J == t[1]; });
        BOOST_REQUIRE(it != lod_g.local_patches().end());
        const auto S = extend_local_matrix(p, ell), Sg = extend_local_matrix(*it, ell);
        const auto R = extract_patch_coefficient(*a, mesh, p.patch.T_I, p.patch.T_J, ell);
        const auto Rg = extract_patch_coefficient(ag, mesh, t[0], t[1], ell);
        double scale = 0;
        for (double v : S) scale = std::max(scale, std::abs(v));
        for (size_t k = 0; k < S.size(); ++k)
          worst_S = std::max(worst_S, std::abs(Sg[k] - S[static_cast<size_t>(matrix_gather[k])]) / scale);
        for (size_t k = 0; k < R.size(); ++k)
          worst_R = std::max(worst_R, std::abs(Rg[k] - R[static_cast<size_t>(cell_gather[k])]));
      }
    }
  }
  BOOST_TEST_MESSAGE("D4: max relative |S_g(T)(A o g^-1) - P_g S_T(A)| = " << worst_S << ", max |R difference| = " << worst_R);
  BOOST_TEST(worst_S < 1e-12);
  BOOST_TEST(worst_R == 0.0);
}

BOOST_AUTO_TEST_CASE(patch_test_of_exact_local_matrices) {
  const int coarse_n = 5, fine_n = 20, ell = 1, nodes = 2 * ell + 2;
  const CoarseMesh mesh(coarse_n, fine_n);
  LodSettings settings;
  settings.ell = ell;
  const PatchTestProbes probes = patch_test_probes(nodes);
  BOOST_TEST(probes.test.size(0) == nodes * nodes);
  BOOST_TEST(probes.test[(ell * nodes + ell)][1].item<float>() == -0.5F);  // T's lower-left node
  BOOST_TEST(probes.trial[3][0].item<float>() == 0.5F);
  auto interior_E = [&](const CellField& a) {
    PgLod lod(PETSC_COMM_SELF, mesh, settings);
    lod.compute(a);
    std::vector<std::vector<double>> out;
    for (const auto& p : lod.local_patches()) {
      if (p.patch.T_I < ell || p.patch.T_J < ell || p.patch.T_I >= coarse_n - ell || p.patch.T_J >= coarse_n - ell)
        continue;
      const auto S = extend_local_matrix(p, ell);
      const auto E = patch_test_matrices(torch::tensor(S, torch::kFloat64).reshape({1, -1}), probes).flatten();
      out.emplace_back(E.data_ptr<double>(), E.data_ptr<double>() + 6);
    }
    return out;
  };
  const double c = 2.5;
  const auto constant = make_function_field([c](double, double) { return c; }, "constant");
  const auto Ec = interior_E(*constant);
  BOOST_TEST(Ec.size() == 9u);  // the 3 x 3 interior cells of 5 x 5 at ell = 1
  for (const auto& E : Ec) {  // rows (1, x, y) x columns (x, y)
    const double expected[6] = {0, 0, c, 0, 0, c};
    for (int k = 0; k < 6; ++k) BOOST_TEST(std::abs(E[static_cast<size_t>(k)] - expected[k]) < 1e-9 * c);
  }
  CoefficientOptions o;
  o.family = "ms";
  o.seed = 3;
  const auto ms = make_coefficient(o, PETSC_COMM_SELF);
  double worst_first_row = 0, block = 0;
  for (const auto& E : interior_E(*ms)) {
    worst_first_row = std::max({worst_first_row, std::abs(E[0]), std::abs(E[1])});
    block = std::max(block, std::abs(E[2]) + std::abs(E[5]));
  }
  BOOST_TEST(block > 0.1);
  BOOST_TEST(worst_first_row < 1e-9 * block);

  // J_E: zero for the target itself, d^2 for a uniform scaling, D4-invariant.
  torch::manual_seed(5);
  const auto target = torch::randn({6, nodes * nodes * 4}, torch::kFloat64);
  const auto prediction = target + 0.1 * torch::randn_like(target);
  BOOST_TEST(patch_test_error_sum(target, target, probes).item<double>() == 0.0);
  BOOST_TEST(std::abs(patch_test_error_sum(1.01 * target, target, probes).item<double>() - 6 * 1e-4) < 1e-12);
  const double j = patch_test_error_sum(prediction, target, probes).item<double>();
  for (int g = 0; g < kD4Order; ++g) {
    const auto gather = torch::tensor(d4_extended_matrix_gather(g, nodes));
    const double jg = patch_test_error_sum(prediction.index_select(1, gather), target.index_select(1, gather), probes)
                          .item<double>();
    BOOST_TEST(std::abs(jg - j) < 1e-12 * j);
  }
}
