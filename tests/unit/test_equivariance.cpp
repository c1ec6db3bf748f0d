// Exactly D4-equivariant operator-compression surrogates (issue 32): the weight-shared layers
// of nn/equivariant_mlp.hpp, the gconv network, the canonicalized network
// (methods/compression/net/d4_canonical.hpp) and their training with -equivariance.
// Equivariance is checked for every symmetry g on random interior, edge and corner patches
// (the zero extension outside the domain) and on patches with a symmetry (the stabilizer);
// the plain network fails the same check, so the tests can fail.
#define BOOST_TEST_MODULE equivariance
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include "compression_fixture.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/methods/compression/net/compression_training.hpp"
#include "neurhom/methods/compression/net/d4_canonical.hpp"
#include "neurhom/methods/compression/net/d4_symmetry.hpp"
#include "neurhom/nn/equivariant_mlp.hpp"

using namespace neurhom;

BOOST_GLOBAL_FIXTURE(MpiFixture);

namespace {

constexpr int kSide = 6, kNodes = 4, kIn = 36, kOut = 64;

// Interior patches (values in [1, 5]), edge and corner patches (zero extension), and two patches
// with a symmetry: a constant one and one symmetric under the swap of x and y.
torch::Tensor test_patches() {
  torch::manual_seed(21);
  auto x = (1.0 + 4.0 * torch::rand({8, kIn})).contiguous();
  auto view = x.view({8, kSide, kSide});
  view[2].slice(1, 0, 2).zero_();                                   // edge: left columns outside
  view[3].slice(0, 0, 2).zero_();                                   // edge: bottom rows outside
  view[4].slice(1, 0, 2).zero_(), view[4].slice(0, 4, 6).zero_();   // corner
  view[5].slice(1, 4, 6).zero_(), view[5].slice(0, 0, 2).zero_();   // corner
  view[6].fill_(2.5);                                               // constant: stabilizer D4
  view[7].copy_(view[7] + view[7].t());                             // symmetric under the swap
  return x;
}

torch::Tensor transform(const torch::Tensor& rows, const std::vector<std::int64_t>& gather) {
  return rows.index_select(1, torch::tensor(gather, torch::kLong)).contiguous();
}

// max over g, rows of |f(P_g x) - Q_g f(x)| relative to max |f(x)|.
template <class F>
double equivariance_defect(F&& f, const torch::Tensor& x) {
  const torch::Tensor y = f(x);
  double worst = 0;
  for (int g = 0; g < kD4Order; ++g) {
    const torch::Tensor lhs = f(transform(x, d4_cell_gather(g, kSide)));
    const torch::Tensor rhs = transform(y, d4_extended_matrix_gather(g, kNodes));
    worst = std::max(worst, (lhs - rhs).abs().max().item<double>());
  }
  return worst / y.abs().max().item<double>();
}

ScriptedModel export_and_load(Mlp& net, const std::string& equivariance, const std::string& path) {
  CheckpointMeta meta;
  meta.model = "compression";
  meta.attributes = {{"equivariance", equivariance}};
  save_script_module(path, script_mlp(net, meta));
  return load_torchscript(path);
}

torch::Tensor predict(ScriptedModel& model, const torch::Tensor& x) {
  auto y = torch::empty({x.size(0), kOut});
  model.predict(x.contiguous().data_ptr<float>(), x.size(0), y.data_ptr<float>());
  return y;
}

}  // namespace

BOOST_AUTO_TEST_CASE(equivariant_linear_shares_weights_by_orbits) {
  // The cyclic group C4 rotating 8 points (two free orbits of 4) -> the regular representation
  // with 2 channels: W has 8 x 8 / 4 = 16 free entries, the bias 2; W P_k = Q_k W exactly.
  PermutationRep in;
  for (int k = 0; k < 4; ++k) {
    std::vector<std::int64_t> a(8);
    for (int i = 0; i < 8; ++i) a[static_cast<size_t>(i)] = (i / 4) * 4 + (i % 4 + k) % 4;
    in.gathers.push_back(a);
  }
  const PermutationRep hidden = regular_representation(in, 2);
  EquivariantLinear layer(in, hidden);
  BOOST_TEST(layer->weight().size(0) == 8);
  BOOST_TEST(parameter_count(*layer) == 16 + 2);
  torch::manual_seed(3);
  const auto x = torch::randn({5, 8});
  torch::NoGradGuard no_grad;
  const auto y = layer->forward(x);
  for (int k = 0; k < 4; ++k) {
    const auto lhs = layer->forward(transform(x, in.gathers[static_cast<size_t>(k)]));
    BOOST_TEST((lhs - transform(y, hidden.gathers[static_cast<size_t>(k)])).abs().max().item<double>() < 1e-6);
  }
  // Not a group: two rotations without their composition.
  PermutationRep broken;
  broken.gathers = {in.gathers[0], in.gathers[1]};
  BOOST_CHECK_THROW(composition_table(broken), Error);
  broken.gathers = {in.gathers[0], {0, 0, 1, 2, 3, 4, 5, 6}};
  BOOST_CHECK_THROW(EquivariantLinear(broken, broken), Error);
}

