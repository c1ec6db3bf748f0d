#include "report.hpp"

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
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

void write_coarse_history(const std::string& path, const std::vector<double>& times, const std::vector<double>& values,
                          int coarse_n, MPI_Comm comm) {
  const auto steps = static_cast<hsize_t>(times.size()), n = static_cast<hsize_t>(coarse_n + 1);
  require(values.size() == steps * n * n, "write_coarse_history: " + std::to_string(values.size()) + " values for " +
                                              std::to_string(steps) + " steps of (N+1)^2 = " + std::to_string(n * n));
  AtomicOutput out(path, comm);
  {
    Hdf5File file(out.temp_path(), Hdf5File::Mode::Create, comm);
    file.write_replicated("times", {steps}, times.data());
    file.write_replicated("coarse_solution", {steps, n, n}, values.data());
    file.set_attribute("/", "format", std::string("neurhom lod history"));
  }
  out.commit();
}

void add_square_mesh(Json& report, long long n) {
  report["dim"] = 2;
  Json cells = Json::array();
  cells.push_back(n);
  cells.push_back(n);
  report["cells"] = cells;
}

}  // namespace neurhom::app
