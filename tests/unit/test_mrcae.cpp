// MrCAE (methods/mrcae/net/mrcae.hpp, methods/mrcae/net/mrcae_training.hpp): Appendix A's exact transfer at zero noise,
// O(eps^2) widening, masked groups, the growth of a small example level by level, checkpoint
// round trip, the snapshot dataset, and bad input.
#define BOOST_TEST_MODULE mrcae
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>

#include "neurhom/core/error.hpp"
#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/mrcae.hpp"
#include "neurhom/methods/mrcae/net/mrcae_examples.hpp"
#include "neurhom/methods/mrcae/net/mrcae_training.hpp"
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
  s.epochs = std::getenv("MRCAE_EPOCHS") ? std::atoi(std::getenv("MRCAE_EPOCHS")) : 400;
  s.batch = 0;
  s.threads = 1;
  s.verbose = std::getenv("MRCAE_VERBOSE") != nullptr;
  s.output = "mrcae_small.pt";
  const MrCaeTrainResult r = train_mrcae(MPI_COMM_WORLD, data, s);
  std::vector<double> last_per_level(3, -1.0);
  for (const auto& op : r.operations) last_per_level[static_cast<size_t>(op.level)] = op.val_global;
  for (int k = 0; k < 3; ++k) BOOST_TEST_MESSAGE("level " << k << " global validation error " << last_per_level[k]);
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
