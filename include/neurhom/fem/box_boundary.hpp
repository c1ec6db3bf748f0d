#pragma once
// Boundary conditions per face of a box (`-bc`): each of the 2 dim faces (x-, x+, y-, y+[, z-,
// z+], BoxGrid's face numbering) is Dirichlet (D: u = g_D) or Neumann (N: a grad u . n = g_N,
// n the outward normal; g_N = 0 is an insulated face). A node on a Dirichlet and a Neumann face
// (an edge or corner) is a Dirichlet node. At least one face must be Dirichlet: the pure
// Neumann problem is singular (its solution is fixed only up to a constant).
#include <array>
#include <string>

namespace neurhom {

enum class FaceKind { Dirichlet, Neumann };

struct BoxBoundary {
  int dim = 2;
  std::array<FaceKind, 6> faces{};  // all Dirichlet by default

  static BoxBoundary all_dirichlet(int dim);
  // "D,D,N,N[,D,N]" or the short form "DDNN[DN]" (case-insensitive). Error naming -bc for a
  // wrong count of faces, an unknown letter, or no Dirichlet face.
  static BoxBoundary parse(int dim, const std::string& text);
  bool dirichlet(int face) const { return faces[static_cast<size_t>(face)] == FaceKind::Dirichlet; }
  unsigned dirichlet_mask() const;  // bit f set: face f is Dirichlet
  std::string describe() const;     // "D,D,N,N,D,D"
};

}  // namespace neurhom
