#pragma once
// Canonicalization of the operator compression by the symmetries of the square (D4): an
// exactly equivariant surrogate at the cost of one forward pass.
//
// Math. Exact local matrices are equivariant, S(P_g R) = Q_g S(R) (d4_symmetry.hpp: P_g
// permutes the patch cells, Q_g the extended matrix entries). Pick for every patch R an element
// h(R) that maps it to a canonical representative c(R) = P_h R of its orbit {P_g R}, such that
// c(P_k R) = c(R) for every k, train the network Psi on canonical rows (c(R), Q_h S), and
// predict
//   S^(R) = 1/|Stab| sum_{h in Stab(R)} Q_h^{-1} Psi(c(R)),   Stab(R) = {h : P_h R = c(R)}.
// Then S^(P_k R) = Q_k S^(R) exactly for every R and k (the average over the stabilizer makes
// it exact also for patches with a symmetry, where several h give c(R)).
//
// The rule (D4-invariant, cheap): among the 8 images P_g R, c(R) is the one with the largest
// first moment of the coefficient about the patch centre, m = (sum_c R[c] x_c, sum_c R[c] y_c),
// compared lexicographically (m_x first, then m_y; so m_x >= m_y >= 0 for c(R): the "centre of
// mass" of the coefficient lies in the wedge 0 <= angle <= pi/4), and on an exact tie the
// lexicographically largest array of cell values. Ties: the moments are computed from each
// image's own array in one fixed order, so identical arrays get bitwise identical keys and the
// choice is a function of the orbit alone (exact, no tolerance); images with equal keys but
// different arrays are ordered by their values; equal arrays form the stabilizer (a patch with
// a symmetry), over which the prediction is averaged. Boundary patches (zero extension outside
// the domain) are turned so that their centre of mass points away from the boundary.
// Cost: 8 gathers and 16 multiply-adds per patch cell, a few percent of the forward pass.
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

#include "neurhom/nn/scripted_model.hpp"

namespace neurhom {

struct D4Choice {
  int element = 0;              // h: P_h R = c(R)
  std::uint8_t stabilizer = 1;  // bit g set iff P_g R = c(R) (bit `element` always set)
};

class D4Canonicalizer {
 public:
  // side x side patch cells, node_side^2 patch nodes (extended S_T: node_side^2 x 4 entries).
  D4Canonicalizer(int side, int node_side);

  D4Choice choose(const float* patch) const;
  std::vector<D4Choice> choose_rows(const float* rows, std::int64_t n) const;  // at::parallel_for over rows
  // canonical[r] = P_{h_r} rows[r].
  void canonical_inputs(const float* rows, const std::vector<D4Choice>& choices, float* canonical) const;
  // outputs[r] = mean over h in Stab of Q_h^{-1} predicted[r].
  void restore_outputs(const float* predicted, const std::vector<D4Choice>& choices, float* outputs) const;
  // Training rows in place: inputs [n, side^2] -> P_h x, targets [n, 4 node_side^2] -> Q_h y.
  void canonicalize(torch::Tensor& inputs, torch::Tensor& targets) const;

  std::int64_t input_size() const { return static_cast<std::int64_t>(side_) * side_; }
  std::int64_t output_size() const { return static_cast<std::int64_t>(node_side_) * node_side_ * 4; }

 private:
  int side_, node_side_;
  std::array<std::vector<std::int64_t>, 8> cells_, matrix_;  // d4_cell_gather, d4_extended_matrix_gather
  std::vector<double> xc_, yc_;                               // cell centre coordinates about the patch centre
  torch::Tensor cells_tensor_, matrix_tensor_;                // [8, in], [8, out] int64
};

// The canonicalized network S^ above: rows inputs of side x side cells -> outputs
// (one forward pass of `model`, which was trained on canonical rows).
void predict_d4_canonical(ScriptedModel& model, const float* inputs, std::int64_t rows, int side, int node_side,
                          float* outputs, std::int64_t chunk = 0);

}  // namespace neurhom
