#pragma once
// The JSON report of every subcommand (-report FILE): the same keys everywhere for what every
// run has, `seconds` (wall time of the command, from its start in main) and `ranks`, added
// here unless the command set them itself; the rest is the command's own.
#include <mpi.h>

#include <string>
#include <vector>

#include "neurhom/core/json_report.hpp"

namespace neurhom::app {

void start_command_clock();      // main, before the command runs
double command_seconds();        // since start_command_clock()
// Adds `seconds` and `ranks` when absent and writes the file (rank 0, atomically; "" : nothing).
void write_report(const std::string& path, Json report, MPI_Comm comm);

// `dim` = 2 and `cells` = [n, n]: the mesh keys every report of the unit-square commands has,
// as the box paths' reports have `dim` and `cells` of their box.
void add_square_mesh(Json& report, long long n);

// -coarse_history FILE of the time-dependent runs (lod, compress-eval): /times [steps] and
// /coarse_solution [steps][N+1][N+1] ([y][x]; `values` is the U^m one after another), format
// attribute "neurhom lod history"; written atomically. Collective; every rank holds the data.
void write_coarse_history(const std::string& path, const std::vector<double>& times, const std::vector<double>& values,
                          int coarse_n, MPI_Comm comm);

}  // namespace neurhom::app
