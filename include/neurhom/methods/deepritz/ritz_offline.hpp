#pragma once
// Offline phase of the Deep Ritz LOD: one network per interior coarse node, trained on the
// node's patch for all training parameters at once (methods/deepritz/ritz_setting.hpp,
// methods/deepritz/net/ritz_corrector.hpp), the nodes distributed over the ranks in contiguous blocks (the
// scaling axis: the networks are independent, there is no communication while training).
// Node k's network is initialised from seed + global node index, so the bundle does not
// depend on the number of ranks. Rank 0 gathers the flat parameter vectors and writes one
// bundle (methods/deepritz/net/ritz_bundle.hpp) with the setting as attributes; it prints one progress line
// per node of its block with rate and ETA.
//
// batch_nodes: how many of a rank's networks train together as one batched model
// (methods/deepritz/net/ritz_batch.hpp; 1: one at a time, the default; 0: all of the rank's
// block). The trained networks are the same either way up to round-off (tested); the batch
// is padded to the mesh's largest node patch (ritz_padding) so that its shapes do not depend
// on the ranks. On CPU one at a time is faster (batched: 0.78-0.84x the throughput, each
// network's GEMMs already have 9-25k rows; benchmarks/deepritz_batched.py).
#include <mpi.h>

#include <string>

#include "neurhom/core/json_report.hpp"
#include "neurhom/methods/deepritz/ritz_setting.hpp"
#include "neurhom/methods/deepritz/net/ritz_corrector.hpp"

namespace neurhom {

struct DeepRitzTrainSettings {
  DeepRitzExample example;
  RitzTrainSettings train;
  int batch_nodes = 1;  // networks per batched model (1: one at a time, 0: the rank's whole block)
  std::string output;   // bundle file (required)
};

struct DeepRitzTrainSummary {
  int nodes = 0;
  double seconds = 0;              // wall time of the whole training
  double node_seconds_mean = 0;    // per network
  double node_seconds_total = 0;   // summed over all networks (the serial cost)
  double steps_mean = 0;
  int stopped_early = 0;           // networks stopped by the convergence criterion
  double energy_mean = 0, interpolation_max = 0;
  long long parameters_per_network = 0;
  int batch_nodes = 0;             // the networks per batch actually used (max over ranks)
  double samples_per_second = 0;   // network evaluations (fine nodes x parameters) per second of training, all ranks
};

DeepRitzTrainSummary train_deep_ritz(MPI_Comm comm, const DeepRitzTrainSettings& settings);

// The report of a training run: the setting, the networks, energies, steps and timings.
Json to_json(const DeepRitzTrainSummary& r, const DeepRitzTrainSettings& s);

}  // namespace neurhom
