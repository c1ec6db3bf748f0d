#include "neurhom/lod/box_lod.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <optional>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/fem/box_fem.hpp"
#include "neurhom/fem/box_parabolic.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/lod/box_patch_extraction.hpp"
#include "neurhom/patch/patch_kkt.hpp"
#include "neurhom/patch/patch_saddle_point.hpp"

namespace neurhom {


// ------------------------------------------------------------------ the patch corrector

class BoxPatchCorrector::Impl {
 public:
  // `kkt`: the bordered saddle point factored at once (patch_kkt.hpp); otherwise the factor of A
  // and the Schur complement through Y = A^{-1} C' (patch_saddle_point.hpp)
  explicit Impl(const std::string& solver) {
    if (solver == "kkt")
      kkt.emplace();
    else
      factorization.emplace(solver);
  }
  const PatchSolveTimings& timings() const { return kkt ? kkt->timings() : factorization->timings(); }
  std::optional<PatchFactorization> factorization;
  std::optional<KktFactorization> kkt;
};

BoxPatchCorrector::BoxPatchCorrector(const BoxCoarseMesh& mesh, std::string solver)
    : mesh_(mesh), solver_(std::move(solver)), impl_(std::make_shared<Impl>(solver_)) {
  // P1 = (Phi' M1 Phi)^{-1} Phi' M1 on the r + 1 fine nodes of a coarse interval (h = 1: it cancels)
  const int r = mesh.ratio();
  DenseMatrix M1(r + 1, r + 1);
  for (int c = 0; c < r; ++c) {
    M1(c, c) += 2.0 / 6;
    M1(c + 1, c + 1) += 2.0 / 6;
    M1(c, c + 1) += 1.0 / 6;
    M1(c + 1, c) += 1.0 / 6;
  }
  std::vector<double> phi(static_cast<size_t>(2 * (r + 1)));  // phi[s * (r+1) + t]
  for (int t = 0; t <= r; ++t) {
    phi[static_cast<size_t>(t)] = 1.0 - static_cast<double>(t) / r;
    phi[static_cast<size_t>(r + 1 + t)] = static_cast<double>(t) / r;
  }
  std::vector<double> MPhi(static_cast<size_t>(2 * (r + 1)), 0.0);  // (M1 Phi)' : 2 x (r+1)
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t <= r; ++t)
      for (int u = 0; u <= r; ++u) MPhi[static_cast<size_t>(s * (r + 1) + t)] += M1(t, u) * phi[static_cast<size_t>(s * (r + 1) + u)];
  double G[2][2] = {{0, 0}, {0, 0}};
  for (int s = 0; s < 2; ++s)
    for (int q = 0; q < 2; ++q)
      for (int t = 0; t <= r; ++t) G[s][q] += MPhi[static_cast<size_t>(s * (r + 1) + t)] * phi[static_cast<size_t>(q * (r + 1) + t)];
  const double det = G[0][0] * G[1][1] - G[0][1] * G[1][0];
  const double Gi[2][2] = {{G[1][1] / det, -G[0][1] / det}, {-G[1][0] / det, G[0][0] / det}};
  P1_.assign(static_cast<size_t>(2 * (r + 1)), 0.0);
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t <= r; ++t)
      P1_[static_cast<size_t>(s * (r + 1) + t)] = Gi[s][0] * MPhi[static_cast<size_t>(t)] + Gi[s][1] * MPhi[static_cast<size_t>(r + 1 + t)];
}

double BoxPatchCorrector::assembly_seconds() const { return impl_->timings().assembly; }

double BoxPatchCorrector::factorization_seconds() const {
  return impl_->timings().factorization;
}

