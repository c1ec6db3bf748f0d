#include "neurhom/homog/fem1d.hpp"

#include <petscdmda.h>

#include <cmath>
#include <string>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/linear_solve.hpp"

namespace neurhom {

namespace {

// 3-point Gauss on [0, 1].
constexpr double kGx[3] = {0.5 - 0.3872983346207417, 0.5, 0.5 + 0.3872983346207417};
constexpr double kGw[3] = {5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0};

struct Setting {
  OwnedDM dm;
  PetscInt xs = 0, xm = 0;
  double h = 0;
};

Setting make_setting(MPI_Comm comm, int cells, const Fem1dCoefficients& c) {
  require(cells >= 2, "1D FEM: need at least 2 cells (got " + std::to_string(cells) + ")");
  require(c.x1 > c.x0, "1D FEM: empty interval");
  require(static_cast<bool>(c.diffusion), "1D FEM: no diffusion coefficient");
  Setting s;
  NH_PETSC(DMDACreate1d(comm, DM_BOUNDARY_NONE, cells + 1, 1, 1, nullptr, s.dm.out()));
  NH_PETSC(DMSetUp(s.dm));
  NH_PETSC(DMDAGetCorners(s.dm, &s.xs, nullptr, nullptr, &s.xm, nullptr, nullptr));
  s.h = (c.x1 - c.x0) / cells;
  return s;
}

// Cells owned by this rank: those whose left node it owns (the last node owns none).
template <class Body>
void for_owned_cells(const Setting& s, int cells, Body body) {
  for (PetscInt i = s.xs; i < s.xs + s.xm; ++i)
    if (i < cells) body(i);
}

// Stiffness + reaction (scaled by `dt`) + mass (scaled by `mass`) into A.
void assemble(const Setting& s, int cells, const Fem1dCoefficients& c, double dt, double mass, Mat A) {
  std::string bad;
  for_owned_cells(s, cells, [&](PetscInt i) {
    double d = 0, r[2][2] = {{0, 0}, {0, 0}};
    for (int q = 0; q < 3; ++q) {
      const double x = c.x0 + (i + kGx[q]) * s.h, phi[2] = {1 - kGx[q], kGx[q]};
      const double D = c.diffusion(x), R = c.reaction ? c.reaction(x) : 0.0;
      if (bad.empty() && !(std::isfinite(D) && D > 0 && std::isfinite(R)))
        bad = "D = " + std::to_string(D) + ", R = " + std::to_string(R) + " at x = " + std::to_string(x);
      d += kGw[q] * D;
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) r[a][b] += kGw[q] * (dt * R + mass) * phi[a] * phi[b] * s.h;
    }
    const double k = dt * d / s.h;
    const PetscInt rows[2] = {i, i + 1};
    const PetscScalar ke[4] = {k + r[0][0], -k + r[0][1], -k + r[1][0], k + r[1][1]};
    NH_PETSC(MatSetValues(A, 2, rows, 2, rows, ke, ADD_VALUES));
  });
  const int rank = first_rank_with(PetscObjectComm(reinterpret_cast<PetscObject>(A)), !bad.empty());
  if (rank >= 0)
    throw Error("1D FEM: coefficient not admissible (D > 0, R finite): " +
                broadcast_string(PetscObjectComm(reinterpret_cast<PetscObject>(A)), rank, bad));
  NH_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
}

// b += scale * int f phi_k.
void add_load(const Setting& s, int cells, const Fem1dCoefficients& c, const std::function<double(double)>& f,
              double scale, Vec b) {
  for_owned_cells(s, cells, [&](PetscInt i) {
    PetscScalar be[2] = {0, 0};
    for (int q = 0; q < 3; ++q) {
      const double x = c.x0 + (i + kGx[q]) * s.h, fx = f(x) * kGw[q] * s.h * scale;
      be[0] += fx * (1 - kGx[q]);
      be[1] += fx * kGx[q];
    }
    const PetscInt rows[2] = {i, i + 1};
    NH_PETSC(VecSetValues(b, 2, rows, be, ADD_VALUES));
  });
  NH_PETSC(VecAssemblyBegin(b));
  NH_PETSC(VecAssemblyEnd(b));
}

void zero_ends(Vec b, int cells) {
  PetscInt first = 0, last = 0;
  NH_PETSC(VecGetOwnershipRange(b, &first, &last));
  for (PetscInt k : {PetscInt(0), static_cast<PetscInt>(cells)})
    if (k >= first && k < last) NH_PETSC(VecSetValue(b, k, 0.0, INSERT_VALUES));
  NH_PETSC(VecAssemblyBegin(b));
  NH_PETSC(VecAssemblyEnd(b));
}

void apply_dirichlet(Mat A, int cells) {
  PetscInt first = 0, last = 0;
  NH_PETSC(MatGetOwnershipRange(A, &first, &last));
  std::vector<PetscInt> rows;
  for (PetscInt k : {PetscInt(0), static_cast<PetscInt>(cells)})
    if (k >= first && k < last) rows.push_back(k);
  NH_PETSC(MatZeroRowsColumns(A, static_cast<PetscInt>(rows.size()), rows.data(), 1.0, nullptr, nullptr));
}

}  // namespace

