#pragma once
// The online phase of the neural operator compression (Kroepfl, Maier, Peterseim 2022,
// Sec. 4.4-4.6), evaluated against PG-LOD for one coefficient A:
//   LOD:    S_A by PG-LOD (patch correctors; lod_seconds = patches + assembly)
//   neural: S^_A = sum_T Phi_T(Psi(R_T(A))) (nn_seconds = extraction + forward + projection
//           + assembly; float32 from the coefficient samples to the network outputs),
//           optionally with every S^_T projected onto zero row sums (exact S_T have them)
// both with the same sparsity, then S_A U = F and S^_A U^ = F (coarse Dirichlet), and
//   spectral_norm_error = ||S_A - S^_A||_2 on the free (interior) coarse nodes (SLEPc SVD,
//                         options prefix -norm_),
//   l2_error            = ||u_H - u^_H||_L2 (coarse Q1 functions, exact on the fine mesh),
//   l2_error_relative   = l2_error / ||u_H||_L2,
// and the baseline a surrogate must beat, the classical coarse Q1 FEM u_Q1 with the
// coefficient sampled at the coarse cell centres:
//   l2_error_coarse_fem_relative = ||u_H - u_Q1||_L2 / ||u_H||_L2.
// A diagnostic of the error's kind (not a correction; the network's solution is u^_H as is):
//   solution_scale = (u^_H, u_H)_L2 / ||u_H||^2_L2, the scalar multiple of u_H closest to u^_H,
//   l2_error_relative_scale_removed = ||u^_H - solution_scale u_H||_L2 / ||u_H||_L2 <= l2_error_relative:
// a surrogate whose S^_T share a bias on the smooth modes gives u^_H ~ (1 + d) u_H.
// With group_average, S^_T = 1/8 sum_g P_g^{-1} Psi(P_g R_T(A)) over the symmetries g of the
// square (methods/compression/net/d4_symmetry.hpp): exact LOD matrices are equivariant, so this projects the
// network onto equivariant maps at the price of 8 forward passes.
// The forward pass runs in the model's precision (ScriptedModel::set_precision: float32, or
// bfloat16 GEMMs with float32 accumulation; the rest of the path is float32 either way).
// This layer sits above lod/ (PG-LOD, patch extraction, online assembly) and nn/ (the
// TorchScript model); apps/cmd_compress_eval.cpp only reads options and writes the report.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/mesh/coarse_mesh.hpp"
#include "neurhom/nn/scripted_model.hpp"

namespace neurhom {

struct CompressEvalSettings {
  int coarse_n = 0;                    // 0: the training setting (h = H / r as trained)
  int threads = 0;                     // intra-op threads of the forward pass (0: cores / ranks on the node)
  long long forward_chunk = 0;         // rows per forward-pass chunk (0: all of the rank's patches at once)
  std::string patch_solver = "petsc";  // PG-LOD patch Cholesky
  bool zero_row_sums = true;
  bool group_average = false;          // average the network over the 8 symmetries of the square (8 passes)
  std::string output;                  // HDF5 + XDMF fields (coefficient, u_lod, u_nn, difference); "": none
};

struct CompressEvalResult {
  std::string equivariance;  // of the surrogate: none, average (-group_average), canonical, gconv
  int coarse_n = 0, fine_n = 0, ell = 0;
  double spectral_norm_error = 0, l2_error = 0, l2_error_relative = 0, l2_error_coarse_fem_relative = 0;
  double solution_scale = 1, l2_error_relative_scale_removed = 0;
  double lod_seconds = 0, nn_seconds = 0;
  // One untimed forward pass on zero inputs of the rank's batch shape before nn_seconds starts:
  // the one-time cost of a process and batch shape (oneDNN creates and JIT-compiles its bf16
  // GEMM kernels per shape, ~10-20 ms; OpenBLAS allocates its buffers), paid once per run like
  // loading the model, not per coefficient. Reported so nothing is hidden (max over ranks).
  double nn_warmup_seconds = 0;
  // rank 0's split of nn_seconds: R_T extraction, forward pass, zero-row-sum projection,
  // assembly of S^_A (the max over ranks of their sum is nn_seconds)
  double extraction_seconds = 0, forward_seconds = 0, projection_seconds = 0, assembly_seconds = 0;
};

struct NeuralTimings {
  double total = 0;  // max over ranks
  double extraction = 0, forward = 0, projection = 0, assembly = 0;  // this rank's split
};

// S^_A = sum_T Phi_T(Psi(R_T(A))) for any coefficient on the model's mesh (settings.coarse_n,
// h = H / r as trained): R_T extraction, the forward pass (group average or canonical
// orientation as the model and settings say), the zero-row-sum projection, assembly.
// The constructor checks the model against its recorded setting (Error otherwise).
class NeuralStiffness {
 public:
  NeuralStiffness(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                  const CompressEvalSettings& settings);
  const CoarseMesh& mesh() const { return mesh_; }
  int ell() const { return ell_; }
  const std::string& equivariance() const { return equivariance_; }
  // One untimed pass on zero inputs of this rank's batch shape; returns its time (max over ranks).
  double warm_up();
  OwnedMat assemble(const CellField& coefficient, NeuralTimings* timings = nullptr);  // collective

