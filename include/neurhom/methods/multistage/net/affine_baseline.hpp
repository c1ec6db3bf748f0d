#pragma once
// The affine baseline of the multi-stage tables (issue 26): the least-squares affine map from
// the source parameters xi in R^5 of eq. (5) (stored per row, /time/<split>/xi) to the targets,
//   u_H ~ W' [xi; 1],   W = argmin sum over training rows ||W' [xi_i; 1] - u_H,i||_2^2,
// by the normal equations (A'A) W = A'Y with A = [xi, 1] (6 x 6, Cholesky: the xi are i.i.d.
// uniform, so A'A is well conditioned). The linear problem (4) is linear in the source and the
// source of eq. (5) is affine in xi, so u_H is affine in xi: this baseline is exact for the
// linear case up to round-off and measures what a network must reach there; for the nonlinear
// case it is the best affine predictor.
#include <torch/torch.h>

namespace neurhom {

class AffineBaseline {
 public:
  // xi: [n, p], targets: [n, N] (float64). Throws Error for n <= p or mismatched rows.
  AffineBaseline(const torch::Tensor& xi, const torch::Tensor& targets);
  torch::Tensor predict(const torch::Tensor& xi) const;  // [m, p] -> [m, N]
 private:
  torch::Tensor weights_;  // [p + 1, N]
};

}  // namespace neurhom
