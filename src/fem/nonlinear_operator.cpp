// Element kernels of the nonlinear diffusion operator (see nonlinear_operator.hpp). With
// reference gradients (physical gradient = reference / h, Jacobian determinant h^2) the h
// factors cancel:
//   N_i  += w_q a_q (g_q . dphi_i),                         a_q = kappa_K exp(gamma u_q)
//   J_ik += w_q a_q (dphi_k . dphi_i) + gamma w_q a_q phi_k (g_q . dphi_i),
// where u_q = sum_k u_k phi_k(q) and g_q = sum_k u_k dphi_k(q).
#include "neurhom/fem/nonlinear_operator.hpp"

#include <array>
#include <cmath>

#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

namespace {

// Calls body() for every owned cell with the 4 ghosted nodal values of u.
template <class Body>
void for_each_cell(const StructuredGrid& grid, Vec u, Body body) {
  Vec local = nullptr;
  NH_PETSC(DMGetLocalVector(grid.dm(), &local));
  NH_PETSC(DMGlobalToLocal(grid.dm(), u, INSERT_VALUES, local));
  const PetscScalar* const* a = nullptr;
  NH_PETSC(DMDAVecGetArrayRead(grid.dm(), local, &a));
  for (PetscInt j = grid.cell_y().begin; j < grid.cell_y().end; ++j)
    for (PetscInt i = grid.cell_x().begin; i < grid.cell_x().end; ++i)
      body(i, j, std::array<double, 4>{a[j][i], a[j][i + 1], a[j + 1][i], a[j + 1][i + 1]});
  NH_PETSC(DMDAVecRestoreArrayRead(grid.dm(), local, &a));
  NH_PETSC(DMRestoreLocalVector(grid.dm(), &local));
}

struct PointState {
  double weight_a;  // scale * w_q * kappa * exp(gamma u_q)
  double g[2];      // reference gradient of u
};

PointState point_state(const q1::Quadrature::Point& q, const std::array<double, 4>& ue, double kappa, double gamma,
                       double scale) {
  double uq = 0;
  PointState s{0, {0, 0}};
  for (int k = 0; k < 4; ++k) {
    uq += ue[k] * q.phi[k];
    s.g[0] += ue[k] * q.dphi[k][0];
    s.g[1] += ue[k] * q.dphi[k][1];
  }
  s.weight_a = scale * q.weight * kappa * std::exp(gamma * uq);
  return s;
}

}  // namespace

void nonlinear_flux(const StructuredGrid& grid, const std::vector<double>& kappa, double gamma, double scale, Vec u,
                    Vec out) {
  const auto& quad = q1::gauss(2);
  Vec local_r = nullptr;
  NH_PETSC(DMGetLocalVector(grid.dm(), &local_r));
  NH_PETSC(VecSet(local_r, 0.0));
  PetscScalar** ra = nullptr;
  NH_PETSC(DMDAVecGetArray(grid.dm(), local_r, &ra));
  for_each_cell(grid, u, [&](PetscInt i, PetscInt j, const std::array<double, 4>& ue) {
    const double k_cell = kappa[static_cast<size_t>(grid.local_cell(i, j))];
    q1::ElementVector re{};
    for (const auto& q : quad.points) {
      const PointState s = point_state(q, ue, k_cell, gamma, scale);
      for (int k = 0; k < 4; ++k) re[k] += s.weight_a * (s.g[0] * q.dphi[k][0] + s.g[1] * q.dphi[k][1]);
    }
    add_to_cell(ra, i, j, re);
  });
  NH_PETSC(DMDAVecRestoreArray(grid.dm(), local_r, &ra));
  NH_PETSC(VecSet(out, 0.0));
  NH_PETSC(DMLocalToGlobal(grid.dm(), local_r, ADD_VALUES, out));
  NH_PETSC(DMRestoreLocalVector(grid.dm(), &local_r));
}

void nonlinear_flux_jacobian(const StructuredGrid& grid, const std::vector<double>& kappa, double gamma, double scale,
                             Vec u, Mat J) {
  const auto& quad = q1::gauss(2);
  NH_PETSC(MatZeroEntries(J));
  for_each_cell(grid, u, [&](PetscInt i, PetscInt j, const std::array<double, 4>& ue) {
    const double k_cell = kappa[static_cast<size_t>(grid.local_cell(i, j))];
    q1::ElementMatrix je{};
    for (const auto& q : quad.points) {
      const PointState s = point_state(q, ue, k_cell, gamma, scale);
      for (int r = 0; r < 4; ++r) {
        const double g_dot_r = s.g[0] * q.dphi[r][0] + s.g[1] * q.dphi[r][1];
        for (int k = 0; k < 4; ++k)
          je[r * 4 + k] += s.weight_a * (q.dphi[k][0] * q.dphi[r][0] + q.dphi[k][1] * q.dphi[r][1]) +
                           gamma * s.weight_a * q.phi[k] * g_dot_r;
      }
    }
    MatStencil st[4];
    const PetscInt di[4] = {0, 1, 0, 1}, dj[4] = {0, 0, 1, 1};
    for (int k = 0; k < 4; ++k) st[k] = MatStencil{0, j + dj[k], i + di[k], 0};
    NH_PETSC(MatSetValuesStencil(J, 4, st, 4, st, je.data(), ADD_VALUES));
  });
  NH_PETSC(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
}

}  // namespace neurhom
