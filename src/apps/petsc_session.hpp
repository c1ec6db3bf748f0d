#pragma once
// PETSc for the plain (argv-parsing) subcommands that need a PETSc library function in one
// branch (`train -model deepritz`, `mrcae-data -example multiscale`): initializes PETSc on the
// already initialized MPI unless it is up, and finalizes what it initialized.
#include <petscsys.h>

#include "neurhom/core/error.hpp"

namespace neurhom::app {

class PetscSession {
 public:
  PetscSession() {
    PetscBool up = PETSC_FALSE;
    PetscInitialized(&up);
    if (!up) {
      if (PetscInitializeNoArguments()) throw Error("cannot initialize PETSc");
      owner_ = true;
    }
  }
  ~PetscSession() {
    if (owner_) PetscFinalize();
  }
  PetscSession(const PetscSession&) = delete;
  PetscSession& operator=(const PetscSession&) = delete;

 private:
  bool owner_ = false;
};

}  // namespace neurhom::app
