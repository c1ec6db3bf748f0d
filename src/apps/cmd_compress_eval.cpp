// `neurhom compress-eval`: the online phase of the neural operator compression
// (operator-compression-lod.txt Sec. 4.4-4.6). For one coefficient:
//   LOD:    S_A by PG-LOD (patch correctors; `lod_seconds` = patches + assembly)
//   neural: S^_A = sum_T Phi_T(Psi(R_T(A))) (`nn_seconds` = extraction + forward + assembly)
// both with the same sparsity, then S_A U = F and S^_A U^ = F, and
//   spectral_norm_error = ||S_A - S^_A||_2 on the free (interior) coarse nodes (SLEPc SVD),
//   l2_error = ||u_H - u^_H||_L2 (coarse Q1 functions, exact on the fine mesh), relative to ||u_H||,
// and, as the baseline a surrogate must beat, the classical coarse Q1 FEM u_Q1 (coefficient
// sampled on the coarse cells): l2_error_coarse_fem_relative = ||u_H - u_Q1||_L2 / ||u_H||_L2.
#include <slepcsvd.h>

#include <cstdio>

#include "commands.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/error_norms.hpp"
#include "neurhom/fem/field_output.hpp"
#include "neurhom/fem/problem.hpp"
#include "neurhom/lod/online_assembly.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"
#include "neurhom/nn/checkpoint.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct EvalOptions {
  CommonOptions common;
  std::string model;
  std::string patch_solver = "petsc";
  PetscInt coarse_n = 0, threads = 0;
  PetscBool row_sums = PETSC_TRUE;
};

