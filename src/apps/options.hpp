#pragma once
// Options shared by the subcommands, read from the PETSc options database inside a
// PetscOptionsBegin/End block (so -help lists them with their defaults).
#include <petscsys.h>

#include <cmath>
#include <memory>
#include <string>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/homogenization_cases.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/fem/box_boundary.hpp"
#include "neurhom/mesh/box_grid.hpp"

namespace neurhom::app {

struct CommonOptions {
  CoefficientOptions coefficient;
  std::string rhs = "one";
  std::string output;  // -o
  std::string report;  // -report
  long long end_seed = -1;  // -coef_end_seed: time-dependent coefficient (parabolic), -1: none
  std::string path;         // -coef_path: a named time-dependent coefficient (coef/coefficient_paths.hpp)
  double p_start = NAN, p_end = NAN;  // -coef_p_start, -coef_p_end of the cont/battery paths
  bool time_dependent() const { return end_seed >= 0 || !path.empty(); }
  std::string error;   // set by read_common_options for an invalid value; see validate()
  void validate() const;  // throws Error(error) if set; checks output locations
};

// The time-dependent coefficient: -coef_end_seed S (from the -seed sample at t = 0 to the sample
// with seed S at t = final_time) or -coef_path NAME; nullptr without either.
std::unique_ptr<CoefficientPath> make_coefficient_path(const CommonOptions& options, double final_time, MPI_Comm comm);

// Must be called between PetscOptionsBegin and PetscOptionsEnd (uses PetscOptionsObject).
PetscErrorCode read_common_options(PetscOptionItems* PetscOptionsObject, CommonOptions* options);

// -eps, -reaction_cell, -final_time, -initial_amplitude, -initial_wavenumber of the NH-PINN
// cases (coef/homogenization_cases.hpp), shared by `homog` and `nhpinn`.
PetscErrorCode read_homogenization_case_options(PetscOptionItems* PetscOptionsObject, HomogenizationCaseOptions* o);

// Boxes and 3D for the coarse-scale methods (`lod`, `cem`): -dim, -coarse_cells, -cells, -box,
// -bc; any of them selects the box path.
struct BoxOptions {
  PetscInt dim = 2;
  std::string cells, coarse_cells, box, bc, bc_values;
  bool given() const {
    return dim != 2 || !cells.empty() || !coarse_cells.empty() || !box.empty() || !bc.empty() || !bc_values.empty();
  }
};
PetscErrorCode read_box_options(PetscOptionItems* PetscOptionsObject, BoxOptions* options);
// The fine and coarse shapes (coarse default 4 per direction, fine default 8 x coarse), the
// ratio (Error unless the same integer in every direction) and the faces (default all D).
struct BoxLayout {
  BoxShape fine, coarse;
  int ratio = 1;
  BoxBoundary bc;
  std::vector<double> face_values;  // -bc_values: 2 dim numbers (all 0 without the option)
};
BoxLayout box_layout(const BoxOptions& options);
// -bc_values "v1,...,v2dim" (empty: zeros): Error naming the option for a wrong count or a non-number.
std::vector<double> parse_face_values(const std::string& text, int dim);
// [n1, n2, n3] (lengths false) or [L1, L2, L3] of a box, for the reports.
Json shape_json(const BoxShape& shape, bool lengths);
// "v,v[,v]": a per-direction default of a box option
std::string repeated(const std::string& value, int dim);

// On boxes in 3D the unit-square families do not apply: without -coef the box commands use the
// SPE10-style `layered` field (coef/box_field.hpp) instead of `ms`.
void default_box_coefficient(CoefficientOptions* options, int dim);

// Reads a string option into `value` (keeps the default when absent).
PetscErrorCode read_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                           std::string* value);

// Call right after a subcommand read its options. Returns true when -help was given (the options
// are listed; the caller returns 0 without running); throws Error naming the first option that
// nothing read, unless it belongs to a PETSc/SLEPc object configured later (-ksp_*, -pc_*,
// -snes_*, -eps_*, -svd_*, -log_view, ...), so a misspelled option fails before any work.
bool finish_options(MPI_Comm comm);

// -patch_solver (petsc, cholmod or mumps: the sparse Cholesky of the patch/region problems),
// also read under its older spelling `alias` (-lod_patch_solver, -cem_patch_solver).
PetscErrorCode read_patch_solver(PetscOptionItems* PetscOptionsObject, const char* alias, std::string* value);

// -fields FILE (the HDF5/XDMF fields of an evaluation), also read as -o.
PetscErrorCode read_fields(PetscOptionItems* PetscOptionsObject, const char* help, std::string* value);

// After the run: one warning line on rank 0 for every PETSc/SLEPc option that no object read
// (e.g. -ksp_rtoll, or -snes_* in a linear run).
void warn_unused_options(MPI_Comm comm);

// Throws Error unless the path is usable for output (directory exists).
void check_output_path(const std::string& path, const char* option);

}  // namespace neurhom::app
