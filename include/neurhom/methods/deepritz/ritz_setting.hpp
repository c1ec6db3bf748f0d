#pragma once
// The Deep Ritz LOD settings and the per-node training problems (Elasmi, Krumbiegel, Maier
// 2024, Sec. 4): which coarse nodes get a network, on which node patch, and the tensors of
// methods/deepritz/net/ritz_corrector.hpp built from patch/ (connectivity, coefficient, coarse basis) and lod/
// (the I_H rows of QuasiInterpolation, the same rows as the LOD corrector constraints).
//
//   example  H      h      ell  training p           test       T  tau    paper (LOD-ANN vs LOD)
//   cont     1/6    1/36   1    40, linspace         25 random  1  1/24   0.0495 at T
//   battery  1/6    1/60   1    15, linspace         25 random  1  1/24   basis 0.064, 0.0294 at T (0.0298 mean)
//   battery-ref 1/8 1/40   1    20, linspace         25 random  1  1/19   (lodpinn's run of Example 2)
//
// battery-ref is Example 2 as the reference code runs it (examples/battery_heat): H = 1/8,
// h = 1/40, a = lambda, the heat capacity as the mass, f = 3 in the active material, the 20
// training parameters p_k = linspace(5, 15, 20) as the path at t_k = linspace(0, 1, 20) and
// the coefficient lagged by one step (step m uses a(p(t_{m-1})) and its basis, as lodpinn's
// solveHomParabolic uses A_stiff[:, m-1]).
//
// Only the interior coarse nodes get networks: the basis functions of boundary nodes are
// removed by the homogeneous Dirichlet condition. The nodes are split into contiguous
// blocks over the ranks (node_block); every network is independent.
#include <string>
#include <utility>
#include <vector>

#include "neurhom/coef/parametric_coefficient.hpp"
#include "neurhom/lod/quasi_interpolation.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/methods/deepritz/net/ritz_batch.hpp"
#include "neurhom/methods/deepritz/net/ritz_corrector.hpp"

namespace neurhom {

struct DeepRitzExample {
  std::string name;
  int coarse_n = 6, fine_n = 36, ell = 1, samples = 40, test_samples = 25, steps = 24;
  double final_time = 1.0;
  bool lagged = false;  // step m uses the coefficient at t_{m-1} (lodpinn's solver)
  ParametricFamily family;
};

// "cont", "battery" or "battery-ref" (throws Error naming -example otherwise).
DeepRitzExample deep_ritz_example(const std::string& name);

struct CoarseNode {
  int i = 0, j = 0;
  long index(const CoarseMesh& mesh) const { return mesh.node_index(i, j); }
};
std::vector<CoarseNode> interior_coarse_nodes(const CoarseMesh& mesh);
// Contiguous block [begin, end) of `count` items for `rank` of `size`.
std::pair<int, int> node_block(int count, int rank, int size);

// The network's spatial input at the patch's fine nodes: patch-local coordinates in
// [-1, 1]^2 (interleaved x1, x2). The paper feeds global coordinates; "zooming in" on the
// patch (its own argument for patches, Sec. 2.4) measurably speeds up the training here
// (docs/deepritz.md).
std::vector<double> ritz_input_coordinates(const Patch& patch);

// The largest node patch of the mesh: fine nodes, fine cells and I_H constraints (the common
// padding of batched training, independent of how the nodes are split over ranks).
RitzPadding ritz_padding(const CoarseMesh& mesh, const QuasiInterpolation& qi, int ell);

// The training problem of node (i, j) for the parameters `params` (unnormalized).
RitzProblem build_ritz_problem(const CoarseMesh& mesh, const QuasiInterpolation& qi, const CoarseNode& node, int ell,
                               const ParametricFamily& family, const std::vector<double>& params);

}  // namespace neurhom
