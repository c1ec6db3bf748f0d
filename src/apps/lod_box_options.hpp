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
  bool verify = false;                // lod -verify: the study in H and ell (lod/box_lod.hpp)
  int modes = 4, oversampling = 2;    // cem
  std::string patch_solver;  // "": default_box_patch_solver(dim, ...)
  std::string problem = "elliptic";
  double final_time = 1.0;            // lod -problem parabolic (-T, -steps)
  int steps = 10;
  CoefficientOptions coefficient;
  std::string rhs = "one";
  std::string report, output;
};

// The fields lod and cem share, from their parsed options (the caller sets ell or modes/oversampling).
inline LodBoxOptions box_options_from(const BoxOptions& box, const CommonOptions& common, const std::string& problem,
                                      const std::string& patch_solver) {
  LodBoxOptions b;
  b.box = box;
  b.patch_solver = patch_solver;  // "" = the box default
  b.problem = problem;
  b.coefficient = common.coefficient;
  b.rhs = common.rhs;
  b.report = common.report;
  b.output = common.output;
  return b;
}

int run_lod_box(MPI_Comm comm, const LodBoxOptions& options);
int run_cem_box(MPI_Comm comm, const LodBoxOptions& options);

}  // namespace neurhom::app
