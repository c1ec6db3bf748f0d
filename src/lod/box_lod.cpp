#include "neurhom/lod/box_lod.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "neurhom/core/dense.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/fem/box_element.hpp"
#include "neurhom/fem/box_fem.hpp"
#include "neurhom/fem/linear_solve.hpp"
#include "neurhom/patch/patch_saddle_point.hpp"

namespace neurhom {

std::string default_box_patch_solver(int dim) {
  if (dim < 3) return "petsc";
  NH_PETSC(MatInitializePackage());  // registers the external solvers
  PetscBool available = PETSC_FALSE;
  NH_PETSC(MatSolverTypeGet(MATSOLVERCHOLMOD, MATSEQAIJ, MAT_FACTOR_CHOLESKY, &available, nullptr, nullptr));
  return available ? "cholmod" : "petsc";
}

// ------------------------------------------------------------------ meshes and patches

BoxCoarseMesh::BoxCoarseMesh(const BoxShape& fine, int ratio, const BoxBoundary& bc) : fine_(fine), r_(ratio), bc_(bc) {
  require(ratio >= 1, "-ratio (fine cells per coarse cell and direction) must be at least 1");
  require(bc.dim == fine.dim, "BoxCoarseMesh: boundary conditions of another dimension");
  for (int d = 0; d < fine.dim; ++d) {
    const int n = fine.cells[static_cast<size_t>(d)];
    require(n % ratio == 0, "the fine cells per direction (" + fine.describe() + ") must be multiples of -ratio " + std::to_string(ratio));
    N_[static_cast<size_t>(d)] = n / ratio;
  }
}

long BoxCoarseMesh::num_cells() const {
  long c = 1;
  for (int d = 0; d < dim(); ++d) c *= cells(d);
  return c;
}

long BoxCoarseMesh::num_nodes() const {
  long c = 1;
  for (int d = 0; d < dim(); ++d) c *= cells(d) + 1;
  return c;
}

long BoxCoarseMesh::node_index(const Index3& p) const {
  long idx = 0;
  for (int d = dim() - 1; d >= 0; --d) idx = idx * (cells(d) + 1) + p[static_cast<size_t>(d)];
  return idx;
}

Index3 BoxCoarseMesh::cell_of(long index) const {
  Index3 c{0, 0, 0};
  for (int d = 0; d < dim(); ++d) {
    c[static_cast<size_t>(d)] = static_cast<int>(index % cells(d));
    index /= cells(d);
  }
  return c;
}

bool BoxCoarseMesh::dirichlet_node(const Index3& p) const {
  for (int d = 0; d < dim(); ++d) {
    if (p[static_cast<size_t>(d)] == 0 && bc_.dirichlet(2 * d)) return true;
    if (p[static_cast<size_t>(d)] == cells(d) && bc_.dirichlet(2 * d + 1)) return true;
  }
  return false;
}

int BoxCoarseMesh::cells_containing(const Index3& p) const {
  int count = 1;
  for (int d = 0; d < dim(); ++d) count *= (p[static_cast<size_t>(d)] > 0 ? 1 : 0) + (p[static_cast<size_t>(d)] < cells(d) ? 1 : 0);
  return count;
}

long BoxPatch::num_fine_nodes() const {
  long n = 1;
  for (int d = 0; d < dim; ++d) n *= fine_nodes(d);
  return n;
}

long BoxPatch::num_fine_cells() const {
  long n = 1;
  for (int d = 0; d < dim; ++d) n *= static_cast<long>(cells[static_cast<size_t>(d)]) * r;
  return n;
}

long BoxPatch::num_coarse_nodes() const {
  long n = 1;
  for (int d = 0; d < dim; ++d) n *= cells[static_cast<size_t>(d)] + 1;
  return n;
}

long BoxPatch::coarse_node(const Index3& p) const {
  long idx = 0;
  for (int d = dim - 1; d >= 0; --d) idx = idx * (cells[static_cast<size_t>(d)] + 1) + p[static_cast<size_t>(d)];
  return idx;
}

std::string BoxPatch::shape_key() const {
  std::string key = std::to_string(dim) + ":";
  for (int d = 0; d < dim; ++d) key += std::to_string(cells[static_cast<size_t>(d)]) + ",";
  return key + "|" + std::to_string(touches);
}

BoxPatch make_box_patch(const BoxCoarseMesh& mesh, const Index3& centre, int ell) {
  require(ell >= 0, "-ell must be non-negative");
  BoxPatch p;
  p.dim = mesh.dim();
  p.r = mesh.ratio();
  p.centre = centre;
  for (int d = 0; d < p.dim; ++d) {
    const auto D = static_cast<size_t>(d);
    const int lo = std::max(0, centre[D] - ell), hi = std::min(mesh.cells(d), centre[D] + ell + 1);
    p.first[D] = lo;
    p.cells[D] = hi - lo;
    if (lo == 0) p.touches |= 1u << (2 * d);
    if (hi == mesh.cells(d)) p.touches |= 1u << (2 * d + 1);
  }
  return p;
}

// ------------------------------------------------------------------ patch operators

namespace {

// Index helpers of one patch: fine nodes and cells x fastest.
struct PatchIndex {
  const BoxPatch& p;
  Index3 M{1, 1, 1};  // fine nodes per direction
  Index3 C{1, 1, 1};  // fine cells per direction
  explicit PatchIndex(const BoxPatch& patch) : p(patch) {
    for (int d = 0; d < p.dim; ++d) {
      M[static_cast<size_t>(d)] = p.fine_nodes(d);
      C[static_cast<size_t>(d)] = p.cells[static_cast<size_t>(d)] * p.r;
    }
  }
  long node(int i, int j, int k) const { return (static_cast<long>(k) * M[1] + j) * M[0] + i; }
  // the 2^d fine nodes of fine cell (i, j, k)
  std::array<long, 8> cell_nodes(int i, int j, int k) const {
    std::array<long, 8> n{};
    for (int b = 0; b < (1 << p.dim); ++b) n[static_cast<size_t>(b)] = node(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
    return n;
  }
  template <class F>
  void for_cells(F&& f) const {
    for (int k = 0; k < C[2]; ++k)
      for (int j = 0; j < C[1]; ++j)
        for (int i = 0; i < C[0]; ++i) f(i, j, k);
  }
  template <class F>
  void for_nodes(F&& f) const {
    for (int k = 0; k < M[2]; ++k)
      for (int j = 0; j < M[1]; ++j)
        for (int i = 0; i < M[0]; ++i) f(i, j, k);
  }
};

// y += sum over the fine cells (all, or those inside the centre cell T) of a_c K_ref v
void apply_cells(const PatchIndex& ix, const std::vector<double>& a, const std::vector<double>& kref, bool centre_only,
                 const std::vector<double>& v, std::vector<double>& y) {
  const BoxPatch& p = ix.p;
  const int n = 1 << p.dim;
  long c = 0;
  ix.for_cells([&](int i, int j, int k) {
    const long cell = c++;
    if (centre_only) {
      const int idx[3] = {i, j, k};
      for (int d = 0; d < p.dim; ++d)
        if (idx[d] / p.r + p.first[static_cast<size_t>(d)] != p.centre[static_cast<size_t>(d)]) return;
    }
    const auto nodes = ix.cell_nodes(i, j, k);
    const double w = a[static_cast<size_t>(cell)];
    for (int r = 0; r < n; ++r) {
      double s = 0;
      for (int q = 0; q < n; ++q) s += kref[static_cast<size_t>(r * n + q)] * v[static_cast<size_t>(nodes[static_cast<size_t>(q)])];
      y[static_cast<size_t>(nodes[static_cast<size_t>(r)])] += w * s;
    }
  });
}

// 1 / 0 per fine node: free unless on the patch boundary inside the domain or on a Dirichlet face
std::vector<int> free_index(const PatchIndex& ix, const BoxBoundary& bc, int* count) {
  const BoxPatch& p = ix.p;
  std::vector<int> index(static_cast<size_t>(p.num_fine_nodes()), -1);
  int next = 0;
  ix.for_nodes([&](int i, int j, int k) {
    const int l[3] = {i, j, k};
    bool fixed = false;
    for (int d = 0; d < p.dim && !fixed; ++d) {
      const bool low = l[d] == 0, high = l[d] == ix.M[static_cast<size_t>(d)] - 1;
      if (low) fixed = !(p.touches & (1u << (2 * d))) || bc.dirichlet(2 * d);
      if (high && !fixed) fixed = !(p.touches & (1u << (2 * d + 1))) || bc.dirichlet(2 * d + 1);
    }
    index[static_cast<size_t>(ix.node(i, j, k))] = fixed ? -1 : next++;
  });
  *count = next;
  return index;
}

double hat(double t) { return std::max(0.0, 1.0 - std::abs(t)); }

// lambda of patch coarse node q at all patch fine nodes
std::vector<double> coarse_hat(const PatchIndex& ix, const Index3& q) {
  const BoxPatch& p = ix.p;
  std::vector<double> v(static_cast<size_t>(p.num_fine_nodes()));
  ix.for_nodes([&](int i, int j, int k) {
    const int l[3] = {i, j, k};
    double w = 1;
    for (int d = 0; d < p.dim; ++d) w *= hat(static_cast<double>(l[d]) / p.r - q[static_cast<size_t>(d)]);
    v[static_cast<size_t>(ix.node(i, j, k))] = w;
  });
  return v;
}

// (lambda_i' y) for all patch coarse nodes i
std::vector<double> restrict_to_coarse(const PatchIndex& ix, const std::vector<double>& y) {
  const BoxPatch& p = ix.p;
  std::vector<double> out(static_cast<size_t>(p.num_coarse_nodes()), 0.0);
  ix.for_nodes([&](int i, int j, int k) {
    const double v = y[static_cast<size_t>(ix.node(i, j, k))];
    if (v == 0.0) return;
    const int l[3] = {i, j, k};
    int base[3] = {0, 0, 0};
    double frac[3] = {0, 0, 0};
    for (int d = 0; d < p.dim; ++d) {
      base[d] = l[d] / p.r;
      frac[d] = static_cast<double>(l[d] - base[d] * p.r) / p.r;
    }
    for (int b = 0; b < (1 << p.dim); ++b) {
      Index3 q{0, 0, 0};
      double w = 1;
      for (int d = 0; d < p.dim; ++d) {
        const int bit = (b >> d) & 1;
        q[static_cast<size_t>(d)] = base[d] + bit;
        w *= bit ? frac[d] : 1.0 - frac[d];
      }
      if (w == 0.0) continue;
      out[static_cast<size_t>(p.coarse_node(q))] += w * v;
    }
  });
  return out;
}

}  // namespace

// ------------------------------------------------------------------ the patch corrector

class BoxPatchCorrector::Impl {
 public:
  explicit Impl(std::string solver) : factorization(std::move(solver)) {}
  PatchFactorization factorization;
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

double BoxPatchCorrector::factorization_seconds() const {
  return impl_->factorization.timings().assembly + impl_->factorization.timings().factorization;
}

BoxPatchMatrices BoxPatchCorrector::compute(const BoxPatch& patch, const BoxCellField& field, bool keep_correctors) {
  const int dim = patch.dim, r = patch.r, n = 1 << dim;
  const PatchIndex ix(patch);
  const BoxShape& fine = mesh_.fine();
  std::array<double, 3> h{1, 1, 1};
  for (int d = 0; d < dim; ++d) h[static_cast<size_t>(d)] = fine.lengths[static_cast<size_t>(d)] / fine.cells[static_cast<size_t>(d)];
  const std::vector<double> kref = box::stiffness(dim, h);
  // coefficient on the patch's fine cells
  const CellIndex3 all = {fine.cells[0], fine.cells[1], dim == 3 ? fine.cells[2] : 1};
  std::vector<double> a(static_cast<size_t>(patch.num_fine_cells()));
  {
    long c = 0;
    ix.for_cells([&](int i, int j, int k) {
      const CellIndex3 g = {patch.first[0] * r + i, patch.first[1] * r + j, dim == 3 ? patch.first[2] * r + k : 0};
      a[static_cast<size_t>(c++)] = field.value(g, all);
    });
  }
  int n_free = 0;
  const std::vector<int> free = free_index(ix, mesh_.bc(), &n_free);
  require(n_free > 0, "a patch has no free fine nodes (-ratio too small?)");

  // the free-node stiffness, factored (symbolic analysis once per shape)
  impl_->factorization.factor(patch.shape_key(), [&](Mat* A) {
    if (!*A) {
      const PetscInt per_row = dim == 3 ? 27 : 9;
      NH_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, n_free, n_free, per_row, nullptr, A));
      NH_PETSC(MatSetOption(*A, MAT_SYMMETRIC, PETSC_TRUE));
    } else {
      NH_PETSC(MatZeroEntries(*A));
    }
    std::vector<PetscInt> idx(static_cast<size_t>(n));
    std::vector<PetscScalar> ke(static_cast<size_t>(n * n));
    long c = 0;
    ix.for_cells([&](int i, int j, int k) {
      const double w = a[static_cast<size_t>(c++)];
      const auto nodes = ix.cell_nodes(i, j, k);
      for (int b = 0; b < n; ++b) idx[static_cast<size_t>(b)] = free[static_cast<size_t>(nodes[static_cast<size_t>(b)])];
      for (int e = 0; e < n * n; ++e) ke[static_cast<size_t>(e)] = w * kref[static_cast<size_t>(e)];
      NH_PETSC(MatSetValues(*A, n, idx.data(), n, idx.data(), ke.data(), ADD_VALUES));  // negative indices are ignored
    });
    NH_PETSC(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
    NH_PETSC(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  });

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
  const ConstrainedSolve constraint(impl_->factorization, rows, n_free);

  BoxPatchMatrices out;
  out.patch = patch;
  const long ncoarse = patch.num_coarse_nodes();
  out.S.assign(static_cast<size_t>(ncoarse * n), 0.0);
  std::vector<double> rhs(static_cast<size_t>(n_free)), z;
  for (int j = 0; j < n; ++j) {
    Index3 qj{0, 0, 0};
    for (int d = 0; d < dim; ++d)
      qj[static_cast<size_t>(d)] = patch.centre[static_cast<size_t>(d)] - patch.first[static_cast<size_t>(d)] + ((j >> d) & 1);
    const std::vector<double> lambda = coarse_hat(ix, qj);
    std::vector<double> kt(lambda.size(), 0.0);
    apply_cells(ix, a, kref, true, lambda, kt);  // K_T lambda_j
    for (size_t x = 0; x < free.size(); ++x)
      if (free[x] >= 0) rhs[static_cast<size_t>(free[x])] = kt[x];
    impl_->factorization.solve(rhs, z);
    constraint.remove_constraint(z);
    std::vector<double> q(lambda.size(), 0.0);
    for (size_t x = 0; x < free.size(); ++x)
      if (free[x] >= 0) q[x] = z[static_cast<size_t>(free[x])];
    // y = K_T lambda_j - K_patch q_j; S_T[i, j] = lambda_i' y
    std::vector<double> kq(lambda.size(), 0.0);
    apply_cells(ix, a, kref, false, q, kq);
    for (size_t x = 0; x < kt.size(); ++x) kt[x] -= kq[x];
    const std::vector<double> col = restrict_to_coarse(ix, kt);
    for (long i = 0; i < ncoarse; ++i) out.S[static_cast<size_t>(i * n + j)] = col[static_cast<size_t>(i)];
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

double mass_norm(Mat M, Vec x) {
  OwnedVec y;
  NH_PETSC(VecDuplicate(x, y.out()));
  NH_PETSC(MatMult(M, x, y));
  PetscScalar s = 0;
  NH_PETSC(VecDot(x, y, &s));
  return std::sqrt(std::max(0.0, static_cast<double>(s)));
}

double relative_l2(const BoxGrid& grid, Mat M, Vec reference, Vec approx) {
  OwnedVec e;
  NH_PETSC(VecDuplicate(reference, e.out()));
  NH_PETSC(VecWAXPY(e, -1.0, approx, reference));
  (void)grid;
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
    const BoxPatchMatrices m = corrector.compute(patch, field, false);
    worst_constraint = std::max(worst_constraint, m.max_constraint_residual);
    std::vector<PetscInt> rows(static_cast<size_t>(patch.num_coarse_nodes())), cols(static_cast<size_t>(n));
    const Index3 cn = {patch.cells[0] + 1, patch.cells[1] + 1, dim == 3 ? patch.cells[2] + 1 : 1};
    for (int qk = 0; qk < cn[2]; ++qk)
      for (int qj = 0; qj < cn[1]; ++qj)
        for (int qi = 0; qi < cn[0]; ++qi)
          rows[static_cast<size_t>(patch.coarse_node({qi, qj, qk}))] = static_cast<PetscInt>(
              mesh.node_index({patch.first[0] + qi, patch.first[1] + qj, patch.first[2] + qk}));
    for (int j = 0; j < n; ++j)
      cols[static_cast<size_t>(j)] = static_cast<PetscInt>(mesh.node_index({T[0] + (j & 1), T[1] + ((j >> 1) & 1), T[2] + ((j >> 2) & 1)}));
    NH_PETSC(MatSetValues(S, static_cast<PetscInt>(rows.size()), rows.data(), n, cols.data(), m.S.data(), ADD_VALUES));
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
  NH_PETSC(VecAssemblyBegin(F));
  NH_PETSC(VecAssemblyEnd(F));
  result.patches = sum_ranks(comm, static_cast<long long>(local));
  result.factorization_seconds = corrector.factorization_seconds();
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

  // Dirichlet coarse nodes: identity rows and columns, zero load
  timer.reset();
  std::vector<PetscInt> dirichlet;
  PetscInt lo = 0, hi = 0;
  NH_PETSC(MatGetOwnershipRange(S, &lo, &hi));
  for (PetscInt i = lo; i < hi; ++i) {
    Index3 p{0, 0, 0};
    long rest = i;
    for (int d = 0; d < dim; ++d) {
      p[static_cast<size_t>(d)] = static_cast<int>(rest % (mesh.cells(d) + 1));
      rest /= mesh.cells(d) + 1;
    }
    if (mesh.dirichlet_node(p)) dirichlet.push_back(i);
  }
  OwnedVec U;
  NH_PETSC(VecDuplicate(F, U.out()));
  NH_PETSC(VecSet(U, 0.0));
  NH_PETSC(MatZeroRowsColumns(S, static_cast<PetscInt>(dirichlet.size()), dirichlet.data(), 1.0, U, F));
  OwnedKSP ksp = create_direct_ksp(S, "lod_coarse_");
  solve_checked(ksp, F, U, "the PG-LOD coarse solve");
  result.coarse_solve_seconds = timer.seconds();
  result.coarse_solution = gather_to_all(U);

  // the fine reference and the classical coarse FEM
  timer.reset();
  const BoxGrid grid(comm, fine);
  BoxProblem problem;
  problem.coefficient = box_field_function(field, fine);
  problem.source = fx;
  const BoxSolution fine_solution = solve_box_elliptic(grid, bc, problem);
  result.fine_solve_seconds = timer.seconds();
  std::vector<double> ones(static_cast<size_t>(grid.num_local_cells()), 1.0);
  std::array<double, 3> h{1, 1, 1};
  for (int d = 0; d < dim; ++d) h[static_cast<size_t>(d)] = grid.h(d);
  const OwnedMat M = assemble_box_matrix(grid, ones, box::mass(dim, h));
  const OwnedVec uH = prolong(grid, mesh, result.coarse_solution);
  result.l2_error_vs_fine = relative_l2(grid, M, fine_solution.u, uH);

  BoxShape coarse = fine;
  for (int d = 0; d < dim; ++d) coarse.cells[static_cast<size_t>(d)] = mesh.cells(d);
  const BoxGrid coarse_grid(comm, coarse);
  BoxProblem coarse_problem = problem;
  coarse_problem.coefficient = box_field_function(field, fine);  // at the coarse-cell centres
  coarse_problem.direct = true;
  const BoxSolution coarse_fem = solve_box_elliptic(coarse_grid, bc, coarse_problem);
  const OwnedVec uC = prolong(grid, mesh, coarse_grid.to_natural(coarse_fem.u));
  result.l2_error_coarse_fem = relative_l2(grid, M, fine_solution.u, uC);
  if (s.fields) s.fields(grid, fine_solution.u, uH, sample_box_cells(grid, problem.coefficient, "the coefficient"));
  return result;
}

}  // namespace neurhom
