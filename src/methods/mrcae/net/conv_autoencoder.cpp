#include "neurhom/methods/mrcae/net/conv_autoencoder.hpp"

#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"

namespace neurhom {

ConvAutoencoderImpl::ConvAutoencoderImpl(int finest, std::vector<int> channels, MrCaeActivation activation, std::uint64_t seed,
                                         bool skip, double noise)
    : finest_(finest), channels_(std::move(channels)), activation_(activation), skip_(skip) {
  require(!channels_.empty(), "convolutional autoencoder: at least one layer");
  int n = finest;
  for (size_t k = 0; k < channels_.size(); ++k) {
    require(channels_[k] >= 1, "convolutional autoencoder: channels must be positive");
    require(n >= 3 && (n - 1) % 2 == 0, "convolutional autoencoder: " + std::to_string(channels_.size()) +
                                            " stride-2 layers do not fit " + std::to_string(finest) + " pixels");
    n = (n - 1) / 2;
  }
  torch::manual_seed(seed);
  int in = 1;
  for (size_t k = 0; k < channels_.size(); ++k) {
    encoder_.push_back(register_module("enc" + std::to_string(k),
                                       torch::nn::Conv2d(torch::nn::Conv2dOptions(in, channels_[k], 3).stride(2))));
    in = channels_[k];
  }
  for (size_t k = channels_.size(); k-- > 0;) {
    const int out = k == 0 ? 1 : channels_[k - 1];
    decoder_.push_back(register_module("dec" + std::to_string(channels_.size() - 1 - k),
                                       torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(channels_[k], out, 3).stride(2))));
  }
  if (skip_) {
    torch::NoGradGuard no_grad;
    for (auto& p : parameters()) p.uniform_(-noise, noise);
  }
}

std::vector<torch::Tensor> ConvAutoencoderImpl::encoder_features(const torch::Tensor& x) {
  std::vector<torch::Tensor> h;
  torch::Tensor t = x;
  for (size_t k = 0; k < encoder_.size(); ++k) {
    t = encoder_[k]->forward(t);
    if (activation_ == MrCaeActivation::ReLU) t = torch::relu(t);
    h.push_back(t);
  }
  return h;
}

std::vector<torch::Tensor> ConvAutoencoderImpl::decoder_inputs(const torch::Tensor& x) {
  require(skip_, "decoder_inputs: only the RED-Net (skip) variant");
  const std::vector<torch::Tensor> h = encoder_features(x);
  std::vector<torch::Tensor> y{h.back()};
  for (size_t i = 0; i + 1 < decoder_.size(); ++i) y.push_back(decoder_[i]->forward(y.back()) + h[h.size() - 2 - i]);
  return y;
}

torch::Tensor ConvAutoencoderImpl::forward(const torch::Tensor& x) {
  if (skip_) return decoder_.back()->forward(decoder_inputs(x).back());
  torch::Tensor h = x;
  const size_t layers = encoder_.size() + decoder_.size();
  size_t l = 0;
  auto act = [&](torch::Tensor t) { return (++l < layers && activation_ == MrCaeActivation::ReLU) ? torch::relu(t) : t; };
  for (auto& c : encoder_) h = act(c->forward(h));
  for (auto& d : decoder_) h = act(d->forward(h));
  return h;
}

std::int64_t ConvAutoencoderImpl::encoding_size() const {
  int n = finest_;
  for (size_t k = 0; k < channels_.size(); ++k) n = (n - 1) / 2;
  return static_cast<std::int64_t>(channels_.back()) * n * n;
}

std::int64_t ConvAutoencoderImpl::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

std::string ConvAutoencoderImpl::architecture() const {
  std::ostringstream s;
  s << (skip_ ? "rednet" : "cae") << " size=" << finest_ << " act=" << (activation_ == MrCaeActivation::ReLU ? "relu" : "linear")
    << " channels=";
  for (size_t k = 0; k < channels_.size(); ++k) s << (k ? "," : "") << channels_[k];
  return s.str();
}

ConvAutoencoderResult train_conv_autoencoder(MPI_Comm comm, const SnapshotSet& data, const ConvAutoencoderSpec& spec,
                                             const MrCaeTrainSettings& s) {
  WallTimer timer;
  const std::vector<long long> train_rows = data.rows(0), val_rows = data.rows(1), test_rows = data.rows(2);
  require(!train_rows.empty() && !val_rows.empty() && !test_rows.empty(),
          "the dataset needs training, validation and test snapshots");
  int size = data.size;
  for (int l = 0; l < spec.levels_up; ++l) {
    require(size >= 7, "convolutional autoencoder: " + std::to_string(spec.levels_up) + " subsamplings do not fit " +
                           std::to_string(data.size) + " pixels");
    size = (size - 1) / 2;
  }
  ConvAutoencoder model(size, spec.channels, spec.activation, s.seed, spec.skip, s.noise);
  const torch::Tensor train = mrcae_level_data(data, train_rows, spec.levels_up),
                      val = mrcae_level_data(data, val_rows, spec.levels_up),
                      test = mrcae_level_data(data, test_rows, spec.levels_up), test_finest = mrcae_level_data(data, test_rows, 0);
  ConvAutoencoderResult out;
  const TrainerResult r = fit_autoencoder(comm, model.ptr(), [&](const torch::Tensor& x) { return model->forward(x); }, train,
                                          val, s, "cae", model->architecture(), {}, &out.stop);
  torch::NoGradGuard no_grad;
  out.val_loss = mrcae_loss(val, model->forward(val), s.w).item<double>();
  torch::Tensor y = model->forward(test);
  out.test_loss = mrcae_loss(test, y, s.w).item<double>();
  for (int l = 0; l < spec.levels_up; ++l) y = mrcae_interpolate(y);
  out.test_error = mrcae_loss(test_finest, y, s.w).item<double>();
  out.parameters = model->parameter_count();
  out.encoding_size = model->encoding_size();
  out.architecture = model->architecture();
  out.epochs = static_cast<int>(r.history.size());
  out.seconds = max_ranks(comm, timer.seconds());
  return out;
}

}  // namespace neurhom
