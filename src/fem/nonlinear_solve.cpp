// Backward Euler + Newton for u_t - div(kappa exp(gamma u) grad u) = f (see problem.hpp).
//
// Per step, SNES solves R(u) = M (u - u^n) + dt (N(u) - F(t_{n+1})) = 0, with boundary rows
// replaced by R_i = u_i. Element kernels use 2 x 2 Gauss points; with reference gradients
// (physical gradient = reference / h, Jacobian determinant h^2) the h factors cancel:
//   N_i  += w_q a_q (g_q . dphi_i),                         a_q = kappa_K exp(gamma u_q)
//   J_ik += w_q a_q (dphi_k . dphi_i) + gamma w_q a_q phi_k (g_q . dphi_i),
// where u_q = sum_k u_k phi_k(q) and g_q = sum_k u_k dphi_k(q).
#include <cmath>
#include <exception>

#include "neurhom/core/error.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/fem/time_series.hpp"

namespace neurhom {

namespace {

struct StepContext {
  const StructuredGrid* grid;
  const std::vector<double>* kappa;
  const DirichletBoundary* bc;
  double gamma;
  double dt;
  Mat M;
  Vec u_old;
  Vec dt_load;  // dt * F(t_{n+1})
  Vec scratch;
};

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

void residual(const StepContext& c, Vec u, Vec r) {
  const StructuredGrid& grid = *c.grid;
  const auto& quad = q1::gauss(2);
  Vec local_r = nullptr;
  NH_PETSC(DMGetLocalVector(grid.dm(), &local_r));
  NH_PETSC(VecSet(local_r, 0.0));
  PetscScalar** ra = nullptr;
  NH_PETSC(DMDAVecGetArray(grid.dm(), local_r, &ra));
  for_each_cell(grid, u, [&](PetscInt i, PetscInt j, const std::array<double, 4>& ue) {
    const double kappa = (*c.kappa)[static_cast<size_t>(grid.local_cell(i, j))];
    q1::ElementVector re{};
    for (const auto& q : quad.points) {
      double uq = 0, g[2] = {0, 0};
      for (int k = 0; k < 4; ++k) {
        uq += ue[k] * q.phi[k];
        g[0] += ue[k] * q.dphi[k][0];
        g[1] += ue[k] * q.dphi[k][1];
      }
      const double wa = c.dt * q.weight * kappa * std::exp(c.gamma * uq);
      for (int k = 0; k < 4; ++k) re[k] += wa * (g[0] * q.dphi[k][0] + g[1] * q.dphi[k][1]);
    }
    add_to_cell(ra, i, j, re);
  });
  NH_PETSC(DMDAVecRestoreArray(grid.dm(), local_r, &ra));
  NH_PETSC(VecSet(r, 0.0));
  NH_PETSC(DMLocalToGlobal(grid.dm(), local_r, ADD_VALUES, r));
  NH_PETSC(DMRestoreLocalVector(grid.dm(), &local_r));
  NH_PETSC(VecWAXPY(c.scratch, -1.0, c.u_old, u));
  NH_PETSC(MatMultAdd(c.M, c.scratch, r, r));
  NH_PETSC(VecAXPY(r, -1.0, c.dt_load));
  c.bc->set_residual(r, u);
}

void jacobian(const StepContext& c, Vec u, Mat J) {
  const StructuredGrid& grid = *c.grid;
  const auto& quad = q1::gauss(2);
  NH_PETSC(MatZeroEntries(J));
  for_each_cell(grid, u, [&](PetscInt i, PetscInt j, const std::array<double, 4>& ue) {
    const double kappa = (*c.kappa)[static_cast<size_t>(grid.local_cell(i, j))];
    q1::ElementMatrix je{};
    for (const auto& q : quad.points) {
      double uq = 0, g[2] = {0, 0};
      for (int k = 0; k < 4; ++k) {
        uq += ue[k] * q.phi[k];
        g[0] += ue[k] * q.dphi[k][0];
        g[1] += ue[k] * q.dphi[k][1];
      }
      const double wa = c.dt * q.weight * kappa * std::exp(c.gamma * uq);
      for (int r = 0; r < 4; ++r) {
        const double g_dot_r = g[0] * q.dphi[r][0] + g[1] * q.dphi[r][1];
        for (int k = 0; k < 4; ++k)
          je[r * 4 + k] += wa * (q.dphi[k][0] * q.dphi[r][0] + q.dphi[k][1] * q.dphi[r][1]) +
                           c.gamma * wa * q.phi[k] * g_dot_r;
      }
    }
    MatStencil st[4];
    const PetscInt di[4] = {0, 1, 0, 1}, dj[4] = {0, 0, 1, 1};
    for (int k = 0; k < 4; ++k) st[k] = MatStencil{0, j + dj[k], i + di[k], 0};
    NH_PETSC(MatSetValuesStencil(J, 4, st, 4, st, je.data(), ADD_VALUES));
  });
  NH_PETSC(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAXPY(J, 1.0, c.M, SAME_NONZERO_PATTERN));
  c.bc->apply_rows(J);
}

// SNES callbacks: C++ exceptions must not cross PETSc's C frames.
PetscErrorCode residual_callback(SNES, Vec u, Vec r, void* ctx) {
  try {
    residual(*static_cast<StepContext*>(ctx), u, r);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode jacobian_callback(SNES, Vec u, Mat J, Mat, void* ctx) {
  try {
    jacobian(*static_cast<StepContext*>(ctx), u, J);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

}  // namespace

void solve_nonlinear(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings,
                     FemSolution& solution) {
  require(std::isfinite(settings.gamma), "-gamma must be finite");
  WallTimer timer;
  const double dt = settings.final_time / settings.steps;
  OwnedMat M = create_operator(grid), J = create_operator(grid);
  assemble_mass(grid, M);
  NH_PETSC(MatSetOption(J, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
  const DirichletBoundary bc(grid);
  OwnedVec u_old = grid.create_vector(), dt_load = grid.create_vector(), scratch = grid.create_vector();
  OwnedVec r = grid.create_vector();
  StepContext context{&grid, &solution.cell_values, &bc, settings.gamma, dt, M, u_old, dt_load, scratch};

  OwnedSNES snes;
  NH_PETSC(SNESCreate(grid.comm(), snes.out()));
  NH_PETSC(SNESSetOptionsPrefix(snes, "nl_"));
  NH_PETSC(SNESSetFunction(snes, r, residual_callback, &context));
  NH_PETSC(SNESSetJacobian(snes, J, J, jacobian_callback, &context));
  NH_PETSC(SNESSetType(snes, SNESNEWTONLS));
  NH_PETSC(SNESSetTolerances(snes, 1e-50, 1e-10, 1e-14, 50, 10000));
  KSP ksp = nullptr;
  NH_PETSC(SNESGetKSP(snes, &ksp));
  NH_PETSC(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 10000));
  NH_PETSC(SNESSetFromOptions(snes));
  solution.assembly_seconds = timer.seconds();

  timer.reset();
  TimeSeries series(grid, inputs, settings, solution);
  Progress progress("fem", "step", settings.steps, grid.comm());
  for (int step = 1; step <= settings.steps; ++step) {
    const double t = step * dt;
    NH_PETSC(VecCopy(solution.u, u_old));
    assemble_load(grid, *inputs.source, t, dt_load);
    NH_PETSC(VecScale(dt_load, dt));
    NH_PETSC(SNESSolve(snes, nullptr, solution.u));
    SNESConvergedReason reason;
    NH_PETSC(SNESGetConvergedReason(snes, &reason));
    PetscInt newton = 0, linear = 0;
    NH_PETSC(SNESGetIterationNumber(snes, &newton));
    NH_PETSC(SNESGetLinearSolveIterations(snes, &linear));
    if (reason < 0)
      throw Error("Newton did not converge at time step " + std::to_string(step) + " (t = " + format_number(t) +
                  "): " + SNESConvergedReasons[reason] + "; try more -steps or other -nl_snes_* options");
    solution.newton_iterations += newton;
    solution.linear_iterations += linear;
    series.after_step(step, t);
    if (settings.show_progress) progress.update(step, "Newton its " + std::to_string(newton));
  }
  if (settings.show_progress) progress.finish();
  solution.steps = settings.steps;
  solution.solve_seconds = timer.seconds();
}

}  // namespace neurhom
