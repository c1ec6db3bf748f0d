#include "neurhom/lod/online_assembly.hpp"

#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/lod/patch_extraction.hpp"
#include "neurhom/lod/pglod.hpp"

namespace neurhom {

std::vector<float> extract_patch_rows(MPI_Comm comm, const CellField& coefficient, const CoarseMesh& mesh, int ell) {
  coefficient.check_mesh(mesh.fine_cells());
  const Block cells = block_of(mesh.num_cells(), comm);
  const size_t width = static_cast<size_t>(extended_patch_cells(mesh, ell));
  std::vector<float> rows;
  rows.reserve(static_cast<size_t>(cells.end - cells.begin) * width);
  std::string problem;
  for (long c = cells.begin; c < cells.end; ++c) {
    const auto values =
        extract_patch_coefficient(coefficient, mesh, static_cast<int>(c % mesh.cells), static_cast<int>(c / mesh.cells), ell);
    for (double v : values) {
      if (problem.empty() && !(std::isfinite(v) && v >= 0)) problem = "value " + format_number(v);
      rows.push_back(static_cast<float>(v));
    }
  }
  const int bad = first_rank_with(comm, !problem.empty());
  if (bad >= 0)
    throw Error("coefficient '" + coefficient.describe() + "' is not positive and finite: " +
                broadcast_string(comm, bad, problem));
  return rows;
}

void project_zero_row_sums(std::vector<double>& rows) {
  for (size_t at = 0; at + 4 <= rows.size(); at += 4) {
    const double mean = 0.25 * (rows[at] + rows[at + 1] + rows[at + 2] + rows[at + 3]);
    for (size_t j = 0; j < 4; ++j) rows[at + j] -= mean;
  }
}

OwnedMat assemble_from_extended(MPI_Comm comm, const CoarseMesh& mesh, int ell, const std::vector<double>& rows) {
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

}  // namespace neurhom
