#include "neurhom/methods/compression/compress_eval.hpp"

#include <slepcsvd.h>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/field_output.hpp"
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

CompressEvalResult evaluate_compression(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                                        const CellField& coefficient, const Source& f,
                                        const CompressEvalSettings& settings) {
  require(model.model == "compression", "model '" + model_path + "' is a '" + model.model + "' network, not compression");
  const int model_coarse_n = static_cast<int>(model.int_attribute("coarse_n"));
  const int model_fine_n = static_cast<int>(model.int_attribute("fine_n"));
  const int model_ell = static_cast<int>(model.int_attribute("ell"));
  require(model_coarse_n > 0 && model_fine_n > 0 && model_ell > 0,
          "model '" + model_path + "' has no LOD setting (coarse_n, fine_n, ell attributes)");
  // Threads of the forward pass: as asked, else the node's cores over its ranks (as in training).
  torch::set_num_threads(settings.threads > 0 ? settings.threads : default_threads_per_rank(comm));
  const int ratio = model_fine_n / model_coarse_n, ell = model_ell;
  const int coarse_n = settings.coarse_n > 0 ? settings.coarse_n : model_coarse_n;
  const CoarseMesh mesh(coarse_n, coarse_n * ratio);
  require(extended_patch_cells(mesh, ell) == model.widths.front() && extended_patch_nodes(ell) * 4 == model.widths.back(),
          "model '" + model_path + "' does not fit its recorded setting (widths " + widths_to_string(model.widths) + ")");
  const std::string equivariance = model.string_attribute("equivariance", "none");
  require(equivariance == "none" || equivariance == "canonical" || equivariance == "gconv",
          "model '" + model_path + "' has an unknown equivariance '" + equivariance + "'");
  require(!settings.group_average || equivariance == "none",
          "-group_average: model '" + model_path + "' is already D4-equivariant (equivariance " + equivariance + ")");
  CompressEvalResult r;
  r.equivariance = settings.group_average ? "average" : equivariance;
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
  const Block cells = block_of(mesh.num_cells(), comm);
  const int side = (2 * ell + 1) * ratio;
  const std::int64_t local = cells.end - cells.begin;
  std::vector<float> inputs(static_cast<size_t>(local * model.widths.front()));
  std::vector<float> outputs(static_cast<size_t>(local * model.widths.back()));
  timer.reset();
  if (equivariance == "canonical")
    predict_d4_canonical(model, inputs.data(), local, side, 2 * ell + 2, outputs.data(), settings.forward_chunk);
  else
    model.predict(inputs.data(), local, outputs.data(), settings.forward_chunk);
  r.nn_warmup_seconds = max_ranks(comm, timer.seconds());
  MPI_Barrier(comm);
  timer.reset();
  extract_patch_rows(comm, coefficient, mesh, ell, inputs.data());
  const double t_extracted = timer.seconds();
  if (settings.group_average)
    predict_d4_average(model, inputs.data(), local, side, 2 * ell + 2, outputs.data(), settings.forward_chunk);
  else if (equivariance == "canonical")
    predict_d4_canonical(model, inputs.data(), local, side, 2 * ell + 2, outputs.data(), settings.forward_chunk);
  else
    model.predict(inputs.data(), local, outputs.data(), settings.forward_chunk);
  const double t_forward = timer.seconds();
  if (settings.zero_row_sums) project_zero_row_sums(outputs);
  const double t_projected = timer.seconds();
  OwnedMat S_hat = assemble_from_extended(comm, mesh, ell, outputs);
  const double t_assembled = timer.seconds();
  r.nn_seconds = max_ranks(comm, t_assembled);
  r.extraction_seconds = t_extracted;
  r.forward_seconds = t_forward - t_extracted;
  r.projection_seconds = t_projected - t_forward;
  r.assembly_seconds = t_assembled - t_projected;

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

Json to_json(const CompressEvalResult& r, const CompressEvalSettings& settings) {
  Json report = Json::object();
  report["model"] = "compression";
  report["coarse_n"] = r.coarse_n;
  report["fine_n"] = r.fine_n;
  report["ell"] = r.ell;
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
  report["zero_row_sums"] = settings.zero_row_sums;
  report["group_average"] = settings.group_average;
  report["equivariance"] = r.equivariance;
  return report;
}

}  // namespace neurhom
