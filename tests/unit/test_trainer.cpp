// The generic Trainer (nn/trainer.hpp) without PETSc: learning-rate schedules, in-memory and
// full-batch data, a gradient-ascent optimizer, early stopping, TorchScript export, and a
// model whose architecture grows during training that checkpoints, reloads and resumes with
// the losses of an uninterrupted run. On 2 ranks also: data-parallel training on
// MPI_COMM_WORLD takes the same steps as one rank alone on the whole batch.
#define BOOST_TEST_MODULE trainer
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/nn/scripted_model.hpp"
#include "neurhom/nn/trainer.hpp"
#include "mpi_fixture.hpp"

using namespace neurhom;
namespace tt = boost::test_tools;

BOOST_GLOBAL_FIXTURE(MpiFixture);

namespace {

TrainerSettings quiet(int epochs) {
  TrainerSettings s;
  s.epochs = epochs;
  s.show_progress = false;
  s.print_every = 1000000;
  s.initial_validation = false;
  return s;
}

Trainer::OptimizerFactory adam(double lr) {
  return [lr](torch::nn::Module& m) {
    return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(lr));
  };
}

// y = 2 x0 - x1 + 0.5 on 64 fixed rows.
std::pair<torch::Tensor, torch::Tensor> regression_data() {
  torch::manual_seed(3);
  const auto x = torch::rand({64, 2});
  const auto y = (2 * x.select(1, 0) - x.select(1, 1) + 0.5).unsqueeze(1);
  return {x, y};
}

// Mean squared error of a linear model; the objective is the partial sum / global batch.
Trainer::StepFn mse_step(torch::nn::Linear& net, std::int64_t global_batch) {
  return [&net, global_batch](const Batch& b) {
    const auto sum = (net->forward(b.inputs) - b.targets).pow(2).sum();
    StepOutput out;
    out.objective = sum / static_cast<double>(global_batch);
    out.loss_sum = sum.item<double>();
    out.samples = static_cast<double>(b.rows());
    return out;
  };
}

