// PG-LOD assembly, coarse solves and fine-scale views (see pglod.hpp for the math).
#include "neurhom/lod/pglod.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/lod/corrector_indicator.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

PgLod::PgLod(MPI_Comm comm, const CoarseMesh& mesh, const LodSettings& settings)
    : comm_(comm), mesh_(mesh), settings_(settings), corrector_(mesh, settings.patch_solver) {
  require(settings.ell >= 1, "-ell must be at least 1 (got " + std::to_string(settings.ell) + ")");
}

namespace {

// A description of the first non-positive or non-finite value, or "".
std::string coefficient_problem(const std::vector<double>& values, long cell) {
  for (double v : values)
    if (!(std::isfinite(v) && v > 0))
      return "value " + format_number(v) + " in the patch of coarse cell " + std::to_string(cell);
  return "";
}

void throw_if_any(MPI_Comm comm, const std::string& problem, const CellField& coefficient) {
  const int bad = first_rank_with(comm, !problem.empty());
  if (bad >= 0)
    throw Error("coefficient '" + coefficient.describe() + "' is not positive and finite: " +
                broadcast_string(comm, bad, problem));
}

}  // namespace

std::string corrector_update_names() { return "all, indicator, never"; }

void CorrectorUpdate::validate() const {
  require(policy == "all" || policy == "indicator" || policy == "never",
          "unknown corrector update '" + policy + "' (-update); known: " + corrector_update_names());
  require(tol >= 0, "-update_tol must be non-negative (got " + format_number(tol) + ")");
}

void PgLod::compute(const CellField& coefficient) {
  WallTimer timer;
  coefficient.check_mesh(mesh_.fine_cells());
  const Block cells = block_of(mesh_.num_cells(), comm_);
  patches_.clear();
  corrector_cells_.clear();
  step_cells_.clear();
  patches_.reserve(static_cast<size_t>(cells.end - cells.begin));
  Progress progress("lod", "patch", cells.end - cells.begin, comm_);
  std::string problem;
  for (long c = cells.begin; c < cells.end; ++c) {
    const Patch patch = make_patch(mesh_, static_cast<int>(c % mesh_.cells), static_cast<int>(c / mesh_.cells),
                                   settings_.ell);
    std::vector<double> values = patch_cell_values(patch, coefficient, mesh_.fine_cells());
    problem = coefficient_problem(values, c);
    if (!problem.empty()) break;
    patches_.push_back(corrector_.compute(patch, values, settings_.with_mass, settings_.keep_correctors));
    if (settings_.keep_correctors) {
      step_cells_.push_back(values);
      corrector_cells_.push_back(std::move(values));
    }
    if (settings_.show_progress) progress.update(c - cells.begin + 1);
  }
  throw_if_any(comm_, problem, coefficient);
  if (settings_.show_progress) progress.finish();
  step_indicator_.assign(patches_.size(), 0.0);
  offline_seconds_ = max_ranks(comm_, timer.seconds());
}

UpdateStep PgLod::update(const CellField& coefficient, const CorrectorUpdate& update) {
  require(settings_.keep_correctors && corrector_cells_.size() == patches_.size(),
          "PgLod::update needs keep_correctors and a previous compute()");
  update.validate();
  WallTimer timer;
  coefficient.check_mesh(mesh_.fine_cells());
  const Block cells = block_of(mesh_.num_cells(), comm_);
  long long recomputed = 0;
  double indicator_max = 0, indicator_sum = 0;
  std::string problem;
  for (size_t k = 0; k < patches_.size() && problem.empty(); ++k) {
    PatchMatrices& p = patches_[k];
    std::vector<double> values = patch_cell_values(p.patch, coefficient, mesh_.fine_cells());
    problem = coefficient_problem(values, cells.begin + static_cast<long>(k));
    if (!problem.empty()) break;
    // Unchanged since the last step: the previous decision stands (recomputed then: e_T = 0
    // now; kept: the same e_T <= tol) and S_T is the same, so nothing to do.
    const bool unchanged = update.policy != "all" && values == step_cells_[k];
    bool recompute = update.policy == "all";
    if (update.policy == "indicator") {
      double& e = step_indicator_[k];
      if (!unchanged) e = corrector_error_indicator(p.patch, p.correctors, corrector_cells_[k], values);
      indicator_max = std::max(indicator_max, e);
      indicator_sum += e;
      recompute = e > update.tol;
      if (recompute) e = 0.0;
    }
    if (recompute) {
      p = corrector_.compute(p.patch, values, settings_.with_mass, true);
      corrector_cells_[k] = values;
      ++recomputed;
    } else if (!unchanged) {
      p.S = local_stiffness(p.patch, values, p.correctors);
    }
    step_cells_[k] = std::move(values);
  }
  throw_if_any(comm_, problem, coefficient);
  UpdateStep step;
  const double total = static_cast<double>(mesh_.num_cells());
  step.recomputed_fraction = static_cast<double>(sum_ranks(comm_, recomputed)) / total;
  if (update.policy == "indicator") {
    step.indicator_max = max_ranks(comm_, indicator_max);
    step.indicator_mean = sum_ranks(comm_, indicator_sum) / total;
  }
  step.corrector_seconds = max_ranks(comm_, timer.seconds());
  return step;
}

