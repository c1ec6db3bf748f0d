#include "neurhom/patch/patch_operators.hpp"

#include <cmath>

#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/q1_element.hpp"

namespace neurhom {

namespace {

bool in_center(const Patch& p, int cx, int cy) {
  const int a = p.T_I - p.I0, b = p.T_J - p.J0;
  return cx / p.ratio == a && cy / p.ratio == b;
}

template <class Kernel>
void apply_cells(const Patch& p, CellSet set, const std::vector<double>& v, std::vector<double>& y, Kernel kernel) {
  y.assign(static_cast<size_t>(p.fine_nodes()), 0.0);
  const int nx = p.fine_nx(), ny = p.fine_ny();
  for (int cy = 0; cy < ny; ++cy)
    for (int cx = 0; cx < nx; ++cx) {
      if (set == CellSet::Center && !in_center(p, cx, cy)) continue;
      const int nodes[4] = {p.fine_node(cx, cy), p.fine_node(cx + 1, cy), p.fine_node(cx, cy + 1),
                            p.fine_node(cx + 1, cy + 1)};
      const q1::ElementMatrix& ke = kernel(cy * nx + cx);
      for (int a = 0; a < 4; ++a) {
        double s = 0;
        for (int b = 0; b < 4; ++b) s += ke[a * 4 + b] * v[static_cast<size_t>(nodes[b])];
        y[static_cast<size_t>(nodes[a])] += s;
      }
    }
}

}  // namespace

std::vector<double> patch_cell_values(const Patch& p, const CellField& field, long fine_n) {
  std::vector<double> cells(static_cast<size_t>(p.fine_nx()) * static_cast<size_t>(p.fine_ny()));
  const long x0 = static_cast<long>(p.I0) * p.ratio, y0 = static_cast<long>(p.J0) * p.ratio;
  for (int cy = 0; cy < p.fine_ny(); ++cy)
    for (int cx = 0; cx < p.fine_nx(); ++cx)
      cells[static_cast<size_t>(cy * p.fine_nx() + cx)] = field.value(x0 + cx, y0 + cy, fine_n);
  return cells;
}

void apply_stiffness(const Patch& p, const std::vector<double>& cells, CellSet set, const std::vector<double>& v,
                     std::vector<double>& y) {
  const auto& kref = q1::reference_stiffness();
  q1::ElementMatrix ke;
  apply_cells(p, set, v, y, [&](int cell) -> const q1::ElementMatrix& {
    const double a = cells[static_cast<size_t>(cell)];
    for (int k = 0; k < 16; ++k) ke[k] = a * kref[k];
    return ke;
  });
}

void apply_mass(const Patch& p, double h, CellSet set, const std::vector<double>& v, std::vector<double>& y) {
  const q1::ElementMatrix me = q1::mass(h);
  apply_cells(p, set, v, y, [&](int) -> const q1::ElementMatrix& { return me; });
}

std::vector<double> coarse_basis(const Patch& p, int coarse_node) {
  const int a = coarse_node % (p.cells_x + 1), b = coarse_node / (p.cells_x + 1);
  const double r = p.ratio;
  std::vector<double> lambda(static_cast<size_t>(p.fine_nodes()), 0.0);
  for (int y = std::max(0, (b - 1) * p.ratio); y <= std::min(p.fine_ny(), (b + 1) * p.ratio); ++y)
    for (int x = std::max(0, (a - 1) * p.ratio); x <= std::min(p.fine_nx(), (a + 1) * p.ratio); ++x)
      lambda[static_cast<size_t>(p.fine_node(x, y))] =
          std::max(0.0, 1.0 - std::abs(x / r - a)) * std::max(0.0, 1.0 - std::abs(y / r - b));
  return lambda;
}

std::vector<int> patch_cell_nodes(const Patch& p) {
  std::vector<int> nodes;
  nodes.reserve(static_cast<size_t>(4 * p.fine_nx() * p.fine_ny()));
  for (int cy = 0; cy < p.fine_ny(); ++cy)
    for (int cx = 0; cx < p.fine_nx(); ++cx)
      for (int k : {p.fine_node(cx, cy), p.fine_node(cx + 1, cy), p.fine_node(cx, cy + 1), p.fine_node(cx + 1, cy + 1)})
        nodes.push_back(k);
  return nodes;
}

void restrict_to_free(const Patch& p, const std::vector<double>& full, std::vector<double>& free) {
  free.resize(static_cast<size_t>(p.free_nodes()));
  for (int y = 1; y < p.fine_ny(); ++y)
    for (int x = 1; x < p.fine_nx(); ++x)
      free[static_cast<size_t>(p.free_node(x, y))] = full[static_cast<size_t>(p.fine_node(x, y))];
}

std::vector<double> extend_from_free(const Patch& p, const std::vector<double>& free) {
  std::vector<double> full(static_cast<size_t>(p.fine_nodes()), 0.0);
  for (int y = 1; y < p.fine_ny(); ++y)
    for (int x = 1; x < p.fine_nx(); ++x)
      full[static_cast<size_t>(p.fine_node(x, y))] = free[static_cast<size_t>(p.free_node(x, y))];
  return full;
}

std::vector<double> free_node_mask(const Patch& p) {
  return extend_from_free(p, std::vector<double>(static_cast<size_t>(p.free_nodes()), 1.0));
}

std::vector<double> restrict_to_coarse(const Patch& p, const std::vector<double>& v) {
  std::vector<double> out(static_cast<size_t>(p.coarse_nodes()), 0.0);
  const int r = p.ratio;
  for (int y = 0; y <= p.fine_ny(); ++y) {
    const int b0 = std::min(y / r, p.cells_y - 1);
    const double ty = static_cast<double>(y - b0 * r) / r;
    for (int x = 0; x <= p.fine_nx(); ++x) {
      const int a0 = std::min(x / r, p.cells_x - 1);
      const double sx = static_cast<double>(x - a0 * r) / r;
      const double value = v[static_cast<size_t>(p.fine_node(x, y))];
      if (value == 0.0) continue;
      out[static_cast<size_t>(p.coarse_node(a0, b0))] += (1 - sx) * (1 - ty) * value;
      out[static_cast<size_t>(p.coarse_node(a0 + 1, b0))] += sx * (1 - ty) * value;
      out[static_cast<size_t>(p.coarse_node(a0, b0 + 1))] += (1 - sx) * ty * value;
      out[static_cast<size_t>(p.coarse_node(a0 + 1, b0 + 1))] += sx * ty * value;
    }
  }
  return out;
}

void assemble_patch_matrix(const Patch& p, const std::vector<double>& weights, const q1::ElementMatrix& element,
                           bool free_only, Mat* A) {
  const int nx = p.fine_nx(), ny = p.fine_ny();
  const PetscInt n = free_only ? p.free_nodes() : p.fine_nodes();
  if (!*A) {
    NH_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 9, nullptr, A));
    NH_PETSC(MatSetOption(*A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  } else {
    NH_PETSC(MatZeroEntries(*A));
  }
  for (int cy = 0; cy < ny; ++cy)
    for (int cx = 0; cx < nx; ++cx) {
      const int xs[4] = {cx, cx + 1, cx, cx + 1}, ys[4] = {cy, cy, cy + 1, cy + 1};
      PetscInt idx[4];
      for (int k = 0; k < 4; ++k) {
        if (!free_only) {
          idx[k] = p.fine_node(xs[k], ys[k]);
          continue;
        }
        const bool free = xs[k] > 0 && ys[k] > 0 && xs[k] < nx && ys[k] < ny;
        idx[k] = free ? p.free_node(xs[k], ys[k]) : -1;  // negative indices are ignored
      }
      PetscScalar ke[16];
      const double w = weights[static_cast<size_t>(cy * nx + cx)];
      for (int k = 0; k < 16; ++k) ke[k] = w * element[k];
      NH_PETSC(MatSetValues(*A, 4, idx, 4, idx, ke, ADD_VALUES));
    }
  NH_PETSC(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
}

void assemble_free_stiffness(const Patch& p, const std::vector<double>& cells, Mat* A) {
  assemble_patch_matrix(p, cells, q1::reference_stiffness(), true, A);
}

}  // namespace neurhom
