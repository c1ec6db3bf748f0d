#pragma once
// `neurhom lod-datagen`: the offline data of Kroepfl, Maier, Peterseim 2022, Sec. 4.2.
//
// For every family k in {levels0, ..., levels8, ms} and sample i < samples, the coefficient
// A_k^(i) (seed derived from (seed, k, i), see sample_seed) is compressed by PG-LOD on the
// coarse mesh; every coarse cell T yields one row: input R_T(A) (extract_patch_coefficient)
// and output the extended S_T (extend_local_matrix). Coarse cells are split over the ranks
// (PgLod), and each rank writes its rows of every sample with one collective hyperslab write
// into the chunked datasets described in methods/compression/net/lod_dataset.hpp. The file is written under
// "<out>.partial" and renamed when complete.
// On boxes in 2D and 3D (issue 30; `-dim`, `-cells`, `-coarse_cells`, `-box`, `-bc`): the same
// families in d dimensions (coef/box_field.hpp), the box PG-LOD patches (lod/box_lod.hpp) and
// the d-dimensional R_T / extended S_T (lod/box_patch_extraction.hpp); the dataset records
// dim, the cells per direction, the box and the faces.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mpi.h>

#include "neurhom/core/json_report.hpp"
#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/random.hpp"  // sample_seed
#include "neurhom/fem/box_boundary.hpp"
#include "neurhom/mesh/box_grid.hpp"
#include "neurhom/methods/compression/net/lod_dataset.hpp"

namespace neurhom {

struct LodDatagenBox {
  BoxShape fine;  // fine cells n_d = N_d ratio and side lengths
  int ratio = 8;
  BoxBoundary bc;
};

struct LodDatagenSettings {
  std::optional<LodDatagenBox> box;    // unset: the unit square with coarse_n / fine_n
  int coarse_n = 32, fine_n = 256, ell = 2;
  int samples = 500;                   // per family
  std::vector<std::string> families;   // empty: levels0..levels8, ms
  int family_index = -1;               // >= 0: only this family of the list, seeds as in the full run
  std::uint64_t seed = 1;
  double alpha = 1.0, beta = 5.0;
  bool float64 = false;
  std::string patch_solver = "petsc";
  std::string output;
  bool show_progress = true;
};

struct LodDatagenResult {
  LodDatasetMeta meta;
  long long patches = 0;
  double seconds = 0;
  double bytes = 0;
};

std::vector<std::string> default_lod_families();                   // levels0..levels8, ms
std::vector<std::string> parse_lod_families(const std::string& list);  // "all" or a comma list
// Coefficient options of one sample of a family ("levelsK" or "ms").
CoefficientOptions lod_family_options(const std::string& family, std::uint64_t seed, double alpha, double beta);

LodDatagenResult generate_lod_dataset(MPI_Comm comm, const LodDatagenSettings& settings);

// The report of a run: the dataset layout (sizes, families, rows per split) and the rate.
Json to_json(const LodDatagenResult& r);

}  // namespace neurhom
