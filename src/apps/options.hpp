#pragma once
// Options shared by the subcommands, read from the PETSc options database inside a
// PetscOptionsBegin/End block (so -help lists them with their defaults).
#include <petscsys.h>

#include <string>

#include "neurhom/coef/coefficient.hpp"

namespace neurhom::app {

struct CommonOptions {
  CoefficientOptions coefficient;
  std::string rhs = "one";
  std::string output;  // -o
  std::string report;  // -report
  std::string error;   // set by read_common_options for an invalid value; see validate()
  void validate() const;  // throws Error(error) if set; checks output locations
};

// Must be called between PetscOptionsBegin and PetscOptionsEnd (uses PetscOptionsObject).
PetscErrorCode read_common_options(PetscOptionItems* PetscOptionsObject, CommonOptions* options);

// Reads a string option into `value` (keeps the default when absent).
PetscErrorCode read_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                           std::string* value);

// Prints one warning line on rank 0 for every option that nothing read (a likely typo).
void warn_unused_options(MPI_Comm comm);

// Throws Error unless the path is usable for output (directory exists).
void check_output_path(const std::string& path, const char* option);

}  // namespace neurhom::app
