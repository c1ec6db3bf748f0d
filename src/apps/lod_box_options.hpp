#pragma once
// What `neurhom lod` hands to its box path (cmd_lod_box.cpp).
#include <mpi.h>

#include <string>

#include "neurhom/coef/coefficient.hpp"

namespace neurhom::app {

struct LodBoxOptions {
  int dim = 2;
  std::string cells, coarse_cells, box, bc;  // as given ("" -> defaults)
  int ell = 2;
  std::string patch_solver;  // "": default_box_patch_solver(dim)
  std::string problem = "elliptic";
  CoefficientOptions coefficient;
  std::string rhs = "one";
  std::string report, output;
};

int run_lod_box(MPI_Comm comm, const LodBoxOptions& options);

}  // namespace neurhom::app
