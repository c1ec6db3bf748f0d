#pragma once
// What `neurhom lod` and `neurhom cem` hand to their box paths (cmd_lod_box.cpp, cmd_cem_box.cpp).
#include <mpi.h>

#include <string>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/json_report.hpp"
#include "options.hpp"

namespace neurhom::app {

struct LodBoxOptions {
  BoxOptions box;
  int ell = 2;                        // lod
  int modes = 4, oversampling = 2;    // cem
  std::string patch_solver;  // "": default_box_patch_solver(dim)
  std::string problem = "elliptic";
  CoefficientOptions coefficient;
  std::string rhs = "one";
  std::string report, output;
};

// [n1, n2, n3] (lengths false) or [L1, L2, L3] of a box, for the reports.
Json shape_json(const BoxShape& shape, bool lengths);

int run_lod_box(MPI_Comm comm, const LodBoxOptions& options);
int run_cem_box(MPI_Comm comm, const LodBoxOptions& options);

}  // namespace neurhom::app
