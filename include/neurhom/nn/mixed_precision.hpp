#pragma once
// Mixed-precision training (bfloat16 autocast). Inside an AutocastScope the matrix products of
// the forward pass (linear/addmm/matmul/conv) run in bfloat16 with float32 accumulation, while
// the weights, the optimizer state, the loss and every elementwise op stay float32 ("master
// weights"); the backward pass follows the forward's dtypes. bfloat16 keeps float32's exponent,
// so unlike float16 no loss scaling is needed. On CPUs with AVX512-BF16 / AMX (oneDNN) this is
// the cheap half of the arithmetic: the operator-compression MLP trains about 2.5x faster per
// thread here (AMD EPYC, LibTorch 1.13; docs/compression.md). Validation and test losses are
// always evaluated in float32, so the reported figures do not depend on the training precision.
//
// LibTorch caches the bfloat16 copies of the float32 leaf weights while autocast is on; the
// scope clears that cache when the outermost scope ends (as Python's torch.autocast does), so
// every step sees the weights the optimizer just updated.
#include <torch/torch.h>

#include "neurhom/nn/precision.hpp"

namespace neurhom {

class AutocastScope {
 public:
  // No-op for Float32. BFloat16 on CPU or CUDA (device.type()).
  AutocastScope(Precision precision, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false, cuda_ = false, was_enabled_ = false;
  at::ScalarType old_dtype_ = at::kBFloat16;
};

}  // namespace neurhom
