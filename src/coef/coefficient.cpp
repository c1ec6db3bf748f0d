#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/constants.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/coef/random.hpp"
#include "neurhom/coef/steady_coefficient.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"

namespace neurhom {

namespace {


double centre(long i, long n) { return (static_cast<double>(i) + 0.5) / static_cast<double>(n); }

// Index of the level-k cell (2^k per side) that contains the centre of fine cell i of n.
std::uint64_t level_index(long i, long n, int k) {
  const long cells = 1L << k;
  return static_cast<std::uint64_t>(std::min<long>(cells - 1, static_cast<long>(centre(i, n) * cells)));
}

class FunctionField final : public CellField {
 public:
  FunctionField(std::function<double(double, double)> f, std::string name) : f_(std::move(f)), name_(std::move(name)) {}
  double value(long i, long j, long n) const override { return f_(centre(i, n), centre(j, n)); }
  std::string describe() const override { return name_; }
 private:
  std::function<double(double, double)> f_;
  std::string name_;
};

// iid U[alpha, beta] on the cells of the level-k mesh; `stream` separates independent fields.
class LevelField final : public CellField {
 public:
  LevelField(std::uint64_t seed, std::uint64_t stream, int level, double alpha, double beta)
      : seed_(seed), stream_(stream), level_(level), alpha_(alpha), beta_(beta) {}
  double value(long i, long j, long n) const override {
    const std::uint64_t cells = 1ULL << level_;
    const std::uint64_t index = level_index(j, n, level_) * cells + level_index(i, n, level_);
    return alpha_ + (beta_ - alpha_) * counter_uniform(seed_, stream_, index);
  }
  std::string describe() const override { return "levels(k=" + std::to_string(level_) + ")"; }
 private:
  std::uint64_t seed_, stream_;
  int level_;
  double alpha_, beta_;
};

class MultiscaleField final : public CellField {
 public:
  MultiscaleField(std::uint64_t seed, double alpha, double beta) {
    for (int k = 0; k <= 8; ++k) levels_.emplace_back(seed, 1000 + static_cast<std::uint64_t>(k), k, alpha, beta);
  }
  double value(long i, long j, long n) const override {
    double sum = 0;
    for (const auto& level : levels_) sum += level.value(i, j, n);
    return sum / static_cast<double>(levels_.size());
  }
  std::string describe() const override { return "ms"; }
 private:
  std::vector<LevelField> levels_;
};

struct Segment {
  double x0, y0, x1, y1;
};

double distance_to_segment(double px, double py, const Segment& s) {
  const double dx = s.x1 - s.x0, dy = s.y1 - s.y0;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - s.x0) * dx + (py - s.y0) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = s.x0 + t * dx - px, ey = s.y0 + t * dy - py;
  return std::sqrt(ex * ex + ey * ey);
}

// Background U[1,2] per fine cell with straight cracks U[4,5] (operator-compression Sec. 4.6).
class CrackField final : public CellField {
 public:
  CrackField(std::uint64_t seed, int count) : seed_(seed) {
    SplitMix64 rng(seed ^ 0x5ca1ab1e0ddba11ULL);
    for (int c = 0; c < count; ++c) {
      const double x = rng.uniform(0.05, 0.95), y = rng.uniform(0.05, 0.95);
      const double angle = rng.uniform(0.0, kPi), length = rng.uniform(0.15, 0.5);
      cracks_.push_back({x, y, x + length * std::cos(angle), y + length * std::sin(angle)});
    }
  }
  double value(long i, long j, long n) const override {
    const double x = centre(i, n), y = centre(j, n);
    const double half_width = std::max(1.0 / 256.0, 0.75 / static_cast<double>(n));
    const std::uint64_t index = static_cast<std::uint64_t>(j) * static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(i);
    for (const auto& crack : cracks_)
      if (distance_to_segment(x, y, crack) <= half_width) return 4.0 + counter_uniform(seed_, 2, index);
    return 1.0 + counter_uniform(seed_, 1, index);
  }
  std::string describe() const override { return "cracks"; }
 private:
  std::uint64_t seed_;
  std::vector<Segment> cracks_;
};

// Background 1 with horizontal channels and square inclusions of value `contrast`.
class ChannelField final : public CellField {
 public:
  explicit ChannelField(double contrast) : contrast_(contrast) {}
  double value(long i, long j, long n) const override {
    const double x = centre(i, n), y = centre(j, n);
    struct Box { double x0, x1, y0, y1; };
    static const Box boxes[] = {
        {0.10, 0.90, 0.20, 0.23}, {0.05, 0.70, 0.45, 0.48}, {0.30, 0.95, 0.70, 0.73},  // channels
        {0.13, 0.18, 0.33, 0.38}, {0.53, 0.58, 0.58, 0.63}, {0.78, 0.83, 0.28, 0.33},  // inclusions
        {0.33, 0.38, 0.83, 0.88}, {0.73, 0.78, 0.83, 0.88}, {0.43, 0.48, 0.08, 0.13}};
    for (const auto& b : boxes)
      if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) return contrast_;
    return 1.0;
  }
  std::string describe() const override { return "channels(contrast=" + format_number(contrast_) + ")"; }
 private:
  double contrast_;
};

