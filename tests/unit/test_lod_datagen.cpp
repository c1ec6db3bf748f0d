// lod-datagen on 2 ranks: the file round-trips (metadata, shapes, every row equals R_T and
// the extended S_T computed directly for its (family, sample, cell)), the 80/10/10 split per
// family is correct, and float32 storage keeps 1e-6 relative accuracy.
#define BOOST_TEST_MODULE lod_datagen
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/compress_eval.hpp"
#include "neurhom/methods/compression/lod_datagen.hpp"
#include "neurhom/patch/box_patch.hpp"
#include "neurhom/lod/box_patch_extraction.hpp"
#include "neurhom/lod/online_assembly.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

BOOST_AUTO_TEST_CASE(split_sizes_follow_the_paper) {
  const SplitSizes s = split_sizes(500);
  BOOST_TEST(s.train == 400);
  BOOST_TEST(s.val == 50);
  BOOST_TEST(s.test == 50);
  const SplitSizes t = split_sizes(10);
  BOOST_TEST(t.train == 8);
  BOOST_TEST(t.val == 1);
  BOOST_TEST(t.test == 1);
  BOOST_TEST(split_sizes(1).train + split_sizes(1).val + split_sizes(1).test == 1);
}

BOOST_AUTO_TEST_CASE(bad_family_names_are_errors) {
  BOOST_CHECK_THROW(parse_lod_families("levels3,bogus"), Error);
  BOOST_CHECK_THROW(parse_lod_families("ms,ms"), Error);
  BOOST_TEST(parse_lod_families("all").size() == 10u);
}

BOOST_AUTO_TEST_CASE(dataset_round_trips) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  LodDatagenSettings s;
  s.coarse_n = 4;
  s.fine_n = 16;
  s.ell = 1;
  s.samples = 10;
  s.families = {"levels2", "ms"};
  s.seed = 7;
  s.output = "datagen_roundtrip.h5";
  s.show_progress = false;
  const LodDatagenResult r = generate_lod_dataset(comm, s);
  BOOST_TEST(r.patches == 2 * 10 * 16);
  BOOST_TEST(!std::filesystem::exists(s.output + ".partial"));

  Hdf5File file(s.output, Hdf5File::Mode::Read, comm);
  const LodDatasetMeta m = LodDatasetMeta::read(file);
  BOOST_TEST(m.input_size == 144);  // ((2*1+1)*4)^2
  BOOST_TEST(m.output_rows == 16);  // (2*1+2)^2
  BOOST_TEST(m.rows(Split::Train) == 2 * 8 * 16);
  BOOST_TEST(m.rows(Split::Val) == 2 * 1 * 16);
  BOOST_TEST(m.rows(Split::Test) == 2 * 1 * 16);
  BOOST_TEST((file.dataset_type("/train/inputs") == Hdf5Type::Float32));

  // Provenance columns: per split, family-major, then sample, then cell.
  std::vector<long long> family(static_cast<size_t>(m.rows(Split::Val))), sample(family.size()), cell(family.size());
  file.read_rows("/val/family", 0, family.size(), family.data());
  file.read_rows("/val/sample", 0, sample.size(), sample.data());
  file.read_rows("/val/cell", 0, cell.size(), cell.data());
  for (size_t k = 0; k < family.size(); ++k) {
    BOOST_TEST(family[k] == static_cast<long long>(k / 16));
    BOOST_TEST(sample[k] == 8);
    BOOST_TEST(cell[k] == static_cast<long long>(k % 16));
  }
  std::vector<long long> seeds(20);
  file.read_rows("/seeds", 0, 2, seeds.data());

  // Every row of some samples in each split against a direct computation on one rank.
  const CoarseMesh mesh(s.coarse_n, s.fine_n);
  LodSettings ls;
  ls.ell = s.ell;
  PgLod lod(PETSC_COMM_SELF, mesh, ls);
  double worst_in = 0, worst_out = 0;
  for (int f = 0; f < 2; ++f) {
    for (int i : {0, 7, 8, 9}) {
      BOOST_TEST(seeds[static_cast<size_t>(f * 10 + i)] == static_cast<long long>(sample_seed(7, f, i)));
      const auto a = make_coefficient(lod_family_options(s.families[static_cast<size_t>(f)], sample_seed(7, f, i),
                                                         s.alpha, s.beta), PETSC_COMM_SELF);
      lod.compute(*a);
      const Split split = i < 8 ? Split::Train : i < 9 ? Split::Val : Split::Test;
      const hsize_t first = static_cast<hsize_t>(m.first_row(f, i));
      std::vector<double> in(16 * 144), out(16 * 64);
      file.read_rows(lod_dataset_path(split, "inputs"), first, 16, in.data());
      file.read_rows(lod_dataset_path(split, "outputs"), first, 16, out.data());
      for (const auto& p : lod.local_patches()) {
        const size_t c = static_cast<size_t>(p.patch.T_J * s.coarse_n + p.patch.T_I);
        const auto R = extract_patch_coefficient(*a, mesh, p.patch.T_I, p.patch.T_J, s.ell);
        const auto S = extend_local_matrix(p, s.ell);
        double scale = 0;
        for (double v : S) scale = std::max(scale, std::abs(v));
        for (size_t k = 0; k < R.size(); ++k) worst_in = std::max(worst_in, std::abs(R[k] - in[c * 144 + k]) / 5.0);
        for (size_t k = 0; k < S.size(); ++k) worst_out = std::max(worst_out, std::abs(S[k] - out[c * 64 + k]) / scale);
      }
    }
  }
  BOOST_TEST_MESSAGE("round trip: inputs " << worst_in << ", outputs " << worst_out << " (float32)");
  BOOST_TEST(worst_in < 1e-6);
  BOOST_TEST(worst_out < 1e-6);
}