 private:
  void predict();
  MPI_Comm comm_;
  ScriptedModel& model_;
  CompressEvalSettings settings_;
  CoarseMesh mesh_;
  int ratio_ = 0, ell_ = 0;
  std::string equivariance_;
  std::int64_t local_ = 0;
  std::vector<float> inputs_, outputs_;
};

// Collective. Throws Error if the model does not fit its recorded setting.
CompressEvalResult evaluate_compression(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                                        const CellField& coefficient, const Source& f,
                                        const CompressEvalSettings& settings);

// A time-dependent coefficient A(t) (parabolic, backward Euler, dt = T / steps): PG-LOD
// recomputing every corrector each step (PgLod::solve_parabolic, update "all": strategy (a) of
// docs/timedep.md) against the network's S^_A(t_m) each step (strategy (d)) with the PG mass
// M_A^0 of A(0) (one corrector computation, offline; M_T depends on A only through Q):
//   (M_A^0 + dt S^_A^m) U^m = M_A^0 U^{m-1} + dt F(t_m),  U^0 = 0.
// errors[m] = ||u_H^m - u^_H^m||_L2 / ||u_H^m||_L2 of the coarse Q1 functions (exact: the
// tensor-product Q1 mass matrix of the coarse mesh).
struct CompressPathResult {
  std::string equivariance;
  int coarse_n = 0, fine_n = 0, ell = 0, steps = 0;
  std::vector<double> times, errors;
  double error_T = 0;
  double lod_seconds_per_step = 0;            // the reference's whole step (correctors, assembly, solve), mean
  double lod_corrector_seconds_per_step = 0;  // of which its correctors
  double nn_seconds_per_step = 0;       // extraction + forward + projection + assembly of S^_A, mean over the steps
  double nn_step_seconds_per_step = 0;  // the whole step: the above, M + dt S^, coarse solve
  double initial_mass_seconds = 0;  // the correctors of A(0) for M_A^0
  double nn_warmup_seconds = 0;
  std::vector<std::vector<double>> nn_history;  // U^_m per step (all coarse nodes, natural order)
};

CompressPathResult evaluate_compression_path(MPI_Comm comm, ScriptedModel& model, const std::string& model_path,
                                             const CoefficientPath& path, const Source& f, double final_time, int steps,
                                             const CompressEvalSettings& settings);
Json to_json(const CompressPathResult& r, const CompressEvalSettings& settings);

// ||u||_L2 of the coarse Q1 function with nodal values u (natural order j (N+1) + i) on (0,1)^2.
double coarse_q1_l2_norm(const std::vector<double>& u, int coarse_n);

// The report of an evaluation: the setting, the errors against PG-LOD and coarse FEM, the
// timings (nn_breakdown_rank0: extraction, forward, projection, assembly) and the speedup.
Json to_json(const CompressEvalResult& r, const CompressEvalSettings& settings);

}  // namespace neurhom
