#pragma once
// A trained MrCAE on the test split of its snapshot dataset (`neurhom mrcae-eval`):
//   level_errors   the global metric (3.4) of every level's reconstruction (the final
//                  model's f_k, interpolated to the finest level) against the finest data
//   level_mse      the plain relative L2 error ||D - U(f_k(D_k))|| / ||D|| per level
//   interpolation_errors  the zero-parameter baseline per level: (3.4) of U^{N-k} S^{N-k} D,
//                  the finest data subsampled to level k's code grid n_{k-1} and interpolated back
//   unresolved_fractions  per level, the share of coarse pixels left unresolved (E >= tol)
//                  after the level's last operation (from the training history)
//   parameters, encoding_size, architecture, and the training history stored in the model
// Fields (HDF5 + XDMF on the finest image grid, node-centred): for `snapshots` test
// snapshots the data, the finest reconstruction and its error, and the refinement maps:
// per level the number of adaptive filter groups acting at each pixel (the masks brought to
// the finest grid by the bilinear operator U; > 0 where filters were added).
#include <mpi.h>

#include <string>
#include <vector>

#include "neurhom/methods/mrcae/net/snapshot_dataset.hpp"
#include "neurhom/methods/mrcae/net/mrcae_training.hpp"

namespace neurhom {

struct MrCaeEvalResult {
  std::vector<double> level_errors, level_mse, interpolation_errors, unresolved_fractions;
  std::int64_t parameters = 0, encoding_size = 0;
  std::string architecture;
  std::vector<MrCaeOperation> history;
  long long test_snapshots = 0;
};

MrCaeEvalResult evaluate_mrcae(MPI_Comm comm, const std::string& model_path, const SnapshotSet& data, double w,
                               const std::string& fields, int snapshots);

}  // namespace neurhom
