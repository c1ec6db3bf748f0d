#include "neurhom/fem/error_norms.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

ErrorNorms error_vs_exact(const StructuredGrid& grid, Vec u, const ScalarFunction& exact,
                          const GradientFunction& exact_gradient) {
  const double h = grid.h();
  const auto& quad = q1::gauss(3);
  Vec local = nullptr;
  NH_PETSC(DMGetLocalVector(grid.dm(), &local));
  NH_PETSC(DMGlobalToLocal(grid.dm(), u, INSERT_VALUES, local));
  const PetscScalar* const* a = nullptr;
  NH_PETSC(DMDAVecGetArrayRead(grid.dm(), local, &a));
  double sums[4] = {0, 0, 0, 0};
  for (PetscInt j = grid.cell_y().begin; j < grid.cell_y().end; ++j) {
    for (PetscInt i = grid.cell_x().begin; i < grid.cell_x().end; ++i) {
      const double ue[4] = {a[j][i], a[j][i + 1], a[j + 1][i], a[j + 1][i + 1]};
      for (const auto& q : quad.points) {
        double uh = 0, gx = 0, gy = 0;
        for (int k = 0; k < 4; ++k) {
          uh += ue[k] * q.phi[k];
          gx += ue[k] * q.dphi[k][0] / h;
          gy += ue[k] * q.dphi[k][1] / h;
        }
        const double x = (static_cast<double>(i) + q.s) * h, y = (static_cast<double>(j) + q.t) * h;
        const double ux = exact(x, y);
        const auto g = exact_gradient(x, y);
        const double w = q.weight * h * h;
        sums[0] += w * (ux - uh) * (ux - uh);
        sums[1] += w * ((g[0] - gx) * (g[0] - gx) + (g[1] - gy) * (g[1] - gy));
        sums[2] += w * ux * ux;
        sums[3] += w * (g[0] * g[0] + g[1] * g[1]);
      }
    }
  }
  NH_PETSC(DMDAVecRestoreArrayRead(grid.dm(), local, &a));
  NH_PETSC(DMRestoreLocalVector(grid.dm(), &local));
  double total[4];
  MPI_Allreduce(sums, total, 4, MPI_DOUBLE, MPI_SUM, grid.comm());
  return {std::sqrt(total[0]), std::sqrt(total[1]), std::sqrt(total[2]), std::sqrt(total[3])};
}

double matrix_norm(Mat A, Vec x) {
  OwnedVec Ax;
  NH_PETSC(VecDuplicate(x, Ax.out()));
  NH_PETSC(MatMult(A, x, Ax));
  PetscScalar value = 0;
  NH_PETSC(VecDot(x, Ax, &value));
  return std::sqrt(std::max(0.0, static_cast<double>(value)));
}

}  // namespace neurhom
