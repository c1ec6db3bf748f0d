#include "neurhom/core/progress.hpp"

#include <cstdio>
#include <utility>

#include "neurhom/core/mpi_util.hpp"

namespace neurhom {

Progress::Progress(std::string label, std::string unit, long long total, MPI_Comm comm, double min_interval)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      root_(is_root(comm)),
      min_interval_(min_interval),
      start_(std::chrono::steady_clock::now()) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(long long done, const std::string& extra) {
  if (!root_ || finished_) return;
  const double now = elapsed_seconds();
  if (now - last_print_ < min_interval_ && done < total_) return;
  last_print_ = now;
  print(done, extra);
}

void Progress::finish(const std::string& extra) {
  if (!root_ || finished_) return;
  if (last_done_ != total_ || !extra.empty()) print(total_, extra);
  finished_ = true;
}

void Progress::print(long long done, const std::string& extra) {
  last_done_ = done;
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  const double percent = total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0;
  std::printf("[%s] %s %lld/%lld (%.0f%%)  %.3g %s/s  %s %.1f s%s%s\n", label_.c_str(), unit_.c_str(), done, total_,
              percent, rate, unit_.c_str(), done >= total_ ? "elapsed" : "ETA", done >= total_ ? elapsed : eta,
              extra.empty() ? "" : "  ", extra.c_str());
  std::fflush(stdout);
}

}  // namespace neurhom
