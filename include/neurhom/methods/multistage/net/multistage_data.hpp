#pragma once
// The inputs and targets of the multi-stage networks (methods/multistage/net/multistage_net.hpp) from a
// `cem-datagen` file (methods/multistage/net/cem_dataset.hpp): the dimension reductions D_k of Chung, Leung,
// Pun, Zhang 2020, Sec. 3.1, evaluated by the data generator, selected per stage by name.
//
//   time data (Sec. 4, F_1 = D_k(F_0) in R^{m_0 x r_0}, m_0 = steps)
//     cem-all      R' F_0: the source projected on all dim V_ms CEM basis functions   r_0 = N L
//     cem-mode-k   the projection on the k-th local basis function of every coarse cell
//                  (k = 1..L, Sec. 4.3.1)                                              r_0 = N
//     pool         max pooling of the raw source at the fine cell centres, size = stride
//                  = H/h (Sec. 4.4; no CEM)                                           r_0 = N
//     learned      a pre-trained convolutional reduction of the raw source (Sec. 4.5,
//                  methods/multistage/net/learned_reduction.hpp): not in the file; read_multistage_split leaves
//                  the stage's input undefined and complete_learned_inputs() fills it   r_0 = N
//   targets        u_H(T) = (R'R)^{-1} R' u_h(T) of the linear or nonlinear problem     [n, N L]
//
//   steady data (Sec. 5, F_1 in R^{r_0}, r_0 = N coarse cells)
//     kappa-0, kappa-1, kappa-2   the coarse-cell means f^j of the components kappa^j
//     pool         max of kappa over each coarse cell (Table 13)
//   targets        coarse-cell means of the fine solution                               [n, N]
//
// Every rank reads the whole (small) dataset; the Trainer's TensorBatches give each rank its
// slice of every global batch. PETSc-free.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "neurhom/methods/multistage/net/cem_dataset.hpp"
#include "neurhom/methods/multistage/net/learned_reduction.hpp"

namespace neurhom {

struct MultistageSplit {
  std::vector<torch::Tensor> inputs;  // per stage: [n, m_0, r_0] (time) or [n, r_0] (steady), float64
  torch::Tensor targets;              // [n, outputs] float64
  torch::Tensor sample_seeds;         // [n] int64 (time data; the seeds that regenerate u_h)
  std::int64_t rows() const { return targets.size(0); }
};

// "linear", "nonlinear" (time data) or "steady"; throws Error when the file lacks the problem.
void require_multistage_problem(const CemDatasetMeta& meta, const std::string& path, const std::string& problem);
// r_0 of a reduction for this dataset; throws Error (naming the reduction and what the data
// offers) for an unknown name, cem-mode-k with k > L, a time reduction with steady data, or
// `pool` on a steady version-1 file without pooled_kappa.
int multistage_reduction_width(const CemDatasetMeta& meta, const std::string& problem, const std::string& reduction);
// The outputs N of the problem (dim V_ms, or the coarse cells for steady).
int multistage_outputs(const CemDatasetMeta& meta, const std::string& problem);

// split 0 = train, 1 = test. Collective reads (every rank gets everything).
MultistageSplit read_multistage_split(const Hdf5File& file, const CemDatasetMeta& meta, const std::string& problem,
                                      const std::vector<std::string>& reductions, int split);

// The raw-source grid of the dataset (fine_n, H/h, steps, T) for the learned reduction.
SourceGrid source_grid_of(const CemDatasetMeta& meta);
class MultistageNetImpl;
// Fills the undefined `learned` inputs of `split` with the network's reducer output.
void complete_learned_inputs(MultistageNetImpl& net, const std::vector<std::string>& reductions, MultistageSplit& split,
                             const SourceGrid& grid);

// A fingerprint of the data a model was trained on: metadata and the first and last targets.
std::string multistage_fingerprint(const CemDatasetMeta& meta, const std::string& problem, const MultistageSplit& train);

}  // namespace neurhom
