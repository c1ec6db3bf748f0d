#include "report.hpp"

#include "neurhom/core/mpi_util.hpp"

namespace neurhom::app {

namespace {
double start_time = 0;
}  // namespace

void start_command_clock() { start_time = MPI_Wtime(); }

double command_seconds() { return MPI_Wtime() - start_time; }

void write_report(const std::string& path, Json report, MPI_Comm comm) {
  if (!report.find("seconds")) report["seconds"] = command_seconds();
  if (!report.find("ranks")) report["ranks"] = mpi_size(comm);
  write_json_file(path, report, comm);
}

}  // namespace neurhom::app
