#include "neurhom/methods/mrcae/net/mrcae_stop_rule.hpp"

#include <algorithm>
#include <numeric>

#include "neurhom/core/error.hpp"

namespace neurhom {

MrCaeStop mrcae_stop_from_string(const std::string& name) {
  if (name == "reference") return MrCaeStop::Reference;
  if (name == "patience") return MrCaeStop::Patience;
  throw Error("-stop must be reference or patience (got '" + name + "')");
}

std::string to_string(MrCaeStop stop) { return stop == MrCaeStop::Reference ? "reference" : "patience"; }

MrCaeReferenceStop::MrCaeReferenceStop(int max_epochs, double min_progress)
    : max_epochs_(max_epochs), interval_(std::max(1, max_epochs / 10)), min_progress_(min_progress) {
  require(max_epochs >= 1 && min_progress >= 0, "MrCAE stop rule: at least one epoch and a non-negative progress");
}

std::string MrCaeReferenceStop::update(int epoch, double loss, const std::function<bool()>& resolved) {
  losses_.push_back(loss);
  if (epoch % interval_ != 0 || epoch >= max_epochs_) return "";
  if (resolved && resolved()) return "resolved";
  if (epoch > max_epochs_ / 2) {
    const auto window = static_cast<std::ptrdiff_t>(std::min<size_t>(losses_.size(), static_cast<size_t>(interval_)));
    const double mean = std::accumulate(losses_.end() - window, losses_.end(), 0.0) / static_cast<double>(window);
    if ((previous_ - mean) / previous_ < min_progress_) return "slow";
    previous_ = mean;
  }
  return "";
}

}  // namespace neurhom
