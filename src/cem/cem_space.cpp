// CEM-GMsFEM space: eigenproblems, oversampled basis and R (see cem_space.hpp for the math).
#include "neurhom/cem/cem_space.hpp"

#include <petscao.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/patch/patch_operators.hpp"
#include "neurhom/patch/patch_saddle_point.hpp"

namespace neurhom {

namespace {

// Constraint rows S_j phi_{j,l} of every (cell j in the region, mode l) on the region's free nodes.
DenseMatrix constraint_rows(const Patch& region, const CoarseMesh& mesh, int modes, const std::vector<double>& s_all) {
  const int r = mesh.ratio, cell_nodes = (r + 1) * (r + 1);
  DenseMatrix C(region.cells_x * region.cells_y * modes, region.free_nodes());
  for (int b = 0; b < region.cells_y; ++b)
    for (int a = 0; a < region.cells_x; ++a) {
      const long cell = static_cast<long>(region.J0 + b) * mesh.cells + (region.I0 + a);
      for (int l = 0; l < modes; ++l) {
        const int row = (b * region.cells_x + a) * modes + l;
        const double* s = &s_all[static_cast<size_t>((cell * modes + l) * cell_nodes)];
        for (int y = 0; y <= r; ++y)
          for (int x = 0; x <= r; ++x) {
            const int px = a * r + x, py = b * r + y;
            if (px == 0 || py == 0 || px == region.fine_nx() || py == region.fine_ny()) continue;
            C(row, region.free_node(px, py)) = s[y * (r + 1) + x];
          }
      }
    }
  return C;
}

}  // namespace

CemSpace::CemSpace(const StructuredGrid& grid, const CoarseMesh& mesh, const CemSettings& settings)
    : grid_(grid), mesh_(mesh), settings_(settings) {
  require(settings.oversampling >= 0,
          "-cem_oversampling must be non-negative (got " + std::to_string(settings.oversampling) + ")");
  const int cell_dofs = (mesh.ratio + 1) * (mesh.ratio + 1);
  require(settings.modes >= 1 && settings.modes <= cell_dofs,
          "-cem_modes " + std::to_string(settings.modes) + " must be between 1 and the " + std::to_string(cell_dofs) +
              " fine dofs of a coarse cell (r = " + std::to_string(mesh.ratio) + ")");
  require(grid.n() == mesh.fine_cells(), "CEM: the fine grid has " + std::to_string(grid.n()) +
                                             " cells per side, the coarse mesh needs " +
                                             std::to_string(mesh.fine_cells()));
}

PetscInt CemSpace::dim() const { return static_cast<PetscInt>(mesh_.num_cells()) * settings_.modes; }

void CemSpace::compute(const CellField& kappa) {
  WallTimer total;
  timings_ = CemTimings();
  kappa.check_mesh(mesh_.fine_cells());
  cells_ = sample_cells(grid_, kappa, "coefficient");  // collective positivity/finiteness check
  const Block block = block_of(mesh_.num_cells(), grid_.comm());
  const std::vector<double> s_local = solve_auxiliary_problems(kappa, block);
  const std::vector<double> s_all = gather_s_modes(s_local);
  std::vector<BasisColumn> columns = build_basis(kappa, block, s_all);
  assemble_R(block, columns);
  offline_seconds_ = max_ranks(grid_.comm(), total.seconds());
}

// 1. The auxiliary eigenproblems of this rank's cells; returns their S phi_{i,k} (L (r+1)^2
// values per cell, cell by cell).
std::vector<double> CemSpace::solve_auxiliary_problems(const CellField& kappa, const Block& block) {
  const MPI_Comm comm = grid_.comm();
  const int L = settings_.modes, r = mesh_.ratio, cell_nodes = (r + 1) * (r + 1);
  const long own = block.end - block.begin;
  WallTimer timer;
  modes_.clear();
  Progress eig_progress("cem", "eigenproblem", own, comm);
  double lmin = std::numeric_limits<double>::infinity(), lmax = -lmin, residual = 0;
  std::vector<double> s_local;
  s_local.reserve(static_cast<size_t>(own * L * cell_nodes));
  for (long c = block.begin; c < block.end; ++c) {
    modes_.push_back(solve_cell_eigenproblem(mesh_, kappa, static_cast<int>(c % mesh_.cells),
                                             static_cast<int>(c / mesh_.cells), L));
    const CellModes& m = modes_.back();
    lmin = std::min(lmin, m.eigenvalues.front());
    lmax = std::max(lmax, m.eigenvalues.back());
    residual = std::max(residual, m.max_residual);
    for (const auto& s : m.s_modes) s_local.insert(s_local.end(), s.begin(), s.end());
    if (settings_.show_progress) eig_progress.update(c - block.begin + 1);
  }
  if (settings_.show_progress) eig_progress.finish();
  MPI_Allreduce(&lmin, &lambda_min_, 1, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(&lmax, &lambda_max_, 1, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(&residual, &max_residual_, 1, MPI_DOUBLE, MPI_MAX, comm);
  timings_.eigen = timer.seconds();
  timings_.eigenproblems = own;
  return s_local;
}

// 2. Every rank needs S phi of the cells in its regions: allgather all (small).
std::vector<double> CemSpace::gather_s_modes(const std::vector<double>& s_local) const {
  const MPI_Comm comm = grid_.comm();
  const int size = mpi_size(comm), cell_nodes = (mesh_.ratio + 1) * (mesh_.ratio + 1);
  std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size), 0);
  const int mine = static_cast<int>(s_local.size());
  MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  for (int p = 1; p < size; ++p) displs[static_cast<size_t>(p)] = displs[static_cast<size_t>(p - 1)] + counts[static_cast<size_t>(p - 1)];
  std::vector<double> s_all(static_cast<size_t>(mesh_.num_cells() * settings_.modes * cell_nodes));
  MPI_Allgatherv(s_local.data(), mine, MPI_DOUBLE, s_all.data(), counts.data(), displs.data(), MPI_DOUBLE, comm);
  return s_all;
}

// 3. The CEM basis of this rank's cells, one saddle-point system per oversampled region.
std::vector<CemSpace::BasisColumn> CemSpace::build_basis(const CellField& kappa, const Block& block,
                                                         const std::vector<double>& s_all) {
  const MPI_Comm comm = grid_.comm();
  const int L = settings_.modes, r = mesh_.ratio;
  const long own = block.end - block.begin;
  WallTimer timer;
  PatchFactorization factorization(settings_.patch_solver);
  std::vector<BasisColumn> columns;
  columns.reserve(static_cast<size_t>(own * L));
  Progress basis_progress("cem", "basis region", own, comm);
  const long fine_n = mesh_.fine_cells();
  std::string problem;  // a rank-local failure, turned into one collective Error below
  for (long c = block.begin; c < block.end && problem.empty(); ++c) {
    const Patch region = make_patch(mesh_, static_cast<int>(c % mesh_.cells), static_cast<int>(c / mesh_.cells),
                                    settings_.oversampling);
    factorization.factor(region, patch_cell_values(region, kappa, fine_n));
    std::unique_ptr<ConstrainedSolve> constraint;
    try {
      constraint = std::make_unique<ConstrainedSolve>(factorization, constraint_rows(region, mesh_, L, s_all));
    } catch (const LocalError& e) {
      problem = "CEM basis of coarse cell " + std::to_string(c) + ": " + e.what() + "; with r = " + std::to_string(r) +
                " fine cells per coarse cell use fewer -cem_modes or a finer -fine_n";
      break;
    }
    const int first = ((region.T_J - region.J0) * region.cells_x + (region.T_I - region.I0)) * L;
    for (int k = 0; k < L; ++k) {
      std::vector<double> g(static_cast<size_t>(constraint->constraints()), 0.0);
      g[static_cast<size_t>(first + k)] = 1.0;
      const std::vector<double> psi = constraint->minimizer(std::move(g));
      BasisColumn column;
      for (int y = 1; y < region.fine_ny(); ++y)
        for (int x = 1; x < region.fine_nx(); ++x) {
          const double v = psi[static_cast<size_t>(region.free_node(x, y))];
          if (v == 0.0) continue;
          column.nodes.push_back(static_cast<PetscInt>((region.J0 * r + y) * (fine_n + 1) + region.I0 * r + x));
          column.values.push_back(v);
        }
      columns.push_back(std::move(column));
    }
    if (settings_.show_progress) basis_progress.update(c - block.begin + 1);
  }
  const int bad = first_rank_with(comm, !problem.empty());
  if (bad >= 0) throw Error(broadcast_string(comm, bad, problem));
  if (settings_.show_progress) basis_progress.finish();
  timings_.basis_assembly = factorization.timings().assembly;
  timings_.basis_factorization = factorization.timings().factorization;
  timings_.basis_solves = timer.seconds() - timings_.basis_assembly - timings_.basis_factorization;
  timings_.basis_regions = own;
  return columns;
}

// 4. R' with local rows (natural -> PETSc node numbering in one collective AO call), then R.
void CemSpace::assemble_R(const Block& block, std::vector<BasisColumn>& columns) {
  const MPI_Comm comm = grid_.comm();
  const int L = settings_.modes;
  WallTimer timer;
  std::vector<PetscInt> all_nodes;
  for (const auto& col : columns) all_nodes.insert(all_nodes.end(), col.nodes.begin(), col.nodes.end());
  AO ao = nullptr;
  NH_PETSC(DMDAGetAO(grid_.dm(), &ao));
  NH_PETSC(AOApplicationToPetsc(ao, static_cast<PetscInt>(all_nodes.size()), all_nodes.data()));
  OwnedVec fine = grid_.create_vector();
  PetscInt col_begin = 0, col_end = 0, fine_local = 0;
  NH_PETSC(VecGetOwnershipRange(fine, &col_begin, &col_end));
  NH_PETSC(VecGetLocalSize(fine, &fine_local));
  std::vector<PetscInt> d_nnz(columns.size(), 0), o_nnz(columns.size(), 0);
  size_t at = 0;
  for (size_t k = 0; k < columns.size(); ++k) {
    BasisColumn& col = columns[k];
    std::copy(all_nodes.begin() + static_cast<long>(at), all_nodes.begin() + static_cast<long>(at + col.nodes.size()),
              col.nodes.begin());
    at += col.nodes.size();
    for (PetscInt node : col.nodes) (node >= col_begin && node < col_end ? d_nnz[k] : o_nnz[k])++;
  }
  OwnedMat Rt;
  NH_PETSC(MatCreate(comm, Rt.out()));
  NH_PETSC(MatSetSizes(Rt, static_cast<PetscInt>(columns.size()), fine_local, dim(), grid_.num_nodes()));
  NH_PETSC(MatSetType(Rt, MATAIJ));
  NH_PETSC(MatSeqAIJSetPreallocation(Rt, 0, d_nnz.data()));
  NH_PETSC(MatMPIAIJSetPreallocation(Rt, 0, d_nnz.data(), 0, o_nnz.data()));
  for (size_t k = 0; k < columns.size(); ++k) {
    const PetscInt row = static_cast<PetscInt>(block.begin * L) + static_cast<PetscInt>(k);
    NH_PETSC(MatSetValues(Rt, 1, &row, static_cast<PetscInt>(columns[k].nodes.size()), columns[k].nodes.data(),
                          columns[k].values.data(), INSERT_VALUES));
  }
  NH_PETSC(MatAssemblyBegin(Rt, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(Rt, MAT_FINAL_ASSEMBLY));
  R_ = OwnedMat();
  NH_PETSC(MatTranspose(Rt, MAT_INITIAL_MATRIX, R_.out()));
  timings_.global = timer.seconds();
}

OwnedMat CemSpace::project(Mat fine_operator) const {
  OwnedMat out;
  NH_PETSC(MatPtAP(fine_operator, R_, MAT_INITIAL_MATRIX, PETSC_DEFAULT, out.out()));
  return out;
}

OwnedVec CemSpace::restrict_vector(Vec fine) const {
  OwnedVec c = create_coarse_vector();
  NH_PETSC(MatMultTranspose(R_, fine, c));
  return c;
}

void CemSpace::prolong(Vec coarse, Vec fine) const { NH_PETSC(MatMult(R_, coarse, fine)); }

OwnedVec CemSpace::create_coarse_vector() const {
  OwnedVec c;
  NH_PETSC(MatCreateVecs(R_, c.out(), nullptr));
  return c;
}

}  // namespace neurhom