BoxPatchMatrices BoxPatchCorrector::compute(const BoxPatch& patch, const BoxCellField& field, bool keep_correctors, bool with_mass) {
  const int dim = patch.dim, r = patch.r, n = 1 << dim;
  const PatchIndex ix(patch);
  const BoxShape& fine = mesh_.fine();
  const std::vector<double> kref = box::stiffness(dim, box_fine_sizes(fine));
  const std::vector<double> mref = with_mass ? box::mass(dim, box_fine_sizes(fine)) : std::vector<double>{};
  const std::vector<double> a = box_patch_cell_values(patch, fine, field);
  int n_free = 0;
  const std::vector<int> free = box_free_index(ix, mesh_.bc(), &n_free);
  require(n_free > 0, "a patch has no free fine nodes (-ratio too small?)");

  // constraint rows: I_H at the patch coarse nodes that are not on a Dirichlet face
  ConstrainedSolve::SparseRows rows;
  const Index3 cn = {patch.cells[0] + 1, patch.cells[1] + 1, dim == 3 ? patch.cells[2] + 1 : 1};
  for (int qk = 0; qk < cn[2]; ++qk)
    for (int qj = 0; qj < cn[1]; ++qj)
      for (int qi = 0; qi < cn[0]; ++qi) {
        const Index3 q = {qi, qj, qk};
        const Index3 g = {patch.first[0] + qi, patch.first[1] + qj, patch.first[2] + qk};
        if (mesh_.dirichlet_node(g)) continue;
        const double share = 1.0 / mesh_.cells_containing(g);
        std::map<int, double> row;
        for (int b = 0; b < n; ++b) {  // the (up to 2^d) patch cells K containing q: K = q - s, s the corner of q in K
          Index3 K{0, 0, 0}, s{0, 0, 0};
          bool inside = true;
          for (int d = 0; d < dim; ++d) {
            const auto D = static_cast<size_t>(d);
            s[D] = (b >> d) & 1;
            K[D] = q[D] - s[D];
            inside = inside && K[D] >= 0 && K[D] < patch.cells[D];
          }
          if (!inside) continue;
          for (int tk = 0; tk <= (dim == 3 ? r : 0); ++tk)
            for (int tj = 0; tj <= r; ++tj)
              for (int ti = 0; ti <= r; ++ti) {
                const int col = free[static_cast<size_t>(ix.node(K[0] * r + ti, K[1] * r + tj, K[2] * r + tk))];
                if (col < 0) continue;
                double w = P1_[static_cast<size_t>(s[0] * (r + 1) + ti)] * P1_[static_cast<size_t>(s[1] * (r + 1) + tj)];
                if (dim == 3) w *= P1_[static_cast<size_t>(s[2] * (r + 1) + tk)];
                row[col] += share * w;
              }
        }
        rows.emplace_back(row.begin(), row.end());
      }
  // the free-node stiffness (and with `kkt` the bordered matrix), factored; symbolic analysis once per shape
  const auto assemble = [&](Mat* A) { assemble_box_free_matrix(ix, free, n_free, a, kref, A); };
  std::optional<ConstrainedSolve> constraint;
  if (impl_->kkt) {
    impl_->kkt->factor(patch.shape_key(), assemble, rows);
  } else {
    impl_->factorization->factor(patch.shape_key(), assemble);
    WallTimer timer;
    constraint.emplace(*impl_->factorization, rows, n_free);
    constraint_seconds_ += timer.seconds();
  }
  WallTimer timer;

  BoxPatchMatrices out;
  out.patch = patch;
  const long ncoarse = patch.num_coarse_nodes();
  out.S.assign(static_cast<size_t>(ncoarse * n), 0.0);
  if (with_mass) out.M.assign(static_cast<size_t>(ncoarse * n), 0.0);
  const std::vector<double> ones(with_mass ? a.size() : 0, 1.0);
  // the 2^d right-hand sides (K_T lambda_j)|free, solved in one blocked solve
  std::vector<std::vector<double>> lambdas, kts, rhs(static_cast<size_t>(n), std::vector<double>(static_cast<size_t>(n_free), 0.0)), zs;
  for (int j = 0; j < n; ++j) {
    Index3 qj{0, 0, 0};
    for (int d = 0; d < dim; ++d)
      qj[static_cast<size_t>(d)] = patch.centre[static_cast<size_t>(d)] - patch.first[static_cast<size_t>(d)] + ((j >> d) & 1);
    lambdas.push_back(box_coarse_hat(ix, qj));
    kts.emplace_back(lambdas.back().size(), 0.0);
    box_apply_cells(ix, a, kref, true, lambdas.back(), kts.back());  // K_T lambda_j
    for (size_t x = 0; x < free.size(); ++x)
      if (free[x] >= 0) rhs[static_cast<size_t>(j)][static_cast<size_t>(free[x])] = kts.back()[x];
  }
  if (impl_->kkt) {
    impl_->kkt->solve_many(rhs, zs);  // q_j directly
  } else {
    impl_->factorization->solve_many(rhs, zs);
    for (auto& z : zs) constraint->remove_constraint(z);  // q_j = z_j - Y S^{-1} C z_j
  }
  for (int j = 0; j < n; ++j) {
    std::vector<double>& z = zs[static_cast<size_t>(j)];
    std::vector<double>& kt = kts[static_cast<size_t>(j)];
    std::vector<double> q(kt.size(), 0.0);
    for (size_t x = 0; x < free.size(); ++x)
      if (free[x] >= 0) q[x] = z[static_cast<size_t>(free[x])];
    // y = K_T lambda_j - K_patch q_j; S_T[i, j] = lambda_i' y
    std::vector<double> kq(kt.size(), 0.0);
    box_apply_cells(ix, a, kref, false, q, kq);
    for (size_t x = 0; x < kt.size(); ++x) kt[x] -= kq[x];
    const std::vector<double> col = box_restrict_to_coarse(ix, kt);
    for (long i = 0; i < ncoarse; ++i) out.S[static_cast<size_t>(i * n + j)] = col[static_cast<size_t>(i)];
    if (with_mass) {  // M_T[i, j] = lambda_i' (M_T lambda_j - M_patch q_j)
      std::vector<double> mt(q.size(), 0.0), mq(q.size(), 0.0);
      box_apply_cells(ix, ones, mref, true, lambdas[static_cast<size_t>(j)], mt);
      box_apply_cells(ix, ones, mref, false, q, mq);
      for (size_t x = 0; x < mt.size(); ++x) mt[x] -= mq[x];
      const std::vector<double> mcol = box_restrict_to_coarse(ix, mt);
      for (long i = 0; i < ncoarse; ++i) out.M[static_cast<size_t>(i * n + j)] = mcol[static_cast<size_t>(i)];
    }
    // the constraint I_H q_j = 0, checked
    double qmax = 0, res = 0;
    for (double v : z) qmax = std::max(qmax, std::abs(v));
    for (const auto& row : rows) {
      double s = 0;
      for (const auto& [k, v] : row) s += v * z[static_cast<size_t>(k)];
      res = std::max(res, std::abs(s));
    }
    if (qmax > 0) out.max_constraint_residual = std::max(out.max_constraint_residual, res / qmax);
    if (keep_correctors) out.correctors.push_back(std::move(q));
  }
  corrector_seconds_ += timer.seconds();
  return out;
}

