#pragma once
// Small MPI helpers used across layers (no PETSc dependency).
#include <mpi.h>

#include <string>

namespace neurhom {

// Contiguous block [begin, end) of `count` items owned by this rank (the split of coarse
// cells over the ranks in LOD and CEM).
struct Block {
  long begin = 0, end = 0;
};
Block block_of(long count, MPI_Comm comm);
int mpi_rank(MPI_Comm comm);
int mpi_size(MPI_Comm comm);
inline bool is_root(MPI_Comm comm) { return mpi_rank(comm) == 0; }

// Logical AND / OR / sum / max across ranks.
bool all_ranks(MPI_Comm comm, bool local);
bool any_rank(MPI_Comm comm, bool local);
double sum_ranks(MPI_Comm comm, double local);
double max_ranks(MPI_Comm comm, double local);
long long sum_ranks(MPI_Comm comm, long long local);

// The ranks of comm on this node (MPI_Comm_split_type SHARED): this rank's index among them
// and their count. Collective. Used for one GPU per rank and for threads = cores / ranks.
struct NodeRanks {
  int rank = 0, size = 1;
};
NodeRanks node_ranks(MPI_Comm comm);
// Intra-op threads per rank when none are asked for: the node's cores over its ranks, at most
// the cores this process is bound to (mpiexec binds ranks to cores by default; run hybrid
// jobs with `mpiexec --bind-to none` or `--map-by slot:PE=t`, or srun -c t), at least 1.
int default_threads_per_rank(MPI_Comm comm);

// Lowest rank for which `flag` is true, or -1 if none. Collective.
int first_rank_with(MPI_Comm comm, bool flag);
// `value` as held by `root`, on every rank. Collective.
std::string broadcast_string(MPI_Comm comm, int root, std::string value);

}  // namespace neurhom
