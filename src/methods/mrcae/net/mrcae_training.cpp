#include "neurhom/methods/mrcae/net/mrcae_training.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/nn/trainer.hpp"

namespace neurhom {

void MrCaeTrainSettings::validate() const {
  require(levels >= 1, "MrCAE: -levels must be at least 1");
  require(static_cast<int>(tolerances.size()) == levels,
          "MrCAE: -tol needs one tolerance per level (" + std::to_string(levels) + " levels, " +
              std::to_string(tolerances.size()) + " given)");
  for (double t : tolerances) require(t > 0, "MrCAE: tolerances must be positive");
  auto per_level = [&](const std::vector<int>& v, const char* option) {
    require(v.size() == 1 || static_cast<int>(v.size()) == levels,
            std::string("MrCAE: ") + option + " needs one value or one per level (" + std::to_string(levels) + " levels, " +
                std::to_string(v.size()) + " given)");
  };
  per_level(channels, "-channels");
  per_level(groups, "-groups");
  for (int c : channels) require(c >= 1, "MrCAE: -channels must be positive");
  for (int g : groups) require(g >= 0, "MrCAE: -groups must be >= 0");
  require(w >= 0 && w <= 1, "MrCAE: -w must lie in [0, 1]");
  require(epochs >= 1 && batch >= 0 && lr > 0 && noise >= 0 && patience >= 1, "MrCAE: -epochs, -lr and -patience positive, -batch and -noise >= 0");
}

torch::Tensor mrcae_level_data(const SnapshotSet& data, const std::vector<long long>& rows, int levels_up) {
  const auto n = static_cast<std::int64_t>(data.size);
  torch::Tensor all = torch::from_blob(const_cast<double*>(data.values.data()), {data.count, 1, n, n}, torch::kFloat64);
  torch::Tensor x = all.index_select(0, torch::tensor(std::vector<std::int64_t>(rows.begin(), rows.end()), torch::kInt64));
  for (int k = 0; k < levels_up; ++k) x = mrcae_subsample(x);
  return x.to(torch::kFloat32).contiguous();
}

double mrcae_global_error(MrCae& model, const torch::Tensor& finest, int k, double w) {
  torch::NoGradGuard no_grad;
  torch::Tensor x = finest;
  for (int l = model->levels() - 1; l > k; --l) x = mrcae_subsample(x);
  torch::Tensor y = model->forward_level(x, k);
  for (int l = k; l < model->levels() - 1; ++l) y = mrcae_interpolate(y);
  return mrcae_loss(finest, y, w).item<double>();
}

std::string mrcae_history_to_string(const std::vector<MrCaeOperation>& ops) {
  std::ostringstream s;
  s.precision(10);
  for (const auto& o : ops)
    s << o.level << ' ' << o.kind << ' ' << o.channels << ' ' << o.epochs << ' ' << o.val_loss << ' ' << o.val_global << ' '
      << o.parameters << ' ' << o.encoding_size << ' ' << o.masked_fraction << ' ' << o.seconds << ' ' << o.unresolved_fraction
      << ' ' << o.stop << ' ' << o.test_global << '\n';
  return s.str();
}

std::vector<MrCaeOperation> mrcae_history_from_string(const std::string& text) {
  std::vector<MrCaeOperation> ops;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream s(line);
    MrCaeOperation o;
    if (!(s >> o.level >> o.kind >> o.channels >> o.epochs >> o.val_loss >> o.val_global >> o.parameters >> o.encoding_size >>
          o.masked_fraction >> o.seconds))
      continue;
    if (!(s >> o.unresolved_fraction >> o.stop)) {  // models written before these fields
      o.unresolved_fraction = -1;
      o.stop = "unknown";
    }
    if (!(s >> o.test_global)) o.test_global = -1;
    ops.push_back(o);
  }
  return ops;
}

double mrcae_unresolved_fraction(const torch::Tensor& data, const torch::Tensor& reconstruction, double w, double tol) {
  torch::NoGradGuard no_grad;
  return (mrcae_error_summary(data, reconstruction, w) >= tol).to(torch::kFloat64).mean().item<double>();
}

