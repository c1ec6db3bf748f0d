#include "neurhom/core/mpi_util.hpp"

#include <algorithm>
#include <thread>

#ifdef __linux__
#include <sched.h>
#endif

namespace neurhom {

Block block_of(long count, MPI_Comm comm) {
  const long size = mpi_size(comm), rank = mpi_rank(comm);
  const long base = count / size, extra = count % size;
  Block b;
  b.begin = rank * base + std::min(rank, extra);
  b.end = b.begin + base + (rank < extra ? 1 : 0);
  return b;
}

int mpi_rank(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int mpi_size(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

bool all_ranks(MPI_Comm comm, bool local) {
  int in = local ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, comm);
  return out == 1;
}

bool any_rank(MPI_Comm comm, bool local) {
  int in = local ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, comm);
  return out == 1;
}

double sum_ranks(MPI_Comm comm, double local) {
  double out = 0;
  MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_SUM, comm);
  return out;
}

double max_ranks(MPI_Comm comm, double local) {
  double out = 0;
  MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_MAX, comm);
  return out;
}

long long sum_ranks(MPI_Comm comm, long long local) {
  long long out = 0;
  MPI_Allreduce(&local, &out, 1, MPI_LONG_LONG, MPI_SUM, comm);
  return out;
}

int first_rank_with(MPI_Comm comm, bool flag) {
  const int size = mpi_size(comm);
  int in = flag ? mpi_rank(comm) : size, out = size;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, comm);
  return out < size ? out : -1;
}

std::string broadcast_string(MPI_Comm comm, int root, std::string value) {
  int length = static_cast<int>(value.size());
  MPI_Bcast(&length, 1, MPI_INT, root, comm);
  value.resize(static_cast<size_t>(length));
  MPI_Bcast(value.data(), length, MPI_CHAR, root, comm);
  return value;
}

NodeRanks node_ranks(MPI_Comm comm) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  NodeRanks r;
  MPI_Comm_rank(node, &r.rank);
  MPI_Comm_size(node, &r.size);
  MPI_Comm_free(&node);
  return r;
}

int default_threads_per_rank(MPI_Comm comm) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int threads = std::max(1, cores / node_ranks(comm).size);
#ifdef __linux__
  // Never more threads than the cores this process may run on: mpiexec binds each rank to one
  // core by default (OpenMPI, up to 2 ranks), and threads beyond the binding only compete.
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) threads = std::min(threads, std::max(1, CPU_COUNT(&mask)));
#endif
  return threads;
}

}  // namespace neurhom