// A user field of m x m cells from an HDF5 dataset, prolonged to meshes with n = k m.
class Hdf5Field final : public CellField {
 public:
  Hdf5Field(const std::string& file, const std::string& dataset, MPI_Comm comm) : spec_("hdf5:" + file + ":" + dataset) {
    Hdf5File h5(file, Hdf5File::Mode::Read, comm);
    require(h5.has_dataset(dataset), "coefficient '" + spec_ + "': file has no dataset '" + dataset + "'");
    const auto dims = h5.dataset_dims(dataset);
    require(dims.size() == 2 && dims[0] == dims[1] && dims[0] > 0,
            "coefficient '" + spec_ + "': dataset must be a square 2D array of cell values [y][x]");
    m_ = static_cast<long>(dims[0]);
    values_ = h5.read_all(dataset);
    for (size_t k = 0; k < values_.size(); ++k) {
      require(std::isfinite(values_[k]) && values_[k] > 0,
              "coefficient '" + spec_ + "': value " + format_number(values_[k]) + " at cell (" +
                  std::to_string(k % static_cast<size_t>(m_)) + "," + std::to_string(k / static_cast<size_t>(m_)) +
                  ") is not a positive finite number");
    }
  }
  void check_mesh(long n) const override {
    require(n % m_ == 0, "coefficient '" + spec_ + "' has " + std::to_string(m_) + "x" + std::to_string(m_) +
                             " cells; the mesh size " + std::to_string(n) + " must be a multiple of " + std::to_string(m_));
  }
  double value(long i, long j, long n) const override {
    const long r = n / m_;
    return values_[static_cast<size_t>((j / r) * m_ + i / r)];
  }
  std::string describe() const override { return spec_; }
 private:
  std::string spec_;
  long m_ = 0;
  std::vector<double> values_;
};

}  // namespace

std::string coefficient_family_names() {
  return "constant, periodic, smooth, levels, ms, cracks, channels, steady, hdf5:FILE:DATASET";
}

namespace {

class BlendField final : public CellField {
 public:
  BlendField(std::shared_ptr<const CellField> a, std::shared_ptr<const CellField> b, double s)
      : a_(std::move(a)), b_(std::move(b)), s_(s) {}
  double value(long i, long j, long n) const override {
    return (1 - s_) * a_->value(i, j, n) + s_ * b_->value(i, j, n);
  }
  void check_mesh(long n) const override {
    a_->check_mesh(n);
    b_->check_mesh(n);
  }
  std::string describe() const override {
    return "blend(" + a_->describe() + ", " + b_->describe() + ", s=" + std::to_string(s_) + ")";
  }
 private:
  std::shared_ptr<const CellField> a_, b_;
  double s_;
};

}  // namespace

CoefficientPath::CoefficientPath(std::shared_ptr<const CellField> start, std::shared_ptr<const CellField> end,
                                 double final_time)
    : description_("from " + start->describe() + " at t=0 to " + end->describe() + " at t=" + format_number(final_time)) {
  require(final_time > 0, "a time-dependent coefficient needs a positive final time -T");
  at_ = [start = std::move(start), end = std::move(end), final_time](double t) -> std::unique_ptr<CellField> {
    const double s = std::min(1.0, std::max(0.0, t / final_time));
    return std::make_unique<BlendField>(start, end, s);
  };
}

CoefficientPath::CoefficientPath(Function at, std::string description)
    : at_(std::move(at)), description_(std::move(description)) {}

std::unique_ptr<CellField> make_function_field(std::function<double(double, double)> f, std::string name) {
  return std::make_unique<FunctionField>(std::move(f), std::move(name));
}

std::unique_ptr<CellField> make_coefficient(const CoefficientOptions& o, MPI_Comm comm) {
  const std::string& family = o.family;
  if (family == "constant") {
    require(std::isfinite(o.value) && o.value > 0,
            "-coef_value must be positive for -coef constant (got " + format_number(o.value) + ")");
    const double v = o.value;
    return make_function_field([v](double, double) { return v; }, "constant");
  }
  if (family == "periodic") {
    require(o.eps > 0, "-coef_eps must be positive (got " + format_number(o.eps) + ")");
    const double eps = o.eps;
    return make_function_field(
        [eps](double x, double y) { return 2.0 + std::sin(2 * kPi * x / eps) * std::cos(2 * kPi * y / eps); },
        "periodic(eps=" + format_number(eps) + ")");
  }
  if (family == "smooth") {
    return make_function_field([](double x, double y) { return 2.0 + std::sin(2 * kPi * x) * std::sin(2 * kPi * y); },
                               "smooth");
  }
  if (family == "levels" || family == "ms") {
    require(o.alpha > 0 && o.beta >= o.alpha,
            "-coef_alpha and -coef_beta must satisfy 0 < alpha <= beta (got " + format_number(o.alpha) + ", " +
                format_number(o.beta) + ")");
    if (family == "ms") return std::make_unique<MultiscaleField>(o.seed, o.alpha, o.beta);
    require(o.level >= 0 && o.level <= 20, "-coef_level must be in 0..20 (got " + std::to_string(o.level) + ")");
    return std::make_unique<LevelField>(o.seed, static_cast<std::uint64_t>(o.level), o.level, o.alpha, o.beta);
  }
  if (family == "cracks") {
    require(o.cracks >= 0, "-coef_cracks must be non-negative");
    return std::make_unique<CrackField>(o.seed, o.cracks);
  }
  if (family == "channels") {
    require(std::isfinite(o.contrast) && o.contrast > 0,
            "-coef_contrast must be positive (got " + format_number(o.contrast) + ")");
    return std::make_unique<ChannelField>(o.contrast);
  }
  if (family == "steady") return make_steady_family(o.seed);
  if (family.rfind("hdf5:", 0) == 0) {
    const std::string rest = family.substr(5);
    const size_t colon = rest.rfind(':');
    require(colon != std::string::npos && colon > 0 && colon + 1 < rest.size(),
            "-coef '" + family + "': expected hdf5:FILE:DATASET");
    return std::make_unique<Hdf5Field>(rest.substr(0, colon), rest.substr(colon + 1), comm);
  }
  throw Error("unknown coefficient family '" + family + "' (-coef); known: " + coefficient_family_names());
}

}  // namespace neurhom
