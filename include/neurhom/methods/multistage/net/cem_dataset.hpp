#pragma once
// The reduced-model datasets of Chung, Leung, Pun, Zhang 2020 (written by `neurhom
// cem-datagen`, read by the multi-stage networks). One HDF5 file:
//
//   /   attributes: format "neurhom-cem-dataset", version, coarse_n, fine_n, cem_modes,
//       cem_oversampling, dim_vms, T, steps, gamma, seed, samples, train, test, coefficient,
//       source, steady_eps, steady_source, steady_rejected, steady_kappa (reject|literal)
//   Time-dependent data (Sec. 4.1), <split> in train, test, b = i L + k (basis k of cell i):
//   /time/<split>/sample_seed        [n]                    int64
//   /time/<split>/xi                 [n, 5]                 the source parameters of eq. (5)
//   /time/<split>/source_projected   [n, steps, dim V_ms]   (R' F_h(t_n))_b
//   /time/<split>/source_modes       [n, L, steps, N]       source_projected[n][i L + k] (D_k inputs)
//   /time/<split>/source_pooled      [n, steps, N]          max-pool (size = stride = r) of f(t_n)
//   /time/<split>/{linear,nonlinear}_target      [n, dim V_ms]  u_H(T) = (R'R)^{-1} R' u_h(T)
//   /time/<split>/{linear,nonlinear}_fine_norm   [n]            ||u_h(T)||_L2
//   /time/<split>/{linear,nonlinear}_fine_moment [n, dim V_ms]  R'M u_h(T): with R'MR and the norm
//                                    it gives eq. (8) of any coefficient vector c without a fine
//                                    solve, ||R c - u_h||^2 = c'(R'MR)c - 2 c'(R'M u_h) + ||u_h||^2
//                                    (files from 2026-12-07 on)
//   /time/coarse_mass                [dim V_ms, dim V_ms]   R'MR, M the fine Q1 mass matrix (files
//                                    from 2026-12-07 on; `train -target_basis mass` needs it)
//   Steady-state data (Sec. 5, no CEM; methods/multistage/steady_sample.hpp):
//   /steady/<split>/p                [n, 3]
//   /steady/<split>/features         [n, 3, N]
//   /steady/<split>/pooled_kappa     [n, N]   max of kappa per coarse cell (version >= 2)
//   /steady/<split>/target           [n, N]
//   /steady/<split>/kappa_min        [n]      min of kappa over the fine cells (files from 2026-12-07 on)
// float64, chunked one row per chunk. The first round(3/4 samples) are /train, the rest
// /test (1200 + 400 for 1600 samples). This header is PETSc-free.
#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/core/hdf5_file.hpp"

namespace neurhom {

struct CemDatasetMeta {
  static constexpr const char* kFormat = "neurhom-cem-dataset";
  static constexpr int kVersion = 2;  // 2: /steady/<split>/pooled_kappa

  int coarse_n = 0, fine_n = 0, modes = 0, oversampling = 0;
  int steps = 0;
  double final_time = 0, gamma = 0;
  std::uint64_t seed = 0;
  int samples = 0, train = 0, test = 0;
  std::string coefficient = "none", source;
  double steady_eps = 0.1;
  std::string steady_source = "one";
  std::string steady_kappa = "reject";  // the reading of the steady parameter ranges
  bool fine_moments = false;            // /time/*/<problem>_fine_moment present
  long long steady_rejected = 0;
  bool linear = false, nonlinear = false, steady = false;  // which groups the file holds
  bool steady_pooled = false;                               // /steady/*/pooled_kappa (version >= 2)
  int version = kVersion;

  int cells() const { return coarse_n * coarse_n; }  // N
  int dim_vms() const { return cells() * modes; }
  bool time_data() const { return linear || nonlinear; }
  int split_rows(int split) const { return split == 0 ? train : test; }

  void write(Hdf5File& file) const;  // collective: the root attributes
  // Creates every dataset of the selected problems with its shape (collective).
  void create_datasets(Hdf5File& file) const;
  static CemDatasetMeta read(const Hdf5File& file);  // validates format and version (1 or 2)
};

// Split sizes of a CEM dataset: train = min(samples - 1, round(3/4 samples)).
int cem_train_samples(int samples);
// "/time/train/", "/steady/test/", ... (split 0 = train, 1 = test)
std::string cem_group(bool steady, int split);

}  // namespace neurhom