BOOST_AUTO_TEST_CASE(float64_is_exact_and_sizes_are_validated) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  LodDatagenSettings s;
  s.coarse_n = 4;
  s.fine_n = 8;
  s.ell = 1;
  s.samples = 2;
  s.families = {"ms"};
  s.float64 = true;
  s.output = "datagen_f64.h5";
  s.show_progress = false;
  generate_lod_dataset(comm, s);
  Hdf5File file(s.output, Hdf5File::Mode::Read, comm);
  BOOST_TEST((file.dataset_type("/test/outputs") == Hdf5Type::Float64));
  const LodDatasetMeta m = LodDatasetMeta::read(file);
  BOOST_TEST(m.rows(Split::Train) == 16);  // split_sizes(2) = 1/0/1
  BOOST_TEST(m.rows(Split::Val) == 0);
  BOOST_TEST(m.rows(Split::Test) == 16);
  std::vector<double> row(64);
  BOOST_CHECK_THROW(file.read_rows("/test/outputs", 16, 1, row.data()), Error);
}

BOOST_AUTO_TEST_CASE(online_path_with_exact_local_matrices_reproduces_S_A) {
  // The neural online path S^_A = sum_T Phi_T(Psi(R_T(A))) with Psi replaced by the exact
  // extended S_T gives exactly the PG-LOD matrix S_A (2 ranks).
  const MPI_Comm comm = PETSC_COMM_WORLD;
  const CoarseMesh mesh(8, 32);
  CoefficientOptions o;
  o.family = "ms";
  o.seed = 5;
  const auto a = make_coefficient(o, comm);
  LodSettings ls;
  ls.ell = 2;
  PgLod lod(comm, mesh, ls);
  lod.compute(*a);
  const auto inputs = extract_patch_rows(comm, *a, mesh, 2);
  BOOST_TEST(inputs.size() == lod.local_patches().size() * static_cast<size_t>(extended_patch_cells(mesh, 2)));
  // The gathered rows are R_T(A) of every local cell (interior, edge and corner patches).
  const size_t width = static_cast<size_t>(extended_patch_cells(mesh, 2));
  float worst = 0;
  for (size_t k = 0; k < lod.local_patches().size(); ++k) {
    const Patch& p = lod.local_patches()[k].patch;
    const auto R = extract_patch_coefficient(*a, mesh, p.T_I, p.T_J, 2);
    for (size_t v = 0; v < width; ++v) worst = std::max(worst, std::abs(inputs[k * width + v] - static_cast<float>(R[v])));
  }
  BOOST_TEST(worst == 0.0f);
  std::vector<double> rows;
  for (const auto& p : lod.local_patches()) {
    const auto S = extend_local_matrix(p, 2);
    rows.insert(rows.end(), S.begin(), S.end());
  }
  OwnedMat online = assemble_from_extended(comm, mesh, 2, rows), direct = lod.stiffness();
  NH_PETSC(MatAXPY(online, -1.0, direct, DIFFERENT_NONZERO_PATTERN));
  PetscReal diff = 0, scale = 0;
  NH_PETSC(MatNorm(online, NORM_FROBENIUS, &diff));
  NH_PETSC(MatNorm(direct, NORM_FROBENIUS, &scale));
  BOOST_TEST_MESSAGE("online path with exact S_T: ||S^_A - S_A||_F / ||S_A||_F = " << diff / scale);
  BOOST_TEST(diff <= 1e-14 * scale);

  // Exact local matrices have zero row sums (sum_j lambda_j = 1 on T; its gradient and its
  // corrector vanish), so compress-eval's -zero_row_sums projection leaves them unchanged
  // up to the corrector solves' round-off.
  std::vector<double> projected = rows;
  project_zero_row_sums(projected);
  double change = 0, largest = 0;
  for (size_t k = 0; k < rows.size(); ++k) {
    change = std::max(change, std::abs(projected[k] - rows[k]));
    largest = std::max(largest, std::abs(rows[k]));
  }
  BOOST_TEST_MESSAGE("zero-row-sum projection of exact S_T: max change " << change << " (max entry " << largest << ")");
  BOOST_TEST(change <= 1e-10 * largest);
}

