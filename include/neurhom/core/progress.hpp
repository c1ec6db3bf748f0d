#pragma once
// Progress lines for long runs, printed on rank 0 only:
//   [fem] time step 40/100 (40%)  85.2 steps/s  ETA 0.7 s
// Lines are rate limited (at most one per `min_interval` seconds) except the final one.
#include <mpi.h>

#include <chrono>
#include <string>

namespace neurhom {

class Progress {
 public:
  Progress(std::string label, std::string unit, long long total, MPI_Comm comm, double min_interval = 1.0);
  void update(long long done, const std::string& extra = "");
  void finish(const std::string& extra = "");
  double elapsed_seconds() const;

 private:
  void print(long long done, const std::string& extra);

  std::string label_;
  std::string unit_;
  long long total_;
  bool root_;
  double min_interval_;
  std::chrono::steady_clock::time_point start_;
  double last_print_ = -1e300;
  bool finished_ = false;
  long long last_done_ = -1;
};

// Seconds since construction (steady clock).
class WallTimer {
 public:
  WallTimer() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void reset() { start_ = std::chrono::steady_clock::now(); }
 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace neurhom
