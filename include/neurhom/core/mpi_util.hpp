#pragma once
// Small MPI helpers used across layers (no PETSc dependency).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

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

// The MPI datatype of T (double, float, int, long, long long, unsigned char).
template <class T>
MPI_Datatype mpi_type() {
  if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else if constexpr (std::is_same_v<T, int>) return MPI_INT;
  else if constexpr (std::is_same_v<T, long>) return MPI_LONG;
  else if constexpr (std::is_same_v<T, long long>) return MPI_LONG_LONG;
  else {
    static_assert(std::is_same_v<T, unsigned char>, "mpi_type: unsupported type");
    return MPI_UNSIGNED_CHAR;
  }
}

// Every rank's `local` (any length, also none) concatenated in rank order: on rank 0 only
// (`everywhere` false: empty elsewhere) or on every rank. Collective; one Gatherv/Allgatherv.
template <class T>
std::vector<T> gather_concat(MPI_Comm comm, const std::vector<T>& local, bool everywhere = false) {
  const int size = mpi_size(comm);
  const int n = static_cast<int>(local.size());
  std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size));
  if (everywhere)
    MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  else
    MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  int total = 0;
  for (int r = 0; r < size; ++r) {
    displs[static_cast<size_t>(r)] = total;
    total += counts[static_cast<size_t>(r)];
  }
  std::vector<T> out(everywhere || is_root(comm) ? static_cast<size_t>(total) : 0);
  if (everywhere)
    MPI_Allgatherv(local.data(), n, mpi_type<T>(), out.data(), counts.data(), displs.data(), mpi_type<T>(), comm);
  else
    MPI_Gatherv(local.data(), n, mpi_type<T>(), out.data(), counts.data(), displs.data(), mpi_type<T>(), 0, comm);
  return out;
}

}  // namespace neurhom
