#pragma once
// Learning-rate schedules of the Trainer (nn/trainer.hpp), evaluated before every step:
//   constant     lr = rate
//   step         lr = rate for epochs 1..step_epochs, then late_rate (the operator
//                compression schedule: Kroepfl, Maier, Peterseim 2022, Sec. 4.3)
//   exponential  lr = rate * decay^(s / decay_steps) over the optimizer steps s taken so far,
//                as a staircase (floor(s / decay_steps)) or continuous (the Deep Ritz LOD
//                setting: 1e-3, decay 0.9 every 1000 steps; TensorFlow's ExponentialDecay)
#include <string>

namespace neurhom {

struct LrSchedule {
  enum class Kind { Constant, Step, Exponential };
  Kind kind = Kind::Constant;
  double rate = 1e-3;
  double late_rate = 1e-4;  // step
  int step_epochs = 0;      // step: epochs at `rate`
  double decay = 0.9;       // exponential
  long long decay_steps = 1000;
  bool staircase = false;

  static LrSchedule constant(double rate);
  static LrSchedule step(double rate, int step_epochs, double late_rate);
  static LrSchedule exponential(double rate, double decay, long long decay_steps, bool staircase = false);

  // epoch is 1-based; steps = optimizer steps taken before this one (over all epochs).
  double at(int epoch, long long steps) const;
  void validate(const std::string& what) const;  // throws Error for non-positive rates etc.
};

}  // namespace neurhom
