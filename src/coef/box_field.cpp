#include "neurhom/coef/box_field.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "neurhom/coef/random.hpp"
#include "neurhom/core/constants.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"

namespace neurhom {

namespace {

class ConstantBox final : public BoxCellField {
 public:
  explicit ConstantBox(double v) : v_(v) { require(std::isfinite(v) && v > 0, "-coef_value must be positive (got " + format_number(v) + ")"); }
  double value(const CellIndex3&, const CellIndex3&) const override { return v_; }
  std::string describe() const override { return "constant(" + format_number(v_) + ")"; }

 private:
  double v_;
};

class LayeredBox final : public BoxCellField {
 public:
  LayeredBox(int dim, int layers, double contrast, std::uint64_t seed)
      : dim_(dim), layers_(layers), contrast_(contrast), seed_(seed) {
    require(layers >= 1 && layers <= 4096, "-coef layered: -coef_level (the number of layers) must be in 1..4096");
    require(std::isfinite(contrast) && contrast >= 1, "-coef layered: -coef_contrast must be at least 1");
    const double top = 0.5 * std::log10(contrast);
    for (int l = 0; l < layers; ++l) {
      layer_log_.push_back(top * counter_uniform(seed, 1, static_cast<std::uint64_t>(l)));
      for (int c = 0; c < 2; ++c) {
        const auto id = static_cast<std::uint64_t>(2 * l + c);
        channels_.push_back({0.2 + 0.6 * counter_uniform(seed, 2, id), 1.0 + 2.0 * counter_uniform(seed, 3, id),
                             2 * kPi * counter_uniform(seed, 4, id)});
      }
    }
  }
  double value(const CellIndex3& c, const CellIndex3& n) const override {
    const int vertical = dim_ - 1;
    const long nv = n[static_cast<size_t>(vertical)];
    const int layer = static_cast<int>(c[static_cast<size_t>(vertical)] * layers_ / nv);
    double log_a = layer_log_[static_cast<size_t>(layer)];
    if (dim_ == 3 && layer >= (layers_ + 1) / 2) {
      const double x = (c[0] + 0.5) / static_cast<double>(n[0]);  // in units of L1, L2
      const double y = (c[1] + 0.5) / static_cast<double>(n[1]);
      for (int k = 0; k < 2; ++k) {
        const Channel& ch = channels_[static_cast<size_t>(2 * layer + k)];
        if (std::abs(y - (ch.centre + 0.1 * std::sin(2 * kPi * ch.waves * x + ch.phase))) < 0.04) log_a = std::log10(contrast_);
      }
    }
    const auto cell = static_cast<std::uint64_t>((c[2] * n[1] + c[1]) * n[0] + c[0]);
    log_a += 0.25 * (counter_uniform(seed_, 5, cell) - 0.5);
    return std::pow(10.0, log_a);
  }
  std::string describe() const override {
    return "layered(layers=" + std::to_string(layers_) + ",contrast=" + format_number(contrast_) + ",seed=" + std::to_string(seed_) + ")";
  }

 private:
  struct Channel {
    double centre, waves, phase;
  };
  int dim_, layers_;
  double contrast_;
  std::uint64_t seed_;
  std::vector<double> layer_log_;
  std::vector<Channel> channels_;
};

class Hdf5Box final : public BoxCellField {
 public:
  Hdf5Box(const std::string& file, const std::string& dataset, MPI_Comm comm) : spec_("hdf5:" + file + ":" + dataset) {
    Hdf5File h5(file, Hdf5File::Mode::Read, comm);
    require(h5.has_dataset(dataset), "coefficient '" + spec_ + "': file has no dataset '" + dataset + "'");
    const auto dims = h5.dataset_dims(dataset);
    require(dims.size() == 2 || dims.size() == 3, "coefficient '" + spec_ + "': dataset must be a 2D [y][x] or 3D [z][y][x] array of cell values");
    dim_ = static_cast<int>(dims.size());
    m_ = {1, 1, 1};
    for (int d = 0; d < dim_; ++d) m_[static_cast<size_t>(d)] = static_cast<long>(dims[static_cast<size_t>(dim_ - 1 - d)]);
    values_ = h5.read_all(dataset);
    for (size_t k = 0; k < values_.size(); ++k)
      require(std::isfinite(values_[k]) && values_[k] > 0, "coefficient '" + spec_ + "': value " + format_number(values_[k]) +
                                                                " at cell " + std::to_string(k) + " (natural order) is not a positive finite number");
  }
  void check_mesh(int dim, const CellIndex3& n) const override {
    require(dim == dim_, "coefficient '" + spec_ + "' is a " + std::to_string(dim_) + "D field; the mesh is " + std::to_string(dim) + "D");
    for (int d = 0; d < dim; ++d)
      require(n[static_cast<size_t>(d)] % m_[static_cast<size_t>(d)] == 0,
              "coefficient '" + spec_ + "' has " + shape() + " cells; the mesh's cell counts must be multiples of them");
  }
  double value(const CellIndex3& c, const CellIndex3& n) const override {
    long idx = 0;
    for (int d = dim_ - 1; d >= 0; --d) {
      const auto D = static_cast<size_t>(d);
      idx = idx * m_[D] + c[D] / (n[D] / m_[D]);
    }
    return values_[static_cast<size_t>(idx)];
  }
  std::string describe() const override { return spec_; }

