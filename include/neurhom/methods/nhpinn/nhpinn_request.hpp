#pragma once
// What a user asks of one NH-PINN case (`neurhom nhpinn train`), and the case defaults that
// fill in the rest. The paper (Leung, Lin, Zhang 2021, Sec. 5) gives the networks, the points and
// the classical-PINN optimizer; the schedules of the NH-PINN networks are ours (docs/pinn.md):
//   cell PINNs       2D: 6000 epochs, lr 1e-3 x 0.9^(step/1000) (chi_1 error 12.7, 3.6, 0.80,
//                    0.52, 0.44 at 1000 ... 6000 epochs at a constant rate; the mild decay damps
//                    Adam's spikes); 1D: 2000 epochs at 1e-3
//   homogenized      elliptic2d, the paper's boundary loss: 15,000 epochs at 1e-3 x 0.9^(step/1000)
//                    with boundary weight w_2 = 0.999 (e_1 0.29 -> 0.019); elliptic2d with the
//                    exact ansatz u = s B N (-homog_boundary exact, our improvement) 6000 epochs and
//                    slow1d 4000 at 1e-3 x 0.6^(step/1000) (slow1d e_3 0.009 -> 0.0001);
//                    reaction1d the paper's 10,000 at 1e-2 x 0.7^(step/1000) (its solution ~
//                    sin(2 pi x) / 79 only leaves u = 0 with lr 1e-2)
//   classical PINN   the paper's: elliptic2d 4000 epochs at 1e-4, slow1d 1000 at 1e-4,
//                    reaction1d 10,000 at 0.015 (eps = 1/10) / 0.05 (eps < 1/20)
#include <cstdint>
#include <string>

#include "neurhom/core/json_report.hpp"
#include "neurhom/methods/nhpinn/nhpinn_case.hpp"

namespace neurhom {

// 0 (or "") = the case default above.
struct NhpinnRequest {
  int fine_per_period = 64, cell_n = 128, steps = 200;           // FEM references
  int cell_points = 101, oversampling = 2, cell_x = 21;         // cell PINN collocation
  int cell_features = 0;                                        // > 0: periodic input layer, K frequencies
  std::string cell_weights;                                     // "w1,w2[,w3]" ("": the paper's equal weights)
  int cell_epochs = 0, homog_points = 0, homog_time_points = 100, homog_epochs = 0;
  int baseline_points = 0, baseline_epochs = 0;
  double cell_lr = 1e-3, cell_decay = 0, homog_lr = 0, homog_decay = 0, homog_boundary_weight = 0, baseline_lr = 0;
  std::int64_t decay_steps = 1000;
  std::string homog_boundary;                                  // exact | loss | "" (case default)
  std::string homog_data = "pinn";                             // pinn | fem: where step 3's a* / r* come from
  bool baseline = false, without_oversampling = true, cell_only = false;
  int average_last = 500, print_every = 500, threads = 0;
  std::string output;                                          // HDF5 ("" for none)
};

// The settings of `request` for case `c` (Error for a value out of range).
NhpinnSettings nhpinn_settings(const HomogenizationCase& c, const NhpinnRequest& request);

// The report of a run: errors e1..e4, cell errors, a* / r*, the schedules used, timings.
Json to_json(const NhpinnResult& r, const NhpinnSettings& s, const HomogenizationCase& c);

}  // namespace neurhom