BOOST_AUTO_TEST_CASE(job_array_parts_merge_into_the_single_run_file) {
  // lod-datagen -family_index K for K = 0, 1, 2 (as SLURM array tasks would) and lod-merge
  // (inputs in any order) give exactly the datasets of one run over the three families.
  const MPI_Comm comm = PETSC_COMM_WORLD;
  LodDatagenSettings s;
  s.coarse_n = 4;
  s.fine_n = 8;
  s.ell = 1;
  s.samples = 10;
  s.seed = 5;
  s.families = {"levels0", "levels2", "ms"};
  s.show_progress = false;
  s.output = "lod_full.h5";
  generate_lod_dataset(comm, s);
  std::vector<std::string> parts;
  for (int k : {2, 0, 1}) {
    s.family_index = k;
    s.output = "lod_part" + std::to_string(k) + ".h5";
    generate_lod_dataset(comm, s);
    parts.push_back(s.output);
  }
  const LodDatasetMeta merged = merge_lod_datasets(comm, parts, "lod_merged.h5");
  BOOST_TEST(merged.families == s.families);
  Hdf5File a("lod_full.h5", Hdf5File::Mode::Read, comm), b("lod_merged.h5", Hdf5File::Mode::Read, comm);
  const LodDatasetMeta ma = LodDatasetMeta::read(a), mb = LodDatasetMeta::read(b);
  BOOST_TEST(mb.family_offset == 0);
  BOOST_TEST(ma.rows(Split::Train) == mb.rows(Split::Train));
  auto same = [&](const std::string& name, hsize_t rows, hsize_t cols) {
    std::vector<double> x(rows * cols), y(rows * cols);
    a.read_rows(name, 0, rows, x.data());
    b.read_rows(name, 0, rows, y.data());
    return x == y;
  };
  for (Split split : {Split::Train, Split::Val, Split::Test}) {
    const hsize_t rows = static_cast<hsize_t>(ma.rows(split));
    BOOST_TEST(same(lod_dataset_path(split, "inputs"), rows, static_cast<hsize_t>(ma.input_size)));
    BOOST_TEST(same(lod_dataset_path(split, "outputs"), rows, static_cast<hsize_t>(ma.output_size())));
    for (const char* what : {"family", "sample", "cell"}) {
      std::vector<long long> x(rows), y(rows);
      a.read_rows(lod_dataset_path(split, what), 0, rows, x.data());
      b.read_rows(lod_dataset_path(split, what), 0, rows, y.data());
      BOOST_TEST((x == y), what);
    }
  }
  BOOST_TEST(same("/seeds", 3, 10));
  // Parts that do not cover consecutive families, or of another setting, are refused.
  BOOST_CHECK_THROW(merge_lod_datasets(comm, {"lod_part0.h5", "lod_part2.h5"}, "lod_bad.h5"), Error);
  s.family_index = 1;
  s.samples = 20;
  s.output = "lod_part1_other.h5";
  generate_lod_dataset(comm, s);
  try {
    merge_lod_datasets(comm, {"lod_part0.h5", "lod_part1_other.h5", "lod_part2.h5"}, "lod_bad.h5");
    BOOST_ERROR("no error for parts of different settings");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("has another setting") != std::string::npos);
  }
  BOOST_TEST(!std::filesystem::exists("lod_bad.h5"));
}

