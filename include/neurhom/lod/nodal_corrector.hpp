#pragma once
// Nodal LOD correctors on node patches (sequential): the problem the Deep Ritz LOD networks
// learn (Elasmi, Krumbiegel, Maier 2024, eqs. (7), (14), (18) and lodpinn's nodal setting).
//
// For the coarse node z with basis function Lambda_z and its node patch
// N^ell(supp Lambda_z) (mesh/coarse_mesh.hpp make_node_patch): find Q Lambda_z in
// V_h(N^ell(supp Lambda_z)), zero on the patch boundary, with I_H Q Lambda_z = 0 at every
// patch coarse node off the domain boundary, and
//   a(Q Lambda_z, w) = a(Lambda_z, w)   for all such w,
// i.e. the minimizer of 1/2 a(v, v) - a(Lambda_z, v) on that space. The same saddle-point
// algebra as the element correctors (patch_corrector.hpp) with the right-hand side
// r = (K Lambda_z)|free over the whole patch instead of over T only. Localizing per node
// rather than per element gives a slightly different corrector for the same ell (both are
// O(exp(-c ell)) from the global one); deepritz-eval reports the difference.
#include <string>
#include <vector>

#include "neurhom/lod/quasi_interpolation.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/patch/patch_saddle_point.hpp"

namespace neurhom {

class NodalCorrector {
 public:
  explicit NodalCorrector(const CoarseMesh& mesh, std::string solver = "petsc");
  // Q Lambda_z at all fine nodes of `patch` (= make_node_patch(mesh, i, j, ell)) for the
  // fine cell values `cells` of the patch.
  std::vector<double> compute(const Patch& patch, int i, int j, const std::vector<double>& cells);
  const QuasiInterpolation& interpolation() const { return qi_; }
  double seconds() const { return seconds_; }

 private:
  CoarseMesh mesh_;
  QuasiInterpolation qi_;
  PatchFactorization factorization_;
  double seconds_ = 0;
};

// Patch-local index of the coarse node (i, j) in a patch containing it.
int patch_coarse_node(const Patch& patch, int i, int j);

}  // namespace neurhom
