#pragma once
// Multiresolution convolutional autoencoder (MrCAE; Liu, Ponce, Brunton, Kutz 2020), PETSc-free.
//
// Images of size n_{N-1} = 2^p - 1 at the finest of N levels; level k works on the image
// subsampled to n_k = 2^{p-N+1+k} - 1 (every second pixel, x[1::2, 1::2], which is what a 3x3
// stride-2 convolution with a centred delta computes). A level's network is
//   f_k(x) = g_k(x) + sum_j w_j^(k)(x)                                           (2.2)
//   g_k(x) = chop(D_k0(pad(f_{k-1}(C_k0 x))))  (f_{-1} = identity)               (2.1)
//   w_j(x) = D_kj(M_kj * s(C_kj x))
// C: 3x3 stride-2 convolutions (no padding, n_k -> n_{k-1}), D: 3x3 stride-2 transposed
// convolutions (n_{k-1} -> n_k); pad/chop: replicate-pad the coarse image by one pixel and
// cut two pixels off the result (the reference code's boundary treatment, so that D_0 below
// is bilinear interpolation up to the boundary); s: identity (the paper's linear network) or
// ReLU (the +ReLU variants); M_kj: the 0/1 mask of the adaptive filters on the coarse grid.
//
// Deepening (Appendix A): C_k0 = centred delta + U[-eps, eps], D_k0 = [1/4 1/2 1/4; 1/2 1
// 1/2; 1/4 1/2 1/4] + U[-eps, eps], biases U[-eps, eps]: with eps = 0 a fresh level returns
// the bilinear interpolation of the coarser level's reconstruction of the subsampled input.
// Widening: a group of c channels (C: 1 -> c, D: c -> 1 without bias), all weights
// U[-eps, eps], so the output changes by O(eps^2) only; outside the (dilated) mask the group
// has no effect (the reference code also gives D a bias, which acts everywhere).
// Masks (eq. 3.8, as the reference code): E = w mean_t + (1 - w) max_t of the squared
// error per pixel, averaged over 3x3 windows with stride 2 onto the coarse grid, mask =
// {E >= tol} dilated by one pixel; a level is resolved when no window reaches tol.
// Loss (3.1)-(3.3): w MSE + (1 - w) max over pixels of the mean over snapshots; the global
// metric (3.4)-(3.7) compares the reconstruction, interpolated up to the finest level by the
// same bilinear operator U, with the finest data.
// The grown architecture is a string (architecture()), masks are buffers: a model rebuilds
// from the string and then loads its state (save_mrcae / load_mrcae).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurhom {

enum class MrCaeActivation { Linear, ReLU };

class MrCaeImpl : public torch::nn::Module {
 public:
  // finest: the finest image size 2^p - 1; levels: N >= 1 with 2^{p-N+1} - 1 >= 3.
  MrCaeImpl(int finest, int levels, MrCaeActivation activation = MrCaeActivation::Linear);

  int finest() const { return finest_; }
  int levels() const { return levels_; }
  int level() const { return static_cast<int>(groups_.size()) - 1;  }  // current level, -1 before the first deepening
  int size_at(int k) const;   // n_k
  MrCaeActivation activation() const { return activation_; }
  // channels of the groups at level k (group 0: the deepening pair, 1 channel)
  const std::vector<int>& groups(int k) const { return groups_.at(static_cast<size_t>(k)); }

  // The new level's pair starts as identity (conv: centre tap 1) and bilinear interpolation
  // (deconv). constant_noise: the convolution's other weights are `noise` each, as the
  // reference code's identity init (`weight.uniform_(std, std)` is the constant std, then +1 at
  // the centre); otherwise U(-noise, noise) on every weight (Appendix A's epsilon).
  void deepen(double noise, std::uint64_t seed, bool constant_noise = false);
  // mask: [n_{k-1}, n_{k-1}] of 0/1 at the current level.
  void widen(int channels, const torch::Tensor& mask, double noise, std::uint64_t seed);

  // x: [B, 1, n_k, n_k] at the current level -> reconstruction of the same shape.
  torch::Tensor forward(const torch::Tensor& x) { return forward_level(x, level()); }
  torch::Tensor forward_level(const torch::Tensor& x, int k);
  // The output of group j >= 1 of level k alone (tests).
  torch::Tensor group_output(const torch::Tensor& x, int k, int j);
  torch::Tensor mask(int k, int j) const;

  std::string architecture() const;
  // Encoding size per snapshot: the coarsest code plus, per adaptive group, channels x the
  // pixels its mask keeps (the paper counts the masked codes like sparse storage).
  std::int64_t encoding_size() const;
  std::int64_t parameter_count() const;

 private:
  std::string key(const char* kind, int k, int j) const;
  int finest_, levels_;
  MrCaeActivation activation_;
  std::vector<std::vector<int>> groups_;
};
TORCH_MODULE(MrCae);

// Rebuilds an (untrained) model from architecture() (throws Error on a malformed string).
MrCae mrcae_from_architecture(const std::string& architecture);

// Every second pixel: [.., n, n] -> [.., (n-1)/2, (n-1)/2].
torch::Tensor mrcae_subsample(const torch::Tensor& x);
// Bilinear interpolation with replicated boundary: [B, 1, n, n] -> [B, 1, 2n+1, 2n+1].
torch::Tensor mrcae_interpolate(const torch::Tensor& x);

// The zero-parameter baseline: `times` subsamplings, then `times` bilinear interpolations
// (U^t S^t x): what any network of a level with a code of the same size must beat.
torch::Tensor mrcae_interpolation_baseline(const torch::Tensor& x, int times);

// Squared-error summary E of eq. (3.8) on the coarse grid of a level: [n_{k-1}, n_{k-1}].
torch::Tensor mrcae_error_summary(const torch::Tensor& data, const torch::Tensor& reconstruction, double w);
// The adaptive-filter mask {E >= tol} dilated by one pixel (float 0/1).
torch::Tensor mrcae_mask(const torch::Tensor& summary, double tol);

// Loss (3.1) of a batch [B, 1, n, n].
torch::Tensor mrcae_loss(const torch::Tensor& data, const torch::Tensor& reconstruction, double w);

// TorchScript export of the grown model (torch::jit::load-able, no neurhom needed): a
// scripted module with the parameters and masks as attributes and a generated forward(x)
// for the finest level plus forward_level_k(x) for every level; tested equal to forward.
void export_mrcae_torchscript(MrCae& model, const std::string& path);

// Model file: the architecture string and the module state (parameters and masks).
void save_mrcae(const std::string& path, MrCae& model, const std::string& extra = "");
MrCae load_mrcae(const std::string& path, std::string* extra = nullptr);

}  // namespace neurhom