BOOST_AUTO_TEST_CASE(coarse_q1_l2_norm_is_exact_for_q1_functions) {
  // ||1||_L2 = 1, ||x||_L2 = 1/sqrt(3), ||x y||_L2 = 1/3 on the unit square (Q1 functions: exact)
  const int n = 5;
  std::vector<double> one, x, xy;
  for (int j = 0; j <= n; ++j)
    for (int i = 0; i <= n; ++i) {
      one.push_back(1.0);
      x.push_back(static_cast<double>(i) / n);
      xy.push_back(static_cast<double>(i) * j / (n * n));
    }
  BOOST_TEST(std::abs(coarse_q1_l2_norm(one, n) - 1.0) < 1e-14);
  BOOST_TEST(std::abs(coarse_q1_l2_norm(x, n) - 1 / std::sqrt(3.0)) < 1e-14);
  BOOST_TEST(std::abs(coarse_q1_l2_norm(xy, n) - 1.0 / 3) < 1e-14);
  BOOST_CHECK_THROW(coarse_q1_l2_norm(x, n + 1), Error);
}

BOOST_AUTO_TEST_CASE(box_dataset_in_3d_round_trips_and_reassembles_S_A) {
  // lod-datagen on a 3D box (issue 30) on 2 ranks: 3 x 2 x 2 coarse cells, h/H = 1/4, box
  // 1.5 x 1 x 1 with Neumann faces x+ and z-, ell = 1. The file records the box setting; every
  // row of a sample equals R_T and the extended S_T computed directly on one rank with the other
  // patch solver; and the rows of the nodes inside D (box_extended_global_node) assemble the same
  // S_A as the clipped patches (box_patch_global_nodes): the extension loses nothing.
  const MPI_Comm comm = PETSC_COMM_WORLD;
  LodDatagenSettings s;
  LodDatagenBox b;
  b.fine = BoxShape::parse(3, "12,8,8", "1.5,1,1");
  b.ratio = 4;
  b.bc = BoxBoundary::parse(3, "D,N,D,D,N,D");
  s.box = b;
  s.ell = 1;
  s.samples = 2;
  s.families = {"levels1", "ms"};
  s.seed = 3;
  s.float64 = true;
  s.patch_solver = default_box_patch_solver(3, true);
  s.output = "datagen_box3d.h5";
  s.show_progress = false;
  const LodDatagenResult r = generate_lod_dataset(comm, s);
  BOOST_TEST(r.patches == 2 * 2 * 12);
  Hdf5File file(s.output, Hdf5File::Mode::Read, comm);
  const LodDatasetMeta m = LodDatasetMeta::read(file);
  BOOST_TEST(m.dim == 3);
  BOOST_TEST((m.coarse_cells == std::vector<int>{3, 2, 2}));
  BOOST_TEST((m.fine_cells == std::vector<int>{12, 8, 8}));
  BOOST_TEST(m.box == "1.5,1,1");
  BOOST_TEST(m.bc == "D,N,D,D,N,D");
  BOOST_TEST(!m.unit_square());
  BOOST_TEST(m.input_size == 1728);  // ((2 + 1) 4)^3
  BOOST_TEST(m.output_rows == 64);   // 4^3
  BOOST_TEST(m.output_cols == 8);
  BOOST_TEST(m.rows(Split::Test) == 2 * 12);

  const BoxCoarseMesh mesh(b.fine, b.ratio, b.bc);
  BoxPatchCorrector corrector(mesh, s.patch_solver == "kkt" ? "petsc" : "kkt");
  const auto field = make_box_coefficient(lod_family_options("ms", sample_seed(3, 1, 1), s.alpha, s.beta), 3, PETSC_COMM_SELF);
  const hsize_t first = static_cast<hsize_t>(m.first_row(1, 1));  // ms, sample 1 (test)
  std::vector<double> in(12 * 1728), out(12 * 512);
  std::vector<long long> cell(12);
  file.read_rows("/test/inputs", first, 12, in.data());
  file.read_rows("/test/outputs", first, 12, out.data());
  file.read_rows("/test/cell", first, 12, cell.data());
  const long N = mesh.num_nodes();
  std::vector<double> from_rows(static_cast<size_t>(N * N), 0.0), from_patches(static_cast<size_t>(N * N), 0.0);
  double worst_in = 0, worst_out = 0, scale = 0;
  for (long t = 0; t < 12; ++t) {
    BOOST_TEST(cell[static_cast<size_t>(t)] == t);
    const Index3 T = mesh.cell_of(t);
    const BoxPatchMatrices p = corrector.compute(make_box_patch(mesh, T, 1), *field, false);
    const auto R = extract_box_patch_coefficient(*field, mesh, T, 1);
    const auto S = extend_box_local_matrix(p, mesh, 1);
    for (size_t k = 0; k < R.size(); ++k) worst_in = std::max(worst_in, std::abs(R[k] - in[static_cast<size_t>(t) * 1728 + k]));
    for (size_t k = 0; k < S.size(); ++k) {
      worst_out = std::max(worst_out, std::abs(S[k] - out[static_cast<size_t>(t) * 512 + k]));
      scale = std::max(scale, std::abs(S[k]));
    }
    long corners[8];
    for (int j = 0; j < 8; ++j) corners[j] = mesh.node_index({T[0] + (j & 1), T[1] + ((j >> 1) & 1), T[2] + ((j >> 2) & 1)});
    const std::vector<long> nodes = box_patch_global_nodes(mesh, p.patch);
    for (size_t i = 0; i < nodes.size(); ++i)
      for (int j = 0; j < 8; ++j) from_patches[static_cast<size_t>(nodes[i] * N + corners[j])] += p.S[i * 8 + static_cast<size_t>(j)];
    for (long q = 0; q < 64; ++q) {
      const long g = box_extended_global_node(mesh, T, 1, q);
      for (int j = 0; j < 8; ++j) {
        const double v = out[static_cast<size_t>((t * 64 + q) * 8 + j)];
        if (g >= 0) from_rows[static_cast<size_t>(g * N + corners[j])] += v;
        else BOOST_TEST_REQUIRE(v == 0.0);  // rows of nodes outside D are zero
      }
    }
  }
  double diff = 0;
  for (size_t k = 0; k < from_rows.size(); ++k) diff = std::max(diff, std::abs(from_rows[k] - from_patches[k]));
  BOOST_TEST_MESSAGE("3D box rows: inputs " << worst_in << ", S_T " << worst_out / scale << " (other patch solver), S_A " << diff / scale);
  BOOST_TEST(worst_in == 0.0);
  BOOST_TEST(worst_out < 1e-10 * scale);
  BOOST_TEST(diff < 1e-10 * scale);
  // The unit-square training checks and compress-eval do not take such files: see test_compression_cli.sh.
}
