#include "neurhom/methods/compression/compress_eval.hpp"

#include <slepcsvd.h>

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/field_output.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/lod/online_assembly.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"
#include "neurhom/methods/compression/net/d4_average.hpp"
#include "neurhom/methods/compression/net/d4_canonical.hpp"

namespace neurhom {

namespace {

// Largest singular value of A - B restricted to the free coarse nodes.
double spectral_norm_of_difference(const CoarseMesh& mesh, Mat A, Mat B) {
  OwnedMat D;
  NH_PETSC(MatDuplicate(A, MAT_COPY_VALUES, D.out()));
  NH_PETSC(MatAXPY(D, -1.0, B, DIFFERENT_NONZERO_PATTERN));
  CoarseDirichlet(mesh, D).apply_symmetric(D, 0.0);
  SVD svd;
  NH_PETSC(SVDCreate(PetscObjectComm(reinterpret_cast<PetscObject>(A)), &svd));
  NH_PETSC(SVDSetOperators(svd, D, nullptr));
  NH_PETSC(SVDSetWhichSingularTriplets(svd, SVD_LARGEST));
  NH_PETSC(SVDSetDimensions(svd, 1, PETSC_DEFAULT, PETSC_DEFAULT));
  NH_PETSC(SVDSetTolerances(svd, 1e-10, 1000));
  NH_PETSC(SVDSetOptionsPrefix(svd, "norm_"));
  NH_PETSC(SVDSetFromOptions(svd));
  NH_PETSC(SVDSolve(svd));
  PetscInt converged = 0;
  NH_PETSC(SVDGetConverged(svd, &converged));
  PetscReal sigma = 0;
  if (converged > 0) NH_PETSC(SVDGetSingularTriplet(svd, 0, &sigma, nullptr, nullptr));
  NH_PETSC(SVDDestroy(&svd));
  require(converged > 0, "SLEPc SVD for ||S_A - S^_A||_2 did not converge (-norm_svd_* options)");
  return sigma;
}

// The coarse Q1 FEM solution (coefficient at the coarse cell centres) in the coarse
// matrices' node layout (the layout of `like`).
OwnedVec coarse_fem_solution(MPI_Comm comm, const CoarseMesh& mesh, const CellField& coefficient, const Source& f,
                             Vec like) {
  const StructuredGrid coarse_grid(comm, mesh.cells);
  FemInputs in;
  in.coefficient = &coefficient;
  in.source = &f;
  FemSolution fem = solve_fem(coarse_grid, in, FemSettings());
  const std::vector<double> natural = coarse_grid.to_natural(fem.u);
  OwnedVec U;
  NH_PETSC(VecDuplicate(like, U.out()));
  PetscInt first = 0, last = 0;
  NH_PETSC(VecGetOwnershipRange(U, &first, &last));
  for (PetscInt k = first; k < last; ++k) NH_PETSC(VecSetValue(U, k, natural[static_cast<size_t>(k)], INSERT_VALUES));
  NH_PETSC(VecAssemblyBegin(U));
  NH_PETSC(VecAssemblyEnd(U));
  return U;
}

}  // namespace

NeuralStiffness::NeuralStiffness(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                                 const CompressEvalSettings& settings)
    : comm_(comm), model_(model), settings_(settings) {
  require(model.model == "compression", "model '" + model_path + "' is a '" + model.model + "' network, not compression");
  const int model_coarse_n = static_cast<int>(model.int_attribute("coarse_n"));
  const int model_fine_n = static_cast<int>(model.int_attribute("fine_n"));
  const int model_ell = static_cast<int>(model.int_attribute("ell"));
  require(model_coarse_n > 0 && model_fine_n > 0 && model_ell > 0,
          "model '" + model_path + "' has no LOD setting (coarse_n, fine_n, ell attributes)");
  const std::string domain = model.string_attribute("domain", "unit_square");
  require(domain == "unit_square", "model '" + model_path + "' was trained on " + std::to_string(model.int_attribute("dim")) +
                                       "D data (" + domain + "); compress-eval assembles on the unit square in 2D only");
  // Threads of the forward pass: as asked, else the node's cores over its ranks (as in training).
  torch::set_num_threads(settings.threads > 0 ? settings.threads : default_threads_per_rank(comm));
  ratio_ = model_fine_n / model_coarse_n;
  ell_ = model_ell;
  const int coarse_n = settings.coarse_n > 0 ? settings.coarse_n : model_coarse_n;
  mesh_ = CoarseMesh(coarse_n, coarse_n * ratio_);
  require(extended_patch_cells(mesh_, ell_) == model.widths.front() && extended_patch_nodes(ell_) * 4 == model.widths.back(),
          "model '" + model_path + "' does not fit its recorded setting (widths " + widths_to_string(model.widths) + ")");
  equivariance_ = model.string_attribute("equivariance", "none");
  require(equivariance_ == "none" || equivariance_ == "canonical" || equivariance_ == "gconv",
          "model '" + model_path + "' has an unknown equivariance '" + equivariance_ + "'");
  require(!settings.group_average || equivariance_ == "none",
          "-group_average: model '" + model_path + "' is already D4-equivariant (equivariance " + equivariance_ + ")");
  const Block cells = block_of(mesh_.num_cells(), comm);
  local_ = cells.end - cells.begin;
  inputs_.assign(static_cast<size_t>(local_ * model.widths.front()), 0.0f);
  outputs_.assign(static_cast<size_t>(local_ * model.widths.back()), 0.0f);
}

void NeuralStiffness::predict() {
  const int side = (2 * ell_ + 1) * ratio_;
  if (settings_.group_average)
    predict_d4_average(model_, inputs_.data(), local_, side, 2 * ell_ + 2, outputs_.data(), settings_.forward_chunk);
  else if (equivariance_ == "canonical")
    predict_d4_canonical(model_, inputs_.data(), local_, side, 2 * ell_ + 2, outputs_.data(), settings_.forward_chunk);
  else
    model_.predict(inputs_.data(), local_, outputs_.data(), settings_.forward_chunk);
}

double NeuralStiffness::warm_up() {
  WallTimer timer;
  std::fill(inputs_.begin(), inputs_.end(), 0.0f);
  if (equivariance_ == "canonical")
    predict_d4_canonical(model_, inputs_.data(), local_, (2 * ell_ + 1) * ratio_, 2 * ell_ + 2, outputs_.data(),
                         settings_.forward_chunk);
  else
    model_.predict(inputs_.data(), local_, outputs_.data(), settings_.forward_chunk);
  return max_ranks(comm_, timer.seconds());
}

OwnedMat NeuralStiffness::assemble(const CellField& coefficient, NeuralTimings* t) {
  WallTimer timer;
  extract_patch_rows(comm_, coefficient, mesh_, ell_, inputs_.data());
  const double t_extracted = timer.seconds();
  predict();
  const double t_forward = timer.seconds();
  if (settings_.zero_row_sums) project_zero_row_sums(outputs_);
  const double t_projected = timer.seconds();
  OwnedMat S_hat = assemble_from_extended(comm_, mesh_, ell_, outputs_);
  const double t_assembled = timer.seconds();
  if (t) {
    t->total = max_ranks(comm_, t_assembled);
    t->extraction = t_extracted;
    t->forward = t_forward - t_extracted;
    t->projection = t_projected - t_forward;
    t->assembly = t_assembled - t_projected;
  }
  return S_hat;
}

CompressEvalResult evaluate_compression(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                                        const CellField& coefficient, const Source& f,
                                        const CompressEvalSettings& settings) {
  NeuralStiffness neural(comm, model, model_path, settings);
  const CoarseMesh& mesh = neural.mesh();
  const int ell = neural.ell();
  CompressEvalResult r;
  r.equivariance = settings.group_average ? "average" : neural.equivariance();
  r.coarse_n = mesh.cells;
  r.fine_n = mesh.fine_cells();
  r.ell = ell;

  // Reference: PG-LOD.
  LodSettings lod_settings;
  lod_settings.ell = ell;
  lod_settings.patch_solver = settings.patch_solver;
  lod_settings.show_progress = true;
  PgLod lod(comm, mesh, lod_settings);
  MPI_Barrier(comm);
  WallTimer timer;
  lod.compute(coefficient);
  OwnedMat S = lod.stiffness();
  r.lod_seconds = max_ranks(comm, timer.seconds());

  // Neural: extraction, one batched forward pass, assembly (after an untimed warm-up pass).
  r.nn_warmup_seconds = neural.warm_up();
  MPI_Barrier(comm);
  NeuralTimings t;
  OwnedMat S_hat = neural.assemble(coefficient, &t);
  r.nn_seconds = t.total;
  r.extraction_seconds = t.extraction;
  r.forward_seconds = t.forward;
  r.projection_seconds = t.projection;
  r.assembly_seconds = t.assembly;

  OwnedVec F = lod.load(f, 0.0);
  OwnedVec U = solve_coarse(mesh, S, F), U_hat = solve_coarse(mesh, S_hat, F);
  r.spectral_norm_error = spectral_norm_of_difference(mesh, S, S_hat);
  OwnedVec U_fem = coarse_fem_solution(comm, mesh, coefficient, f, U);

  // L2 errors of the coarse Q1 functions, exact on the fine mesh.
  const StructuredGrid grid(comm, mesh.fine_cells());
  OwnedVec u = grid.create_vector(), u_hat = grid.create_vector(), diff = grid.create_vector();
  lod.coarse_to_fine(grid, U, u);
  lod.coarse_to_fine(grid, U_hat, u_hat);
  NH_PETSC(VecWAXPY(diff, -1.0, u_hat, u));
  OwnedMat M = create_operator(grid);
  assemble_mass(grid, M);
  const double l2_ref = matrix_norm(M, u);
  r.l2_error = matrix_norm(M, diff);
  r.l2_error_relative = r.l2_error / l2_ref;
  {  // the diagnostic scalar fit u^_H ~ s u_H
    OwnedVec Mu = grid.create_vector();
    NH_PETSC(MatMult(M, u, Mu));
    PetscScalar inner = 0;
    NH_PETSC(VecDot(u_hat, Mu, &inner));
    r.solution_scale = PetscRealPart(inner) / (l2_ref * l2_ref);
    OwnedVec rest = grid.create_vector();
    NH_PETSC(VecWAXPY(rest, -r.solution_scale, u, u_hat));
    r.l2_error_relative_scale_removed = matrix_norm(M, rest) / l2_ref;
  }
  OwnedVec u_fem = grid.create_vector();
  lod.coarse_to_fine(grid, U_fem, u_fem);
  NH_PETSC(VecAXPY(u_fem, -1.0, u));
  r.l2_error_coarse_fem_relative = matrix_norm(M, u_fem) / l2_ref;

  if (!settings.output.empty()) {
    FieldWriter writer(settings.output, grid);
    writer.write_cells("coefficient", sample_cells(grid, coefficient, "coefficient"));
    writer.write_nodes("u_lod", u);
    writer.write_nodes("u_nn", u_hat);
    writer.write_nodes("difference", diff);
    writer.file().set_attribute("/", "model", model_path);
    writer.close();
  }
  return r;
}

namespace {

// The keys every compress-eval report shares: the model's mesh and how the surrogate was run.
Json surrogate_report(int coarse_n, int fine_n, int ell, const std::string& equivariance,
                      const CompressEvalSettings& settings) {
  Json report = Json::object();
  report["model"] = "compression";
  report["coarse_n"] = coarse_n;
  report["fine_n"] = fine_n;
  report["ell"] = ell;
  report["zero_row_sums"] = settings.zero_row_sums;
  report["group_average"] = settings.group_average;
  report["equivariance"] = equivariance;
  return report;
}

}  // namespace

Json to_json(const CompressEvalResult& r, const CompressEvalSettings& settings) {
  Json report = surrogate_report(r.coarse_n, r.fine_n, r.ell, r.equivariance, settings);
  report["spectral_norm_error"] = r.spectral_norm_error;
  report["l2_error"] = r.l2_error;
  report["l2_error_relative"] = r.l2_error_relative;
  report["l2_error_coarse_fem_relative"] = r.l2_error_coarse_fem_relative;
  report["solution_scale"] = r.solution_scale;
  report["l2_error_relative_scale_removed"] = r.l2_error_relative_scale_removed;
  report["lod_seconds"] = r.lod_seconds;
  report["nn_seconds"] = r.nn_seconds;
  report["nn_warmup_seconds"] = r.nn_warmup_seconds;
  Json breakdown = Json::object();
  breakdown["extraction"] = r.extraction_seconds;
  breakdown["forward"] = r.forward_seconds;
  breakdown["projection"] = r.projection_seconds;
  breakdown["assembly"] = r.assembly_seconds;
  report["nn_breakdown_rank0"] = breakdown;
  report["speedup"] = r.lod_seconds / r.nn_seconds;
  return report;
}

double coarse_q1_l2_norm(const std::vector<double>& u, int n) {
  require(static_cast<long>(u.size()) == static_cast<long>(n + 1) * (n + 1), "coarse_q1_l2_norm: size");
  const double h = 1.0 / n;
  // 1D Q1 mass: diagonal 2h/3 (h/3 at the ends), off-diagonal h/6; M = M1 (x) M1
  const auto m1 = [&](int i, int k) {
    if (i == k) return (i == 0 || i == n) ? h / 3 : 2 * h / 3;
    return std::abs(i - k) == 1 ? h / 6 : 0.0;
  };
  double sum = 0;
  for (int j = 0; j <= n; ++j)
    for (int i = 0; i <= n; ++i) {
      double mu = 0;
      for (int l = std::max(0, j - 1); l <= std::min(n, j + 1); ++l)
        for (int k = std::max(0, i - 1); k <= std::min(n, i + 1); ++k)
          mu += m1(j, l) * m1(i, k) * u[static_cast<size_t>(l * (n + 1) + k)];
      sum += u[static_cast<size_t>(j * (n + 1) + i)] * mu;
    }
  return std::sqrt(std::max(sum, 0.0));
}

CompressPathResult evaluate_compression_path(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                                             const CoefficientPath& path, const Source& f, double final_time, int steps,
                                             const CompressEvalSettings& settings) {
  require(final_time > 0 && steps >= 1, "-T must be positive and -steps at least 1");
  NeuralStiffness neural(comm, model, model_path, settings);
  const CoarseMesh& mesh = neural.mesh();
  CompressPathResult r;
  r.equivariance = settings.group_average ? "average" : neural.equivariance();
  r.coarse_n = mesh.cells;
  r.fine_n = mesh.fine_cells();
  r.ell = neural.ell();
  r.steps = steps;
  const double dt = final_time / steps;

  // (a) the reference: every corrector recomputed each step
  LodSettings lod_settings;
  lod_settings.ell = neural.ell();
  lod_settings.patch_solver = settings.patch_solver;
  lod_settings.with_mass = true;
  PgLod lod(comm, mesh, lod_settings);
  std::vector<UpdateStep> lod_steps;
  std::vector<std::vector<double>> lod_history;
  lod.solve_parabolic(path, f, final_time, steps, CorrectorUpdate(), &lod_steps, &lod_history);
  for (const auto& s : lod_steps) {
    r.lod_seconds_per_step += s.seconds / steps;
    r.lod_corrector_seconds_per_step += s.corrector_seconds / steps;
  }

  // (d) the network: M_A^0 once, S^_A(t_m) every step
  WallTimer timer;
  lod.compute(*path.at(0.0));
  OwnedMat M = lod.mass();
  r.initial_mass_seconds = max_ranks(comm, timer.seconds());
  r.nn_warmup_seconds = neural.warm_up();
  OwnedVec U, rhs;
  NH_PETSC(MatCreateVecs(M, U.out(), rhs.out()));
  NH_PETSC(VecSet(U, 0.0));
  for (int m = 1; m <= steps; ++m) {
    MPI_Barrier(comm);
    timer.reset();
    OwnedMat system = neural.assemble(*path.at(m * dt));
    const double t_network = timer.seconds();
    NH_PETSC(MatAYPX(system, dt, M, DIFFERENT_NONZERO_PATTERN));  // system = dt S^ + M
    const CoarseDirichlet boundary(mesh, system);
    boundary.apply_symmetric(system);
    NH_PETSC(MatMult(M, U, rhs));
    OwnedVec F = lod.load(f, m * dt);
    NH_PETSC(VecAXPY(rhs, dt, F));
    boundary.zero(rhs);
    OwnedKSP ksp = create_direct_ksp(system, "lod_");
    solve_checked(ksp, rhs, U, "coarse solve with the network's S^_A");
    r.nn_seconds_per_step += max_ranks(comm, t_network) / steps;
    r.nn_step_seconds_per_step += max_ranks(comm, timer.seconds()) / steps;
    std::vector<double> u_hat = gather_to_all(U), diff = u_hat;
    const std::vector<double>& u = lod_history[static_cast<size_t>(m - 1)];
    for (size_t k = 0; k < diff.size(); ++k) diff[k] -= u[k];
    const double reference = coarse_q1_l2_norm(u, mesh.cells);
    r.times.push_back(m * dt);
    r.errors.push_back(reference > 0 ? coarse_q1_l2_norm(diff, mesh.cells) / reference : 0.0);
    r.nn_history.push_back(std::move(u_hat));
  }
  r.error_T = r.errors.back();
  return r;
}

Json to_json(const CompressPathResult& r, const CompressEvalSettings& settings) {
  Json report = surrogate_report(r.coarse_n, r.fine_n, r.ell, r.equivariance, settings);
  report["problem"] = "parabolic";
  report["steps"] = r.steps;
  report["error_T"] = r.error_T;
  report["times"] = Json::array_of(r.times);
  report["errors_over_time"] = Json::array_of(r.errors);
  report["lod_seconds_per_step"] = r.lod_seconds_per_step;
  report["lod_corrector_seconds_per_step"] = r.lod_corrector_seconds_per_step;
  report["nn_seconds_per_step"] = r.nn_seconds_per_step;
  report["nn_step_seconds_per_step"] = r.nn_step_seconds_per_step;
  report["speedup_per_step"] = r.lod_seconds_per_step / r.nn_step_seconds_per_step;  // whole steps on both sides
  report["initial_mass_seconds"] = r.initial_mass_seconds;
  report["nn_warmup_seconds"] = r.nn_warmup_seconds;
  return report;
}

}  // namespace neurhom