TrainerResult fit_autoencoder(MPI_Comm comm, std::shared_ptr<torch::nn::Module> module,
                              const std::function<torch::Tensor(const torch::Tensor&)>& forward, const torch::Tensor& train,
                              const torch::Tensor& val, const MrCaeTrainSettings& s, const std::string& name,
                              const std::string& architecture, const std::function<bool()>& resolved,
                              std::string* stop_reason) {
  TrainerSettings ts;
  ts.name = name;
  ts.epochs = s.epochs;
  ts.threads = s.threads;
  ts.show_progress = false;
  ts.quiet = !s.verbose;
  ts.print_every = std::max(1, s.epochs / 5);
  ts.initial_validation = false;
  const bool patience = s.stop == MrCaeStop::Patience;
  ts.early_stopping = EarlyStopping{patience ? s.patience : 0, 1e-3, s.restore_best};
  Trainer trainer(comm, ts);
  MrCaeReferenceStop rule(s.epochs);
  std::string reason;
  if (!patience)
    trainer.set_epoch_hook([&](int epoch, const EpochRecord& record) {
      reason = rule.update(epoch, record.train_loss, resolved);
      return reason.empty() ? EpochAction::Continue : EpochAction::Stop;
    });
  CheckpointMeta meta;
  meta.model = "autoencoder";
  meta.architecture = architecture;
  trainer.set_model(std::move(module), meta);
  const double lr = s.lr;
  trainer.add_optimizer(
      [lr](torch::nn::Module& m) {
        return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(lr).eps(1e-3).weight_decay(1e-5));
      },
      LrSchedule::constant(lr));
  trainer.set_validation([&] {
    torch::NoGradGuard no_grad;
    return mrcae_loss(val, forward(val), s.w).item<double>();
  });
  const std::int64_t batch = s.batch > 0 ? std::min<std::int64_t>(s.batch, train.size(0)) : train.size(0);
  TensorBatches data(train, train, comm, batch, s.seed + static_cast<std::uint64_t>(train.size(2)) * 7919);
  const bool root = is_root(comm);
  const TrainerResult result = trainer.fit(data, [&](const Batch& b) {
    const torch::Tensor sq = (forward(b.inputs) - b.targets).square();
    const auto pixels = static_cast<double>(sq.size(2) * sq.size(3));
    // the max term of (3.1) at the pixel with the largest GLOBAL error: one allreduce
    torch::Tensor sums = sq.detach().sum(0).reshape({-1}).to(torch::kFloat64).contiguous();
    MPI_Allreduce(MPI_IN_PLACE, sums.data_ptr<double>(), static_cast<int>(sums.numel()), MPI_DOUBLE, MPI_SUM, comm);
    const std::int64_t worst = sums.argmax().item<std::int64_t>();
    const auto B = static_cast<double>(batch);
    StepOutput out;
    out.objective = s.w * sq.sum() / (B * pixels) + (1 - s.w) * sq.sum(0).reshape({-1})[worst] / B;
    out.loss_sum = out.objective.item<double>();
    out.samples = root ? 1.0 : 0.0;
    return out;
  });
  if (stop_reason) *stop_reason = !reason.empty() ? reason : (result.stopped_early ? "patience" : "max");
  return result;
}

namespace {

// Trains the current architecture at level k; returns the record of the operation.
MrCaeOperation train_operation(MPI_Comm comm, MrCae& model, const torch::Tensor& train, const torch::Tensor& val,
                               const torch::Tensor& val_finest, const torch::Tensor& test_finest, const MrCaeTrainSettings& s,
                               const std::string& name) {
  WallTimer timer;
  const int k = model->level();
  const double tol = s.tolerances[static_cast<size_t>(k)];
  auto unresolved = [&] {
    torch::NoGradGuard no_grad;
    return mrcae_unresolved_fraction(train, model->forward(train), s.w, tol);
  };
  MrCaeOperation op;
  const TrainerResult r = fit_autoencoder(comm, model.ptr(), [&](const torch::Tensor& x) { return model->forward(x); }, train,
                                          val, s, name, model->architecture(), [&] { return unresolved() == 0.0; }, &op.stop);
  op.unresolved_fraction = unresolved();
  op.level = k;
  op.epochs = static_cast<int>(r.history.size());
  {
    torch::NoGradGuard no_grad;
    op.val_loss = mrcae_loss(val, model->forward(val), s.w).item<double>();
  }
  op.val_global = mrcae_global_error(model, val_finest, k, s.w);
  if (test_finest.defined() && test_finest.size(0) > 0) op.test_global = mrcae_global_error(model, test_finest, k, s.w);
  op.parameters = model->parameter_count();
  op.encoding_size = model->encoding_size();
  op.seconds = max_ranks(comm, timer.seconds());
  return op;
}

}  // namespace