 private:
  std::string shape() const {
    std::string s;
    for (int d = 0; d < dim_; ++d) s += (d ? "x" : "") + std::to_string(m_[static_cast<size_t>(d)]);
    return s;
  }
  std::string spec_;
  int dim_ = 2;
  CellIndex3 m_{};
  std::vector<double> values_;
};

// The paper's families on boxes in any dimension (Kroepfl, Maier, Peterseim 2022, Sec. 4.2):
// levelsK iid U[alpha, beta] on the 2^K per direction cells of the level-K mesh (relative
// coordinates x_d / L_d), ms the mean of levels0..levels8 (streams 1000 + k). The level cell
// index (k3 2^K + k2) 2^K + k1 (k3 = 0 in 2D) makes them equal to the unit-square families
// (coef/coefficient.cpp) on a 2D square, value for value (tested).
class BoxLevels final : public BoxCellField {
 public:
  BoxLevels(int dim, std::uint64_t seed, int level, bool multiscale, double alpha, double beta)
      : dim_(dim), seed_(seed), level_(level), multiscale_(multiscale), alpha_(alpha), beta_(beta) {
    require(alpha > 0 && beta >= alpha, "-coef_alpha and -coef_beta must satisfy 0 < alpha <= beta (got " + format_number(alpha) +
                                            ", " + format_number(beta) + ")");
    require(multiscale || (level >= 0 && level <= 20), "-coef_level must be in 0..20 (got " + std::to_string(level) + ")");
  }
  double value(const CellIndex3& c, const CellIndex3& n) const override {
    if (!multiscale_) return one_level(c, n, level_, static_cast<std::uint64_t>(level_));
    double sum = 0;
    for (int k = 0; k <= 8; ++k) sum += one_level(c, n, k, 1000 + static_cast<std::uint64_t>(k));
    return sum / 9.0;
  }
  std::string describe() const override {
    return multiscale_ ? std::string("ms") : "levels(k=" + std::to_string(level_) + ")";
  }

 private:
  double one_level(const CellIndex3& c, const CellIndex3& n, int k, std::uint64_t stream) const {
    const long cells = 1L << k;
    std::uint64_t index = 0;
    for (int d = dim_ - 1; d >= 0; --d) {
      const double centre = (static_cast<double>(c[static_cast<size_t>(d)]) + 0.5) / static_cast<double>(n[static_cast<size_t>(d)]);
      index = index * static_cast<std::uint64_t>(cells) +
              static_cast<std::uint64_t>(std::min<long>(cells - 1, static_cast<long>(centre * static_cast<double>(cells))));
    }
    return alpha_ + (beta_ - alpha_) * counter_uniform(seed_, stream, index);
  }
  int dim_;
  std::uint64_t seed_;
  int level_;
  bool multiscale_;
  double alpha_, beta_;
};

// A 2D family of the unit square on a 2D box with n1 = n2.
class SquareFamily final : public BoxCellField {
 public:
  explicit SquareFamily(std::unique_ptr<CellField> f) : f_(std::move(f)) {}
  void check_mesh(int dim, const CellIndex3& n) const override {
    require(dim == 2 && n[0] == n[1], "coefficient '" + f_->describe() + "' is a field of the unit square: it needs -dim 2 and n1 = n2 "
                                      "(3D and rectangular boxes: constant, layered, levels, ms or hdf5:FILE:DATASET)");
    f_->check_mesh(n[0]);
  }
  double value(const CellIndex3& c, const CellIndex3& n) const override { return f_->value(c[0], c[1], n[0]); }
  std::string describe() const override { return f_->describe(); }

 private:
  std::unique_ptr<CellField> f_;
};

}  // namespace

std::string box_coefficient_family_names() { return "constant, layered, levels, ms, hdf5:FILE:DATASET (and in 2D with n1 = n2: " + coefficient_family_names() + ")"; }

std::unique_ptr<BoxCellField> make_box_coefficient(const CoefficientOptions& o, int dim, MPI_Comm comm) {
  if (o.family == "constant") return std::make_unique<ConstantBox>(o.value);
  if (o.family == "layered") return std::make_unique<LayeredBox>(dim, o.level, o.contrast, o.seed);
  if (o.family == "levels" || o.family == "ms") return std::make_unique<BoxLevels>(dim, o.seed, o.level, o.family == "ms", o.alpha, o.beta);
  if (o.family.rfind("hdf5:", 0) == 0) {
    const std::string rest = o.family.substr(5);
    const auto colon = rest.rfind(':');
    require(colon != std::string::npos && colon > 0 && colon + 1 < rest.size(), "-coef '" + o.family + "': expected hdf5:FILE:DATASET");
    return std::make_unique<Hdf5Box>(rest.substr(0, colon), rest.substr(colon + 1), comm);
  }
  return std::make_unique<SquareFamily>(make_coefficient(o, comm));
}

}  // namespace neurhom