long long PgLod::total_patches() const { return sum_ranks(comm_, static_cast<long long>(patches_.size())); }

OwnedMat create_coarse_matrix(MPI_Comm comm, const CoarseMesh& mesh, int ell) {
  OwnedMat A;
  const PetscInt n = static_cast<PetscInt>(mesh.num_nodes());
  const PetscInt width = std::min<PetscInt>(n, (2 * ell + 3) * (2 * ell + 3));
  NH_PETSC(MatCreate(comm, A.out()));
  NH_PETSC(MatSetSizes(A, PETSC_DECIDE, PETSC_DECIDE, n, n));
  NH_PETSC(MatSetType(A, MATAIJ));
  NH_PETSC(MatSeqAIJSetPreallocation(A, width, nullptr));
  NH_PETSC(MatMPIAIJSetPreallocation(A, width, nullptr, width, nullptr));
  NH_PETSC(MatSetOption(A, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
  return A;
}

void add_patch_matrix(Mat A, const CoarseMesh& mesh, const Patch& patch, const std::vector<double>& values) {
  std::vector<PetscInt> rows(static_cast<size_t>(patch.coarse_nodes()));
  for (int b = 0; b <= patch.cells_y; ++b)
    for (int a = 0; a <= patch.cells_x; ++a)
      rows[static_cast<size_t>(patch.coarse_node(a, b))] = static_cast<PetscInt>(mesh.node_index(patch.I0 + a, patch.J0 + b));
  const PetscInt cols[4] = {static_cast<PetscInt>(mesh.node_index(patch.T_I, patch.T_J)),
                            static_cast<PetscInt>(mesh.node_index(patch.T_I + 1, patch.T_J)),
                            static_cast<PetscInt>(mesh.node_index(patch.T_I, patch.T_J + 1)),
                            static_cast<PetscInt>(mesh.node_index(patch.T_I + 1, patch.T_J + 1))};
  NH_PETSC(MatSetValues(A, static_cast<PetscInt>(rows.size()), rows.data(), 4, cols, values.data(), ADD_VALUES));
}

OwnedMat PgLod::assemble(bool mass_matrix) const {
  require(!mass_matrix || settings_.with_mass, "PgLod::mass() needs LodSettings::with_mass");
  OwnedMat A = create_coarse_matrix(comm_, mesh_, settings_.ell);
  for (const auto& p : patches_) add_patch_matrix(A, mesh_, p.patch, mass_matrix ? p.M : p.S);
  NH_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return A;
}

OwnedMat PgLod::stiffness() const { return assemble(false); }
OwnedMat PgLod::mass() const { return assemble(true); }

OwnedVec PgLod::load(const Source& f, double t) const {
  OwnedVec F;
  NH_PETSC(VecCreateMPI(comm_, PETSC_DECIDE, static_cast<PetscInt>(mesh_.num_nodes()), F.out()));
  NH_PETSC(VecSet(F, 0.0));
  const Block cells = block_of(mesh_.num_cells(), comm_);
  const int r = mesh_.ratio;
  const double h = 1.0 / mesh_.fine_cells();
  const auto& quad = q1::gauss(2);
  for (long c = cells.begin; c < cells.end; ++c) {
    const int I = static_cast<int>(c % mesh_.cells), J = static_cast<int>(c / mesh_.cells);
    PetscScalar fe[4] = {0, 0, 0, 0};
    for (int cy = 0; cy < r; ++cy)
      for (int cx = 0; cx < r; ++cx)
        for (const auto& q : quad.points) {
          const double s = (cx + q.s) / r, tt = (cy + q.t) / r;  // coarse reference coordinates
          const double fq = f.value((I * r + cx + q.s) * h, (J * r + cy + q.t) * h, t) * q.weight * h * h;
          fe[0] += fq * (1 - s) * (1 - tt);
          fe[1] += fq * s * (1 - tt);
          fe[2] += fq * (1 - s) * tt;
          fe[3] += fq * s * tt;
        }
    const PetscInt idx[4] = {static_cast<PetscInt>(mesh_.node_index(I, J)), static_cast<PetscInt>(mesh_.node_index(I + 1, J)),
                             static_cast<PetscInt>(mesh_.node_index(I, J + 1)),
                             static_cast<PetscInt>(mesh_.node_index(I + 1, J + 1))};
    NH_PETSC(VecSetValues(F, 4, idx, fe, ADD_VALUES));
  }
  NH_PETSC(VecAssemblyBegin(F));
  NH_PETSC(VecAssemblyEnd(F));
  return F;
}

OwnedVec solve_coarse(const CoarseMesh& mesh, Mat A, Vec F) {
  OwnedMat system;
  NH_PETSC(MatDuplicate(A, MAT_COPY_VALUES, system.out()));
  const CoarseDirichlet boundary(mesh, system);
  boundary.apply_symmetric(system);
  OwnedVec b, U;
  NH_PETSC(VecDuplicate(F, b.out()));
  NH_PETSC(VecCopy(F, b));
  boundary.zero(b);
  NH_PETSC(VecDuplicate(F, U.out()));
  OwnedKSP ksp = create_direct_ksp(system, "lod_");
  solve_checked(ksp, b, U, "coarse LOD solve");
  return U;
}

OwnedVec PgLod::solve_elliptic(const Source& f) const {
  OwnedMat S = stiffness();
  OwnedVec F = load(f, 0.0);
  return solve_coarse(mesh_, S, F);
}

OwnedVec PgLod::solve_parabolic(const Source& f, double final_time, int steps) const {
  require(final_time > 0 && steps >= 1, "-T must be positive and -steps at least 1");
  const double dt = final_time / steps;
  OwnedMat M = mass(), system = stiffness();
  NH_PETSC(MatAYPX(system, dt, M, SAME_NONZERO_PATTERN));  // system = dt S + M
  const CoarseDirichlet boundary(mesh_, system);
  boundary.apply_symmetric(system);
  OwnedKSP ksp = create_direct_ksp(system, "lod_");
  OwnedVec U, rhs;
  NH_PETSC(MatCreateVecs(system, U.out(), rhs.out()));
  NH_PETSC(VecSet(U, 0.0));
  for (int m = 1; m <= steps; ++m) {
    OwnedVec F = load(f, m * dt);
    NH_PETSC(MatMult(M, U, rhs));
    NH_PETSC(VecAXPY(rhs, dt, F));
    boundary.zero(rhs);
    solve_checked(ksp, rhs, U, "coarse LOD solve");
  }
  return U;
}

OwnedVec PgLod::solve_parabolic(const CoefficientPath& path, const Source& f, double final_time, int steps,
                                const CorrectorUpdate& update, std::vector<UpdateStep>* history,
                                std::vector<std::vector<double>>* coarse_history) {
  require(final_time > 0 && steps >= 1, "-T must be positive and -steps at least 1");
  require(settings_.with_mass, "the parabolic PG-LOD needs LodSettings::with_mass");
  update.validate();
  const bool recompute_all = update.policy == "all";
  require(recompute_all || settings_.keep_correctors, "a selective corrector update needs LodSettings::keep_correctors");
  const double dt = final_time / steps;
  OwnedVec U, rhs;
  OwnedMat previous_mass;
  double offline = 0;
  if (!recompute_all) {
    compute(*path.at(0.0));  // the offline phase of the selective strategies
    offline = offline_seconds_;
  }
  if (history) history->clear();
  if (coarse_history) coarse_history->clear();
  for (int m = 1; m <= steps; ++m) {
    WallTimer step_timer;
    UpdateStep step;
    if (recompute_all) {
      compute(*path.at(m * dt));
      offline += offline_seconds_;
      step.recomputed_fraction = 1.0;
      step.corrector_seconds = offline_seconds_;
    } else {
      step = this->update(*path.at(m * dt), update);
    }
    OwnedMat M = mass(), system = stiffness();
    NH_PETSC(MatAYPX(system, dt, M, SAME_NONZERO_PATTERN));  // system = dt S^m + M^m
    const CoarseDirichlet boundary(mesh_, system);
    boundary.apply_symmetric(system);
    if (m == 1) {
      NH_PETSC(MatCreateVecs(system, U.out(), rhs.out()));
      NH_PETSC(VecSet(U, 0.0));
      NH_PETSC(VecSet(rhs, 0.0));
    } else {
      NH_PETSC(MatMult(previous_mass, U, rhs));
    }
    OwnedVec F = load(f, m * dt);
    NH_PETSC(VecAXPY(rhs, dt, F));
    boundary.zero(rhs);
    OwnedKSP ksp = create_direct_ksp(system, "lod_");
    solve_checked(ksp, rhs, U, "coarse LOD solve");
    previous_mass = std::move(M);
    step.time = m * dt;
    step.seconds = max_ranks(comm_, step_timer.seconds());
    if (history) history->push_back(step);
    if (coarse_history) coarse_history->push_back(gather_to_all(U));
    if (settings_.show_progress && !recompute_all && is_root(comm_)) {
      std::printf("lod: step %d/%d t = %.4g: %.1f%% of the correctors recomputed", m, steps, step.time,
                  100 * step.recomputed_fraction);
      if (step.indicator_max >= 0) std::printf(", indicator max %.3e mean %.3e", step.indicator_max, step.indicator_mean);
      std::printf(", %.3f s\n", step.seconds);
      std::fflush(stdout);
    }
  }
  offline_seconds_ = offline;
  return U;
}

void PgLod::coarse_to_fine(const StructuredGrid& grid, Vec U, Vec u_fine) const {
  require(grid.n() == mesh_.fine_cells(), "coarse_to_fine: the grid is not the LOD fine mesh");
  const std::vector<double> coarse = gather_to_all(U);
  const int r = mesh_.ratio;
  PetscScalar** a = nullptr;
  NH_PETSC(DMDAVecGetArray(grid.dm(), u_fine, &a));
  for (PetscInt y = grid.node_y().begin; y < grid.node_y().end; ++y) {
    const int J = std::min(static_cast<int>(y) / r, mesh_.cells - 1);
    const double t = static_cast<double>(y - J * r) / r;
    for (PetscInt x = grid.node_x().begin; x < grid.node_x().end; ++x) {
      const int I = std::min(static_cast<int>(x) / r, mesh_.cells - 1);
      const double s = static_cast<double>(x - I * r) / r;
      a[y][x] = (1 - s) * (1 - t) * coarse[static_cast<size_t>(mesh_.node_index(I, J))] +
                s * (1 - t) * coarse[static_cast<size_t>(mesh_.node_index(I + 1, J))] +
                (1 - s) * t * coarse[static_cast<size_t>(mesh_.node_index(I, J + 1))] +
                s * t * coarse[static_cast<size_t>(mesh_.node_index(I + 1, J + 1))];
    }
  }
  NH_PETSC(DMDAVecRestoreArray(grid.dm(), u_fine, &a));
}

void PgLod::corrector_part(const StructuredGrid& grid, Vec U, Vec out) const {
  require(settings_.keep_correctors, "corrector_part needs LodSettings::keep_correctors");
  require(grid.n() == mesh_.fine_cells(), "corrector_part: the grid is not the LOD fine mesh");
  const std::vector<double> coarse = gather_to_all(U);
  OwnedVec natural;
  NH_PETSC(DMDACreateNaturalVector(grid.dm(), natural.out()));
  NH_PETSC(VecSet(natural, 0.0));
  const int r = mesh_.ratio, n = grid.n();
  std::vector<PetscInt> idx;
  std::vector<PetscScalar> values;
  for (const auto& p : patches_) {
    int t_nodes[4];
    p.patch.t_nodes(t_nodes);
    const long t_global[4] = {mesh_.node_index(p.patch.T_I, p.patch.T_J), mesh_.node_index(p.patch.T_I + 1, p.patch.T_J),
                              mesh_.node_index(p.patch.T_I, p.patch.T_J + 1),
                              mesh_.node_index(p.patch.T_I + 1, p.patch.T_J + 1)};
    idx.clear();
    values.clear();
    for (int y = 1; y < p.patch.fine_ny(); ++y)
      for (int x = 1; x < p.patch.fine_nx(); ++x) {
        double v = 0;
        for (int j = 0; j < 4; ++j)
          v += coarse[static_cast<size_t>(t_global[j])] * p.correctors[static_cast<size_t>(j)][static_cast<size_t>(p.patch.fine_node(x, y))];
        idx.push_back(static_cast<PetscInt>((p.patch.J0 * r + y) * (n + 1) + p.patch.I0 * r + x));
        values.push_back(v);
      }
    NH_PETSC(VecSetValues(natural, static_cast<PetscInt>(idx.size()), idx.data(), values.data(), ADD_VALUES));
  }
  NH_PETSC(VecAssemblyBegin(natural));
  NH_PETSC(VecAssemblyEnd(natural));
  NH_PETSC(DMDANaturalToGlobalBegin(grid.dm(), natural, INSERT_VALUES, out));
  NH_PETSC(DMDANaturalToGlobalEnd(grid.dm(), natural, INSERT_VALUES, out));
}

}  // namespace neurhom
