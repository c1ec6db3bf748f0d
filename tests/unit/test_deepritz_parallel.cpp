// Deep Ritz LOD on 2 ranks: the online solver in an explicit basis (methods/deepritz/online_basis.hpp)
// reproduces the parabolic PG-LOD of `neurhom lod` with a moving coefficient when given the
// element correctors, and the training gives the same bundle on 1 and 2 ranks.
#define BOOST_TEST_MODULE deepritz_parallel
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "neurhom/coef/parametric_coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/deepritz/online_basis.hpp"
#include "neurhom/methods/deepritz/ritz_offline.hpp"
#include "neurhom/lod/pglod.hpp"
#include "neurhom/methods/deepritz/net/ritz_bundle.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

BOOST_AUTO_TEST_CASE(petrov_galerkin_element_basis_reproduces_pglod_parabolic) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  const CoarseMesh mesh(4, 16);
  const StructuredGrid grid(comm, 16);
  const FineSpace space(grid, mesh);
  const ParametricFamily family = make_parametric_family("cont");
  const double T = 1.0;
  const int steps = 4;
  const CoefficientPath path = parameter_path(family, 0.2, 0.8, T);

  LodSettings ls;
  ls.ell = 1;
  ls.with_mass = true;
  ls.keep_correctors = true;
  PgLod reference(comm, mesh, ls);
  const OwnedVec U = reference.solve_parabolic(path, *make_source("one", 1), T, steps);
  OwnedVec coarse_part = grid.create_vector(), corrector = grid.create_vector();
  reference.coarse_to_fine(grid, U, coarse_part);
  reference.corrector_part(grid, U, corrector);
  NH_PETSC(VecAXPY(coarse_part, -1.0, corrector));  // (1 - Q) u_H at T
  const std::vector<double> expected = grid.to_natural(coarse_part);

  PgLod lod(comm, mesh, ls);
  ParabolicBasisLod solver(space, LodForm::PetrovGalerkin, T / steps);
  for (int m = 1; m <= steps; ++m) {
    const auto field = path.at(m * T / steps);
    lod.compute(*field);
    OwnedMat phi = corrected_basis(space, element_corrections(mesh, lod.local_patches()));
    OwnedMat K = space.stiffness(*field);
    solver.step(phi, K);
  }
  const std::vector<double> ours = gather_to_all(solver.state());
  double diff = 0, norm = 0;
  for (size_t k = 0; k < ours.size(); ++k) {
    diff = std::max(diff, std::abs(ours[k] - expected[k]));
    norm = std::max(norm, std::abs(expected[k]));
  }
  BOOST_TEST(norm > 1e-3);
  BOOST_TEST(diff < 1e-10 * norm, "max difference " << diff << " of " << norm);
}

namespace {

struct ScaledField final : CellField {
  ScaledField(const CellField* base, double factor) : base(base), factor(factor) {}
  double value(long i, long j, long n) const override { return factor * (base ? base->value(i, j, n) : 1.0); }
  std::string describe() const override { return "scaled"; }
  const CellField* base;
  double factor;
};

}  // namespace

// c u_t - div(c a grad u) = c f with constant c is u_t - div(a grad u) = f: the heat capacity
// (mass coefficient) enters both M_h(c) and the load; a source f = 3 triples the solution (u0 = 0).
BOOST_AUTO_TEST_CASE(heat_capacity_and_source_enter_mass_and_load) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  const CoarseMesh mesh(4, 16);
  const StructuredGrid grid(comm, 16);
  const ScaledField capacity(nullptr, 2.0);
  const FineSpace plain(grid, mesh), heat(grid, mesh, &capacity, [](double, double) { return 3.0; });
  const ParametricFamily family = make_parametric_family("cont");
  LodSettings ls;
  ls.ell = 1;
  ls.keep_correctors = true;
  PgLod lod(comm, mesh, ls);
  ParabolicBasisLod a(plain, LodForm::Galerkin, 0.25), b(heat, LodForm::Galerkin, 0.25);
  for (int m = 1; m <= 3; ++m) {
    const auto field = family.field(0.1 * m);
    const ScaledField scaled(field.get(), 2.0);
    lod.compute(*field);
    OwnedMat phi = corrected_basis(plain, element_corrections(mesh, lod.local_patches()));
    OwnedMat K = plain.stiffness(*field), K2 = heat.stiffness(scaled);
    a.step(phi, K);
    b.step(phi, K2);
  }
  const std::vector<double> ua = gather_to_all(a.state()), ub = gather_to_all(b.state());
  double diff = 0, norm = 0;
  for (size_t k = 0; k < ua.size(); ++k) {
    diff = std::max(diff, std::abs(ub[k] - 3.0 * ua[k]));
    norm = std::max(norm, std::abs(ua[k]));
  }
  BOOST_TEST(norm > 1e-3);
  BOOST_TEST(diff < 1e-10 * norm, "max difference " << diff << " of " << norm);
}

BOOST_AUTO_TEST_CASE(one_and_two_ranks_train_the_same_bundle) {
  const MPI_Comm comm = PETSC_COMM_WORLD;
  DeepRitzTrainSettings s;
  s.example = deep_ritz_example("cont");
  s.example.coarse_n = 3;
  s.example.fine_n = 9;
  s.example.samples = 2;
  s.train.hidden = {6};
  s.train.steps = 20;
  s.train.threads = 1;
  s.output = "bundle_np2.pt";
  const DeepRitzTrainSummary two = train_deep_ritz(comm, s);
  BOOST_TEST(two.nodes == 4);
  if (mpi_rank(comm) != 0) return;
  s.output = "bundle_np1.pt";
  train_deep_ritz(PETSC_COMM_SELF, s);
  const RitzBundle a = load_ritz_bundle("bundle_np1.pt"), b = load_ritz_bundle("bundle_np2.pt");
  BOOST_TEST(a.nodes == b.nodes);
  for (size_t k = 0; k < a.nodes.size(); ++k) BOOST_TEST(a.parameters[k] == b.parameters[k], "node " << a.nodes[k]);
  BOOST_TEST(b.attribute("ranks") == "2");
}