MrCaeTrainResult train_mrcae(MPI_Comm comm, const SnapshotSet& data, const MrCaeTrainSettings& s) {
  s.validate();
  WallTimer timer;
  const std::vector<long long> train_rows = data.rows(0), val_rows = data.rows(1);
  require(!train_rows.empty() && !val_rows.empty(), "MrCAE: the dataset needs training and validation snapshots");
  MrCae model(data.size, s.levels, s.activation);
  std::vector<MrCaeOperation> ops;
  if (s.resume) {
    std::string extra;
    model = load_mrcae(s.output, &extra);
    require(model->finest() == data.size && model->levels() == s.levels && model->activation() == s.activation,
            "MrCAE: '" + s.output + "' (" + model->architecture() + ") does not match this run's data and -levels; cannot resume");
    ops = mrcae_history_from_string(extra);
  }
  const torch::Tensor val_finest = mrcae_level_data(data, val_rows, 0);
  const std::vector<long long> test_rows = data.rows(2);
  const torch::Tensor test_finest = test_rows.empty() ? torch::Tensor() : mrcae_level_data(data, test_rows, 0);
  const bool root = is_root(comm);
  std::uint64_t op_seed = s.seed * 1000003 + ops.size();
  auto save = [&] {
    if (!s.output.empty() && root) save_mrcae(s.output, model, mrcae_history_to_string(ops));
    MPI_Barrier(comm);
  };
  while (true) {
    int k = model->level();
    const bool level_started = k >= 0;
    bool resolved = true, can_widen = false;
    torch::Tensor train, val, summary;
    if (level_started) {
      train = mrcae_level_data(data, train_rows, s.levels - 1 - k);
      torch::NoGradGuard no_grad;
      summary = mrcae_error_summary(train, model->forward(train), s.w);
      resolved = summary.max().item<double>() < s.tolerances[static_cast<size_t>(k)];
      can_widen = static_cast<int>(model->groups(k).size()) < s.groups_at(k) + 1;
    }
    std::string kind;
    int channels = 1;
    double fraction = 1;
    if (level_started && !resolved && can_widen) {
      channels = s.channels_at(k);
      torch::Tensor mask = s.adaptive ? mrcae_mask(summary, s.tolerances[static_cast<size_t>(k)]) : torch::ones_like(summary);
      fraction = mask.mean().item<double>();
      model->widen(channels, mask, s.noise, op_seed++);
      kind = "widen";
    } else if (k + 1 < s.levels) {
      model->deepen(s.noise, op_seed++, s.deepen_constant);
      k = model->level();
      train = mrcae_level_data(data, train_rows, s.levels - 1 - k);
      kind = "deepen";
    } else {
      break;
    }
    val = mrcae_level_data(data, val_rows, s.levels - 1 - k);
    const std::string name = "mrcae L" + std::to_string(k) + " " + kind + (kind == "widen" ? " " + std::to_string(channels) : "");
    MrCaeOperation op = train_operation(comm, model, train, val, val_finest, test_finest, s, name);
    op.kind = kind;
    op.channels = channels;
    op.masked_fraction = fraction;
    ops.push_back(op);
    if (root && s.verbose)
      std::printf("[mrcae] level %d %s%s: %d epochs (%s), val loss %.4e, global %.4e, unresolved %.1f %%, %lld parameters, "
                  "encoding %lld, %.1f s\n", k,
                  kind.c_str(), kind == "widen" ? (" (" + std::to_string(channels) + " channels on " +
                                                   std::to_string(static_cast<int>(100 * fraction + 0.5)) + " % of the pixels)").c_str() : "",
                  op.epochs, op.stop.c_str(), op.val_loss, op.val_global, 100 * op.unresolved_fraction, static_cast<long long>(op.parameters),
                  static_cast<long long>(op.encoding_size), op.seconds);
    save();
  }
  MrCaeTrainResult r;
  r.operations = ops;
  r.parameters = model->parameter_count();
  r.encoding_size = model->encoding_size();
  r.architecture = model->architecture();
  r.seconds = max_ranks(comm, timer.seconds());
  return r;
}

}  // namespace neurhom
