#pragma once
// Private helpers of the box FEM sources (src/fem/box_*.cpp): ghosted read access to a global
// Vec and the accumulation of element vectors into one, both over the DMDA's ghosted local
// vector ([z][y][x] indexing with the ghost corners).
#include <petscdmda.h>

#include <array>

#include "neurhom/core/error.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/mesh/box_grid.hpp"

namespace neurhom::box_detail {

// Read access to a global Vec with its ghost layer (DMDA local vector), [z][y][x] indexing.
class GhostedValues {
 public:
  GhostedValues(const BoxGrid& grid, Vec global) : dm_(grid.dm()) {
    NH_PETSC(DMGetLocalVector(dm_, &local_));
    NH_PETSC(DMGlobalToLocalBegin(dm_, global, INSERT_VALUES, local_));
    NH_PETSC(DMGlobalToLocalEnd(dm_, global, INSERT_VALUES, local_));
    NH_PETSC(DMDAGetGhostCorners(dm_, &s_[0], &s_[1], &s_[2], &m_[0], &m_[1], &m_[2]));
    NH_PETSC(VecGetArrayRead(local_, &data_));
  }
  ~GhostedValues() {
    VecRestoreArrayRead(local_, &data_);
    DMRestoreLocalVector(dm_, &local_);
  }
  GhostedValues(const GhostedValues&) = delete;
  GhostedValues& operator=(const GhostedValues&) = delete;
  double at(PetscInt i, PetscInt j, PetscInt k) const {
    return data_[((k - s_[2]) * m_[1] + (j - s_[1])) * m_[0] + (i - s_[0])];
  }

 private:
  DM dm_;
  Vec local_ = nullptr;
  const PetscScalar* data_ = nullptr;
  PetscInt s_[3] = {0, 0, 0}, m_[3] = {1, 1, 1};
};

// Element contributions added into the ghosted local vector, then summed into a global Vec
// (DMLocalToGlobal, ADD_VALUES): the cells a rank owns touch nodes one layer beyond its block.
class LocalAccumulator {
 public:
  explicit LocalAccumulator(const BoxGrid& grid) : dm_(grid.dm()) {
    NH_PETSC(DMGetLocalVector(dm_, &local_));
    NH_PETSC(VecSet(local_, 0.0));
    NH_PETSC(DMDAGetGhostCorners(dm_, &s_[0], &s_[1], &s_[2], &m_[0], &m_[1], &m_[2]));
    NH_PETSC(VecGetArray(local_, &data_));
  }
  ~LocalAccumulator() {
    if (data_) VecRestoreArray(local_, &data_);
    DMRestoreLocalVector(dm_, &local_);
  }
  LocalAccumulator(const LocalAccumulator&) = delete;
  LocalAccumulator& operator=(const LocalAccumulator&) = delete;
  // adds the 2^d values of cell (i, j, k)
  void add_cell(int dim, PetscInt i, PetscInt j, PetscInt k, const std::array<double, 8>& values) {
    for (int b = 0; b < box::nodes_per_cell(dim); ++b)
      data_[((k + ((b >> 2) & 1) - s_[2]) * m_[1] + (j + ((b >> 1) & 1) - s_[1])) * m_[0] + (i + (b & 1) - s_[0])] +=
          values[static_cast<size_t>(b)];
  }
  void add_to(Vec global) {
    NH_PETSC(VecRestoreArray(local_, &data_));
    data_ = nullptr;
    NH_PETSC(DMLocalToGlobalBegin(dm_, local_, ADD_VALUES, global));
    NH_PETSC(DMLocalToGlobalEnd(dm_, local_, ADD_VALUES, global));
  }

 private:
  DM dm_;
  Vec local_ = nullptr;
  PetscScalar* data_ = nullptr;
  PetscInt s_[3] = {0, 0, 0}, m_[3] = {1, 1, 1};
};


}  // namespace neurhom::box_detail
