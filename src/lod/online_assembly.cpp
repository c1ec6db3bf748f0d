#include "neurhom/lod/online_assembly.hpp"

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"

namespace neurhom {

void extract_patch_rows(MPI_Comm comm, const CellField& coefficient, const CoarseMesh& mesh, int ell, float* out) {
  coefficient.check_mesh(mesh.fine_cells());
  const Block cells = block_of(mesh.num_cells(), comm);
  const long n = mesh.fine_cells(), r = mesh.ratio, N = mesh.cells;
  const long side = (2 * ell + 1) * r, pad = ell * r, width = n + 2 * pad;
  std::string problem;
  if (cells.end > cells.begin) {
    // The fine rows the rank's patches touch, sampled once into a zero-padded band
    // (band row b = fine row y_first + b, band column x + pad).
    const long y_first = (cells.begin / N - ell) * r, y_last = ((cells.end - 1) / N + ell + 1) * r;
    std::vector<float> band(static_cast<size_t>((y_last - y_first) * width), 0.0f);
    for (long y = std::max(0L, y_first); y < std::min(n, y_last); ++y) {
      float* row = &band[static_cast<size_t>((y - y_first) * width + pad)];
      for (long x = 0; x < n; ++x) {
        const double v = coefficient.value(x, y, n);
        if (problem.empty() && !(std::isfinite(v) && v >= 0)) problem = "value " + format_number(v);
        row[x] = static_cast<float>(v);
      }
    }
    // R_T of cell (I, J): the side x side window at band column I r, band row (J - ell) r - y_first.
    for (long c = cells.begin; c < cells.end; ++c) {
      const long I = c % N, J = c / N;
      const float* window = &band[static_cast<size_t>(((J - ell) * r - y_first) * width + I * r)];
      float* dest = out + (c - cells.begin) * side * side;
      for (long y = 0; y < side; ++y) std::copy(window + y * width, window + y * width + side, dest + y * side);
    }
  }
  const int bad = first_rank_with(comm, !problem.empty());
  if (bad >= 0)
    throw Error("coefficient '" + coefficient.describe() + "' is not positive and finite: " +
                broadcast_string(comm, bad, problem));
}

std::vector<float> extract_patch_rows(MPI_Comm comm, const CellField& coefficient, const CoarseMesh& mesh, int ell) {
  const Block cells = block_of(mesh.num_cells(), comm);
  std::vector<float> rows(static_cast<size_t>(cells.end - cells.begin) * static_cast<size_t>(extended_patch_cells(mesh, ell)));
  extract_patch_rows(comm, coefficient, mesh, ell, rows.data());
  return rows;
}

template <class Real>
void project_zero_row_sums(std::vector<Real>& rows) {
  for (size_t at = 0; at + 4 <= rows.size(); at += 4) {
    const Real mean = Real(0.25) * (rows[at] + rows[at + 1] + rows[at + 2] + rows[at + 3]);
    for (size_t j = 0; j < 4; ++j) rows[at + j] -= mean;
  }
}
template void project_zero_row_sums(std::vector<float>&);
template void project_zero_row_sums(std::vector<double>&);

template <class Real>
OwnedMat assemble_from_extended(MPI_Comm comm, const CoarseMesh& mesh, int ell, const std::vector<Real>& rows) {
  const Block cells = block_of(mesh.num_cells(), comm);
  const size_t width = static_cast<size_t>(extended_patch_nodes(ell)) * 4;
  if (rows.size() != static_cast<size_t>(cells.end - cells.begin) * width)
    throw LocalError("assemble_from_extended: " + std::to_string(rows.size()) + " values for " +
                     std::to_string(cells.end - cells.begin) + " cells of width " + std::to_string(width));
  OwnedMat A = create_coarse_matrix(comm, mesh, ell);
  std::vector<double> one(width);
  for (long c = cells.begin; c < cells.end; ++c) {
    const size_t at = static_cast<size_t>(c - cells.begin) * width;
    std::copy(rows.begin() + static_cast<long>(at), rows.begin() + static_cast<long>(at + width), one.begin());
    add_extended_matrix(A, mesh, static_cast<int>(c % mesh.cells), static_cast<int>(c / mesh.cells), ell, one);
  }
  NH_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  NH_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return A;
}
template OwnedMat assemble_from_extended(MPI_Comm, const CoarseMesh&, int, const std::vector<float>&);
template OwnedMat assemble_from_extended(MPI_Comm, const CoarseMesh&, int, const std::vector<double>&);

}  // namespace neurhom
