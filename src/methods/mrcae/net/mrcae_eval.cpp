#include "neurhom/methods/mrcae/net/mrcae_eval.hpp"

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/xdmf.hpp"

namespace neurhom {

namespace {

std::vector<double> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

}  // namespace

MrCaeEvalResult evaluate_mrcae(MPI_Comm comm, const std::string& model_path, const SnapshotSet& data, double w,
                               const std::string& fields, int snapshots) {
  std::string extra;
  MrCae model = load_mrcae(model_path, &extra);
  require(model->finest() == data.size,
          "MrCAE model '" + model_path + "' is for " + std::to_string(model->finest()) + " x " + std::to_string(model->finest()) +
              " images; the dataset has " + std::to_string(data.size) + " x " + std::to_string(data.size));
  require(model->level() >= 0, "MrCAE model '" + model_path + "' has no trained level");
  std::vector<long long> rows = data.rows(2);
  require(!rows.empty(), "the dataset has no test snapshots");
  const torch::Tensor finest = mrcae_level_data(data, rows, 0);
  MrCaeEvalResult r;
  r.test_snapshots = static_cast<long long>(rows.size());
  torch::NoGradGuard no_grad;
  torch::Tensor best;
  for (int k = 0; k <= model->level(); ++k) {
    r.level_errors.push_back(mrcae_global_error(model, finest, k, w));
    torch::Tensor x = finest;
    for (int l = model->levels() - 1; l > k; --l) x = mrcae_subsample(x);
    torch::Tensor y = model->forward_level(x, k);
    for (int l = k; l < model->levels() - 1; ++l) y = mrcae_interpolate(y);
    r.level_mse.push_back(((y - finest).norm() / finest.norm()).item<double>());
    r.interpolation_errors.push_back(mrcae_loss(finest, mrcae_interpolation_baseline(finest, model->levels() - k), w).item<double>());
    best = y;
  }
  r.parameters = model->parameter_count();
  r.encoding_size = model->encoding_size();
  r.architecture = model->architecture();
  r.history = mrcae_history_from_string(extra);
  r.unresolved_fractions.assign(static_cast<size_t>(model->level() + 1), -1.0);
  for (const auto& op : r.history)
    if (op.level >= 0 && op.level <= model->level()) r.unresolved_fractions[static_cast<size_t>(op.level)] = op.unresolved_fraction;

  if (!fields.empty()) {
    const int n = data.size;
    AtomicOutput h5(fields, comm);
    std::vector<XdmfStep> steps(1);
    {
      Hdf5File file(h5.temp_path(), Hdf5File::Mode::Create, comm);
      const auto N = static_cast<hsize_t>(n);
      const int count = std::min<int>(snapshots, static_cast<int>(rows.size()));
      for (int s = 0; s < count; ++s) {
        const std::string tag = std::to_string(rows[static_cast<size_t>(s)]);
        const auto d = to_vector(finest[s][0]), y = to_vector(best[s][0]), e = to_vector((best[s][0] - finest[s][0]).abs());
        file.write_replicated("fields/data_" + tag, {N, N}, d.data());
        file.write_replicated("fields/reconstruction_" + tag, {N, N}, y.data());
        file.write_replicated("fields/error_" + tag, {N, N}, e.data());
        for (const char* kind : {"data_", "reconstruction_", "error_"})
          steps[0].fields.push_back({std::string(kind) + tag, "/fields/" + std::string(kind) + tag, false});
      }
      for (int k = 0; k <= model->level(); ++k) {
        const int m = (model->size_at(k) - 1) / 2;
        torch::Tensor heat = torch::zeros({1, 1, m, m});
        for (int j = 1; j < static_cast<int>(model->groups(k).size()); ++j) heat = heat + model->mask(k, j).reshape({1, 1, m, m});
        torch::Tensor up = heat;
        for (int l = k - 1; l < model->levels() - 1; ++l) up = mrcae_interpolate(up);
        const auto v = to_vector(up[0][0]);
        const std::string name = "refinement_level_" + std::to_string(k);
        file.write_replicated("fields/" + name, {N, N}, v.data());
        steps[0].fields.push_back({name, "/fields/" + name, false});
      }
      file.set_attribute("/", "architecture", r.architecture);
    }
    h5.commit();
    write_xdmf_2d(xdmf_path_for(fields), fields, n - 1, steps, comm);
  }
  return r;
}

}  // namespace neurhom
