#include "neurhom/core/petsc_util.hpp"

#include <algorithm>
#include <string>
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

std::vector<double> local_values(Vec v) {
  PetscInt n = 0;
  NH_PETSC(VecGetLocalSize(v, &n));
  const PetscScalar* a = nullptr;
  NH_PETSC(VecGetArrayRead(v, &a));
  std::vector<double> out(a, a + n);
  NH_PETSC(VecRestoreArrayRead(v, &a));
  return out;
}

void set_local_values(const std::vector<double>& values, Vec v) {
  PetscInt n = 0;
  NH_PETSC(VecGetLocalSize(v, &n));
  if (static_cast<size_t>(n) != values.size())
    throw LocalError("set_local_values: " + std::to_string(values.size()) + " values for a local size of " +
                     std::to_string(n));
  PetscScalar* a = nullptr;
  NH_PETSC(VecGetArray(v, &a));
  std::copy(values.begin(), values.end(), a);
  NH_PETSC(VecRestoreArray(v, &a));
}

}  // namespace neurhom
