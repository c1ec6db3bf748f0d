// MrCAE (methods/mrcae/net/mrcae.hpp, methods/mrcae/net/mrcae_training.hpp): Appendix A's exact transfer at zero noise,
// O(eps^2) widening, masked groups, the growth of a small example level by level, checkpoint
// round trip, the snapshot dataset, and bad input.
#define BOOST_TEST_MODULE mrcae
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "neurhom/core/error.hpp"
#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/mrcae.hpp"
#include "neurhom/methods/mrcae/net/mrcae_examples.hpp"
#include "neurhom/methods/mrcae/net/mrcae_training.hpp"
#include "neurhom/methods/mrcae/net/conv_autoencoder.hpp"
#include "neurhom/methods/mrcae/net/mrcae_stop_rule.hpp"
#include "mpi_fixture.hpp"

#include <torch/script.h>

using namespace neurhom;

BOOST_GLOBAL_FIXTURE(MpiFixture);

namespace {
double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

SnapshotSet toy_set(int n, int count) {
  SnapshotSet s;
  s.example = "toy1";
  s.size = n;
  s.count = count;
  const torch::Tensor x = mrcae_toy_snapshots(1, n, count).contiguous();
  s.values.assign(x.data_ptr<double>(), x.data_ptr<double>() + x.numel());
  s.split = shuffled_split(count, 3);
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(fresh_level_interpolates_the_coarser_reconstruction_exactly) {
  torch::manual_seed(1);
  MrCae model(31, 3);
  model->deepen(0.0, 1);
  const torch::Tensor x0 = torch::randn({2, 1, 7, 7});
  // level 0 at zero noise: the interpolation of the subsampled input
  BOOST_TEST(max_abs(model->forward(x0) - mrcae_interpolate(mrcae_subsample(x0))) < 1e-6);
  {  // make level 0 non-trivial, then deepen
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(0.1 * torch::randn_like(p));
  }
  model->deepen(0.0, 2);
  const torch::Tensor x1 = torch::randn({2, 1, 15, 15});
  const torch::Tensor expected = mrcae_interpolate(model->forward_level(mrcae_subsample(x1), 0));
  BOOST_TEST(max_abs(model->forward(x1) - expected) < 1e-5);
  BOOST_TEST(model->size_at(1) == 15);
  BOOST_CHECK_THROW(model->forward_level(x0, 1), Error);  // wrong size for level 1
}

// The reference code's deepening init (-deepen_init constant): every convolution weight eps,
// plus 1 at the centre tap; the noise init stays within eps of the identity.
BOOST_AUTO_TEST_CASE(deepening_init_constant_as_the_reference_or_noise) {
  MrCae constant(15, 2), noisy(15, 2);
  constant->deepen(0.01, 1, true);
  noisy->deepen(0.01, 1);
  torch::Tensor expected = torch::full({1, 1, 3, 3}, 0.01);
  expected[0][0][1][1] += 1.0;
  const torch::Tensor wc = constant->named_parameters()["L0_conv_0.weight"], wn = noisy->named_parameters()["L0_conv_0.weight"];
  BOOST_TEST(max_abs(wc - expected) < 1e-7);
  BOOST_TEST(max_abs(wn - expected) < 0.02 + 1e-7);
  BOOST_TEST(max_abs(wn - expected) > 1e-4);  // noise, not the constant
}

BOOST_AUTO_TEST_CASE(widening_changes_the_output_by_eps_squared_and_only_inside_the_mask) {
  torch::manual_seed(2);
  MrCae model(15, 2);
  model->deepen(0.01, 1);
  model->deepen(0.01, 2);
  const torch::Tensor x = torch::randn({3, 1, 15, 15});
  const torch::Tensor before = model->forward(x).detach();
  const double eps = 1e-2;
  torch::Tensor mask = torch::zeros({7, 7});
  mask[3][3] = 1.0;
  model->widen(4, mask, eps, 5);
  const torch::Tensor change = (model->forward(x) - before).detach();
  BOOST_TEST(max_abs(change) > 0.0);
  BOOST_TEST(max_abs(change) < 100 * eps * eps * (1 + max_abs(x)));
  // the group's transposed convolution reaches the fine pixels 2*3 .. 2*3+2 only
  const torch::Tensor g = model->group_output(x, 1, 1).detach();
  BOOST_TEST(max_abs(g.slice(2, 0, 6)) == 0.0);
  BOOST_TEST(max_abs(g.slice(2, 9, 15)) == 0.0);
  BOOST_TEST(max_abs(g.slice(3, 0, 6)) == 0.0);
  BOOST_TEST(max_abs(g.slice(2, 6, 9).slice(3, 6, 9)) > 0.0);
  BOOST_TEST(model->encoding_size() == 3 * 3 + 4 * 1);
}

BOOST_AUTO_TEST_CASE(masks_follow_the_error_and_are_dilated) {
  torch::Tensor data = torch::zeros({2, 1, 15, 15}), rec = torch::zeros({2, 1, 15, 15});
  data[0][0][7][7] = 1.0;  // one bad pixel
  const torch::Tensor summary = mrcae_error_summary(data, rec, 0.5);
  BOOST_TEST(summary.size(0) == 7);
  const torch::Tensor mask = mrcae_mask(summary, 1e-3);
  BOOST_TEST(mask[3][3].item<float>() == 1.0f);
  BOOST_TEST(mask[2][2].item<float>() == 1.0f);  // dilation
  BOOST_TEST(mask[0][0].item<float>() == 0.0f);
  BOOST_TEST(mask.sum().item<float>() <= 16.0f);
}

BOOST_AUTO_TEST_CASE(small_example_error_drops_with_every_level_and_reloads_bit_identically) {
  const SnapshotSet data = toy_set(31, 60);
  MrCaeTrainSettings s;
  s.levels = 3;
  s.tolerances = {1e-3, 1e-3, 1e-3};
  s.channels = {2};
  s.groups = {1};
  s.epochs = std::getenv("MRCAE_EPOCHS") ? std::atoi(std::getenv("MRCAE_EPOCHS")) : 400;
  s.batch = 0;
  s.threads = 1;
  s.verbose = std::getenv("MRCAE_VERBOSE") != nullptr;
  s.output = "mrcae_small.pt";
  const MrCaeTrainResult r = train_mrcae(MPI_COMM_WORLD, data, s);
  std::vector<double> last_per_level(3, -1.0);
  for (const auto& op : r.operations) last_per_level[static_cast<size_t>(op.level)] = op.val_global;
  for (int k = 0; k < 3; ++k) BOOST_TEST_MESSAGE("level " << k << " global validation error " << last_per_level[k]);
  for (const auto& op : r.operations) BOOST_TEST(op.test_global > 0.0);  // the test error after every operation
  BOOST_TEST(last_per_level[1] < last_per_level[0]);
  BOOST_TEST(last_per_level[2] < last_per_level[1]);
  // reload
  std::string extra;
  MrCae loaded = load_mrcae("mrcae_small.pt", &extra);
  BOOST_TEST(loaded->architecture() == r.architecture);
  BOOST_TEST(mrcae_history_from_string(extra).size() == r.operations.size());
  const torch::Tensor x = mrcae_level_data(data, data.rows(2), 0);
  MrCae again = load_mrcae("mrcae_small.pt");
  torch::NoGradGuard no_grad;
  BOOST_TEST(torch::equal(loaded->forward(x), again->forward(x)));
}

BOOST_AUTO_TEST_CASE(torchscript_export_of_a_grown_model_matches) {
  for (auto act : {MrCaeActivation::Linear, MrCaeActivation::ReLU}) {
    MrCae model(31, 3, act);
    model->deepen(0.05, 1);
    model->widen(2, torch::ones({3, 3}), 0.05, 2);
    model->deepen(0.05, 3);
    torch::Tensor mask = torch::zeros({7, 7});
    mask.slice(0, 2, 5).fill_(1.0);
    model->widen(3, mask, 0.05, 4);
    export_mrcae_torchscript(model, "mrcae_export.ts");
    torch::jit::script::Module scripted = torch::jit::load("mrcae_export.ts");
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({2, 1, 15, 15});
    const torch::Tensor a = model->forward(x), b = scripted.forward({x}).toTensor();
    BOOST_TEST(max_abs(a - b) < 1e-6);
    const torch::Tensor x0 = torch::randn({2, 1, 7, 7});
    BOOST_TEST(max_abs(model->forward_level(x0, 0) - scripted.run_method("forward_level_0", x0).toTensor()) < 1e-6);
  }
}

BOOST_AUTO_TEST_CASE(snapshot_files_and_bad_input) {
  const SnapshotSet s = toy_set(15, 20);
  write_snapshots("snapshots_test.h5", s, MPI_COMM_WORLD);
  const SnapshotSet t = read_snapshots("snapshots_test.h5", MPI_COMM_WORLD);
  BOOST_TEST(t.size == 15);
  BOOST_TEST(t.values == s.values);
  BOOST_TEST(t.rows(0).size() == 14u);
  BOOST_TEST(t.rows(1).size() == 4u);
  BOOST_CHECK_THROW(MrCae(30, 2), Error);    // not 2^k - 1
  BOOST_CHECK_THROW(MrCae(15, 4), Error);    // too many levels for 15 pixels
  BOOST_CHECK_THROW(read_snapshots("missing.h5", MPI_COMM_WORLD), Error);
  BOOST_CHECK_THROW(mrcae_from_architecture("mrcae finest=15 levels=2 act=tanh groups=1"), Error);
  SnapshotSet empty = s;
  empty.split.assign(static_cast<size_t>(s.count), 2);  // no training rows
  MrCaeTrainSettings settings;
  settings.levels = 2;
  settings.tolerances = {1e-3, 1e-3};
  BOOST_CHECK_THROW(train_mrcae(MPI_COMM_WORLD, empty, settings), Error);
  settings.tolerances = {1e-3};
  BOOST_CHECK_THROW(train_mrcae(MPI_COMM_WORLD, s, settings), Error);  // one tolerance per level
}

BOOST_AUTO_TEST_CASE(turbulence_stand_in_is_finite_and_evolves) {
  const torch::Tensor w = turbulence_snapshots(31, 3, 4);
  BOOST_TEST(w.size(0) == 3);
  BOOST_TEST(w.size(1) == 31);
  BOOST_TEST(torch::isfinite(w).all().item<bool>());
  BOOST_TEST(max_abs(w[2] - w[0]) > 1e-3);
  BOOST_TEST(w.std().item<double>() > 0.1);
}

// The reference notebooks' formulas (MrCAE_toy1.ipynb, MrCAE_toy2.ipynb) at chosen points, and
// the [0, 1] scaling.
BOOST_AUTO_TEST_CASE(toy_data_follow_the_reference_formulas_and_scale_to_the_unit_interval) {
  const int n = 31, T = 11;
  const double pi = 3.14159265358979323846, s0 = 10, s1 = 0.25;
  auto grid = [&](int i) { return -5.0 + 10.0 * i / (n - 1); };
  auto sech = [](double z) { return 1.0 / std::cosh(z); };
  for (int example : {1, 2}) {
    const torch::Tensor ref = mrcae_toy_snapshots(example, n, T, ToyConvention::Reference);
    const torch::Tensor paper = mrcae_toy_snapshots(example, n, T, ToyConvention::Paper);
    const double t_end = example == 1 ? 8 * pi : 4 * pi;
    for (auto [k, iy, ix] : {std::array<int, 3>{0, 12, 18}, {5, 3, 27}, {10, 15, 15}, {7, 20, 9}}) {
      const double x = grid(ix), y = grid(iy), t = t_end * k / (T - 1);
      const double u = sech((x + 1) / s0) * sech((y - 1) / s0) * std::cos(0.5 * t);
      const double cx = example == 1 ? 1.0 : 3.0 - 0.5 * t, cy = example == 1 ? -1.0 : -3.0 + 0.5 * t;
      const double g = std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s1 * s1));
      const double v_ref = g / (s1 * std::sqrt(2 * pi)) * std::cos(4 * t + (example == 1 ? pi / 4 : 0.0));
      const double v_paper = g / std::sqrt(2 * pi * s1) * std::cos(4 * t + pi / 4);
      BOOST_TEST(ref[k][iy][ix].item<double>() == u + v_ref, boost::test_tools::tolerance(1e-12));
      BOOST_TEST(paper[k][iy][ix].item<double>() == u + v_paper, boost::test_tools::tolerance(1e-12));
    }
  }
  SnapshotSet s = synthetic_snapshot_set("toy1", n, 40, 3);
  const std::vector<double> raw = s.values;
  scale_to_unit_interval(s);
  BOOST_TEST(s.scaling == "unit");
  BOOST_TEST(*std::min_element(s.values.begin(), s.values.end()) == 0.0);
  BOOST_TEST(*std::max_element(s.values.begin(), s.values.end()) == 1.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(s.values[123] * s.scale + s.offset == raw[123], boost::test_tools::tolerance(1e-12));
  BOOST_CHECK_THROW(scale_to_unit_interval(s), Error);  // twice
  write_snapshots("snapshots_scaled.h5", s, MPI_COMM_WORLD);
  const SnapshotSet r = read_snapshots("snapshots_scaled.h5", MPI_COMM_WORLD);
  BOOST_TEST(r.scaling == "unit");
  BOOST_TEST(r.offset == s.offset);
  BOOST_TEST(r.scale == s.scale);
  SnapshotSet flat = s;
  flat.scaling = "none";
  std::fill(flat.values.begin(), flat.values.end(), 2.0);
  BOOST_CHECK_THROW(scale_to_unit_interval(flat), Error);
  BOOST_CHECK_THROW(toy_convention_from_string("notebook"), Error);
}

// The reference stop rule on synthetic loss curves (E = 100: checks every 10 epochs).
BOOST_AUTO_TEST_CASE(reference_stop_rule_fires_exactly_when_its_definition_says) {
  {  // constant loss: no slow stop in the first half; the first check after E/2 (epoch 60)
     // compares with 1e10 and goes on; the second (epoch 70) sees no progress and stops
    MrCaeReferenceStop rule(100);
    BOOST_TEST(rule.interval() == 10);
    int fired = 0;
    std::string why;
    for (int e = 1; e <= 100 && fired == 0; ++e) {
      why = rule.update(e, 1.0, {});
      if (!why.empty()) fired = e;
    }
    BOOST_TEST(fired == 70);
    BOOST_TEST(why == "slow");
  }
  {  // loss falling 1 % per epoch: the window means fall ~10 % per check, never slow
    MrCaeReferenceStop rule(100);
    bool fired = false;
    double loss = 1.0;
    for (int e = 1; e <= 100; ++e, loss *= 0.99) fired = fired || !rule.update(e, loss, {}).empty();
    BOOST_TEST(!fired);
  }
  {  // progress of exactly 0.05 % between windows (< 0.1 %): stops at 70; 0.2 %: never
    for (double drop : {5e-4, 2e-3}) {
      MrCaeReferenceStop rule(100);
      int fired = 0;
      for (int e = 1; e <= 100 && fired == 0; ++e) {
        const double loss = std::pow(1 - drop, (e - 1) / 10);  // constant within a window
        if (!rule.update(e, loss, {}).empty()) fired = e;
      }
      BOOST_TEST(fired == (drop < 1e-3 ? 70 : 0));
    }
  }
  {  // the tolerance test is asked at check epochs only, and stops at once when it holds
    MrCaeReferenceStop rule(100);
    int asked = 0;
    std::string why;
    int e = 1;
    for (; e <= 100; ++e) {
      why = rule.update(e, 1.0 / e, [&] { return ++asked == 3; });
      if (!why.empty()) break;
    }
    BOOST_TEST(why == "resolved");
    BOOST_TEST(e == 30);
    BOOST_TEST(asked == 3);
  }
  {  // tiny E checks every epoch: slow checks at epochs 3 and 4 (> 5/2), none at the last
    MrCaeReferenceStop rule(5);
    BOOST_TEST(rule.interval() == 1);
    std::vector<std::string> why;
    for (int e = 1; e <= 5; ++e) why.push_back(rule.update(e, 1.0, [] { return false; }));
    BOOST_TEST((why == std::vector<std::string>{"", "", "", "slow", ""}));
  }
  BOOST_CHECK_THROW(mrcae_stop_from_string("early"), Error);
}

// RED-Net as the reference builds it: at the U[-eps, eps] initialisation each decoder stage
// carries the encoder feature of its size through the skip; the plain CAE has no skips.
BOOST_AUTO_TEST_CASE(rednet_skips_carry_the_encoder_features_at_initialisation) {
  const double eps = 1e-4;
  ConvAutoencoder net(31, std::vector<int>{3, 4, 5}, MrCaeActivation::Linear, 1, true, eps);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({2, 1, 31, 31});
  const auto h = net->encoder_features(x);
  const auto y = net->decoder_inputs(x);
  BOOST_TEST(y.size() == 3u);
  BOOST_TEST(torch::equal(y[0], h[2]));  // y_D = h_D
  for (int i = 1; i < 3; ++i) {
    BOOST_TEST(y[i].sizes() == h[2 - i].sizes());
    BOOST_TEST(max_abs(y[i] - h[2 - i]) < 100 * eps);  // the skip dominates
    BOOST_TEST(max_abs(y[i] - h[2 - i]) > 0.0);        // and the decoder adds its part
  }
  BOOST_TEST(net->forward(x).sizes() == x.sizes());
  BOOST_TEST(net->parameter_count() == ConvAutoencoder(31, std::vector<int>{3, 4, 5}, MrCaeActivation::Linear, 1)->parameter_count());
  BOOST_TEST(net->architecture().rfind("rednet", 0) == 0u);
  ConvAutoencoder plain(31, std::vector<int>{3, 4, 5}, MrCaeActivation::Linear, 1);
  BOOST_CHECK_THROW(plain->decoder_inputs(x), Error);
}

// The zero-parameter baseline equals a bilinear interpolation written out pixel by pixel:
// the subsampled image z (z[i][j] = x[2i+1][2j+1]) lives on the odd fine pixels; even fine
// pixels average their two or four odd neighbours, with z replicated one pixel beyond the edge.
BOOST_AUTO_TEST_CASE(interpolation_baseline_equals_an_independent_bilinear_interpolation) {
  torch::manual_seed(4);
  const int n = 15, m = 7;
  const torch::Tensor x = torch::randn({2, 1, n, n}, torch::kFloat64);
  const torch::Tensor y = mrcae_interpolation_baseline(x, 1);
  auto z = [&](int b, int i, int j) {
    i = std::clamp(i, 0, m - 1);
    j = std::clamp(j, 0, m - 1);
    return x[b][0][2 * i + 1][2 * j + 1].item<double>();
  };
  double worst = 0;
  for (int b = 0; b < 2; ++b)
    for (int p = 0; p < n; ++p)
      for (int q = 0; q < n; ++q) {
        // fine pixel p sits at coarse coordinate (p - 1) / 2
        const int i0 = (p - 1) >= 0 ? (p - 1) / 2 : -1, j0 = (q - 1) >= 0 ? (q - 1) / 2 : -1;
        const bool pi_odd = p % 2 == 1, qj_odd = q % 2 == 1;
        double v;
        if (pi_odd && qj_odd) v = z(b, i0, j0);
        else if (pi_odd) v = 0.5 * (z(b, i0, q / 2 - 1) + z(b, i0, q / 2));
        else if (qj_odd) v = 0.5 * (z(b, p / 2 - 1, j0) + z(b, p / 2, j0));
        else v = 0.25 * (z(b, p / 2 - 1, q / 2 - 1) + z(b, p / 2 - 1, q / 2) + z(b, p / 2, q / 2 - 1) + z(b, p / 2, q / 2));
        worst = std::max(worst, std::abs(v - y[b][0][p][q].item<double>()));
      }
  BOOST_TEST(worst < 1e-12);
  // twice: U U S S x; zero times: x itself
  BOOST_TEST(max_abs(mrcae_interpolation_baseline(x, 2) - mrcae_interpolate(mrcae_interpolate(mrcae_subsample(mrcae_subsample(x))))) == 0.0);
  BOOST_TEST(torch::equal(mrcae_interpolation_baseline(x, 0), x));
}

BOOST_AUTO_TEST_CASE(history_of_older_models_reads_with_unknown_stop) {
  const auto ops = mrcae_history_from_string("0 deepen 1 40 0.1 0.2 30 49 1 2.5\n1 widen 2 10 0.1 0.2 60 70 0.5 1.0 0.25 slow\n");
  BOOST_TEST(ops.size() == 2u);
  BOOST_TEST(ops[0].stop == "unknown");
  BOOST_TEST(ops[1].stop == "slow");
  BOOST_TEST(ops[1].unresolved_fraction == 0.25);
  BOOST_TEST(ops[1].test_global == -1.0);
}

// -restore: the end state of an operation is the last epoch's parameters (restore_best false,
// the reference code) or the best validation epoch's (true, the RED-Net baselines). A step size
// large enough to make the validation loss non-monotone puts the best epoch before the last; the
// module's validation loss after fit_autoencoder must then be the one recorded for that epoch.
BOOST_AUTO_TEST_CASE(restore_ends_with_the_last_or_the_best_epoch) {
  const SnapshotSet data = toy_set(15, 24);
  const torch::Tensor train = mrcae_level_data(data, data.rows(0), 0);
  const torch::Tensor val = mrcae_level_data(data, data.rows(1), 0);
  for (const bool best : {false, true}) {
    torch::manual_seed(7);
    auto conv = std::make_shared<torch::nn::Conv2dImpl>(torch::nn::Conv2dOptions(1, 1, 3).padding(1));
    const auto forward = [conv](const torch::Tensor& x) { return conv->forward(x); };
    MrCaeTrainSettings s;
    s.epochs = 40;
    s.lr = 0.3;  // oscillating on purpose
    s.batch = 0;
    s.threads = 1;
    s.verbose = false;
    s.restore_best = best;
    s.stop = MrCaeStop::Patience;  // no early stop: all 40 epochs run
    s.patience = 1000;
    const TrainerResult r = fit_autoencoder(MPI_COMM_WORLD, conv, forward, train, val, s, "restore", "conv3");
    BOOST_REQUIRE(r.history.size() == 40u);
    BOOST_REQUIRE(r.best_epoch >= 1);
    BOOST_REQUIRE(r.best_epoch < 40);  // the setting makes best != last, or the test tells nothing
    torch::NoGradGuard no_grad;
    const double now = mrcae_loss(val, forward(val), s.w).item<double>();
    const double expected = best ? r.history[static_cast<size_t>(r.best_epoch - 1)].val_loss : r.history.back().val_loss;
    BOOST_TEST_MESSAGE("restore " << (best ? "best" : "last") << ": best epoch " << r.best_epoch << ", val " << now);
    BOOST_TEST(std::abs(now - expected) <= 1e-6 * expected);
    BOOST_TEST(r.history.back().val_loss > r.history[static_cast<size_t>(r.best_epoch - 1)].val_loss);
  }
}
