#pragma once
// Coefficient fields on the cells of a box mesh in 2D or 3D (issue 30), cell (i, j, k) of
// n1 x n2 [x n3] cells (k = 0 in 2D), the counterpart of CellField (the unit square):
//   constant            a = -coef_value
//   layered             SPE10-style synthetic porous medium (no download, generated from -seed):
//                       -coef_level horizontal layers along the last axis (z in 3D, y in 2D),
//                       log10 a per layer uniform in [0, 1/2 log10 C] (C = -coef_contrast);
//                       in 3D the upper half of the layers carries two sinuous channels each
//                       along x (the fluvial Upper Ness of SPE10), log10 a = log10 C inside,
//                       centre y_c(x) = L2 (0.2 + 0.6 u1) + 0.1 L2 sin(2 pi (1 + 2 u2) x / L1 + 2 pi u3),
//                       half-width 0.04 L2; plus a cell-wise perturbation 0.25 (u - 1/2) of log10 a.
//                       Values in [10^-0.125, 10^0.125 C].
//   levels, ms          the paper's families (Kroepfl, Maier, Peterseim 2022) in any dimension:
//                       iid U[alpha, beta] on 2^K cells per direction (-coef_level K), and the
//                       mean of K = 0..8; equal to the unit-square fields on a 2D square
//   hdf5:FILE:DATASET   a user field of m1 x m2 [x m3] cells stored [z][y][x] ([y][x] in 2D),
//                       prolonged to any mesh with n_d a multiple of m_d (piecewise constant)
//   any 2D family       (ms, cracks, ...; CellField) on a 2D box with n1 = n2
// The random fields draw per cell from counter_uniform, so a sample does not depend on the ranks.
#include <mpi.h>

#include <array>
#include <memory>
#include <string>

#include "neurhom/coef/coefficient.hpp"

namespace neurhom {

using CellIndex3 = std::array<long, 3>;

class BoxCellField {
 public:
  virtual ~BoxCellField() = default;
  // Value on cell c of a mesh of `cells` cells (c[2] = 0, cells[2] = 1 in 2D).
  virtual double value(const CellIndex3& c, const CellIndex3& cells) const = 0;
  // Error if the field cannot be used on that mesh (dimension, sizes).
  virtual void check_mesh(int dim, const CellIndex3& cells) const { (void)dim, (void)cells; }
  virtual std::string describe() const = 0;
};

// Error naming the family for unknown names, bad parameters or files.
std::unique_ptr<BoxCellField> make_box_coefficient(const CoefficientOptions& options, int dim, MPI_Comm comm);
std::string box_coefficient_family_names();

}  // namespace neurhom
