#pragma once
// Coefficient families: piecewise constant per cell of an n x n mesh of (0,1)^2.
//
// A CellField answers value(i, j, n) for any cell of any mesh, so every rank evaluates just
// the cells it needs and the result never depends on the rank count. Analytic families are
// evaluated at the cell centre; random families use counter_uniform per cell of their own
// mesh level; an HDF5 field of m x m cells is prolonged to any n that is a multiple of m.
//
//   constant   a = -coef_value
//   periodic   a = 2 + sin(2 pi x1/eps) cos(2 pi x2/eps)                 (-coef_eps)
//   smooth     a = 2 + sin(2 pi x1) sin(2 pi x2)
//   levels     iid U[alpha, beta] per cell of the level-k mesh (2^k x 2^k cells)
//              (-coef_level k -coef_alpha -coef_beta), Kroepfl, Maier, Peterseim 2022, Sec. 4.1
//   ms         (1/9) sum_{k=0}^{8} A_k with independent A_k from `levels`
//   cracks     background U[1,2] per fine cell, `-coef_cracks` random line cracks U[4,5]
//              (Sec. 4.6)
//   channels   background 1, fixed high-conductivity channels and inclusions of value
//              -coef_contrast (the high-contrast test medium of CEM-GMsFEM)
//   steady     8 + p0 + two oscillating exponentials with random parameters p (seed), the
//              steady-state problem of Chung, Leung, Pun, Zhang 2020, Sec. 5
//              (coef/steady_coefficient.hpp)
//   hdf5:FILE:DATASET  a user field of m x m cells stored [y][x]
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace neurhom {

class CellField {
 public:
  virtual ~CellField() = default;
  // Value on cell (i, j) of an n x n mesh, 0 <= i, j < n.
  virtual double value(long i, long j, long n) const = 0;
  // Throws Error if this field cannot be used on an n x n mesh (e.g. incompatible sizes).
  virtual void check_mesh(long n) const { (void)n; }
  virtual std::string describe() const = 0;
};

struct CoefficientOptions {
  std::string family = "ms";
  std::uint64_t seed = 1;
  int level = 8;
  double alpha = 1.0;
  double beta = 5.0;
  double value = 1.0;
  double eps = 0.125;
  double contrast = 1e4;
  int cracks = 8;
};

// Builds a field from options. Throws Error naming the family for unknown names or
// invalid parameters. `comm` is used to read HDF5 fields.
std::unique_ptr<CellField> make_coefficient(const CoefficientOptions& options, MPI_Comm comm);

// A field given by a function of the cell centre (x1, x2).
std::unique_ptr<CellField> make_function_field(std::function<double(double, double)> f, std::string name);

// A coefficient that changes in time (parabolic problems): at time t the field
//   a(t) = (1 - s) a0 + s a1,  s = clamp(t / final_time, 0, 1),
// i.e. it moves linearly from one sample to another over the run, slightly at every step
// (the time-dependent setting of Elasmi, Krumbiegel, Maier 2024, Sec. 2.3). Positivity is preserved.
// A general path a(t) is given by a function of t (the parameter paths p(t) of the Deep Ritz
// LOD examples, coef/parametric_coefficient.hpp).
class CoefficientPath {
 public:
  using Function = std::function<std::unique_ptr<CellField>(double t)>;
  CoefficientPath(std::shared_ptr<const CellField> start, std::shared_ptr<const CellField> end, double final_time);
  CoefficientPath(Function at, std::string description);
  std::unique_ptr<CellField> at(double t) const { return at_(t); }
  const std::string& describe() const { return description_; }
 private:
  Function at_;
  std::string description_;
};

// Names accepted by -coef (for help texts and error messages).
std::string coefficient_family_names();

}  // namespace neurhom
