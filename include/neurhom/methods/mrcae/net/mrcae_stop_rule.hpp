#pragma once
// When an MrCAE training operation stops (Liu, Ponce, Brunton, Kutz 2020, Appendix B, and the
// authors' reference code, torch_cae_multilevel_V4.py CAE.train_arch, read for this).
//
//   reference (the default, MrCaeReferenceStop): checks every m = max(1, floor(E/10)) epochs,
//             E the maximal epochs of the operation, at epochs m, 2m, ... below E:
//               resolved  the error summary (3.8) of the training reconstruction is below the
//                         level's tolerance at every coarse pixel -> stop;
//               slow      only at epochs > floor(E/2): L_c = mean training loss of the last m
//                         epochs, L_p = L_c of the previous slow check (1e10 before the first);
//                         stop when (L_p - L_c) / L_p < 1e-3, else L_p = L_c.
//             The slow stop therefore fires at the second check after E/2 at the earliest
//             (E = 5000: epoch 3500), never in the first half of the operation.
//   patience  Appendix B as printed: stop when `patience` epochs improved the validation loss
//             by less than 0.1 % (the Trainer's EarlyStopping).
// An operation ends with the last epoch's parameters (the reference: its best_state_dict aliases the
// live parameters) or, with -restore best, the best validation epoch's (MrCaeTrainSettings).
// One difference from the reference: its L is the global metric (3.4) of the training batch
// (interpolated to the finest grid every epoch); ours is the level loss (3.1) being minimized.
#include <functional>
#include <string>
#include <vector>

namespace neurhom {

enum class MrCaeStop { Reference, Patience };
MrCaeStop mrcae_stop_from_string(const std::string& name);  // reference | patience (Error otherwise)
std::string to_string(MrCaeStop stop);

class MrCaeReferenceStop {
 public:
  explicit MrCaeReferenceStop(int max_epochs, double min_progress = 1e-3);
  int interval() const { return interval_; }
  // After epoch `epoch` (1-based, consecutive) with training loss `loss`. `resolved` is called
  // only at check epochs (it may be empty: no tolerance). Returns "" (go on), "resolved" or "slow".
  std::string update(int epoch, double loss, const std::function<bool()>& resolved);

 private:
  int max_epochs_, interval_;
  double min_progress_, previous_ = 1e10;
  std::vector<double> losses_;
};

}  // namespace neurhom
