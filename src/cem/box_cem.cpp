// CEM-GMsFEM on boxes (see box_cem.hpp for the math).
#include "neurhom/cem/box_cem.hpp"

#include <petscao.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "neurhom/cem/cem_auxiliary.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/fem/box_fem.hpp"
#include "neurhom/fem/box_parabolic.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/patch/box_patch.hpp"
#include "neurhom/patch/patch_saddle_point.hpp"

namespace neurhom {

namespace {

// kappa~ on the fine cells of one coarse cell (patch with ell = 0)
std::vector<double> box_kappa_tilde(const PatchIndex& ix, const std::vector<double>& kappa, const std::array<double, 3>& H) {
  const BoxPatch& p = ix.p;
  std::vector<double> out(kappa.size());
  long c = 0;
  ix.for_cells([&](int i, int j, int k) {
    const double xi[3] = {(i + 0.5) / p.r, (j + 0.5) / p.r, (k + 0.5) / p.r};
    double g = 0;
    for (int d = 0; d < p.dim; ++d) {
      double term = 2.0 / (H[static_cast<size_t>(d)] * H[static_cast<size_t>(d)]);
      for (int e = 0; e < p.dim; ++e)
        if (e != d) term *= xi[e] * xi[e] + (1 - xi[e]) * (1 - xi[e]);
      g += term;
    }
    out[static_cast<size_t>(c)] = kappa[static_cast<size_t>(c)] * g;
    ++c;
  });
  return out;
}

struct BasisRow {
  std::vector<PetscInt> cols;  // fine nodes, PETSc ordering
  std::vector<double> values;
};

}  // namespace

void check_box_cem_settings(const BoxCemSettings& s, int dim) {
  require(s.oversampling >= 0, "-cem_oversampling must be non-negative (got " + std::to_string(s.oversampling) + ")");
  long cell_nodes = 1;
  for (int d = 0; d < dim; ++d) cell_nodes *= s.ratio + 1;
  require(s.modes >= 1 && s.modes <= cell_nodes, "-cem_modes " + std::to_string(s.modes) + " must be between 1 and the " +
                                                     std::to_string(cell_nodes) + " fine dofs of a coarse cell");
}

BoxCemResult compare_box_cem_with_fine(MPI_Comm comm, const BoxShape& fine, const BoxBoundary& bc, const BoxCellField& field,
                                       const Source& f, const BoxCemSettings& s) {
  const BoxCoarseMesh mesh(fine, s.ratio, bc);
  const int dim = fine.dim, L = s.modes, r = s.ratio;
  check_box_cem_settings(s, dim);
  long cell_nodes = 1;
  for (int d = 0; d < dim; ++d) cell_nodes *= r + 1;
  const CellIndex3 all = {fine.cells[0], fine.cells[1], dim == 3 ? fine.cells[2] : 1};
  field.check_mesh(dim, all);
  BoxCemResult result;
  WallTimer timer;
  const std::array<double, 3> h = box_fine_sizes(fine);
  std::array<double, 3> H{1, 1, 1};
  for (int d = 0; d < dim; ++d) H[static_cast<size_t>(d)] = h[static_cast<size_t>(d)] * r;
  const std::vector<double> kref = box::stiffness(dim, h), mref = box::mass(dim, h);
  const Block block = block_of(mesh.num_cells(), comm);
  const long own = block.end - block.begin;

  // 1. auxiliary eigenproblems of this rank's cells: S phi_{i,k} at the cell's (r+1)^d nodes
  std::vector<double> s_local;
  double lmin = std::numeric_limits<double>::infinity(), lmax = -lmin, residual = 0;
  {
    std::optional<Progress> progress;
    if (s.progress) progress.emplace("cem", "eigenproblem", own, comm);
    for (long t = block.begin; t < block.end; ++t) {
      const BoxPatch cell = make_box_patch(mesh, mesh.cell_of(t), 0);
      const PatchIndex ix(cell);
      const std::vector<double> kappa = box_patch_cell_values(cell, fine, field);
      std::vector<int> every(static_cast<size_t>(cell.num_fine_nodes()));
      for (size_t k = 0; k < every.size(); ++k) every[k] = static_cast<int>(k);
      Mat a = nullptr, sm = nullptr;
      assemble_box_free_matrix(ix, every, static_cast<int>(every.size()), kappa, kref, &a);
      OwnedMat A(a);
      assemble_box_free_matrix(ix, every, static_cast<int>(every.size()), box_kappa_tilde(ix, kappa, H), mref, &sm);
      OwnedMat S(sm);
      const CellModes m = cell_modes(A, S, L, "coarse cell " + std::to_string(t));
      lmin = std::min(lmin, m.eigenvalues.front());
      lmax = std::max(lmax, m.eigenvalues.back());
      residual = std::max(residual, m.max_residual);
      for (const auto& v : m.s_modes) s_local.insert(s_local.end(), v.begin(), v.end());
      if (progress) progress->update(t - block.begin + 1);
    }
    if (progress) progress->finish();
  }
  MPI_Allreduce(&lmin, &result.lambda_min, 1, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(&lmax, &result.lambda_max, 1, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(&residual, &result.max_residual, 1, MPI_DOUBLE, MPI_MAX, comm);
  const std::vector<double> s_all = gather_concat(comm, s_local, true);  // cell by cell, L (r+1)^d each

  // 2. the basis of this rank's cells on their oversampled regions
  const BoxGrid grid(comm, fine);
  AO ao = nullptr;
  NH_PETSC(DMDAGetAO(grid.dm(), &ao));
  std::vector<BasisRow> rows;
  PatchFactorization factorization(s.patch_solver);
  {
    std::optional<Progress> progress;
    if (s.progress) progress.emplace("cem", "region", own, comm);
    for (long t = block.begin; t < block.end; ++t) {
      const Index3 T = mesh.cell_of(t);
      const BoxPatch region = make_box_patch(mesh, T, s.oversampling);
      result.region_fine_nodes_max = std::max<long long>(result.region_fine_nodes_max, region.num_fine_nodes());
      const PatchIndex ix(region);
      const std::vector<double> kappa = box_patch_cell_values(region, fine, field);
      int n_free = 0;
      const std::vector<int> free = box_free_index(ix, bc, &n_free);
      factorization.factor(region.shape_key(), [&](Mat* A) { assemble_box_free_matrix(ix, free, n_free, kappa, kref, A); });
      // constraint rows (S_j phi_{j,l}) of every cell j of the region; (i, k) at row own_row + k
      ConstrainedSolve::SparseRows C;
      int own_row = -1;
      for (int ck = 0; ck < (dim == 3 ? region.cells[2] : 1); ++ck)
        for (int cj = 0; cj < region.cells[1]; ++cj)
          for (int ci = 0; ci < region.cells[0]; ++ci) {
            const Index3 J = {region.first[0] + ci, region.first[1] + cj, region.first[2] + ck};
            long jidx = 0;
            for (int d = dim - 1; d >= 0; --d) jidx = jidx * mesh.cells(d) + J[static_cast<size_t>(d)];
            if (J == T) own_row = static_cast<int>(C.size());
            for (int l = 0; l < L; ++l) {
              const double* sv = &s_all[static_cast<size_t>((jidx * L + l) * cell_nodes)];
              std::vector<std::pair<int, double>> row;
              long at = 0;
              for (int tk = 0; tk <= (dim == 3 ? r : 0); ++tk)
                for (int tj = 0; tj <= r; ++tj)
                  for (int ti = 0; ti <= r; ++ti) {
                    const double v = sv[at++];
                    const int col = free[static_cast<size_t>(ix.node(ci * r + ti, cj * r + tj, ck * r + tk))];
                    if (col >= 0 && v != 0.0) row.push_back({col, v});
                  }
              C.push_back(std::move(row));
            }
          }
      const ConstrainedSolve constraint(factorization, C, n_free);
      // the region's free nodes in the fine mesh's PETSc ordering
      std::vector<PetscInt> petsc_index(static_cast<size_t>(n_free));
      ix.for_nodes([&](int i, int j, int k) {
        const int col = free[static_cast<size_t>(ix.node(i, j, k))];
        if (col < 0) return;
        const long g[3] = {region.first[0] * r + i, region.first[1] * r + j, dim == 3 ? region.first[2] * r + k : 0};
        petsc_index[static_cast<size_t>(col)] = static_cast<PetscInt>((g[2] * (fine.cells[1] + 1) + g[1]) * (fine.cells[0] + 1) + g[0]);
      });
      NH_PETSC(AOApplicationToPetsc(ao, n_free, petsc_index.data()));
      for (int k = 0; k < L; ++k) {
        std::vector<double> g(C.size(), 0.0);
        g[static_cast<size_t>(own_row + k)] = 1.0;
        const std::vector<double> psi = constraint.minimizer(g);
        BasisRow row;
        for (int c = 0; c < n_free; ++c)
          if (psi[static_cast<size_t>(c)] != 0.0) {
            row.cols.push_back(petsc_index[static_cast<size_t>(c)]);
            row.values.push_back(psi[static_cast<size_t>(c)]);
          }
        rows.push_back(std::move(row));
      }
      if (progress) progress->update(t - block.begin + 1);
    }
    if (progress) progress->finish();
  }

  // 3. R' (dim V_ms x fine nodes), exact preallocation
  const OwnedVec probe = grid.create_vector();
  PetscInt col_lo = 0, col_hi = 0, local_cols = 0;
  NH_PETSC(VecGetOwnershipRange(probe, &col_lo, &col_hi));
  NH_PETSC(VecGetLocalSize(probe, &local_cols));
  std::vector<PetscInt> d_nnz(rows.size()), o_nnz(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    for (PetscInt c : rows[i].cols) ++((c >= col_lo && c < col_hi) ? d_nnz[i] : o_nnz[i]);
  OwnedMat Rt;
  NH_PETSC(MatCreateAIJ(comm, static_cast<PetscInt>(rows.size()), local_cols, PETSC_DETERMINE, PETSC_DETERMINE, 0, d_nnz.data(), 0,
                        o_nnz.data(), Rt.out()));
  PetscInt row_lo = 0;
  NH_PETSC(MatGetOwnershipRange(Rt, &row_lo, nullptr));
  for (size_t i = 0; i < rows.size(); ++i) {
    const PetscInt row = row_lo + static_cast<PetscInt>(i);
    NH_PETSC(MatSetValues(Rt, 1, &row, static_cast<PetscInt>(rows[i].cols.size()), rows[i].cols.data(), rows[i].values.data(),
                          INSERT_VALUES));
  }
  NH_PETSC(MatAssemblyBegin(Rt, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(Rt, MAT_FINAL_ASSEMBLY));
  PetscInt total = 0;
  NH_PETSC(MatGetSize(Rt, &total, nullptr));
  result.dim = total;
  OwnedMat R;
  NH_PETSC(MatTranspose(Rt, MAT_INITIAL_MATRIX, R.out()));
  result.offline_seconds = max_ranks(comm, timer.seconds());

  // 4. the coarse problem and the fine reference
  timer.reset();
  BoxProblem problem;
  problem.coefficient = box_field_function(field, fine);
  problem.source = box_source_function(f, fine);
  const std::vector<double> cells = sample_box_cells(grid, problem.coefficient, "the coefficient");
  const OwnedMat A = assemble_box_stiffness(grid, cells);
  const OwnedVec F = assemble_box_load(grid, problem.source);
  OwnedMat Ams;
  NH_PETSC(MatPtAP(A, R, MAT_INITIAL_MATRIX, PETSC_DEFAULT, Ams.out()));
  OwnedVec Fms, c, ums;
  NH_PETSC(MatCreateVecs(Ams, c.out(), Fms.out()));
  NH_PETSC(MatMult(Rt, F, Fms));
  std::vector<double> ones(static_cast<size_t>(grid.num_local_cells()), 1.0);
  const OwnedMat M = assemble_box_matrix(grid, ones, mref);
  const bool parabolic = s.steps > 0;
  if (!parabolic) {
    OwnedKSP ksp = create_direct_ksp(Ams, "cem_coarse_");
    solve_checked(ksp, Fms, c, "the CEM coarse solve");
  } else {  // (M_ms + dt A_ms) c^m = M_ms c^{m-1} + dt F_ms, c^0 = 0
    require(s.final_time > 0 && std::isfinite(s.final_time), "the final time -T must be positive");
    const double dt = s.final_time / s.steps;
    OwnedMat Mms, K;
    NH_PETSC(MatPtAP(M, R, MAT_INITIAL_MATRIX, PETSC_DEFAULT, Mms.out()));
    NH_PETSC(MatDuplicate(Mms, MAT_COPY_VALUES, K.out()));
    NH_PETSC(MatAXPY(K, dt, Ams, DIFFERENT_NONZERO_PATTERN));
    OwnedKSP ksp = create_direct_ksp(K, "cem_coarse_");
    OwnedVec rhs;
    NH_PETSC(VecDuplicate(Fms, rhs.out()));
    NH_PETSC(VecSet(c, 0.0));
    for (int m = 1; m <= s.steps; ++m) {
      NH_PETSC(MatMult(Mms, c, rhs));
      NH_PETSC(VecAXPY(rhs, dt, Fms));
      solve_checked(ksp, rhs, c, "the CEM coarse solve (time step " + std::to_string(m) + ")");
    }
  }
  NH_PETSC(VecDuplicate(F, ums.out()));
  NH_PETSC(MatMult(R, c, ums));
  result.online_seconds = timer.seconds();

  timer.reset();
  BoxSolution reference;
  reference.u = parabolic ? solve_box_parabolic(grid, bc, constant_in_time(problem), s.final_time, s.steps).u
                          : solve_box_elliptic(grid, bc, problem).u;
  result.fine_solve_seconds = timer.seconds();
  OwnedVec e;
  NH_PETSC(VecDuplicate(F, e.out()));
  NH_PETSC(VecWAXPY(e, -1.0, ums, reference.u));
  const auto a_norm = [&](Mat M, Vec x) {
    OwnedVec y;
    NH_PETSC(VecDuplicate(x, y.out()));
    NH_PETSC(MatMult(M, x, y));
    PetscScalar v = 0;
    NH_PETSC(VecDot(x, y, &v));
    return std::sqrt(std::max(0.0, static_cast<double>(v)));
  };
  result.energy_error_vs_fine = a_norm(A, e) / a_norm(A, reference.u);
  result.l2_error_vs_fine = a_norm(M, e) / a_norm(M, reference.u);
  if (s.fields) s.fields(grid, reference.u, ums, cells);
  return result;
}

}  // namespace neurhom
