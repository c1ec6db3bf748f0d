#include "neurhom/methods/mrcae/net/mrcae_examples.hpp"
#include "neurhom/core/constants.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"

namespace neurhom {

ToyConvention toy_convention_from_string(const std::string& name) {
  if (name == "reference") return ToyConvention::Reference;
  if (name == "paper") return ToyConvention::Paper;
  throw Error("-convention must be reference or paper (got '" + name + "')");
}

torch::Tensor mrcae_toy_snapshots(int example, int n, int count, ToyConvention convention) {
  require(example == 1 || example == 2, "toy example 1 or 2");
  require(n >= 3 && count >= 1, "toy snapshots: n >= 3 and at least one snapshot");
  const double w0 = 0.5, w1 = 4.0, s0 = 10.0, s1 = 0.25;
  const double t_end = example == 1 ? 8 * kPi : 4 * kPi;
  const torch::Tensor x = torch::linspace(-5.0, 5.0, n, torch::kFloat64);
  const torch::Tensor X = x.reshape({1, 1, n}), Y = x.reshape({1, n, 1});
  const torch::Tensor t = torch::linspace(0.0, t_end, count, torch::kFloat64).reshape({count, 1, 1});
  const torch::Tensor u = (1.0 / torch::cosh((X + 1) / s0)) * (1.0 / torch::cosh((Y - 1) / s0));
  const bool reference = convention == ToyConvention::Reference;
  const double a = reference ? 1.0 / (s1 * std::sqrt(2 * kPi)) : 1.0 / std::sqrt(2 * kPi * s1);
  const double phase = (example == 2 && reference) ? 0.0 : kPi / 4;
  torch::Tensor v;
  if (example == 1)
    v = a * torch::exp(-((X - 1).square() + (Y + 1).square()) / (2 * s1 * s1));
  else
    v = a * torch::exp(-((X - 3 + 0.5 * t).square() + (Y + 3 - 0.5 * t).square()) / (2 * s1 * s1));
  return (u * torch::cos(w0 * t) + v * torch::cos(w1 * t + phase)).contiguous();
}

torch::Tensor turbulence_snapshots(int n, int count, std::uint64_t seed) {
  require(n >= 3 && n <= 255 && count >= 1, "turbulence snapshots: 3 <= n <= 255 and at least one snapshot");
  const int N = 128 * ((n + 1 + 127) / 128);  // grid >= n + 1
  const double nu = 1e-3, dt = 0.005, spinup = 5.0, every = 0.02;
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor kx = torch::fft::rfftfreq(N, 1.0 / N, opts).reshape({1, -1});
  const torch::Tensor ky = torch::fft::fftfreq(N, 1.0 / N, opts).reshape({-1, 1});
  const torch::Tensor k2 = kx.square() + ky.square();
  const torch::Tensor k2safe = torch::where(k2 == 0, torch::ones_like(k2), k2);
  const double kmax = N / 3.0;
  const torch::Tensor dealias = ((kx.abs() < kmax) & (ky.abs() < kmax)).to(torch::kFloat64);
  const torch::Tensor ikx = torch::complex(torch::zeros_like(kx), kx), iky = torch::complex(torch::zeros_like(ky), ky);
  // random initial vorticity with energy near |k| = 6
  torch::Generator g = at::detail::createCPUGenerator(seed);
  const torch::Tensor kk = k2.sqrt();
  const torch::Tensor amplitude = kk * torch::exp(-(kk - 6.0).square() / 8.0);
  torch::Tensor phase = torch::rand(k2.sizes(), g, opts) * 2 * kPi;
  torch::Tensor w_hat = torch::polar(amplitude, phase) * dealias;
  {  // normalize to unit rms vorticity
    const torch::Tensor w = torch::fft::irfft2(w_hat, {N, N});
    w_hat = w_hat / w.square().mean().sqrt();
  }
  auto rhs = [&](const torch::Tensor& wh) {
    const torch::Tensor psi = wh / k2safe;  // -lap psi = w
    const torch::Tensor u = torch::fft::irfft2(iky * psi, {N, N}), v = torch::fft::irfft2(-ikx * psi, {N, N});
    const torch::Tensor wx = torch::fft::irfft2(ikx * wh, {N, N}), wy = torch::fft::irfft2(iky * wh, {N, N});
    return -torch::fft::rfft2(u * wx + v * wy) * dealias;
  };
  const torch::Tensor decay_half = torch::exp(-nu * k2 * dt / 2), decay = torch::exp(-nu * k2 * dt);
  auto step = [&](torch::Tensor wh) {  // RK4 with integrating factor
    const torch::Tensor a = rhs(wh);
    const torch::Tensor b = rhs(decay_half * (wh + 0.5 * dt * a));
    const torch::Tensor c = rhs(decay_half * wh + 0.5 * dt * b);
    const torch::Tensor d = rhs(decay * wh + dt * decay_half * c);
    return decay * wh + dt / 6 * (decay * a + 2 * decay_half * (b + c) + d);
  };
  torch::NoGradGuard no_grad;
  for (int s = 0; s < static_cast<int>(spinup / dt); ++s) w_hat = step(w_hat);
  torch::Tensor out = torch::empty({count, n, n}, opts);
  const int per = static_cast<int>(std::lround(every / dt));
  for (int c = 0; c < count; ++c) {
    out[c] = torch::fft::irfft2(w_hat, {N, N}).slice(0, 0, n).slice(1, 0, n);
    for (int s = 0; s < per; ++s) w_hat = step(w_hat);
  }
  require(torch::isfinite(out).all().item<bool>(), "turbulence stand-in: the simulation blew up");
  return out;
}

std::string mrcae_example_description(const std::string& example) {
  if (example == "toy1") return "two oscillatory modes (MrCAE paper Sec. 4.1.1) on [-5, 5]^2, t in [0, 8 pi]";
  if (example == "toy2") return "two oscillatory modes, one drifting (MrCAE paper Sec. 4.1.2) on [-5, 5]^2, t in [0, 4 pi]";
  if (example == "turbulence")
    return "decaying 2D turbulence, vorticity, pseudo-spectral 128^2 cropped, nu 1e-3, dt 0.005, snapshots every 0.02 after t = 5";
  if (example == "multiscale")
    return "neurhom parabolic multiscale solve: u_t - div(a grad u) = 1, a moving oscillating inclusion, 126^2 Q1 cells";
  throw Error("unknown MrCAE example '" + example + "' (-example); known: toy1, toy2, turbulence, multiscale");
}

void check_snapshot_request(const std::string& example, int n, long long count) {
  mrcae_example_description(example);  // validates the name
  require(n >= 3 && ((n + 1) & n) == 0, "-size must be 2^k - 1 >= 3 (got " + std::to_string(n) + ")");
  require(count >= 10, "-snapshots must be at least 10 (got " + std::to_string(count) + ")");
}

SnapshotSet synthetic_snapshot_set(const std::string& example, int n, long long count, std::uint64_t seed,
                                   ToyConvention convention) {
  check_snapshot_request(example, n, count);
  require(example != "multiscale", "-example multiscale needs neurhom built with PETSc");
  SnapshotSet s;
  s.example = example;
  s.description = mrcae_example_description(example);
  if (example != "turbulence")
    s.description += convention == ToyConvention::Reference ? "; the reference code's amplitude and phase"
                                                            : "; the paper's printed amplitude and phase";
  s.size = n;
  s.count = count;
  const torch::Tensor x = example == "turbulence" ? turbulence_snapshots(n, static_cast<int>(count), seed)
                                                  : mrcae_toy_snapshots(example == "toy1" ? 1 : 2, n, static_cast<int>(count), convention);
  const torch::Tensor c = x.contiguous();
  s.values.assign(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  s.split = shuffled_split(count, seed);
  return s;
}

}  // namespace neurhom