PetscErrorCode read_options(MPI_Comm comm, EvalOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom compress-eval: neural S_A-hat against PG-LOD S_A", "compress-eval");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-model", "Trained model (TorchScript from `neurhom train`)", &o->model));
  PetscCall(PetscOptionsInt("-coarse_n", "Coarse cells per side (0: the training setting; h = H / r as trained)", nullptr,
                            o->coarse_n, &o->coarse_n, nullptr));
  PetscCall(PetscOptionsInt("-threads", "Intra-op threads for the forward pass (0: LibTorch default)", nullptr, o->threads,
                            &o->threads, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-lod_patch_solver", "Patch Cholesky: petsc, cholmod or mumps", &o->patch_solver));
  PetscCall(PetscOptionsBool("-zero_row_sums", "Project the network's S_T onto zero row sums, as exact S_T have (-zero_row_sums false: raw outputs)",
                             nullptr, o->row_sums, &o->row_sums, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}


// Largest singular value of A - B restricted to the free coarse nodes.
double spectral_norm_of_difference(const CoarseMesh& mesh, Mat A, Mat B) {
  OwnedMat D;
  NH_PETSC(MatDuplicate(A, MAT_COPY_VALUES, D.out()));
  NH_PETSC(MatAXPY(D, -1.0, B, DIFFERENT_NONZERO_PATTERN));
  PetscInt first = 0, last = 0;
  NH_PETSC(MatGetOwnershipRange(D, &first, &last));
  std::vector<PetscInt> boundary;
  for (PetscInt row = first; row < last; ++row) {
    const long i = row % (mesh.cells + 1), j = row / (mesh.cells + 1);
    if (i == 0 || j == 0 || i == mesh.cells || j == mesh.cells) boundary.push_back(row);
  }
  NH_PETSC(MatZeroRowsColumns(D, static_cast<PetscInt>(boundary.size()), boundary.data(), 0.0, nullptr, nullptr));
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

}  // namespace

int run_compress_eval(MPI_Comm comm) {
  EvalOptions o;
  o.common.rhs = "one";
  NH_PETSC(read_options(comm, &o));
  o.common.validate();
  require(!o.model.empty(), "compress-eval needs a trained model: -model model.pt (from `neurhom train`)");
  ScriptedModel net = load_torchscript(o.model);
  require(net.model == "compression", "model '" + o.model + "' is a '" + net.model + "' network, not compression");
  if (o.threads > 0) torch::set_num_threads(static_cast<int>(o.threads));
  const int ratio = net.fine_n / net.coarse_n, ell = net.ell;
  const int coarse_n = o.coarse_n > 0 ? static_cast<int>(o.coarse_n) : net.coarse_n;
  const CoarseMesh mesh(coarse_n, coarse_n * ratio);
  require(extended_patch_cells(mesh, ell) == net.widths.front() && extended_patch_nodes(ell) * 4 == net.widths.back(),
          "model '" + o.model + "' does not fit its recorded setting (widths " + widths_to_string(net.widths) + ")");
  const auto coefficient = make_coefficient(o.common.coefficient, comm);
  const auto f = make_source(o.common.rhs, o.common.coefficient.seed);

  // Reference: PG-LOD.
  LodSettings settings;
  settings.layers = ell;
  settings.patch_solver = o.patch_solver;
  settings.show_progress = true;
  PgLod lod(comm, mesh, settings);
  MPI_Barrier(comm);
  WallTimer timer;
  lod.compute(*coefficient);
  OwnedMat S = lod.stiffness();
  const double lod_seconds = max_ranks(comm, timer.seconds());

  // Neural: extraction, one batched forward pass, assembly.
  MPI_Barrier(comm);
  timer.reset();
  const std::vector<float> inputs = extract_patch_rows(comm, *coefficient, mesh, ell);
  const double extraction_seconds = timer.seconds();
  const std::int64_t local_cells = static_cast<std::int64_t>(inputs.size()) / net.widths.front();
  std::vector<double> outputs;
  if (local_cells > 0) {
    const auto x = torch::from_blob(const_cast<float*>(inputs.data()), {local_cells, net.widths.front()}, torch::kFloat32);
    const auto y = net.forward(x).to(torch::kFloat64).contiguous();
    outputs.assign(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
  }
  if (o.row_sums) project_zero_row_sums(outputs);
  const double forward_seconds = timer.seconds() - extraction_seconds;
  OwnedMat S_hat = assemble_from_extended(comm, mesh, ell, outputs);
  const double nn_seconds = max_ranks(comm, timer.seconds());

  OwnedVec F = lod.load(*f, 0.0);
  OwnedVec U = solve_coarse(mesh, S, F), U_hat = solve_coarse(mesh, S_hat, F);
  const double spectral = spectral_norm_of_difference(mesh, S, S_hat);
  // Baseline: coarse Q1 FEM with the coefficient sampled at the coarse cell centres.
  OwnedVec U_fem;
  {
    const StructuredGrid coarse_grid(comm, mesh.cells);
    FemInputs in;
    in.coefficient = coefficient.get();
    in.source = f.get();
    FemSolution fem = solve_fem(coarse_grid, in, FemSettings());
    const std::vector<double> natural = coarse_grid.to_natural(fem.u);
    NH_PETSC(VecDuplicate(U, U_fem.out()));
    PetscInt first = 0, last = 0;
    NH_PETSC(VecGetOwnershipRange(U_fem, &first, &last));
    for (PetscInt k = first; k < last; ++k) NH_PETSC(VecSetValue(U_fem, k, natural[static_cast<size_t>(k)], INSERT_VALUES));
    NH_PETSC(VecAssemblyBegin(U_fem));
    NH_PETSC(VecAssemblyEnd(U_fem));
  }
  const StructuredGrid grid(comm, mesh.fine_cells());
  OwnedVec u = grid.create_vector(), u_hat = grid.create_vector(), diff = grid.create_vector();
  lod.coarse_to_fine(grid, U, u);
  lod.coarse_to_fine(grid, U_hat, u_hat);
  NH_PETSC(VecWAXPY(diff, -1.0, u_hat, u));
  OwnedMat M = create_operator(grid);
  assemble_mass(grid, M);
  const double l2 = matrix_norm(M, diff), l2_ref = matrix_norm(M, u);
  OwnedVec u_fem = grid.create_vector();
  lod.coarse_to_fine(grid, U_fem, u_fem);
  NH_PETSC(VecAXPY(u_fem, -1.0, u));
  const double l2_fem = matrix_norm(M, u_fem);

  if (!o.common.output.empty()) {
    FieldWriter writer(o.common.output, grid);
    writer.write_cells("coefficient", sample_cells(grid, *coefficient, "coefficient"));
    writer.write_nodes("u_lod", u);
    writer.write_nodes("u_nn", u_hat);
    writer.write_nodes("difference", diff);
    writer.file().set_attribute("/", "model", o.model);
    writer.close();
  }
  Json report = Json::object();
  report["model"] = o.model;
  report["coefficient"] = coefficient->describe();
  report["source"] = f->describe();
  report["coarse_n"] = mesh.cells;
  report["fine_n"] = mesh.fine_cells();
  report["ell"] = ell;
  report["ranks"] = mpi_size(comm);
  report["spectral_norm_error"] = spectral;
  report["l2_error"] = l2;
  report["l2_error_relative"] = l2 / l2_ref;
  report["l2_error_coarse_fem_relative"] = l2_fem / l2_ref;
  report["lod_seconds"] = lod_seconds;
  report["nn_seconds"] = nn_seconds;
  Json breakdown = Json::object();
  breakdown["extraction"] = extraction_seconds;
  breakdown["forward"] = forward_seconds;
  breakdown["assembly"] = nn_seconds - extraction_seconds - forward_seconds;
  report["nn_breakdown_rank0"] = breakdown;
  report["speedup"] = lod_seconds / nn_seconds;
  report["zero_row_sums"] = static_cast<bool>(o.row_sums);
  write_json_file(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom compress-eval: coefficient %s, source %s, H = 1/%d, h = 1/%d, ell = %d, %d ranks\n",
                coefficient->describe().c_str(), f->describe().c_str(), mesh.cells, mesh.fine_cells(), ell, mpi_size(comm));
    std::printf("  ||S_A - S^_A||_2 = %.4e, ||u_H - u^_H||_L2 = %.4e (relative %.4e; coarse Q1 FEM: %.4e)\n", spectral,
                l2, l2 / l2_ref, l2_fem / l2_ref);
    std::printf("  LOD %.3f s, network %.3f s: speedup %.1f\n", lod_seconds, nn_seconds, lod_seconds / nn_seconds);
  }
  return 0;
}

}  // namespace neurhom::app
