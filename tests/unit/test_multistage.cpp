// The multi-stage networks of Chung, Leung, Pun, Zhang 2020: the parameter counts of Table 5,
// the architecture string, stage-wise training that freezes earlier stages bit-identically
// and lowers the test error from stage to stage on a small synthetic dataset, the model file
// round trip, and clear errors for inputs that do not match the data.
#define BOOST_TEST_MODULE multistage
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include <cmath>

#include "neurhom/coef/source.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/methods/multistage/net/affine_baseline.hpp"
#include "neurhom/methods/multistage/net/coarse_l2_errors.hpp"
#include "neurhom/methods/multistage/net/multistage_training.hpp"
#include "neurhom/nn/trainer.hpp"
#include "multistage_fixture.hpp"

using namespace neurhom;

BOOST_GLOBAL_FIXTURE(MpiFixture);

namespace {

MultistageArch paper_arch(int m1, int r1, int r0) {
  MultistageArch a;
  a.m0 = 31;
  a.m1 = m1;
  a.r1 = r1;
  a.outputs = 300;
  a.reductions = {"cem-all", "cem-all"};
  a.r0 = {r0, r0};
  return a;
}

MultistageTrainSettings small_settings(const std::string& output) {
  MultistageTrainSettings s;
  s.problem = "linear";
  s.reductions = {"cem-all", "cem-all"};
  s.m1 = 3;
  s.r1 = 4;
  s.epochs = 30;
  s.batch = 20;
  s.learning_rate = 3e-3;
  s.final_rate = 3e-4;
  s.threads = 1;
  s.output = output;
  s.show_progress = false;
  return s;
}

double paper_cem_xi_for_test(std::uint64_t seed) { return paper_cem_xi(seed)[0]; }

bool throws_with(const std::function<void()>& f, const std::string& text) {
  try {
    f();
  } catch (const Error& e) {
    const bool found = std::string(e.what()).find(text) != std::string::npos;
    if (!found) BOOST_TEST_MESSAGE("message: " << e.what());
    return found;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parameter_counts_equal_table_5) {
  const int m1[] = {30, 25, 20, 15, 10}, r1[] = {10, 12, 15, 20, 30};
  const std::int64_t coupled[] = {235390, 246492, 263235, 291380, 348570};
  const std::int64_t decoupled[] = {199390, 203292, 209235, 219380, 240570};
  for (int v = 0; v < 5; ++v) {
    for (int r0 : {300, 100}) {
      const MultistageArch a = paper_arch(m1[v], r1[v], r0);
      MultistageNet net(a, 1);
      const std::int64_t expected = r0 == 300 ? coupled[v] : decoupled[v];
      BOOST_TEST(parameter_count(*net->stage(1)) == expected);  // a stage with C_k
      BOOST_TEST(multistage_stage_parameters(a, 1) == expected);
      BOOST_TEST(multistage_stage_parameters(a, 0) == expected - 90300);  // stage 1 has no C_1
      BOOST_TEST(parameter_count(*net->stage(0)) == expected - 90300);
    }
  }
}

BOOST_AUTO_TEST_CASE(concatenation_combination_adds_n_squared_per_stage_and_no_skip) {
  MultistageArch a = paper_arch(30, 10, 300);
  a.combine = "concat";
  MultistageNet net(a, 1);
  const std::int64_t n = a.outputs;
  BOOST_TEST(parameter_count(*net->stage(1)) == 235390 + n * n);  // W_C in R^{N x 2N}: 180,300 instead of 90,300
  BOOST_TEST(multistage_stage_parameters(a, 1) == 235390 + n * n);
  BOOST_TEST(parameter_count(*net->stage(0)) == 235390 - 90300);
  // the residual form starts stage 2 at stage 1's prediction; the concatenation does not
  MultistageNet residual(paper_arch(30, 10, 300), 1);
  const auto x = torch::randn({3, 31, 300}, torch::kFloat64);
  torch::NoGradGuard no_grad;
  const auto r = residual->forward_stages({x, x}, 1), c = net->forward_stages({x, x}, 1);
  BOOST_TEST((r[1] - r[0]).abs().max().item<double>() == 0.0);
  BOOST_TEST((c[1] - c[0]).abs().max().item<double>() > 0.0);
  const MultistageArch b = MultistageArch::from_string(a.to_string());
  BOOST_TEST(b.combine == "concat");
  a.combine = "sum";
  BOOST_TEST(throws_with([&] { a.validate(); }, "unknown combination 'sum'"));
}

BOOST_AUTO_TEST_CASE(input_normalization_can_be_switched_off) {
  MultistageArch a = paper_arch(30, 10, 100);
  a.normalize = false;
  BOOST_TEST(MultistageArch::from_string(a.to_string()).normalize == false);
  BOOST_TEST(MultistageArch::from_string(paper_arch(30, 10, 100).to_string()).normalize == true);
  MultistageNet net(a, 1), normalized(paper_arch(30, 10, 100), 1);
  const auto x = 5 + 3 * torch::randn({6, 31, 100}, torch::kFloat64);
  net->stage(0)->set_normalization(x);
  normalized->stage(0)->set_normalization(x);
  torch::NoGradGuard no_grad;
  const auto off = net->forward_stages({x, x}, 0)[0], on = normalized->forward_stages({x, x}, 0)[0];
  BOOST_TEST((off - on).abs().max().item<double>() > 1e-3);  // same weights (seed), different inputs
}

BOOST_AUTO_TEST_CASE(mass_target_basis_measures_the_solution_and_maps_back) {
  MultistageArch a = paper_arch(30, 10, 100);
  a.target_basis = "mass";
  BOOST_TEST(MultistageArch::from_string(a.to_string()).target_basis == "mass");
  MultistageNet net(a, 1);
  torch::manual_seed(5);
  const torch::Tensor b = torch::randn({300, 300}, torch::kFloat64);
  const torch::Tensor gram = b.mm(b.t()) / 300 + torch::eye(300, torch::kFloat64);  // SPD, stands in for R'MR
  net->set_target_map(torch::linalg_cholesky(gram));
  const torch::Tensor c = torch::randn({4, 300}, torch::kFloat64), y = net->to_learned_basis(c);
  // ||y_i||^2 = c_i' (R'MR) c_i: the learned coordinates measure the function R c
  const torch::Tensor quad = (c.mm(gram) * c).sum(1), norms = (y * y).sum(1);
  BOOST_TEST(((quad - norms).abs() / quad).max().item<double>() < 1e-12);
  BOOST_TEST((y.mm(net->named_buffers()["target_map_inverse"]) - c).abs().max().item<double>() < 1e-9);
  a.target_basis = "svd";
  BOOST_TEST(throws_with([&] { a.validate(); }, "unknown target basis 'svd'"));
  BOOST_TEST(throws_with([] { MultistageNet(paper_arch(30, 10, 100), 1)->set_target_map(torch::eye(300)); },
                         "needs target_basis mass"));
}

BOOST_AUTO_TEST_CASE(architecture_string_round_trip) {
  MultistageArch a = paper_arch(25, 12, 100);
  a.reductions = {"cem-mode-1", "pool"};
  const MultistageArch b = MultistageArch::from_string(a.to_string());
  BOOST_TEST(b.to_string() == a.to_string());
  BOOST_TEST(b.m1 == 25);
  BOOST_TEST(b.reductions[1] == "pool");
  BOOST_TEST(throws_with([] { MultistageArch::from_string("kind=time;m1=x"); }, "not an integer"));
  BOOST_TEST(throws_with([] { MultistageArch::from_string("kind=time;m0=31;m1=40;stages=cem-all:300"); }, "-m1"));
}

BOOST_AUTO_TEST_CASE(attention_output_shapes) {
  MultistageArch a = paper_arch(20, 15, 300);
  MultistageNet net(a, 1);
  const auto x = torch::randn({4, 31, 300}, torch::kFloat64);
  const auto out = net->forward_stages({x, x}, 1);
  BOOST_TEST(out.size() == 2u);
  BOOST_TEST((out[1].sizes() == torch::IntArrayRef{4, 300}));
  // C_k starts at zero: stage 2's first prediction is stage 1's.
  BOOST_TEST((out[1] - out[0]).abs().max().item<double>() == 0.0);
}

BOOST_AUTO_TEST_CASE(stages_freeze_earlier_ones_and_lower_the_error) {
  const MPI_Comm comm = MPI_COMM_SELF;
  write_synthetic_cem_dataset("test_multistage.h5", comm);
  MultistageTrainSettings s = small_settings("test_multistage_model.pt");
  s.reductions = {"cem-all"};
  const MultistageTrainResult one = train_multistage(comm, "test_multistage.h5", s);
  MultistageNet first = load_multistage_model(s.output);

  s.reductions = {"cem-all", "cem-all"};
  const MultistageTrainResult two = train_multistage(comm, "test_multistage.h5", s);
  MultistageNet both = load_multistage_model(s.output);
  // Stage 1 of the two-stage run is the one-stage run (same seed), and stage 2 left it untouched.
  const auto p1 = first->stage(0)->parameters(), p2 = both->stage(0)->parameters();
  BOOST_REQUIRE(p1.size() == p2.size());
  for (size_t k = 0; k < p1.size(); ++k) BOOST_TEST(torch::equal(p1[k], p2[k]));
  BOOST_TEST(one.test_errors[0] == two.test_errors[0]);
  BOOST_TEST_MESSAGE("stage errors " << two.test_errors[0] << " -> " << two.test_errors[1] << ", mean predictor "
                                     << two.mean_predictor_error);
  BOOST_TEST(two.test_errors[0] < 0.8 * two.mean_predictor_error);
  BOOST_TEST(two.test_errors[1] < 0.9 * two.test_errors[0]);
  BOOST_TEST(two.stage_parameters[1] == multistage_stage_parameters(two.arch, 1));

  // The model file predicts what the training reported.
  Hdf5File file("test_multistage.h5", Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  const MultistageSplit test = read_multistage_split(file, meta, "linear", s.reductions, 1);
  const auto pred = multistage_predictions(both, test);
  BOOST_TEST(std::abs(mean_relative_l2(pred[1], test.targets) - two.test_errors[1]) < 1e-9);
}

BOOST_AUTO_TEST_CASE(mass_target_basis_learns_and_reports_physical_units) {
  const MPI_Comm comm = MPI_COMM_SELF;
  write_synthetic_cem_dataset("test_multistage_mass.h5", comm);
  MultistageTrainSettings s = small_settings("test_multistage_mass.pt");
  s.reductions = {"cem-all"};
  s.target_basis = "mass";
  s.epochs = 80;
  const MultistageTrainResult r = train_multistage(comm, "test_multistage_mass.h5", s);
  BOOST_TEST_MESSAGE("mass target basis: stage error " << r.test_errors[0] << ", mean predictor " << r.mean_predictor_error);
  BOOST_TEST(r.test_errors[0] < 0.8 * r.mean_predictor_error);  // it learns, measured on the CEM coefficients
  MultistageNet net = load_multistage_model(s.output);
  Hdf5File file("test_multistage_mass.h5", Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  const MultistageSplit test = read_multistage_split(file, meta, "linear", s.reductions, 1);
  BOOST_TEST(std::abs(mean_relative_l2(multistage_predictions(net, test)[0], test.targets) - r.test_errors[0]) < 1e-9);
}

BOOST_AUTO_TEST_CASE(reductions_select_the_right_inputs) {
  const MPI_Comm comm = MPI_COMM_SELF;
  write_synthetic_cem_dataset("test_multistage_red.h5", comm, 8, 4);
  Hdf5File file("test_multistage_red.h5", Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  const MultistageSplit train = read_multistage_split(file, meta, "linear", {"cem-all", "cem-mode-2", "pool"}, 0);
  BOOST_TEST((train.inputs[0].sizes() == torch::IntArrayRef{6, 4, 12}));
  BOOST_TEST((train.inputs[1].sizes() == torch::IntArrayRef{6, 4, 4}));
  BOOST_TEST((train.inputs[2].sizes() == torch::IntArrayRef{6, 4, 4}));
  // cem-mode-2 is basis k = 1 of every cell: projected[b = i L + 1].
  const auto expected = train.inputs[0].view({6, 4, 4, 3}).select(3, 1);
  BOOST_TEST(torch::equal(train.inputs[1], expected));
  BOOST_TEST(multistage_reduction_width(meta, "linear", "cem-all") == 12);
}

BOOST_AUTO_TEST_CASE(learned_reduction_pretrains_and_round_trips) {
  const MPI_Comm comm = MPI_COMM_SELF;
  write_synthetic_cem_dataset("test_multistage_learned.h5", comm, 40, 4);  // fine 8, pool 4, 4 steps
  // F_0 of eq. (5): the first box [0.15, 0.25] x [0.8, 0.9] holds e^{1 + cos t} + xi_1.
  SourceGrid grid;
  grid.fine_n = 20;
  grid.pool = 10;
  grid.steps = 2;
  grid.final_time = 1.0;
  const auto f0 = paper_source_grid({7}, grid);
  const double xi1 = paper_cem_xi_for_test(7);
  BOOST_TEST(std::abs(f0[0][0][17][4].item<double>() - (std::exp(1.0 + std::cos(0.5)) + xi1)) < 1e-5);
  BOOST_TEST(f0[0][1][0][0].item<double>() == 0.0);

  MultistageTrainSettings s = small_settings("test_multistage_learned.pt");
  s.reductions = {"learned", "pool"};
  s.m1 = 2;
  s.epochs = 3;
  s.learned_epochs = 2;
  s.learned_channels = 3;
  s.batch = 10;
  const MultistageTrainResult r = train_multistage(comm, "test_multistage_learned.h5", s);
  BOOST_TEST(r.reduction.history.size() == 2u);
  BOOST_TEST(r.arch.r0[0] == 4);  // N = 2 x 2 coarse cells
  MultistageNet net = load_multistage_model(s.output);
  BOOST_REQUIRE(!net->reducer().is_empty());
  Hdf5File file("test_multistage_learned.h5", Hdf5File::Mode::Read, comm);
  const CemDatasetMeta meta = CemDatasetMeta::read(file);
  MultistageSplit test = read_multistage_split(file, meta, "linear", s.reductions, 1);
  BOOST_TEST(!test.inputs[0].defined());
  complete_learned_inputs(*net, s.reductions, test, source_grid_of(meta));
  BOOST_TEST((test.inputs[0].sizes() == torch::IntArrayRef{10, 4, 4}));
  const auto pred = multistage_predictions(net, test);
  BOOST_TEST(std::abs(mean_relative_l2(pred[1], test.targets) - r.test_errors[1]) < 1e-9);
}

BOOST_AUTO_TEST_CASE(bad_input_gives_clear_errors) {
  const MPI_Comm comm = MPI_COMM_SELF;
  write_synthetic_cem_dataset("test_multistage_bad.h5", comm, 40, 5);
  MultistageTrainSettings s = small_settings("test_multistage_bad.pt");
  s.reductions = {"cem-mode-4"};
  BOOST_TEST(throws_with([&] { train_multistage(comm, "test_multistage_bad.h5", s); }, "cem-mode-4"));
  s.reductions = {"kappa-0"};
  BOOST_TEST(throws_with([&] { train_multistage(comm, "test_multistage_bad.h5", s); }, "does not match the linear data"));
  s.reductions = {"cem-all"};
  s.m1 = 9;  // more tokens than the 5 time steps
  BOOST_TEST(throws_with([&] { train_multistage(comm, "test_multistage_bad.h5", s); }, "-m1"));
  s.m1 = 3;
  s.problem = "nonlinear";
  BOOST_TEST(throws_with([&] { train_multistage(comm, "test_multistage_bad.h5", s); }, "has no nonlinear data"));
  s.problem = "steady";
  BOOST_TEST(throws_with([&] { train_multistage(comm, "test_multistage_bad.h5", s); }, "has no steady data"));
  s.problem = "linear";
  BOOST_TEST(throws_with([&] { train_multistage(comm, "missing.h5", s); }, "missing.h5"));
  BOOST_TEST(throws_with([] { parse_reduction_list("cem-all,pool", 3); }, "-stages 3"));
  BOOST_TEST(parse_reduction_list("pool", 3).size() == 3u);
  BOOST_TEST(throws_with([] { load_multistage_model("test_multistage_bad.h5"); }, "test_multistage_bad.h5"));
  std::remove("test_multistage_bad.pt");
}

BOOST_AUTO_TEST_CASE(affine_baseline_recovers_an_affine_target_to_round_off) {
  torch::manual_seed(3);
  const torch::Tensor xi = torch::rand({40, 5}, torch::kFloat64) - 0.5, w = torch::randn({5, 7}, torch::kFloat64),
                      b = torch::randn({1, 7}, torch::kFloat64);
  const AffineBaseline fit(xi, xi.mm(w) + b);
  const torch::Tensor test = torch::rand({10, 5}, torch::kFloat64) - 0.5, exact = test.mm(w) + b;
  BOOST_TEST((fit.predict(test) - exact).abs().max().item<double>() < 1e-12 * exact.abs().max().item<double>());
  // a nonlinear target is not fitted exactly
  const AffineBaseline square(xi, (xi * xi).sum(1, true));
  BOOST_TEST((square.predict(test) - (test * test).sum(1, true)).abs().max().item<double>() > 1e-3);
  BOOST_CHECK_THROW(AffineBaseline(xi.slice(0, 0, 5), xi.slice(0, 0, 5)), Error);
}

BOOST_AUTO_TEST_CASE(stored_moment_errors_equal_the_direct_fine_computation) {
  // A random "fine space" of 60 nodes, an SPD mass matrix M, a basis R of 8 functions, fine
  // solutions u and coefficient vectors c: eq. (8) and the M-norm error from R'MR, R'Mu, ||u||_M
  // (what a dataset stores) equal sqrt((Rc - u)' M (Rc - u)) / ||u||_M computed on the fine nodes.
  torch::manual_seed(5);
  const torch::Tensor a = torch::randn({60, 60}, torch::kFloat64);
  const torch::Tensor m = a.mm(a.t()) / 60 + torch::eye(60, torch::kFloat64);
  const torch::Tensor r = torch::randn({60, 8}, torch::kFloat64), u = torch::randn({5, 60}, torch::kFloat64);
  const torch::Tensor y = torch::randn({5, 8}, torch::kFloat64), c = y + 0.01 * torch::randn({5, 8}, torch::kFloat64);
  const torch::Tensor g = r.t().mm(m).mm(r), moments = u.mm(m).mm(r);
  const auto m_norm = [&](const torch::Tensor& v) { return (v.mm(m) * v).sum(1).sqrt(); };  // rows of fine vectors
  const torch::Tensor norms = m_norm(u);
  const torch::Tensor direct_l2 = m_norm(c.mm(r.t()) - u) / norms;
  BOOST_TEST((relative_l2_errors(c, g, moments, norms) - direct_l2).abs().max().item<double>() < 1e-12);
  const torch::Tensor direct_mass = m_norm((c - y).mm(r.t())) / m_norm(y.mm(r.t()));
  BOOST_TEST((relative_mass_norm_errors(c, y, g) - direct_mass).abs().max().item<double>() < 1e-12);
  // a target exactly in the span: zero error up to round-off
  const torch::Tensor in_span = y.mm(r.t());
  BOOST_TEST(relative_l2_errors(y, g, in_span.mm(m).mm(r), m_norm(in_span)).abs().max().item<double>() < 1e-6);
  BOOST_CHECK_THROW(relative_l2_errors(c.slice(1, 0, 7), g, moments, norms), Error);
  BOOST_CHECK_THROW(relative_mass_norm_errors(c, y.slice(0, 0, 4), g), Error);
}
