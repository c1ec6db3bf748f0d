// Box patches in 2D and 3D: meshes, patches and the fine-scale operators on one patch
// (box_patch.hpp for the math).
#include "neurhom/patch/box_patch.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"

namespace neurhom {

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

std::string default_box_patch_solver(int dim, bool bordered) {
  if (dim < 3) return "petsc";
  NH_PETSC(MatInitializePackage());  // registers the external solvers
  const auto has = [](MatSolverType type) {
    PetscBool available = PETSC_FALSE;
    NH_PETSC(MatSolverTypeGet(type, MATSEQAIJ, MAT_FACTOR_CHOLESKY, &available, nullptr, nullptr));
    return available == PETSC_TRUE;
  };
  if (bordered && has(MATSOLVERMUMPS)) return "kkt";  // patch_kkt.hpp: the bordered system with MUMPS
  return has(MATSOLVERCHOLMOD) ? "cholmod" : "petsc";
}

// ------------------------------------------------------------------ patch operators

namespace {
double hat(double t) { return std::max(0.0, 1.0 - std::abs(t)); }
}  // namespace

PatchIndex::PatchIndex(const BoxPatch& patch) : p(patch) {
  for (int d = 0; d < p.dim; ++d) {
    M[static_cast<size_t>(d)] = p.fine_nodes(d);
    C[static_cast<size_t>(d)] = p.cells[static_cast<size_t>(d)] * p.r;
  }
}

std::array<long, 8> PatchIndex::cell_nodes(int i, int j, int k) const {
  std::array<long, 8> n{};
  for (int b = 0; b < (1 << p.dim); ++b) n[static_cast<size_t>(b)] = node(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
  return n;
}

// y += sum over the fine cells (all, or those inside the centre cell T) of a_c K_ref v
void box_apply_cells(const PatchIndex& ix, const std::vector<double>& a, const std::vector<double>& kref, bool centre_only,
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
std::vector<int> box_free_index(const PatchIndex& ix, const BoxBoundary& bc, int* count) {
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

// lambda of patch coarse node q at all patch fine nodes
std::vector<double> box_coarse_hat(const PatchIndex& ix, const Index3& q) {
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
std::vector<double> box_restrict_to_coarse(const PatchIndex& ix, const std::vector<double>& y) {
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


std::vector<double> box_patch_cell_values(const BoxPatch& patch, const BoxShape& fine, const BoxCellField& field) {
  const PatchIndex ix(patch);
  const CellIndex3 all = {fine.cells[0], fine.cells[1], patch.dim == 3 ? fine.cells[2] : 1};
  std::vector<double> a(static_cast<size_t>(patch.num_fine_cells()));
  long c = 0;
  ix.for_cells([&](int i, int j, int k) {
    const CellIndex3 g = {patch.first[0] * patch.r + i, patch.first[1] * patch.r + j, patch.dim == 3 ? patch.first[2] * patch.r + k : 0};
    a[static_cast<size_t>(c++)] = field.value(g, all);
  });
  return a;
}

void assemble_box_free_matrix(const PatchIndex& ix, const std::vector<int>& free, int n_free, const std::vector<double>& weights,
                              const std::vector<double>& element, Mat* A) {
  const int dim = ix.p.dim, n = 1 << dim;
  if (!*A) {
    NH_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, n_free, n_free, dim == 3 ? 27 : 9, nullptr, A));
    NH_PETSC(MatSetOption(*A, MAT_SYMMETRIC, PETSC_TRUE));
  } else {
    NH_PETSC(MatZeroEntries(*A));
  }
  std::vector<PetscInt> idx(static_cast<size_t>(n));
  std::vector<PetscScalar> ke(static_cast<size_t>(n * n));
  long c = 0;
  ix.for_cells([&](int i, int j, int k) {
    const double w = weights[static_cast<size_t>(c++)];
    const auto nodes = ix.cell_nodes(i, j, k);
    for (int b = 0; b < n; ++b) idx[static_cast<size_t>(b)] = free[static_cast<size_t>(nodes[static_cast<size_t>(b)])];
    for (int e = 0; e < n * n; ++e) ke[static_cast<size_t>(e)] = w * element[static_cast<size_t>(e)];
    NH_PETSC(MatSetValues(*A, n, idx.data(), n, idx.data(), ke.data(), ADD_VALUES));  // negative indices are ignored
  });
  NH_PETSC(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
}

std::array<double, 3> box_fine_sizes(const BoxShape& fine) {
  std::array<double, 3> h{1, 1, 1};
  for (int d = 0; d < fine.dim; ++d) h[static_cast<size_t>(d)] = fine.lengths[static_cast<size_t>(d)] / fine.cells[static_cast<size_t>(d)];
  return h;
}

}  // namespace neurhom