// An MLP 1 -> w -> 1 (tanh) that widens: new hidden units start with zero output weights,
// so the function is unchanged when it grows (the architecture string is its width).
struct GrowingImpl : torch::nn::Module {
  explicit GrowingImpl(int width) : width(width) {
    hidden = register_module("hidden", torch::nn::Linear(1, width));
    out = register_module("out", torch::nn::Linear(width, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) { return out->forward(torch::tanh(hidden->forward(x))); }
  std::shared_ptr<GrowingImpl> widened(int new_width) const {
    auto g = std::make_shared<GrowingImpl>(new_width);
    torch::NoGradGuard no_grad;
    g->hidden->weight.narrow(0, 0, width).copy_(hidden->weight);
    g->hidden->bias.narrow(0, 0, width).copy_(hidden->bias);
    g->out->weight.zero_();
    g->out->weight.narrow(1, 0, width).copy_(out->weight);
    g->out->bias.copy_(out->bias);
    return g;
  }
  int width;
  torch::nn::Linear hidden{nullptr}, out{nullptr};
};

// Fits sin(3x) on [0,1] full batch, widening 4 -> 8 after epoch 3; the "epochs" are 20 Adam
// steps each here (FullBatch is one step, so the test uses 60 epochs and widens at 30).
std::vector<EpochRecord> run_growing(const std::string& ckpt, int stop_after, bool resume) {
  const MPI_Comm self = MPI_COMM_SELF;
  TrainerSettings s = quiet(60);
  s.checkpoint = ckpt;
  s.resume = resume;
  s.stop_after_epochs = stop_after;
  Trainer trainer(self, s);
  torch::manual_seed(11);
  int width = 4;
  if (resume) width = std::stoi(read_checkpoint_meta(ckpt).architecture);
  auto model = std::make_shared<GrowingImpl>(width);
  CheckpointMeta meta;
  meta.model = "growing-test";
  meta.architecture = std::to_string(width);
  trainer.set_model(model, meta);
  trainer.add_optimizer(adam(1e-2), LrSchedule::constant(1e-2));
  trainer.set_epoch_hook([&](int epoch, const EpochRecord&) {
    if (epoch == 30 && model->width == 4) {
      model = model->widened(8);
      trainer.replace_model(model, "8");
    }
    return EpochAction::Continue;
  });
  const auto x = torch::linspace(0, 1, 50).unsqueeze(1), y = torch::sin(3 * x);
  FullBatch full;
  return trainer
      .fit(full,
           [&](const Batch&) {
             const auto loss = (model->forward(x) - y).pow(2).mean();
             return StepOutput{loss, loss.item<double>(), 1.0};
           })
      .history;
}

}  // namespace

BOOST_AUTO_TEST_CASE(learning_rate_schedules) {
  const auto step = LrSchedule::step(1e-3, 5, 1e-4);
  BOOST_TEST(step.at(5, 999) == 1e-3);
  BOOST_TEST(step.at(6, 0) == 1e-4);
  const auto smooth = LrSchedule::exponential(1e-3, 0.9, 1000);
  BOOST_TEST(smooth.at(1, 0) == 1e-3, tt::tolerance(1e-14));
  BOOST_TEST(smooth.at(1, 500) == 1e-3 * std::sqrt(0.9), tt::tolerance(1e-12));
  BOOST_TEST(smooth.at(1, 2000) == 1e-3 * 0.81, tt::tolerance(1e-12));
  const auto stairs = LrSchedule::exponential(1e-3, 0.9, 1000, true);
  BOOST_TEST(stairs.at(1, 1999) == 1e-3 * 0.9, tt::tolerance(1e-12));
  BOOST_CHECK_THROW(LrSchedule::exponential(1e-3, 1.5, 1000).validate("test"), Error);
  BOOST_CHECK_THROW(LrSchedule::constant(0.0).validate("test"), Error);
}

BOOST_AUTO_TEST_CASE(in_memory_regression_converges_and_exports) {
  const MPI_Comm comm = MPI_COMM_WORLD;
  const auto [x, y] = regression_data();
  TrainerSettings s = quiet(150);
  s.export_path = "trainer_linear.pt";
  Trainer trainer(comm, s);
  torch::manual_seed(1);
  torch::nn::Linear net(2, 1);
  CheckpointMeta meta;
  meta.model = "linear-test";
  meta.architecture = "2-1";
  trainer.set_model(net.ptr(), meta);
  trainer.add_optimizer(adam(0.05), LrSchedule::exponential(0.05, 0.5, 1000));
  trainer.set_export([&] {
    torch::jit::script::Module m("Linear");
    m.register_parameter("w", net->weight.detach().clone(), false);
    m.register_parameter("b", net->bias.detach().clone(), false);
    m.register_attribute("widths", c10::StringType::get(), std::string("2-1"));
    m.register_attribute("model", c10::StringType::get(), std::string("linear-test"));
    m.define("def forward(self, x):\n    return torch.matmul(x, self.w.t()) + self.b\n");
    return m;
  });
  TensorBatches data(x, y, comm, 16, 7);
  const TrainerResult r = trainer.fit(data, mse_step(net, 16));
  BOOST_TEST(r.history.size() == 150u);
  BOOST_TEST(r.steps == 150 * 4);
  BOOST_TEST_MESSAGE("regression: mse " << r.history.front().train_loss << " -> " << r.history.back().train_loss);
  BOOST_TEST(r.history.back().train_loss < 1e-4);
  BOOST_TEST(net->weight[0][0].item<double>() == 2.0, tt::tolerance(0.02));
  BOOST_TEST(net->bias[0].item<double>() == 0.5, tt::tolerance(0.02));
  // The learning rate decayed exponentially over the 600 steps (0.05 * 0.5^(599/1000)).
  BOOST_TEST(r.history.back().learning_rate == 0.05 * std::pow(0.5, 599.0 / 1000.0), tt::tolerance(1e-9));
  MPI_Barrier(comm);
  ScriptedModel scripted = load_torchscript("trainer_linear.pt");
  torch::NoGradGuard no_grad;
  BOOST_TEST((scripted.forward(x) - net->forward(x)).abs().max().item<double>() < 1e-6);
}

BOOST_AUTO_TEST_CASE(gradient_ascent_optimizer_finds_the_saddle_point) {
  // min over u, max over w of L = (u - 1)^2 - (w - 3)^2 + 0.1 u w: the saddle point solves
  // 2 (u - 1) + 0.1 w = 0 and -2 (w - 3) + 0.1 u = 0.
  struct SaddleImpl : torch::nn::Module {
    SaddleImpl() {
      u = register_parameter("u", torch::zeros({1}));
      w = register_parameter("w", torch::zeros({1}));
    }
    torch::Tensor u, w;
  };
  auto model = std::make_shared<SaddleImpl>();
  TrainerSettings s = quiet(3000);
  Trainer trainer(MPI_COMM_SELF, s);
  CheckpointMeta meta;
  meta.model = "saddle-test";
  trainer.set_model(model, meta);
  trainer.add_optimizer([&](torch::nn::Module&) { return std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{model->u}, torch::optim::AdamOptions(1e-2)); },
                        LrSchedule::constant(1e-2));
  trainer.add_optimizer([&](torch::nn::Module&) { return std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{model->w}, torch::optim::AdamOptions(1e-2)); },
                        LrSchedule::constant(1e-2), Direction::Ascent);
  FullBatch full;
  trainer.fit(full, [&](const Batch&) {
    const auto L = (model->u - 1).pow(2) - (model->w - 3).pow(2) + 0.1 * model->u * model->w;
    return StepOutput{L.sum(), L.item<double>(), 1.0};
  });
  // Solve the 2x2 system: u = (2 - 0.1 w) / 2, w = 3 + 0.05 u.
  const double u = (1.0 - 0.15) / (1.0 + 0.0025), w = 3.0 + 0.05 * u;
  BOOST_TEST(model->u.item<double>() == u, tt::tolerance(1e-3));
  BOOST_TEST(model->w.item<double>() == w, tt::tolerance(1e-3));
}