std::vector<double> solve_elliptic_1d(MPI_Comm comm, int cells, const Fem1dCoefficients& c,
                                      const std::function<double(double)>& f) {
  const Setting s = make_setting(comm, cells, c);
  OwnedMat A;
  NH_PETSC(DMCreateMatrix(s.dm, A.out()));
  assemble(s, cells, c, 1.0, 0.0, A);
  apply_dirichlet(A, cells);
  OwnedVec b, u;
  NH_PETSC(DMCreateGlobalVector(s.dm, b.out()));
  NH_PETSC(DMCreateGlobalVector(s.dm, u.out()));
  NH_PETSC(VecSet(b, 0.0));
  add_load(s, cells, c, f, 1.0, b);
  zero_ends(b, cells);
  OwnedKSP ksp = create_direct_ksp(A, "fem1d_");
  solve_checked(ksp, b, u, "1D elliptic solve");
  return gather_to_all(u);
}

std::vector<double> solve_parabolic_1d(MPI_Comm comm, int cells, const Fem1dCoefficients& c,
                                       const std::function<double(double, double)>& f,
                                       const std::function<double(double)>& initial, double final_time, int steps) {
  require(final_time > 0 && steps >= 1, "1D parabolic: -T must be positive and -steps at least 1");
  const Setting s = make_setting(comm, cells, c);
  const double dt = final_time / steps;
  OwnedMat system, M;
  NH_PETSC(DMCreateMatrix(s.dm, system.out()));
  NH_PETSC(DMCreateMatrix(s.dm, M.out()));
  assemble(s, cells, c, dt, 1.0, system);  // M + dt (A + R)
  Fem1dCoefficients mass_only = c;
  mass_only.reaction = nullptr;
  mass_only.diffusion = [](double) { return 1.0; };
  assemble(s, cells, mass_only, 0.0, 1.0, M);
  apply_dirichlet(system, cells);
  OwnedVec u, rhs;
  NH_PETSC(DMCreateGlobalVector(s.dm, u.out()));
  NH_PETSC(DMCreateGlobalVector(s.dm, rhs.out()));
  PetscInt first = 0, last = 0;
  NH_PETSC(VecGetOwnershipRange(u, &first, &last));
  for (PetscInt k = first; k < last; ++k)
    NH_PETSC(VecSetValue(u, k, initial ? initial(c.x0 + k * s.h) : 0.0, INSERT_VALUES));
  NH_PETSC(VecAssemblyBegin(u));
  NH_PETSC(VecAssemblyEnd(u));
  OwnedKSP ksp = create_direct_ksp(system, "fem1d_");
  for (int n = 1; n <= steps; ++n) {
    const double t = n * dt;
    NH_PETSC(MatMult(M, u, rhs));
    add_load(s, cells, c, [&](double x) { return f(x, t); }, dt, rhs);
    zero_ends(rhs, cells);
    solve_checked(ksp, rhs, u, "1D parabolic step");
  }
  return gather_to_all(u);
}

}  // namespace neurhom
