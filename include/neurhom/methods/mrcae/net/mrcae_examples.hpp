#pragma once
// Synthetic snapshot sets of the MrCAE paper (Liu, Ponce, Brunton, Kutz 2020, Sec. 4.1) and a
// 2D turbulence stand-in for its fluid data, as [T, n, n] float64 tensors ([t][y][x]).
//
//   toy1        Phi = u(x, y) cos(w0 t) + v(x, y) cos(w1 t + pi/4) on [-5, 5]^2, t in [0, 8 pi]
//   toy2        Phi = u(x, y) cos(w0 t) + v(x, y, t) cos(w1 t + phase), v centred at
//               (3 - 0.5 t, -3 + 0.5 t), t in [0, 4 pi]
//               u = sech((x + 1)/s0) sech((y - 1)/s0) (the text extraction of the paper shows
//               cosh; the reference code has 1/cosh), w0 = 0.5, w1 = 4, s0 = 10, s1 = 0.25, and
//               v = A exp(-|x - c|^2 / (2 s1^2)) with, by convention:
//                 reference  (the authors' notebooks MrCAE_toy1/toy2.ipynb, the default):
//                            A = 1 / (s1 sqrt(2 pi)) = 1.596, toy2 without the pi/4 phase
//                 paper      (eqs. 4.1-4.4 as printed): A = (2 pi s1)^(-1/2) = 0.798, pi/4 in both
//               The reference code then scales the snapshots to [0, 1]; `mrcae-data -scale unit`
//               (the default) does so for every example (snapshot_dataset.hpp).
//   turbulence  decaying 2D incompressible turbulence (the paper uses the JHU isotropic
//               turbulence slices, which we cannot download): the vorticity equation
//               w_t + u . grad w = nu lap w on the periodic [0, 2 pi]^2, pseudo-spectral on
//               128^2 (torch::fft, 2/3 dealiasing, RK4 with an integrating factor for the
//               viscosity), nu = 1e-3, a random initial vorticity with energy near |k| = 6,
//               spun up to t = 5, then `count` snapshots every 0.02; cropped to 127^2
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"

namespace neurhom {

enum class ToyConvention { Reference, Paper };
ToyConvention toy_convention_from_string(const std::string& name);  // reference | paper (Error otherwise)

torch::Tensor mrcae_toy_snapshots(int example, int n, int count, ToyConvention convention = ToyConvention::Reference);  // example 1 or 2
torch::Tensor turbulence_snapshots(int n, int count, std::uint64_t seed);
std::string mrcae_example_description(const std::string& example);

// A snapshot set (values, description, seeded 70/20/10 split) of `count` n x n snapshots of a
// synthetic example (toy1, toy2, turbulence). Error for an unknown example, n != 2^k - 1 >= 3
// or fewer than 10 snapshots (check_snapshot_request). `multiscale` needs the numerics:
// multiscale_snapshot_set in methods/mrcae/snapshot_series.hpp.
SnapshotSet synthetic_snapshot_set(const std::string& example, int n, long long count, std::uint64_t seed,
                                   ToyConvention convention = ToyConvention::Reference);
void check_snapshot_request(const std::string& example, int n, long long count);

}  // namespace neurhom
