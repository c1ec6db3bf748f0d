#pragma once
// The fixed-architecture baselines of the MrCAE comparison (Liu, Ponce, Brunton, Kutz 2020,
// Sec. 4.2; RED-Net style, without its skip connections so that the code is a bottleneck):
// an encoder of D 3x3 stride-2 convolutions 1 -> c_1 -> ... -> c_D (n -> (n-1)/2 each) and
// the mirrored decoder of 3x3 stride-2 transposed convolutions c_D -> ... -> c_1 -> 1, the
// activation (none: "RED-Net (Linear)", ReLU: "RED-Net (+ReLU)") after every layer but the
// last. Trained on the finest data directly with the same loss, optimizer and stopping as
// the MrCAE operations (fit_autoencoder). Encoding size: c_D (n_D)^2 per snapshot.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/mrcae.hpp"
#include "neurhom/methods/mrcae/net/mrcae_training.hpp"

namespace neurhom {

class ConvAutoencoderImpl : public torch::nn::Module {
 public:
  ConvAutoencoderImpl(int finest, std::vector<int> channels, MrCaeActivation activation, std::uint64_t seed);
  torch::Tensor forward(const torch::Tensor& x);
  std::int64_t encoding_size() const;
  std::int64_t parameter_count() const;
  std::string architecture() const;

 private:
  int finest_;
  std::vector<int> channels_;
  MrCaeActivation activation_;
  std::vector<torch::nn::Conv2d> encoder_;
  std::vector<torch::nn::ConvTranspose2d> decoder_;
};
TORCH_MODULE(ConvAutoencoder);

struct ConvAutoencoderResult {
  std::int64_t parameters = 0, encoding_size = 0;
  double val_loss = 0, test_loss = 0, seconds = 0;
  int epochs = 0;
  std::string architecture;
};

ConvAutoencoderResult train_conv_autoencoder(MPI_Comm comm, const SnapshotSet& data, const std::vector<int>& channels,
                                             MrCaeActivation activation, const MrCaeTrainSettings& settings);

}  // namespace neurhom
