// PG-LOD on boxes in 2D and 3D (lod/box_lod.hpp): the 2D box path against the unit-square
// PG-LOD of lod/pglod.hpp, the correctors' constraint, ideal patches give a symmetric S_A,
// the error against the fine solution below coarse FEM and decreasing in H, a rotated box
// gives the rotated solution, 1 vs all ranks, boundary data and the parabolic problem.
#define BOOST_TEST_MODULE box_lod
#include <boost/test/unit_test.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "neurhom/coef/box_field.hpp"
#include "neurhom/coef/random.hpp"
#include "neurhom/core/blas_threads.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/lod/box_lod.hpp"
#include "neurhom/lod/lod_study.hpp"
#include "neurhom/patch/shape_cache.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

namespace {

// a rough field a in [1, 20] per fine cell, optionally with x and y swapped
class ConstantField final : public BoxCellField {
 public:
  double value(const CellIndex3&, const CellIndex3&) const override { return 1.0; }
  std::string describe() const override { return "1"; }
};

class RoughField final : public BoxCellField {
 public:
  explicit RoughField(bool swap_xy = false) : swap_(swap_xy) {}
  double value(const CellIndex3& c, const CellIndex3& n) const override {
    const long x = swap_ ? c[1] : c[0], y = swap_ ? c[0] : c[1], nx = swap_ ? n[1] : n[0];
    return 1.0 + 19.0 * counter_uniform(5, 0, static_cast<std::uint64_t>((c[2] * 1000 + y) * nx + x));
  }
  std::string describe() const override { return "rough"; }