BOOST_AUTO_TEST_CASE(early_stopping_on_a_stagnating_validation_figure) {
  auto model = std::make_shared<torch::nn::LinearImpl>(1, 1);
  TrainerSettings s = quiet(100);
  s.early_stopping.patience = 3;
  Trainer trainer(MPI_COMM_SELF, s);
  CheckpointMeta meta;
  meta.model = "stop-test";
  trainer.set_model(model, meta);
  trainer.add_optimizer(adam(1e-3), LrSchedule::constant(1e-3));
  // The validation figure improves for 10 epochs, then stays flat.
  int calls = 0;
  trainer.set_validation([&] { return std::max(1.0, 11.0 - ++calls); });
  FullBatch full;
  const TrainerResult r = trainer.fit(full, [&](const Batch&) {
    const auto L = model->forward(torch::ones({1, 1})).pow(2).sum();
    return StepOutput{L, L.item<double>(), 1.0};
  });
  BOOST_TEST(r.stopped_early);
  BOOST_TEST(r.best_epoch == 10);
  BOOST_TEST(r.history.size() == 13u);
}

BOOST_AUTO_TEST_CASE(growing_model_checkpoints_reloads_and_resumes_identically) {
  if (mpi_rank(MPI_COMM_WORLD) == 0) {  // MPI_COMM_SELF training: rank 0 only
    const std::vector<EpochRecord> full = run_growing("trainer_grow_full.ckpt", 0, false);
    run_growing("trainer_grow_killed.ckpt", 40, false);  // killed after epoch 40, grown at 30
    BOOST_TEST(read_checkpoint_meta("trainer_grow_killed.ckpt").architecture == "8");
    const std::vector<EpochRecord> resumed = run_growing("trainer_grow_killed.ckpt", 0, true);
    BOOST_REQUIRE(full.size() == 60u);
    BOOST_REQUIRE(resumed.size() == 60u);
    BOOST_TEST(full.back().train_loss < full.front().train_loss / 10);
    for (size_t e = 0; e < 60; ++e) BOOST_TEST(resumed[e].train_loss == full[e].train_loss, tt::tolerance(1e-6));
    // A checkpoint of the other architecture does not load into this model.
    TrainerSettings s = quiet(60);
    s.checkpoint = "trainer_grow_killed.ckpt";
    s.resume = true;
    Trainer trainer(MPI_COMM_SELF, s);
    auto model = std::make_shared<GrowingImpl>(4);
    CheckpointMeta meta;
    meta.model = "growing-test";
    meta.architecture = "4";
    trainer.set_model(model, meta);
    trainer.add_optimizer(adam(1e-2), LrSchedule::constant(1e-2));
    FullBatch full_batch;
    try {
      trainer.fit(full_batch, [&](const Batch&) { return StepOutput{model->forward(torch::ones({1, 1})).sum(), 0, 1}; });
      BOOST_ERROR("resume with the wrong architecture did not throw");
    } catch (const Error& e) {
      BOOST_TEST(std::string(e.what()).find("has architecture 8, this run builds 4") != std::string::npos);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

BOOST_AUTO_TEST_CASE(data_parallel_steps_equal_one_rank_steps) {
  // N ranks with their slices of each global batch take the steps one rank takes alone.
  const auto [x, y] = regression_data();
  auto train = [&](MPI_Comm comm) {
    Trainer trainer(comm, quiet(5));
    torch::manual_seed(1);
    torch::nn::Linear net(2, 1);
    CheckpointMeta meta;
    meta.model = "linear-test";
    trainer.set_model(net.ptr(), meta);
    trainer.add_optimizer(adam(0.05), LrSchedule::constant(0.05));
    TensorBatches data(x, y, comm, 16, 7);
    const TrainerResult r = trainer.fit(data, mse_step(net, 16));
    return std::make_pair(r.history.back().train_loss, net->weight.detach().clone());
  };
  const auto [loss_world, w_world] = train(MPI_COMM_WORLD);
  const auto [loss_self, w_self] = train(MPI_COMM_SELF);
  BOOST_TEST_MESSAGE("ranks " << mpi_size(MPI_COMM_WORLD) << ": loss " << loss_world << " vs one rank " << loss_self);
  BOOST_TEST(loss_world == loss_self, tt::tolerance(1e-5));
  BOOST_TEST((w_world - w_self).abs().max().item<double>() < 1e-5);
}

BOOST_AUTO_TEST_CASE(bad_settings_give_clear_errors) {
  TrainerSettings s = quiet(0);
  BOOST_CHECK_THROW(Trainer(MPI_COMM_SELF, s), Error);
  s = quiet(1);
  s.device = "tpu";
  try {
    Trainer t(MPI_COMM_SELF, s);
    BOOST_ERROR("no error for an unknown device");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("unknown device 'tpu'") != std::string::npos);
  }
  s = quiet(1);
  s.resume = true;
  BOOST_CHECK_THROW(Trainer(MPI_COMM_SELF, s), Error);
}
