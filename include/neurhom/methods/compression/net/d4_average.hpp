#pragma once
// The operator-compression network averaged over the symmetries of the square (the group D4,
// methods/compression/net/d4_symmetry.hpp):
//   S^_T = 1/8 sum_g P_g^{-1} Psi(P_g R_T),
// P_g the permutation of the patch cells (input) and of the extended matrix entries
// (output). Exact LOD local matrices are equivariant, Psi(P_g R) = P_g Psi(R), so the average
// is the projection of the network onto equivariant maps (the average itself is exactly
// equivariant: tested), at the price of 8 forward passes.
#include <cstdint>

#include "neurhom/nn/scripted_model.hpp"

namespace neurhom {

// rows inputs of side x side cells -> rows outputs of node_side^2 x 4 entries.
void predict_d4_average(ScriptedModel& model, const float* inputs, std::int64_t rows, int side, int node_side,
                        float* outputs, std::int64_t chunk = 0);

}  // namespace neurhom
