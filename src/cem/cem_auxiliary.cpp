#include "neurhom/cem/cem_auxiliary.hpp"

#include <slepceps.h>

#include <algorithm>
#include <cmath>

#include "neurhom/core/error.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/fem/q1_element.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

namespace {

using OwnedEPS = Owned<EPS, EPSDestroy>;

std::vector<double> multiply(Mat A, const std::vector<double>& x, Vec xv, Vec yv) {
  set_local_values(x, xv);
  NH_PETSC(MatMult(A, xv, yv));
  return local_values(yv);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

double norm(const std::vector<double>& a) { return std::sqrt(dot(a, a)); }

}  // namespace

std::vector<double> kappa_tilde(const std::vector<double>& kappa, int ratio, double H) {
  std::vector<double> out(kappa.size());
  for (int cy = 0; cy < ratio; ++cy) {
    const double t = (cy + 0.5) / ratio;
    for (int cx = 0; cx < ratio; ++cx) {
      const double s = (cx + 0.5) / ratio;
      const double grad2 = (2 * (1 - s) * (1 - s) + 2 * s * s + 2 * (1 - t) * (1 - t) + 2 * t * t) / (H * H);
      const size_t c = static_cast<size_t>(cy * ratio + cx);
      out[c] = kappa[c] * grad2;
    }
  }
  return out;
}

CellModes solve_cell_eigenproblem(const CoarseMesh& mesh, const CellField& coefficient, int I, int J, int modes) {
  Patch cell;
  cell.I0 = cell.T_I = I;
  cell.J0 = cell.T_J = J;
  cell.cells_x = cell.cells_y = 1;
  cell.ratio = mesh.ratio;
  const int n = cell.fine_nodes();
  require(modes >= 1 && modes <= n, "-cem_modes " + std::to_string(modes) + " must be between 1 and the " +
                                        std::to_string(n) + " fine dofs of a coarse cell");
  const double H = 1.0 / mesh.cells, h = 1.0 / mesh.fine_cells();
  const std::vector<double> kappa = patch_cell_values(cell, coefficient, mesh.fine_cells());
  OwnedMat A, S;
  {
    Mat a = nullptr, s = nullptr;
    assemble_patch_matrix(cell, kappa, q1::reference_stiffness(), false, &a);
    A = OwnedMat(a);
    assemble_patch_matrix(cell, kappa_tilde(kappa, mesh.ratio, H), q1::mass(h), false, &s);
    S = OwnedMat(s);
  }

  CellModes out = cell_modes(A, S, modes, "coarse cell (" + std::to_string(I) + ", " + std::to_string(J) + ")");
  out.I = I;
  out.J = J;
  return out;
}

CellModes cell_modes(Mat A, Mat S, int modes, const std::string& where) {
  OwnedEPS eps;
  NH_PETSC(EPSCreate(PETSC_COMM_SELF, eps.out()));
  NH_PETSC(EPSSetOperators(eps, A, S));
  NH_PETSC(EPSSetProblemType(eps, EPS_GHEP));
  NH_PETSC(EPSSetDimensions(eps, modes, PETSC_DEFAULT, PETSC_DEFAULT));
  NH_PETSC(EPSSetWhichEigenpairs(eps, EPS_TARGET_MAGNITUDE));
  NH_PETSC(EPSSetTarget(eps, -1.0));
  ST st = nullptr;
  NH_PETSC(EPSGetST(eps, &st));
  NH_PETSC(STSetType(st, STSINVERT));
  NH_PETSC(EPSSetTolerances(eps, 1e-12, 1000));
  NH_PETSC(EPSSetOptionsPrefix(eps, "cem_"));
  NH_PETSC(EPSSetFromOptions(eps));
  NH_PETSC(EPSSolve(eps));
  PetscInt converged = 0;
  NH_PETSC(EPSGetConverged(eps, &converged));
  if (converged < modes)
    throw Error("SLEPc found " + std::to_string(converged) + " of the " + std::to_string(modes) +
                " eigenpairs of " + where);

  CellModes out;
  OwnedVec x, y;
  NH_PETSC(MatCreateVecs(A, x.out(), y.out()));
  for (int k = 0; k < modes; ++k) {
    PetscScalar lambda = 0;
    NH_PETSC(EPSGetEigenpair(eps, k, &lambda, nullptr, x, nullptr));
    out.eigenvalues.push_back(PetscRealPart(lambda));
    out.modes.push_back(local_values(x));
  }
  // s-orthonormalize (modified Gram-Schmidt in the S inner product), fix the sign.
  for (int k = 0; k < modes; ++k) {
    std::vector<double>& phi = out.modes[static_cast<size_t>(k)];
    for (int l = 0; l < k; ++l) {
      const double c = dot(phi, out.s_modes[static_cast<size_t>(l)]);
      for (size_t m = 0; m < phi.size(); ++m) phi[m] -= c * out.modes[static_cast<size_t>(l)][m];
    }
    std::vector<double> s_phi = multiply(S, phi, x, y);
    const double scale = 1.0 / std::sqrt(dot(phi, s_phi));
    const auto largest = std::max_element(phi.begin(), phi.end(), [](double a, double b) {
      return std::abs(a) < std::abs(b);  // first of the largest magnitude
    });
    const double sign = *largest < 0 ? -1.0 : 1.0;
    for (double& v : phi) v *= sign * scale;
    for (double& v : s_phi) v *= sign * scale;
    out.s_modes.push_back(std::move(s_phi));
    const std::vector<double> a_phi = multiply(A, phi, x, y);
    const double lambda = out.eigenvalues[static_cast<size_t>(k)];
    std::vector<double> r(a_phi.size());
    for (size_t m = 0; m < r.size(); ++m) r[m] = a_phi[m] - lambda * out.s_modes.back()[m];
    out.max_residual = std::max(out.max_residual, norm(r) / (norm(out.s_modes.back()) * std::max(1.0, std::abs(lambda))));
  }
  return out;
}

}  // namespace neurhom
