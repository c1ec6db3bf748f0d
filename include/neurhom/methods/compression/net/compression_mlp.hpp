#pragma once
// The operator-compression network of Kroepfl, Maier, Peterseim 2022, Sec. 4.3 (eq. 4.1):
// a dense feed-forward network R_T(A) -> S_T with ReLU after every layer but the last,
//   widths  n_in, n_in, n_in/2, n_in/2, n_in/4, n_in/4, n_out, n_out, n_out
// (1600-1600-800-800-400-400-144-144-144 for H = 2^-5, eps = 2^-8, ell = 2: 5,063,504
// parameters), Glorot-uniform weights and zero biases (the generic Mlp of nn/mlp.hpp with
// ReLU). The output is the extended S_T flattened row-major [i * 4 + j].
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/nn/equivariant_mlp.hpp"
#include "neurhom/nn/mlp.hpp"

namespace neurhom {

std::vector<std::int64_t> compression_widths(std::int64_t input_size, std::int64_t output_size);

// How a compression network respects the symmetries of the square (-equivariance):
//   none       the plain MLP (the paper's);
//   canonical  the plain MLP on canonicalized patches (d4_canonical.hpp; one forward pass);
//   gconv      the D4-equivariant MLP by weight sharing (nn/equivariant_mlp.hpp): the paper's
//              widths as 8 x (n/8) regular-representation channels, so the same cost per
//              forward pass and about 1/8 of the parameters; exported as a plain MLP.
// (The group average of a plain network, 8 passes, is an evaluation option: compress-eval
// -group_average.)
enum class Equivariance { None, Canonical, GroupConv };
Equivariance equivariance_from_string(const std::string& name);  // Error naming -equivariance
std::string equivariance_name(Equivariance e);
// The D4 representations of the compression data: patch cells (side x side) and extended S_T
// entries (node_side^2 x 4), as the gathers of d4_symmetry.hpp.
PermutationRep d4_cell_representation(int side);
PermutationRep d4_matrix_representation(int node_side);
// The regular-representation channels of the gconv network: hidden width / 8 per hidden layer,
// rounded up (the paper's widths for ell = 2 are multiples of 8).
std::vector<std::int64_t> compression_group_channels(const std::vector<std::int64_t>& widths);
// Loss J of eq. (2.9) summed over the batch: sum_i ||S_i - S^_i||_F^2 / ||S_i||_F^2.
// (The trainer divides by the global batch size, so the gradient is that of the mean.)
torch::Tensor relative_squared_error_sum(const torch::Tensor& prediction, const torch::Tensor& target);

// The patch test of a local matrix (-patch_test_weight; Irons' patch test, as a loss term).
// With coordinates in units of H centred at the midpoint of T (the centre cell of the extended
// patch), V = [x, y] at T's 4 nodes (4 x 2, the trial side j of S_T[i, j]) and
// W = [1, x, y] at the (2 ell + 2)^2 extended patch nodes (the test side i),
//   E_T = W^T S_T V   (3 x 2):
// the action of the local PG-LOD operator on linear functions. For an interior patch the first
// row is zero (S_T 1 = 0 on both sides) and the 2 x 2 block is int_T A (grad v - grad Q_T v) .
// grad w, |T| times the LOD effective conductivity of T; it is what the assembled coarse
// operator does to smooth functions. The Frobenius loss J of eq. (2.9) barely sees a 0.5 % bias
// of this block (2.5e-5 of a 5e-4 loss), yet summed over all cells such a bias scales the
// whole coarse solution by 1/(1 + 0.005). The loss term is J_E = ||E^ - E||_F^2 / ||E||_F^2 per
// row. It is D4-invariant (E transforms by rotations of the coordinates).
// In 3D (issue 30) the same with z: V = [x, y, z] at T's 8 nodes, W = [1, x, y, z], E_T 4 x 3.
struct PatchTestProbes {
  torch::Tensor test;   // W, [(2 ell + 2)^d, d + 1]
  torch::Tensor trial;  // V, [2^d, d]
};
PatchTestProbes patch_test_probes(int node_side, int dim = 2);
// E_T of every row of a batch of extended S_T (rows [n, node_side^d 2^d]) -> [n, d + 1, d].
torch::Tensor patch_test_matrices(const torch::Tensor& matrices, const PatchTestProbes& probes);
// sum over the batch of ||E^_i - E_i||_F^2 / ||E_i||_F^2.
torch::Tensor patch_test_error_sum(const torch::Tensor& prediction, const torch::Tensor& target,
                                   const PatchTestProbes& probes);

}  // namespace neurhom