 private:
  bool swap_;
};

BoxLodResult run(MPI_Comm comm, const std::string& cells, const std::string& box, const std::string& bc, int ratio, int ell,
                 const BoxCellField& a, const std::vector<double>& face_values = {}, const std::string& source = "one",
                 int steps = 0, double final_time = 1.0) {
  const int dim = static_cast<int>(std::count(cells.begin(), cells.end(), ',')) + 1;
  BoxLodSettings s;
  s.ratio = ratio;
  s.ell = ell;
  s.face_values = face_values;
  s.steps = steps;
  s.final_time = final_time;
  s.progress = false;
  const auto f = make_source(source, 1);
  return compare_box_lod_with_fine(comm, BoxShape::parse(dim, cells, box), BoxBoundary::parse(dim, bc), a, *f, s);
}

// the field of the square-vs-box comparisons: levels8, seed 21
CoefficientOptions square_levels8() {
  CoefficientOptions o;
  o.family = "levels";
  o.level = 8;
  o.seed = 21;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(square_box_matches_the_unit_square_pglod) {
  const CoefficientOptions o = square_levels8();
  const auto square = make_coefficient(o, PETSC_COMM_WORLD);
  const StructuredGrid grid(PETSC_COMM_WORLD, 64);
  LodSettings ls;
  ls.ell = 2;
  const auto f = make_source("one", 1);
  const LodComparison reference = compare_lod_with_fine(grid, CoarseMesh(8, 64), *square, *f, ls, LodProblem());
  const BoxLodResult box = run(PETSC_COMM_WORLD, "64,64", "1,1", "D,D,D,D", 8, 2, *make_box_coefficient(o, 2, PETSC_COMM_WORLD));
  BOOST_TEST_MESSAGE("square " << reference.l2_error_vs_fine << ", box " << box.l2_error_vs_fine);
  BOOST_TEST(std::abs(box.l2_error_vs_fine - reference.l2_error_vs_fine) < 1e-9 * reference.l2_error_vs_fine);
}

BOOST_AUTO_TEST_CASE(correctors_satisfy_the_constraint_on_interior_dirichlet_and_neumann_patches) {
  const BoxShape fine = BoxShape::parse(3, "12,12,12", "1,1,1");
  const BoxCoarseMesh mesh(fine, 4, BoxBoundary::parse(3, "D,N,N,D,N,N"));
  BoxPatchCorrector corrector(mesh);
  const RoughField a;
  for (const Index3 T : {Index3{0, 0, 0}, Index3{1, 1, 1}, Index3{2, 0, 2}, Index3{2, 2, 1}}) {
    const BoxPatchMatrices m = corrector.compute(make_box_patch(mesh, T, 1), a, true);
    BOOST_TEST(m.correctors.size() == 8u);
    BOOST_TEST(m.max_constraint_residual < 1e-11);
    double qmax = 0;
    for (const auto& q : m.correctors)
      for (double v : q) qmax = std::max(qmax, std::abs(v));
    BOOST_TEST(qmax > 1e-3);  // a genuine correction
  }
}

BOOST_AUTO_TEST_CASE(the_kkt_patch_solver_equals_the_schur_complement_path) {
  // patch_kkt.hpp: [A C'; C 0] factored at once must give the same correctors and S_T as the
  // factor of A with Y = A^{-1} C' (ConstrainedSolve), on interior, Dirichlet and Neumann
  // patches, also when a shape's factorization is reused (T = (1,1,1) and (2,1,1) share a shape
  // on 5^3 cells with ell = 1, and (1,1,1) is computed twice)
  const BoxShape fine = BoxShape::parse(3, "15,15,15", "1,1,1");
  const BoxCoarseMesh mesh(fine, 3, BoxBoundary::parse(3, "D,N,D,D,N,D"));
  BoxPatchCorrector schur(mesh, "petsc"), kkt(mesh, "kkt");
  const RoughField a;
  for (const Index3 T : {Index3{1, 1, 1}, Index3{2, 1, 1}, Index3{0, 0, 0}, Index3{4, 2, 1}, Index3{1, 1, 1}}) {
    const BoxPatch patch = make_box_patch(mesh, T, 1);
    const BoxPatchMatrices ms = schur.compute(patch, a, true), mk = kkt.compute(patch, a, true);
    BOOST_TEST(mk.max_constraint_residual < 1e-11);
    double smax = 0, sdiff = 0, qmax = 0, qdiff = 0;
    for (size_t i = 0; i < ms.S.size(); ++i) {
      smax = std::max(smax, std::abs(ms.S[i]));
      sdiff = std::max(sdiff, std::abs(ms.S[i] - mk.S[i]));
    }
    for (size_t j = 0; j < ms.correctors.size(); ++j)
      for (size_t x = 0; x < ms.correctors[j].size(); ++x) {
        qmax = std::max(qmax, std::abs(ms.correctors[j][x]));
        qdiff = std::max(qdiff, std::abs(ms.correctors[j][x] - mk.correctors[j][x]));
      }
    BOOST_TEST_MESSAGE("T = (" << T[0] << "," << T[1] << "," << T[2] << "): |S_kkt - S| / |S| = " << sdiff / smax
                               << ", |q_kkt - q| / |q| = " << qdiff / qmax);
    BOOST_TEST(sdiff < 1e-10 * smax);
    BOOST_TEST(qdiff < 1e-10 * qmax);
  }
  BOOST_TEST(kkt.constraint_seconds() == 0.0);  // the Schur complement is part of the factorization
}

BOOST_AUTO_TEST_CASE(the_shape_cache_keeps_the_most_recently_used_shapes) {
  ShapeCache<std::vector<int>> cache(2);
  cache.get("a").push_back(1);
  cache.get("b").push_back(2);
  BOOST_TEST(cache.get("a").size() == 1u);  // kept; "a" is now the most recent
  cache.get("c");                            // evicts "b"
  BOOST_TEST(cache.size() == 2u);
  BOOST_TEST(cache.get("a").size() == 1u);
  BOOST_TEST(cache.get("b").empty());  // created afresh
  BOOST_TEST(cache.get("a").size() == 1u);
  BOOST_TEST(cache.get("c").empty());  // "c" had been evicted by "b"
}

BOOST_AUTO_TEST_CASE(the_patch_solvers_run_one_blas_thread_per_rank_unless_told) {
  // core/blas_threads.hpp: OpenBLAS (OpenMP build) under PETSc's direct solvers
  using GetThreads = int (*)();
  auto* get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
  if (!get) {
    BOOST_TEST_MESSAGE("no OpenMP runtime loaded: nothing to set");
    return;
  }
  const char* saved = std::getenv("OMP_NUM_THREADS");
  const std::string saved_value = saved ? saved : "";
  unsetenv("OMP_NUM_THREADS");
  unsetenv("OPENBLAS_NUM_THREADS");
  set_blas_threads(3);
  BOOST_TEST(get() == 3);
  default_blas_threads();
  BOOST_TEST(get() == 1);
  setenv("OMP_NUM_THREADS", "3", 1);  // the user's choice stays
  set_blas_threads(3);
  default_blas_threads();
  BOOST_TEST(get() == 3);
  if (saved)
    setenv("OMP_NUM_THREADS", saved_value.c_str(), 1);
  else
    unsetenv("OMP_NUM_THREADS");
  set_blas_threads(1);
}

BOOST_AUTO_TEST_CASE(ideal_patches_give_a_symmetric_matrix_and_lod_beats_coarse_fem_in_3d) {
  const RoughField a;
  // ell = 2 on 2 x 2 x 2 coarse cells: every patch is the whole domain (Galerkin = PG)
  const BoxLodResult ideal = run(PETSC_COMM_WORLD, "8,8,8", "1,1,1", "D,D,D,D,D,D", 4, 2, a);
  BOOST_TEST(ideal.asymmetry < 1e-12);
  const BoxLodResult h2 = run(PETSC_COMM_WORLD, "8,8,8", "1,1,1", "D,D,N,N,D,D", 4, 1, a);
  const BoxLodResult h4 = run(PETSC_COMM_WORLD, "16,16,16", "1,1,1", "D,D,N,N,D,D", 4, 1, a);
  BOOST_TEST_MESSAGE("3D: H = 1/2 " << h2.l2_error_vs_fine << " (coarse FEM " << h2.l2_error_coarse_fem << "), H = 1/4 "
                                    << h4.l2_error_vs_fine << " (coarse FEM " << h4.l2_error_coarse_fem << ")");
  BOOST_TEST(h4.l2_error_vs_fine < 0.6 * h2.l2_error_vs_fine);
  BOOST_TEST(h4.l2_error_vs_fine < h4.l2_error_coarse_fem);
  BOOST_TEST(h4.asymmetry > 1e-6);  // localized patches: Petrov-Galerkin, not symmetric
}

BOOST_AUTO_TEST_CASE(a_rotated_box_gives_the_rotated_solution) {
  // (0,1) x (0,2) x (0,1) with a(x, y, z) against (0,2) x (0,1) x (0,1) with a(y, x, z): the
  // coarse solutions are the same up to swapping x and y, and so are the errors
  const BoxLodResult a = run(PETSC_COMM_WORLD, "8,16,8", "1,2,1", "D,N,D,D,N,D", 4, 1, RoughField(false));
  const BoxLodResult b = run(PETSC_COMM_WORLD, "16,8,8", "2,1,1", "D,D,D,N,N,D", 4, 1, RoughField(true));
  BOOST_TEST(std::abs(a.l2_error_vs_fine - b.l2_error_vs_fine) < 1e-9 * a.l2_error_vs_fine);
  // node (i, j, k) of a = node (j, i, k) of b; a has 3 x 5 x 3 coarse nodes
  double diff = 0, norm = 0;
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 5; ++j)
      for (int i = 0; i < 3; ++i) {
        const double va = a.coarse_solution[static_cast<size_t>((k * 5 + j) * 3 + i)];
        const double vb = b.coarse_solution[static_cast<size_t>((k * 3 + i) * 5 + j)];
        diff = std::max(diff, std::abs(va - vb));
        norm = std::max(norm, std::abs(va));
      }
  BOOST_TEST(norm > 0.0);
  BOOST_TEST(diff < 1e-10 * norm);
}

BOOST_AUTO_TEST_CASE(one_rank_and_all_ranks_agree) {
  const RoughField a;
  const BoxLodResult all = run(PETSC_COMM_WORLD, "12,8,8", "1.5,1,1", "D,D,N,D,D,N", 4, 1, a);
  const BoxLodResult one = run(PETSC_COMM_SELF, "12,8,8", "1.5,1,1", "D,D,N,D,D,N", 4, 1, a);
  BOOST_REQUIRE(all.coarse_solution.size() == one.coarse_solution.size());
  double diff = 0, norm = 0;
  for (size_t i = 0; i < all.coarse_solution.size(); ++i) {
    diff = std::max(diff, std::abs(all.coarse_solution[i] - one.coarse_solution[i]));
    norm = std::max(norm, std::abs(one.coarse_solution[i]));
  }
  BOOST_TEST(diff < 1e-11 * norm);
  BOOST_TEST(all.patches == one.patches);
}

BOOST_AUTO_TEST_CASE(fine_cells_must_be_multiples_of_the_ratio) {
  const BoxShape bad = BoxShape::parse(3, "8,8,6", "1,1,1");
  BOOST_CHECK_THROW(BoxCoarseMesh(bad, 4, BoxBoundary::all_dirichlet(3)), Error);
}

BOOST_AUTO_TEST_CASE(boundary_data_dirichlet_lifting_is_exact_and_neumann_fluxes_converge) {
  // -bc_values on a 1.5 x 1 x 1 box, f = 0, 2 ranks. Dirichlet data u = 1 on x-, 3 on x+
  // (other faces N, flux 0), a = 1: the solution 1 + 2 x / 1.5 is a coarse Q1 function, and with
  // patches covering the domain PG-LOD returns it to the fine solver's tolerance (the lifting
  // (1 - C) G carries the data). With the rough field and f = 0 the ideal method is exact too
  // (u_h lies in the lifting + V_ms), so PG-LOD's u_H is far below coarse FEM.
  const ConstantField one;
  const BoxLodResult lin = run(PETSC_COMM_WORLD, "12,8,8", "1.5,1,1", "D,D,N,N,N,N", 4, 3, one, {1, 3, 0, 0, 0, 0}, "zero");
  const BoxLodResult rough = run(PETSC_COMM_WORLD, "12,8,8", "1.5,1,1", "D,D,N,N,N,N", 4, 3, RoughField(), {1, 3, 0, 0, 0, 0}, "zero");
  // Neumann flux 2 on x+ with u = 1 on x-: u = 1 + 2 x. The ideal method misses the boundary
  // data's own corrector (F(w) = int_{x+} 2 w != 0 for w in ker I_H): not exact, but converging in H.
  // (in 2D, where the same code runs at a fraction of the cost: H = 1/4 and 1/8 in y)
  const BoxLodResult n2 = run(PETSC_COMM_WORLD, "48,32", "1.5,1", "D,N,N,N", 8, 3, one, {1, 2, 0, 0}, "zero");
  const BoxLodResult n4 = run(PETSC_COMM_WORLD, "48,32", "1.5,1", "D,N,N,N", 4, 3, one, {1, 2, 0, 0}, "zero");
  BOOST_TEST_MESSAGE("boundary data: linear " << lin.l2_error_vs_fine << ", rough " << rough.l2_error_vs_fine << " (coarse FEM "
                                              << rough.l2_error_coarse_fem << "), Neumann H = 1/4 " << n2.l2_error_vs_fine
                                              << ", H = 1/8 " << n4.l2_error_vs_fine);
  BOOST_TEST(lin.l2_error_vs_fine < 1e-8);
  BOOST_TEST(rough.l2_error_vs_fine < 0.5 * rough.l2_error_coarse_fem);
  BOOST_TEST(n2.l2_error_vs_fine < 0.05);
  BOOST_TEST(n4.l2_error_vs_fine < 0.5 * n2.l2_error_vs_fine);
  const double x_plus = n4.coarse_solution[12];  // node (12, 0): x = 1.5, u = 4
  BOOST_TEST(std::abs(x_plus - 4.0) < 0.1);  // 4.057 measured
}

BOOST_AUTO_TEST_CASE(parabolic_box_lod_matches_the_square_and_reaches_the_steady_lifting) {
  // -problem parabolic on boxes: backward Euler with M_A and S_A. On the unit square with
  // Dirichlet faces it gives the 2D parabolic PG-LOD's error (pglod.hpp); in 3D it is below
  // coarse FEM; with Dirichlet data (u(0) = 0, 1 on x-, 3 on x+, f = 0, a = 1, global patches)
  // it approaches the linear steady state like the fine solution (transient e^{-pi^2 T / 1.5^2}).
  const CoefficientOptions o = square_levels8();
  const auto square = make_coefficient(o, PETSC_COMM_WORLD);
  const StructuredGrid grid(PETSC_COMM_WORLD, 32);
  LodSettings ls;
  ls.ell = 2;
  LodProblem lp;
  lp.parabolic = true;
  lp.final_time = 0.1;
  lp.steps = 5;
  const auto f = make_source("one", 1);
  const LodComparison reference = compare_lod_with_fine(grid, CoarseMesh(8, 32), *square, *f, ls, lp);
  const BoxLodResult box = run(PETSC_COMM_WORLD, "32,32", "1,1", "D,D,D,D", 4, 2, *make_box_coefficient(o, 2, PETSC_COMM_WORLD), {},
                               "one", 5, 0.1);
  const RoughField rough;
  const BoxLodResult b3 = run(PETSC_COMM_WORLD, "16,16,16", "1,1,1", "D,D,N,N,D,D", 4, 1, rough, {}, "one", 4, 0.05);
  const ConstantField one;
  const BoxLodResult lift = run(PETSC_COMM_WORLD, "12,8,8", "1.5,1,1", "D,D,N,N,N,N", 4, 3, one, {1, 3, 0, 0, 0, 0}, "zero", 20, 2.0);
  BOOST_TEST_MESSAGE("parabolic: square " << reference.l2_error_vs_fine << ", box " << box.l2_error_vs_fine << "; 3D "
                                          << b3.l2_error_vs_fine << " (coarse FEM " << b3.l2_error_coarse_fem << "); lifting at T = 2 "
                                          << lift.l2_error_vs_fine);
  BOOST_TEST(std::abs(box.l2_error_vs_fine - reference.l2_error_vs_fine) < 1e-7 * reference.l2_error_vs_fine);
  BOOST_TEST(b3.l2_error_vs_fine < b3.l2_error_coarse_fem);
  BOOST_TEST(lift.l2_error_vs_fine < 1e-3);
}