// ------------------------------------------------------------------ PG-LOD vs the fine solution

namespace {

// u_H (coarse nodal values, natural order) at the owned fine nodes of `grid` (n_d = N_d r)
OwnedVec prolong(const BoxGrid& grid, const BoxCoarseMesh& mesh, const std::vector<double>& U) {
  OwnedVec u = grid.create_vector();
  PetscScalar* data = nullptr;
  NH_PETSC(VecGetArray(u, &data));
  const int r = mesh.ratio(), dim = grid.dim();
  PetscInt at = 0;
  for (PetscInt k = grid.nodes(2).begin; k < grid.nodes(2).end; ++k)
    for (PetscInt j = grid.nodes(1).begin; j < grid.nodes(1).end; ++j)
      for (PetscInt i = grid.nodes(0).begin; i < grid.nodes(0).end; ++i) {
        const PetscInt l[3] = {i, j, k};
        int base[3] = {0, 0, 0};
        double frac[3] = {0, 0, 0};
        for (int d = 0; d < dim; ++d) {
          base[d] = std::min(static_cast<int>(l[d] / r), mesh.cells(d) - 1);
          frac[d] = static_cast<double>(l[d] - base[d] * r) / r;
        }
        double v = 0;
        for (int b = 0; b < (1 << dim); ++b) {
          Index3 q{0, 0, 0};
          double w = 1;
          for (int d = 0; d < dim; ++d) {
            const int bit = (b >> d) & 1;
            q[static_cast<size_t>(d)] = base[d] + bit;
            w *= bit ? frac[d] : 1.0 - frac[d];
          }
          if (w != 0.0) v += w * U[static_cast<size_t>(mesh.node_index(q))];
        }
        data[at++] = v;
      }
  NH_PETSC(VecRestoreArray(u, &data));
  return u;
}

// (M_A + dt S_A) U^m = M_A U^{m-1} + dt F, m = 1..steps, from U^0 = 0, with the Dirichlet rows
// U^m_j = G_j (G: U's values at the `dirichlet` rows on entry); U^steps on return.
void coarse_backward_euler(Mat Mass, Mat S, Vec F, const std::vector<PetscInt>& dirichlet, double final_time, int steps, Vec U) {
  const double dt = final_time / steps;
  OwnedMat K;
  NH_PETSC(MatDuplicate(Mass, MAT_COPY_VALUES, K.out()));
  NH_PETSC(MatAXPY(K, dt, S, SAME_NONZERO_PATTERN));
  OwnedVec G, lift, rhs;
  NH_PETSC(VecDuplicate(U, G.out()));
  NH_PETSC(VecCopy(U, G));
  NH_PETSC(VecDuplicate(F, lift.out()));
  NH_PETSC(VecDuplicate(F, rhs.out()));
  NH_PETSC(VecSet(lift, 0.0));
  // lift = the change MatZeroRowsColumns makes to a zero right-hand side: -K[:, D] G, G at D
  NH_PETSC(MatZeroRowsColumns(K, static_cast<PetscInt>(dirichlet.size()), dirichlet.data(), 1.0, G, lift));
  OwnedKSP ksp = create_direct_ksp(K, "lod_coarse_");
  NH_PETSC(VecSet(U, 0.0));  // u(0) = 0
  for (int m = 1; m <= steps; ++m) {
    NH_PETSC(MatMult(Mass, U, rhs));
    NH_PETSC(VecAXPY(rhs, dt, F));
    for (PetscInt i : dirichlet) NH_PETSC(VecSetValue(rhs, i, 0.0, INSERT_VALUES));
    NH_PETSC(VecAssemblyBegin(rhs));
    NH_PETSC(VecAssemblyEnd(rhs));
    NH_PETSC(VecAXPY(rhs, 1.0, lift));  // free rows: - K[:, D] G; Dirichlet rows: G
    solve_checked(ksp, rhs, U, "the PG-LOD coarse solve (time step " + std::to_string(m) + ")");
  }
}

// F_i += int_{Gamma_N} g_N lambda_i: the Neumann load of the coarse grid, added in natural order
void add_coarse_neumann_load(const BoxGrid& coarse_grid, const BoxBoundary& bc, const FaceFunction& g, Vec F) {
  OwnedVec G = coarse_grid.create_vector();
  NH_PETSC(VecSet(G, 0.0));
  add_box_neumann_load(coarse_grid, bc, g, G);
  const std::vector<double> values = coarse_grid.to_natural(G);
  PetscInt first = 0, last = 0;
  NH_PETSC(VecGetOwnershipRange(F, &first, &last));
  for (PetscInt i = first; i < last; ++i) NH_PETSC(VecSetValue(F, i, values[static_cast<size_t>(i)], ADD_VALUES));
  NH_PETSC(VecAssemblyBegin(F));
  NH_PETSC(VecAssemblyEnd(F));
}

double mass_norm(Mat M, Vec x) {
  OwnedVec y;
  NH_PETSC(VecDuplicate(x, y.out()));
  NH_PETSC(MatMult(M, x, y));
  PetscScalar s = 0;
  NH_PETSC(VecDot(x, y, &s));
  return std::sqrt(std::max(0.0, static_cast<double>(s)));
}

double relative_l2(Mat M, Vec reference, Vec approx) {
  OwnedVec e;
  NH_PETSC(VecDuplicate(reference, e.out()));
  NH_PETSC(VecWAXPY(e, -1.0, approx, reference));
  return mass_norm(M, e) / mass_norm(M, reference);
}

}  // namespace

