#include "neurhom/core/petsc_util.hpp"

#include <vector>

#include "neurhom/core/error.hpp"

namespace neurhom {

void throw_petsc_error(PetscErrorCode code, const char* call, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw LocalError(std::string("PETSc error ") + std::to_string(static_cast<int>(code)) + " (" +
                   (text ? text : "unknown") + ") in " + call + " at " + file + ":" + std::to_string(line));
}

std::vector<double> gather_to_all(Vec v) {
  OwnedScatter scatter;
  OwnedVec all;
  NH_PETSC(VecScatterCreateToAll(v, scatter.out(), all.out()));
  NH_PETSC(VecScatterBegin(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD));
  NH_PETSC(VecScatterEnd(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscInt n = 0;
  NH_PETSC(VecGetSize(all, &n));
  const PetscScalar* data = nullptr;
  NH_PETSC(VecGetArrayRead(all, &data));
  std::vector<double> out(data, data + n);
  NH_PETSC(VecRestoreArrayRead(all, &data));
  return out;
}

}  // namespace neurhom
