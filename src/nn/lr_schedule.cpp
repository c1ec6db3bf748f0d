#include "neurhom/nn/lr_schedule.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"

namespace neurhom {

LrSchedule LrSchedule::constant(double rate) {
  LrSchedule s;
  s.kind = Kind::Constant;
  s.rate = rate;
  return s;
}

LrSchedule LrSchedule::step(double rate, int step_epochs, double late_rate) {
  LrSchedule s;
  s.kind = Kind::Step;
  s.rate = rate;
  s.step_epochs = step_epochs;
  s.late_rate = late_rate;
  return s;
}

LrSchedule LrSchedule::exponential(double rate, double decay, long long decay_steps, bool staircase) {
  LrSchedule s;
  s.kind = Kind::Exponential;
  s.rate = rate;
  s.decay = decay;
  s.decay_steps = decay_steps;
  s.staircase = staircase;
  return s;
}

double LrSchedule::at(int epoch, long long steps) const {
  switch (kind) {
    case Kind::Constant: return rate;
    case Kind::Step: return epoch <= step_epochs ? rate : late_rate;
    case Kind::Exponential: {
      const double e = static_cast<double>(steps) / static_cast<double>(decay_steps);
      return rate * std::pow(decay, staircase ? std::floor(e) : e);
    }
  }
  return rate;
}

void LrSchedule::validate(const std::string& what) const {
  require(rate > 0, what + ": the learning rate must be positive");
  if (kind == Kind::Step) require(late_rate > 0, what + ": the late learning rate must be positive");
  if (kind == Kind::Exponential)
    require(decay > 0 && decay <= 1 && decay_steps >= 1,
            what + ": exponential decay needs 0 < decay <= 1 and decay_steps >= 1");
}

}  // namespace neurhom
