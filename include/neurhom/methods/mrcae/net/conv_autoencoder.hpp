#pragma once
// The fixed-architecture baselines of the MrCAE comparison (Liu, Ponce, Brunton, Kutz 2020,
// Sec. 4.2): an encoder of D 3x3 stride-2 convolutions 1 -> c_1 -> ... -> c_D (n -> (n-1)/2
// each) and the mirrored decoder of 3x3 stride-2 transposed convolutions c_D -> ... -> 1.
//   skip = false  a plain bottleneck autoencoder: the activation s (none: "Linear", ReLU:
//                 "+ReLU") after every layer but the last; PyTorch's default initialisation.
//   skip = true   RED-Net as the authors' reference code builds it (torch_cae_skip_connection.py):
//                 h_0 = x, h_i = s(E_i h_{i-1}); y_D = h_D, y_{i-1} = Dec_i(y_i) + h_{i-1} for
//                 i = D .. 2 (the skip adds the encoder feature of the same size), output
//                 Dec_1(y_1); no activation in the decoder; all weights and biases U[-eps, eps]
//                 (eps = -noise, 0.01), so at initialisation every decoder stage carries the
//                 encoder feature through its skip: y_{i-1} = h_{i-1} + O(eps).
// The paper's protocol trains a baseline on the data of the MrCAE level it matches
// (levels_up subsamplings of the finest images) and measures the global metric (3.4) after
// interpolating its reconstruction back to the finest grid (test_error); the architecture
// matched to MrCAE level k after group j has channels c_kj (the level's channels so far),
// then the final channels of levels k-1, ..., 0 (benchmarks/mrcae_reference.py builds them).
// Trained with the same loss, optimizer and stop rule as the MrCAE operations
// (fit_autoencoder). Encoding size: c_D (n_D)^2 per snapshot.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/mrcae.hpp"
#include "neurhom/methods/mrcae/net/mrcae_training.hpp"

namespace neurhom {

struct ConvAutoencoderSpec {
  std::vector<int> channels;  // c_1 .. c_D
  MrCaeActivation activation = MrCaeActivation::Linear;
  bool skip = false;
  int levels_up = 0;          // train on the images subsampled this many times
};

class ConvAutoencoderImpl : public torch::nn::Module {
 public:
  // size: the input image size; noise: the U[-eps, eps] initialisation of the skip variant.
  ConvAutoencoderImpl(int size, std::vector<int> channels, MrCaeActivation activation, std::uint64_t seed, bool skip = false,
                      double noise = 0.01);
  torch::Tensor forward(const torch::Tensor& x);
  // Inputs of the decoder layers Dec_D, ..., Dec_1 (y_D, ..., y_1; tests of the skips).
  std::vector<torch::Tensor> decoder_inputs(const torch::Tensor& x);
  // Encoder features h_1 .. h_D.
  std::vector<torch::Tensor> encoder_features(const torch::Tensor& x);
  std::int64_t encoding_size() const;
  std::int64_t parameter_count() const;
  std::string architecture() const;

 private:
  int finest_;
  std::vector<int> channels_;
  MrCaeActivation activation_;
  bool skip_;
  std::vector<torch::nn::Conv2d> encoder_;
  std::vector<torch::nn::ConvTranspose2d> decoder_;
};
TORCH_MODULE(ConvAutoencoder);

struct ConvAutoencoderResult {
  std::int64_t parameters = 0, encoding_size = 0;
  double val_loss = 0, test_loss = 0, seconds = 0;  // (3.1) at the training level
  double test_error = 0;  // global metric (3.4): reconstruction interpolated to the finest grid, test split
  int epochs = 0;
  std::string architecture, stop;
};

ConvAutoencoderResult train_conv_autoencoder(MPI_Comm comm, const SnapshotSet& data, const ConvAutoencoderSpec& spec,
                                             const MrCaeTrainSettings& settings);

}  // namespace neurhom
