#pragma once
// Quasi-interpolation I_H: V_h -> V_H of the LOD (Elasmi, Krumbiegel, Maier 2024, Ex. 3.1):
//
//   1. on every coarse cell K, the local L2 projection onto Q1(K):
//        P_K = (Phi' M_K Phi)^{-1} Phi' M_K        (4 x (r+1)^2)
//      with M_K the fine mass matrix of K and Phi the coarse Q1 basis at K's fine nodes;
//      on a uniform mesh P_K is the same matrix for every K (computed once);
//   2. at every coarse node z: I_H v(z) = sum_{K in patch, K contains z} (P_K v)(z) / #{K in D
//      containing z}; coarse nodes on the Dirichlet boundary get 0.
// On a patch, cells outside the patch contribute nothing but the divisor still counts the
// cells of the whole domain, so a function supported in the patch gets its global I_H.
// I_H reproduces V_H (P_K reproduces Q1(K)), hence I_H I_H = I_H.
#include <vector>

#include "neurhom/core/dense.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"

namespace neurhom {

class QuasiInterpolation {
 public:
  explicit QuasiInterpolation(const CoarseMesh& mesh);

  // P_K on the reference cell: row k = coarse node k of K (Q1 order), column = fine node
  // (x, y) of K, 0 <= x, y <= r, index y (r+1) + x.
  const DenseMatrix& local_projection() const { return projection_; }

  // I_H of a function given at all fine nodes of the patch -> values at its coarse nodes.
  std::vector<double> apply(const Patch& patch, const std::vector<double>& fine_values) const;

  // Constraint matrix B of the corrector problem: rows = the patch's coarse nodes that are
  // not on the domain boundary (listed in `constrained`), columns = the patch's free fine
  // nodes: (B q)_z = (I_H q)(z) for q vanishing on the patch boundary.
  DenseMatrix constraint_matrix(const Patch& patch, std::vector<int>* constrained) const;

 private:
  CoarseMesh mesh_;
  DenseMatrix projection_;
};

}  // namespace neurhom
