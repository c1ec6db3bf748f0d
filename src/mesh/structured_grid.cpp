#include "neurhom/mesh/structured_grid.hpp"

#include <algorithm>
#include <string>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"

namespace neurhom {

StructuredGrid::StructuredGrid(MPI_Comm comm, int n) : comm_(comm), n_(n) {
  require(n >= 2, "-fine_n must be at least 2 (got " + std::to_string(n) + ")");
  const int ranks = mpi_size(comm);
  // The DMDA needs at least two nodes per rank and direction in its process grid; reject
  // layouts it cannot make with a clear message instead of a PETSc traceback.
  require(static_cast<long long>(n + 1) * (n + 1) >= 4LL * ranks,
          "-fine_n " + std::to_string(n) + " is too small for " + std::to_string(ranks) + " ranks");
  NH_PETSC(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, n + 1, n + 1, PETSC_DECIDE,
                        PETSC_DECIDE, 1, 1, nullptr, nullptr, dm_.out()));
  NH_PETSC(DMSetUp(dm_));
  PetscInt xs, ys, xm, ym;
  NH_PETSC(DMDAGetCorners(dm_, &xs, &ys, nullptr, &xm, &ym, nullptr));
  node_x_ = {xs, xs + xm};
  node_y_ = {ys, ys + ym};
  cell_x_ = {xs, std::min<PetscInt>(xs + xm, n)};
  cell_y_ = {ys, std::min<PetscInt>(ys + ym, n)};
}

OwnedVec StructuredGrid::create_vector() const {
  OwnedVec v;
  NH_PETSC(DMCreateGlobalVector(dm_, v.out()));
  NH_PETSC(VecSet(v, 0.0));
  return v;
}

std::vector<double> StructuredGrid::to_natural(Vec global) const {
  OwnedVec natural;
  NH_PETSC(DMDACreateNaturalVector(dm_, natural.out()));
  NH_PETSC(DMDAGlobalToNaturalBegin(dm_, global, INSERT_VALUES, natural));
  NH_PETSC(DMDAGlobalToNaturalEnd(dm_, global, INSERT_VALUES, natural));
  return gather_to_all(natural);
}

}  // namespace neurhom