BoxLodResult compare_box_lod_with_fine(MPI_Comm comm, const BoxShape& fine, const BoxBoundary& bc, const BoxCellField& field,
                                       const Source& f, const BoxLodSettings& s) {
  const BoxCoarseMesh mesh(fine, s.ratio, bc);
  const int dim = fine.dim, n = 1 << dim;
  const CellIndex3 all = {fine.cells[0], fine.cells[1], dim == 3 ? fine.cells[2] : 1};
  field.check_mesh(dim, all);
  BoxLodResult result;
  WallTimer timer;

  // the coarse matrix: rows in natural order, contiguous blocks over the ranks
  const auto N = static_cast<PetscInt>(mesh.num_nodes());
  OwnedMat S;
  PetscInt per_row = 1;
  for (int d = 0; d < dim; ++d) per_row *= std::min<PetscInt>(2 * (s.ell + 1) + 1, mesh.cells(d) + 1);
  NH_PETSC(MatCreateAIJ(comm, PETSC_DECIDE, PETSC_DECIDE, N, N, per_row, nullptr, per_row, nullptr, S.out()));
  NH_PETSC(MatSetOption(S, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  const bool parabolic = s.steps > 0;
  require(!parabolic || (s.final_time > 0 && std::isfinite(s.final_time)), "the final time -T must be positive");
  OwnedMat Mass;  // M_A (parabolic)
  if (parabolic) NH_PETSC(MatDuplicate(S, MAT_DO_NOT_COPY_VALUES, Mass.out()));
  OwnedVec F;
  NH_PETSC(MatCreateVecs(S, F.out(), nullptr));
  NH_PETSC(VecSet(F, 0.0));

  const Block block = block_of(mesh.num_cells(), comm);
  BoxPatchCorrector corrector(mesh, s.patch_solver);
  const long local = block.end - block.begin;
  std::optional<Progress> progress;  // rank 0's block
  if (s.progress) progress.emplace("lod", "patch", local, comm);
  double worst_constraint = 0;
  // F_i = (f, lambda_i) on the coarse cells of this rank, by 2 Gauss points per direction on the fine cells
  const PointFunction fx = box_source_function(f, fine);
  const auto gauss = box::gauss_box(dim, 2);
  std::array<double, 3> H{1, 1, 1};
  for (int d = 0; d < dim; ++d) H[static_cast<size_t>(d)] = fine.lengths[static_cast<size_t>(d)] / mesh.cells(d);
  for (long t = block.begin; t < block.end; ++t) {
    const Index3 T = mesh.cell_of(t);
    const BoxPatch patch = make_box_patch(mesh, T, s.ell);
    result.patch_fine_nodes_max = std::max<long long>(result.patch_fine_nodes_max, patch.num_fine_nodes());
    const BoxPatchMatrices m = corrector.compute(patch, field, false, parabolic);
    worst_constraint = std::max(worst_constraint, m.max_constraint_residual);
    const std::vector<long> nodes = box_patch_global_nodes(mesh, patch);
    const std::vector<PetscInt> rows(nodes.begin(), nodes.end());
    std::vector<PetscInt> cols(static_cast<size_t>(n));
    for (int j = 0; j < n; ++j)
      cols[static_cast<size_t>(j)] = static_cast<PetscInt>(mesh.node_index({T[0] + (j & 1), T[1] + ((j >> 1) & 1), T[2] + ((j >> 2) & 1)}));
    NH_PETSC(MatSetValues(S, static_cast<PetscInt>(rows.size()), rows.data(), n, cols.data(), m.S.data(), ADD_VALUES));
    if (parabolic) NH_PETSC(MatSetValues(Mass, static_cast<PetscInt>(rows.size()), rows.data(), n, cols.data(), m.M.data(), ADD_VALUES));
    // load of T: the fine cells of T, Gauss points, coarse hats of T
    std::array<double, 8> fe{};
    const int r = mesh.ratio();
    for (int ck = 0; ck < (dim == 3 ? r : 1); ++ck)
      for (int cj = 0; cj < r; ++cj)
        for (int ci = 0; ci < r; ++ci)
          for (const auto& g : gauss) {
            const double local_x[3] = {(ci + g.xi[0]) / r, (cj + g.xi[1]) / r, (ck + g.xi[2]) / r};  // in T, [0,1]^d
            Point3 x{0, 0, 0};
            double vol = 1;
            for (int d = 0; d < dim; ++d) {
              x[static_cast<size_t>(d)] = (T[static_cast<size_t>(d)] + local_x[d]) * H[static_cast<size_t>(d)];
              vol *= H[static_cast<size_t>(d)] / r;
            }
            const double v = fx(x) * g.weight * vol;
            for (int j = 0; j < n; ++j) {
              double w = 1;
              for (int d = 0; d < dim; ++d) w *= ((j >> d) & 1) ? local_x[d] : 1.0 - local_x[d];
              fe[static_cast<size_t>(j)] += v * w;
            }
          }
    NH_PETSC(VecSetValues(F, n, cols.data(), fe.data(), ADD_VALUES));
    if (progress) progress->update(t - block.begin + 1);
  }
  if (progress) progress->finish();
  NH_PETSC(MatAssemblyBegin(S, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(S, MAT_FINAL_ASSEMBLY));
  if (parabolic) {
    NH_PETSC(MatAssemblyBegin(Mass, MAT_FINAL_ASSEMBLY));
    NH_PETSC(MatAssemblyEnd(Mass, MAT_FINAL_ASSEMBLY));
  }
  NH_PETSC(VecAssemblyBegin(F));
  NH_PETSC(VecAssemblyEnd(F));
  result.patches = sum_ranks(comm, static_cast<long long>(local));
  result.assembly_seconds = corrector.assembly_seconds();
  result.factorization_seconds = corrector.factorization_seconds();
  result.constraint_seconds = corrector.constraint_seconds();
  result.corrector_seconds = corrector.corrector_seconds();
  require(max_ranks(comm, worst_constraint) < 1e-8, "PG-LOD: a corrector violates I_H q = 0 (constraint solve failed)");
  {  // asymmetry ||S - S'||_F / ||S||_F, before the Dirichlet elimination
    OwnedMat St, D;
    NH_PETSC(MatTranspose(S, MAT_INITIAL_MATRIX, St.out()));
    NH_PETSC(MatDuplicate(S, MAT_COPY_VALUES, D.out()));
    NH_PETSC(MatAXPY(D, -1.0, St, DIFFERENT_NONZERO_PATTERN));
    PetscReal nd = 0, ns = 0;
    NH_PETSC(MatNorm(D, NORM_FROBENIUS, &nd));
    NH_PETSC(MatNorm(S, NORM_FROBENIUS, &ns));
    result.asymmetry = nd / ns;
  }
  result.offline_seconds = timer.seconds();

  // the problem's data (fine reference, coarse FEM and the coarse load's boundary terms)
  BoxProblem problem;
  problem.coefficient = box_field_function(field, fine);
  problem.source = fx;
  set_box_face_data(problem, fine, bc, s.face_values);
  BoxShape coarse = fine;
  for (int d = 0; d < dim; ++d) coarse.cells[static_cast<size_t>(d)] = mesh.cells(d);
  const BoxGrid coarse_grid(comm, coarse);
  if (problem.neumann) add_coarse_neumann_load(coarse_grid, bc, problem.neumann, F);

  // Dirichlet coarse nodes: identity rows and columns, U_j = g_D(x_j), F_i -= S_A[i, j] U_j
  timer.reset();
  std::vector<PetscInt> dirichlet;
  std::vector<Index3> dirichlet_nodes;
  PetscInt lo = 0, hi = 0;
  NH_PETSC(MatGetOwnershipRange(S, &lo, &hi));
  for (PetscInt i = lo; i < hi; ++i) {
    Index3 p{0, 0, 0};
    long rest = i;
    for (int d = 0; d < dim; ++d) {
      p[static_cast<size_t>(d)] = static_cast<int>(rest % (mesh.cells(d) + 1));
      rest /= mesh.cells(d) + 1;
    }
    if (mesh.dirichlet_node(p)) {
      dirichlet.push_back(i);
      dirichlet_nodes.push_back(p);
    }
  }
  OwnedVec U;  // with the Dirichlet data G at the Dirichlet nodes, 0 elsewhere
  NH_PETSC(VecDuplicate(F, U.out()));
  NH_PETSC(VecSet(U, 0.0));
  if (problem.dirichlet) {
    for (size_t k = 0; k < dirichlet.size(); ++k) {
      const Index3& q = dirichlet_nodes[k];
      const PetscInt i = dirichlet[k];
      Point3 x{0, 0, 0};
      for (int d = 0; d < dim; ++d) x[static_cast<size_t>(d)] = q[static_cast<size_t>(d)] * H[static_cast<size_t>(d)];
      NH_PETSC(VecSetValue(U, i, problem.dirichlet(x), INSERT_VALUES));
    }
    NH_PETSC(VecAssemblyBegin(U));
    NH_PETSC(VecAssemblyEnd(U));
  }
  if (!parabolic) {
    NH_PETSC(MatZeroRowsColumns(S, static_cast<PetscInt>(dirichlet.size()), dirichlet.data(), 1.0, U, F));
    OwnedKSP ksp = create_direct_ksp(S, "lod_coarse_");
    solve_checked(ksp, F, U, "the PG-LOD coarse solve");
  } else {
    coarse_backward_euler(Mass, S, F, dirichlet, s.final_time, s.steps, U);
  }
  result.coarse_solve_seconds = timer.seconds();
  result.coarse_solution = gather_to_all(U);

  // the fine reference and the classical coarse FEM
  timer.reset();
  const BoxGrid grid(comm, fine);
  // the fine grid and the coarse FEM: the same problem, in time with u(0) = 0 when parabolic
  const auto solve = [&](const BoxGrid& g, const BoxProblem& p) {
    return parabolic ? solve_box_parabolic(g, bc, constant_in_time(p), s.final_time, s.steps).u : solve_box_elliptic(g, bc, p).u;
  };
  BoxSolution fine_solution;
  fine_solution.u = solve(grid, problem);
  result.fine_solve_seconds = timer.seconds();
  std::vector<double> ones(static_cast<size_t>(grid.num_local_cells()), 1.0);
  std::array<double, 3> h{1, 1, 1};
  for (int d = 0; d < dim; ++d) h[static_cast<size_t>(d)] = grid.h(d);
  const OwnedMat M = assemble_box_matrix(grid, ones, box::mass(dim, h));
  const OwnedVec uH = prolong(grid, mesh, result.coarse_solution);
  result.l2_error_vs_fine = relative_l2(M, fine_solution.u, uH);

  BoxProblem coarse_problem = problem;
  coarse_problem.coefficient = box_field_function(field, fine);  // at the coarse-cell centres
  coarse_problem.direct = true;
  const OwnedVec coarse_fem = solve(coarse_grid, coarse_problem);
  const OwnedVec uC = prolong(grid, mesh, coarse_grid.to_natural(coarse_fem));
  result.l2_error_coarse_fem = relative_l2(M, fine_solution.u, uC);
  if (s.fields) s.fields(grid, fine_solution.u, uH, sample_box_cells(grid, problem.coefficient, "the coefficient"));
  return result;
}

// ------------------------------------------------------------------ -verify in H and ell

namespace {
int common_cells(const BoxShape& fine) {  // n_0: coarse cells N_d = N n_d / n_0
  int n0 = fine.cells[0];
  for (int d = 1; d < fine.dim; ++d) n0 = std::gcd(n0, fine.cells[static_cast<size_t>(d)]);
  return n0;
}
}  // namespace

std::vector<int> box_lod_verify_coarse_counts(const BoxShape& fine) {
  const int n0 = common_cells(fine);
  std::vector<int> Ns;
  for (int N = 1; n0 % (2 * N) == 0 && n0 / (2 * N) >= 2; N *= 2) Ns.push_back(2 * N);
  require(Ns.size() >= 2, "lod -verify on boxes needs at least 8 fine cells per direction (a power-of-two multiple; got " +
                              std::to_string(n0) + " as the common divisor of -cells)");
  return Ns;
}

BoxLodVerifyResult run_box_lod_verify(MPI_Comm comm, const BoxShape& fine, const BoxBoundary& bc, const BoxCellField& field,
                                      const Source& f, const std::string& patch_solver, const std::vector<double>& face_values) {
  const int dim = fine.dim;
  const int n0 = common_cells(fine);
  const std::vector<int> Ns = box_lod_verify_coarse_counts(fine);
  const auto level = [&](int N, int ell) {
    BoxLodVerifyLevel l;
    for (int d = 0; d < dim; ++d) l.coarse_cells[static_cast<size_t>(d)] = N * (fine.cells[static_cast<size_t>(d)] / n0);
    l.ell = ell;
    l.H = fine.lengths[0] / l.coarse_cells[0];
    BoxLodSettings s;
    s.ratio = n0 / N;
    s.ell = ell;
    s.patch_solver = patch_solver;
    s.face_values = face_values;
    s.progress = false;
    WallTimer timer;
    const BoxLodResult r = compare_box_lod_with_fine(comm, fine, bc, field, f, s);
    l.seconds = timer.seconds();
    l.l2_error = r.l2_error_vs_fine;
    l.l2_error_coarse_fem = r.l2_error_coarse_fem;
    if (is_root(comm))
      std::printf("[lod -verify] coarse %d x %d%s, ell = %d: L2 error %.4e (coarse FEM %.4e), %.1f s\n", l.coarse_cells[0],
                  l.coarse_cells[1], dim == 3 ? (" x " + std::to_string(l.coarse_cells[2])).c_str() : "", ell, l.l2_error,
                  l.l2_error_coarse_fem, l.seconds);
    return l;
  };
  BoxLodVerifyResult result;
  std::vector<double> log_h, log_e;
  for (int N : Ns) {
    const int ell = std::max(1, static_cast<int>(std::ceil(std::log2(static_cast<double>(N)))));
    result.h_levels.push_back(level(N, ell));
    log_h.push_back(std::log(result.h_levels.back().H));
    log_e.push_back(std::log(result.h_levels.back().l2_error));
  }
  result.h_rate = least_squares_slope(log_h, log_e);
  for (int ell = 1; ell <= 3; ++ell) result.ell_levels.push_back(level(Ns[1], ell));
  for (size_t k = 0; k + 1 < result.ell_levels.size(); ++k)
    result.ell_decay.push_back(result.ell_levels[k].l2_error / result.ell_levels[k + 1].l2_error);
  return result;
}

}  // namespace neurhom