BOOST_AUTO_TEST_CASE(gconv_network_and_its_export_are_d4_equivariant) {
  if (mpi_rank(MPI_COMM_WORLD) != 0) return;
  EquivariantMlp net(d4_cell_representation(kSide), d4_matrix_representation(kNodes), std::vector<std::int64_t>{5, 3});
  net->reset_glorot(7);
  torch::NoGradGuard no_grad;
  const auto x = test_patches();
  const double defect = equivariance_defect([&](const torch::Tensor& v) { return net->forward(v); }, x);
  BOOST_TEST_MESSAGE("gconv: equivariance defect " << defect);
  BOOST_TEST(defect < 1e-5);
  // Fewer parameters than the plain MLP of the same widths 36-40-24-64 (about 1/8).
  BOOST_TEST((net->widths() == std::vector<std::int64_t>{kIn, 40, 24, kOut}));
  Mlp plain = net->materialize();
  BOOST_TEST(net->parameter_count() * 5 < plain->parameter_count());
  // The export is a plain MLP computing the same function, still equivariant.
  ScriptedModel model = export_and_load(plain, "gconv", "eq_gconv.pt");
  BOOST_TEST(model.string_attribute("equivariance") == "gconv");
  BOOST_TEST((predict(model, x) - net->forward(x)).abs().max().item<double>() < 1e-5);
  BOOST_TEST(equivariance_defect([&](const torch::Tensor& v) { return predict(model, v); }, x) < 1e-5);
  std::remove("eq_gconv.pt");
}

BOOST_AUTO_TEST_CASE(canonical_surrogate_is_d4_equivariant) {
  if (mpi_rank(MPI_COMM_WORLD) != 0) return;
  torch::manual_seed(5);
  Mlp net(std::vector<std::int64_t>{kIn, 30, kOut});
  ScriptedModel model = export_and_load(net, "canonical", "eq_canonical.pt");
  const auto x = test_patches();
  auto canonical = [&](const torch::Tensor& v) {
    auto y = torch::empty({v.size(0), kOut});
    predict_d4_canonical(model, v.contiguous().data_ptr<float>(), v.size(0), kSide, kNodes, y.data_ptr<float>());
    return y;
  };
  const double defect = equivariance_defect(canonical, x);
  BOOST_TEST_MESSAGE("canonical: equivariance defect " << defect);
  BOOST_TEST(defect < 1e-6);
  // The plain network is far from equivariant (the check can fail).
  BOOST_TEST(equivariance_defect([&](const torch::Tensor& v) { return predict(model, v); }, x) > 1e-3);
  // Every image of a patch has the same canonical form (bitwise) and the stabilizers are right.
  const D4Canonicalizer c(kSide, kNodes);
  for (std::int64_t r = 0; r < x.size(0); ++r) {
    const auto row = x.slice(0, r, r + 1).contiguous();
    const auto choice = c.choose(row.data_ptr<float>());
    const auto reference = transform(row, d4_cell_gather(choice.element, kSide));
    for (int g = 0; g < kD4Order; ++g) {
      const auto image = transform(row, d4_cell_gather(g, kSide));
      const auto other = c.choose(image.data_ptr<float>());
      BOOST_TEST(torch::equal(transform(image, d4_cell_gather(other.element, kSide)), reference));
    }
    const int stabilizer = __builtin_popcount(choice.stabilizer);
    BOOST_TEST(stabilizer == (r == 6 ? 8 : r == 7 ? 2 : 1));
  }
  std::remove("eq_canonical.pt");
}

BOOST_AUTO_TEST_CASE(training_records_each_equivariance) {
  // Two epochs on the synthetic dataset for each construction: the loss falls, the export
  // records the choice, and canonical rows are canonical. Bad combinations are clear errors.
  const MPI_Comm comm = MPI_COMM_WORLD;
  write_synthetic_dataset("eq_data.h5", comm, 10);
  for (const std::string eq : {"none", "canonical", "gconv"}) {
    TrainSettings s;
    s.epochs = 2;
    s.batch = 32;
    s.learning_rate = s.late_rate = 1e-3;
    s.equivariance = eq;
    s.output = "eq_" + eq + "_model.pt";
    s.show_progress = false;
    const TrainResult r = train_compression(comm, "eq_data.h5", s);
    BOOST_TEST(r.history.back().train_loss < r.history.front().train_loss);
    if (mpi_rank(comm) == 0) {
      ScriptedModel model = load_torchscript(s.output);
      BOOST_TEST(model.string_attribute("equivariance") == eq);
      BOOST_TEST(model.widths.front() == kIn);
      BOOST_TEST(model.widths.back() == kOut);
    }
    // Resuming with another construction names both.
    s.resume = true;
    s.equivariance = eq == "none" ? "gconv" : "none";
    try {
      train_compression(comm, "eq_data.h5", s);
      BOOST_ERROR("resume with another -equivariance did not fail");
    } catch (const Error& e) {
      BOOST_TEST(std::string(e.what()).find("trained with -equivariance " + eq) != std::string::npos);
    }
    MPI_Barrier(comm);
    if (mpi_rank(comm) == 0) {
      std::remove(s.output.c_str());
      std::remove(checkpoint_path_for(s.output).c_str());
    }
  }
  TrainSettings bad;
  bad.output = "eq_bad.pt";
  bad.equivariance = "canonical";
  bad.augment = "d4";
  BOOST_CHECK_THROW(train_compression(comm, "eq_data.h5", bad), Error);
  bad.augment = "none";
  bad.equivariance = "rotations";
  BOOST_CHECK_THROW(train_compression(comm, "eq_data.h5", bad), Error);
  MPI_Barrier(comm);
  if (mpi_rank(comm) == 0) std::remove("eq_data.h5");
}
