#include "neurhom/mesh/box_grid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/text_lists.hpp"

namespace neurhom {

BoxShape BoxShape::parse(int dim, const std::string& cells, const std::string& lengths) {
  require(dim == 2 || dim == 3, "-dim must be 2 or 3 (got " + std::to_string(dim) + ")");
  BoxShape s;
  s.dim = dim;
  const auto n = parse_list<double>(cells, "-cells");
  require(static_cast<int>(n.size()) == dim, "-cells needs " + std::to_string(dim) + " entries for -dim " +
                                                 std::to_string(dim) + " (got '" + cells + "')");
  const auto L = parse_list<double>(lengths, "-box");
  require(static_cast<int>(L.size()) == dim, "-box needs " + std::to_string(dim) + " side lengths for -dim " +
                                                 std::to_string(dim) + " (got '" + lengths + "')");
  for (int d = 0; d < dim; ++d) {
    const double v = n[static_cast<size_t>(d)];
    require(v >= 1 && v <= (1 << 15) && std::floor(v) == v, "-cells entries must be integers in 1..32768 (got '" + cells + "')");
    require(std::isfinite(L[static_cast<size_t>(d)]) && L[static_cast<size_t>(d)] > 0,
            "-box side lengths must be positive (got '" + lengths + "')");
    s.cells[static_cast<size_t>(d)] = static_cast<int>(v);
    s.lengths[static_cast<size_t>(d)] = L[static_cast<size_t>(d)];
  }
  return s;
}

std::string BoxShape::describe() const {
  std::ostringstream os;
  for (int d = 0; d < dim; ++d) os << (d ? " x " : "") << cells[static_cast<size_t>(d)];
  os << " cells on ";
  for (int d = 0; d < dim; ++d) os << (d ? " x " : "") << "(0," << lengths[static_cast<size_t>(d)] << ")";
  return os.str();
}

long long BoxShape::num_cells() const {
  long long c = 1;
  for (int d = 0; d < dim; ++d) c *= cells[static_cast<size_t>(d)];
  return c;
}

BoxGrid::BoxGrid(MPI_Comm comm, const BoxShape& shape) : comm_(comm), shape_(shape) {
  require(shape.dim == 2 || shape.dim == 3, "BoxGrid: dimension must be 2 or 3");
  const int ranks = mpi_size(comm);
  long long nodes = 1;
  for (int d = 0; d < shape.dim; ++d) {
    require(shape.cells[static_cast<size_t>(d)] >= 1, "BoxGrid: at least one cell per direction");
    nodes *= shape.cells[static_cast<size_t>(d)] + 1;
  }
  require(nodes >= (1LL << shape.dim) * ranks,
          "the mesh of " + shape.describe() + " is too small for " + std::to_string(ranks) + " ranks");
  const PetscInt m1 = shape.cells[0] + 1, m2 = shape.cells[1] + 1;
  if (shape.dim == 2) {
    NH_PETSC(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, m1, m2, PETSC_DECIDE, PETSC_DECIDE,
                          1, 1, nullptr, nullptr, dm_.out()));
  } else {
    NH_PETSC(DMDACreate3d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, m1, m2,
                          shape.cells[2] + 1, PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 1, 1, nullptr, nullptr, nullptr,
                          dm_.out()));
  }
  NH_PETSC(DMSetUp(dm_));
  PetscInt s[3] = {0, 0, 0}, m[3] = {1, 1, 1};
  NH_PETSC(DMDAGetCorners(dm_, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  for (int d = 0; d < 3; ++d) {
    const auto D = static_cast<size_t>(d);
    if (d >= shape.dim) {
      nodes_[D] = {0, 1};
      cells_[D] = {0, 1};
      continue;
    }
    nodes_[D] = {s[d], s[d] + m[d]};
    cells_[D] = {s[d], std::min<PetscInt>(s[d] + m[d], shape.cells[D])};
  }
}

double BoxGrid::cell_volume() const {
  double v = 1;
  for (int d = 0; d < dim(); ++d) v *= h(d);
  return v;
}

PetscInt BoxGrid::num_nodes() const {
  PetscInt n = 1;
  for (int d = 0; d < dim(); ++d) n *= cells(d) + 1;
  return n;
}

PetscInt BoxGrid::num_local_cells() const { return cells_[0].size() * cells_[1].size() * cells_[2].size(); }

unsigned BoxGrid::faces_of_node(PetscInt i, PetscInt j, PetscInt k) const {
  const PetscInt idx[3] = {i, j, k};
  unsigned mask = 0;
  for (int d = 0; d < dim(); ++d) {
    if (idx[d] == 0) mask |= 1u << (2 * d);
    if (idx[d] == cells(d)) mask |= 1u << (2 * d + 1);
  }
  return mask;
}

MatStencil BoxGrid::stencil(PetscInt i, PetscInt j, PetscInt k) const {
  MatStencil s{};
  s.i = i;
  s.j = j;
  s.k = dim() == 3 ? k : 0;
  s.c = 0;
  return s;
}

OwnedVec BoxGrid::create_vector() const {
  OwnedVec v;
  NH_PETSC(DMCreateGlobalVector(dm_, v.out()));
  NH_PETSC(VecSet(v, 0.0));
  return v;
}

OwnedMat BoxGrid::create_matrix() const {
  OwnedMat A;
  NH_PETSC(DMSetMatType(dm_, MATAIJ));
  NH_PETSC(DMCreateMatrix(dm_, A.out()));
  NH_PETSC(MatZeroEntries(A));
  return A;
}

std::vector<double> BoxGrid::to_natural(Vec global) const {
  OwnedVec natural;
  NH_PETSC(DMDACreateNaturalVector(dm_, natural.out()));
  NH_PETSC(DMDAGlobalToNaturalBegin(dm_, global, INSERT_VALUES, natural));
  NH_PETSC(DMDAGlobalToNaturalEnd(dm_, global, INSERT_VALUES, natural));
  return gather_to_all(natural);
}

}  // namespace neurhom
