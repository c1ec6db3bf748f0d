#include "neurhom/methods/multistage/net/cem_baselines.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/methods/multistage/net/affine_baseline.hpp"
#include "neurhom/methods/multistage/net/coarse_l2_errors.hpp"
#include "neurhom/methods/multistage/net/multistage_net.hpp"

namespace neurhom {

torch::Tensor read_cem_rows(const Hdf5File& file, const std::string& name, std::int64_t rows) {
  require(file.has_dataset(name), "'" + file.path() + "' has no dataset " + name);
  const std::vector<double> v = file.read_all(name);
  require(rows > 0 && static_cast<std::int64_t>(v.size()) % rows == 0,
          "'" + file.path() + "': " + name + " does not have " + std::to_string(rows) + " rows");
  return torch::tensor(v, torch::kFloat64).reshape({rows, -1});
}

CemBaselines cem_baselines(const Hdf5File& file, const CemDatasetMeta& meta, const std::string& problem) {
  require(problem == "linear" || problem == "nonlinear",
          "CEM baselines: unknown problem '" + problem + "' (-problem); known: linear, nonlinear");
  require(problem == "linear" ? meta.linear : meta.nonlinear,
          "'" + file.path() + "' has no " + problem + " data (generate it with `neurhom cem-datagen -problems " +
              problem + "`)");
  require(meta.train > 6 && meta.test > 0, "'" + file.path() + "' has " + std::to_string(meta.train) + " training and " +
                                             std::to_string(meta.test) +
                                             " test samples; the affine baseline needs 7 training samples and a test "
                                             "sample (cem-datagen -samples 10 or more)");
  CemBaselines b;
  b.problem = problem;
  b.train_rows = meta.train;
  b.test_rows = meta.test;
  const std::string train = cem_group(false, 0), test = cem_group(false, 1);
  const torch::Tensor y_train = read_cem_rows(file, train + problem + "_target", meta.train);
  const torch::Tensor y = read_cem_rows(file, test + problem + "_target", meta.test);
  b.mean_prediction = y_train.mean(0, true).expand_as(y).contiguous();
  b.affine_prediction = AffineBaseline(read_cem_rows(file, train + "xi", meta.train), y_train)
                            .predict(read_cem_rows(file, test + "xi", meta.test));
  b.mean_predictor_error = mean_relative_l2(b.mean_prediction, y);
  b.affine_error = mean_relative_l2(b.affine_prediction, y);
  const torch::Tensor norms = read_cem_rows(file, test + problem + "_fine_norm", meta.test);
  b.fine_norm = norms.mean().item<double>();
  if (!file.has_dataset("/time/coarse_mass")) return b;
  b.coarse_mass = read_cem_rows(file, "/time/coarse_mass", meta.dim_vms());
  const auto mass_norm = [&](const torch::Tensor& c) {
    return relative_mass_norm_errors(c, y, b.coarse_mass).mean().item<double>();
  };
  b.mean_predictor_error_l2 = mass_norm(b.mean_prediction);
  b.affine_error_l2 = mass_norm(b.affine_prediction);
  if (!meta.fine_moments) return b;
  const torch::Tensor moments = read_cem_rows(file, test + problem + "_fine_moment", meta.test);
  const auto l2 = [&](const torch::Tensor& c) {
    return relative_l2_errors(c, b.coarse_mass, moments, norms).mean().item<double>();
  };
  b.l2_error_computed = l2(y);
  b.l2_error_mean = l2(b.mean_prediction);
  b.l2_error_affine = l2(b.affine_prediction);
  return b;
}

SteadyBaselines steady_baselines(const Hdf5File& file, const CemDatasetMeta& meta) {
  require(meta.steady, "'" + file.path() + "' has no steady data (generate it with `neurhom cem-datagen -problems steady`)");
  require(meta.train > 0 && meta.test > 0, "'" + file.path() + "' needs training and test samples");
  SteadyBaselines b;
  b.train_rows = meta.train;
  b.test_rows = meta.test;
  const torch::Tensor y_train = read_cem_rows(file, cem_group(true, 0) + "target", meta.train);
  const torch::Tensor y = read_cem_rows(file, cem_group(true, 1) + "target", meta.test);
  b.mean_predictor_error = mean_relative_l2(y_train.mean(0, true).expand_as(y), y);
  if (file.has_dataset(cem_group(true, 0) + "kappa_min")) {
    const torch::Tensor k = torch::cat({read_cem_rows(file, cem_group(true, 0) + "kappa_min", meta.train),
                                        read_cem_rows(file, cem_group(true, 1) + "kappa_min", meta.test)});
    b.nonpositive_fraction = (k <= 0).to(torch::kFloat64).mean().item<double>();
  }
  return b;
}

}  // namespace neurhom
