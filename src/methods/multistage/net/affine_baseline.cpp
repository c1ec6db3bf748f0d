#include "neurhom/methods/multistage/net/affine_baseline.hpp"

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"

namespace neurhom {

namespace {

torch::Tensor with_ones(const torch::Tensor& xi) {
  return torch::cat({xi.to(torch::kFloat64), torch::ones({xi.size(0), 1}, torch::kFloat64)}, 1).contiguous();
}

}  // namespace

AffineBaseline::AffineBaseline(const torch::Tensor& xi, const torch::Tensor& targets) {
  require(xi.dim() == 2 && targets.dim() == 2 && xi.size(0) == targets.size(0),
          "affine baseline: xi and targets need the same rows");
  require(xi.size(0) > xi.size(1), "affine baseline: more training rows than parameters needed");
  const torch::Tensor a = with_ones(xi), y = targets.to(torch::kFloat64).contiguous();
  const torch::Tensor ata = a.t().mm(a).contiguous(), aty = a.t().mm(y).contiguous();
  const int p = static_cast<int>(ata.size(0));
  DenseMatrix l(p, p);
  for (int i = 0; i < p; ++i)
    for (int j = 0; j < p; ++j) l(i, j) = ata[i][j].item<double>();
  cholesky_factor(l);
  weights_ = torch::empty_like(aty);
  const auto columns = aty.size(1);
  const torch::Tensor aty_t = aty.t().contiguous();
  for (std::int64_t c = 0; c < columns; ++c) {
    std::vector<double> b(aty_t[c].data_ptr<double>(), aty_t[c].data_ptr<double>() + p);
    cholesky_solve(l, b);
    for (int i = 0; i < p; ++i) weights_[i][c] = b[static_cast<size_t>(i)];
  }
}

torch::Tensor AffineBaseline::predict(const torch::Tensor& xi) const {
  require(xi.dim() == 2 && xi.size(1) + 1 == weights_.size(0), "affine baseline: xi has the wrong width");
  return with_ones(xi).mm(weights_);
}

}  // namespace neurhom
