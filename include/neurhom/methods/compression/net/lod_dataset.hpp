#pragma once
// The PG-LOD learning dataset (Kroepfl, Maier, Peterseim 2022, Sec. 4.2): pairs
// (A_T = R_T(A), S_T) of a fixed-size coefficient patch and its extended local matrix.
//
// File layout (one HDF5 file, written by `neurhom lod-datagen`, read by the nn/ layer):
//   /                 attributes: format "neurhom-lod-dataset", version, neurhom_version,
//                     coarse_n, fine_n, ell, input_size, output_rows, output_cols, samples,
//                     families (comma list), family_offset, seed, alpha, beta, precision, split,
//                     dim, coarse_cells, fine_cells, box, bc (boxes, issue 30; absent in files
//                     of earlier versions: the unit square, dim 2, all faces Dirichlet)
//   /seeds            [families, samples] int64: the coefficient seed of every sample
//   /<split>/inputs   [rows, input_size]    R_T(A) row-major [z][y][x], 0 outside D
//   /<split>/outputs  [rows, output_rows*2^dim] extended S_T row-major [i*2^dim + j]
//   /<split>/family, /<split>/sample, /<split>/cell   [rows] int64 provenance of each row
// In 3D (and on 2D boxes) the extended patch has (2 ell + 1)^dim coarse cells, input_size =
// ((2 ell + 1) r)^dim, output_rows = (2 ell + 2)^dim, output_cols = 2^dim (lod/box_patch_extraction.hpp);
// the coarse cell T = (I, J, K) is numbered (K N2 + J) N1 + I.
// with <split> in train, val, test. Per family the first 80 % of the samples are train, the
// next 10 % val, the last 10 % test (Sec. 4.2); inside a split the rows are ordered by family,
// then sample, then coarse cell T = J * coarse_n + I.
// family_offset: the index of the file's first family in the family list of a full run (the
// sample seeds are sample_seed(seed, family_offset + f, i)); a job array writes one family
// per file (`lod-datagen -family_index K`) and merge_lod_datasets() joins the parts into the
// file a single run would have written.
// This header is PETSc-free so that training can run on machines without PETSc.
#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/core/hdf5_file.hpp"

namespace neurhom {

enum class Split { Train = 0, Val = 1, Test = 2 };
const char* split_name(Split split);
Split parse_split(const std::string& name);  // throws Error for unknown names

struct SplitSizes {
  int train = 0, val = 0, test = 0;
  int of(Split s) const { return s == Split::Train ? train : s == Split::Val ? val : test; }
  int first(Split s) const { return s == Split::Train ? 0 : s == Split::Val ? train : train + val; }
};
// First floor(0.8 n) samples train, up to floor(0.9 n) val, the rest test.
SplitSizes split_sizes(int samples);

struct LodDatasetMeta {
  static constexpr const char* kFormat = "neurhom-lod-dataset";
  static constexpr int kVersion = 1;

  int coarse_n = 0, fine_n = 0, ell = 0;  // on boxes: the cells in x
  int input_size = 0;   // ((2 ell + 1) r)^dim
  int output_rows = 0;  // (2 ell + 2)^dim
  int output_cols = 4;  // 2^dim
  int dim = 2;
  std::vector<int> coarse_cells, fine_cells;  // per direction; empty: coarse_n / fine_n in each of 2
  std::string box = "1,1", bc = "D,D,D,D";     // side lengths and faces (BoxShape/BoxBoundary syntax)
  int samples = 0;      // per family
  std::vector<std::string> families;
  int family_offset = 0;
  std::uint64_t seed = 0;
  double alpha = 0, beta = 0;
  std::string precision = "float32";

  int output_size() const { return output_rows * output_cols; }
  long long patches_per_sample() const;
  int ratio() const { return fine_n / coarse_n; }  // h/H, the same in every direction
  // The unit square in 2D with Dirichlet faces: the setting of the paper and of compress-eval.
  bool unit_square() const;
  long long rows(Split split) const;
  // Row of (family, sample) in its split's datasets; sample is the index within the family.
  long long first_row(int family, int sample) const;

  void write(Hdf5File& file) const;               // collective
  // Creates the datasets of every split and /seeds with their shapes and chunks (collective).
  void create_datasets(Hdf5File& file) const;
  static LodDatasetMeta read(const Hdf5File& file);  // validates format, version and shapes
};

std::string lod_dataset_path(Split split, const std::string& what);  // "/train/inputs"

// Joins datasets of consecutive family ranges of one setting (same coarse_n, fine_n, ell,
// samples, seed, alpha, beta, precision; family_offset of each part = the previous part's
// offset + its family count, in any input order) into `output` (written atomically): rows of
// every split in family order, the `family` column renumbered, /seeds stacked. Collective;
// rank 0 copies, in blocks of rows. Throws Error naming the file that does not fit.
LodDatasetMeta merge_lod_datasets(MPI_Comm comm, const std::vector<std::string>& inputs, const std::string& output);

}  // namespace neurhom
