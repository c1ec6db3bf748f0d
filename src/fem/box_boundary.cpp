#include "neurhom/fem/box_boundary.hpp"

#include <cctype>

#include "neurhom/core/error.hpp"

namespace neurhom {

BoxBoundary BoxBoundary::all_dirichlet(int dim) {
  BoxBoundary b;
  b.dim = dim;
  b.faces.fill(FaceKind::Dirichlet);
  return b;
}

BoxBoundary BoxBoundary::parse(int dim, const std::string& text) {
  BoxBoundary b = all_dirichlet(dim);
  std::string letters;
  for (char c : text)
    if (c != ',' && !std::isspace(static_cast<unsigned char>(c))) letters += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string order = dim == 3 ? "x-,x+,y-,y+,z-,z+" : "x-,x+,y-,y+";
  require(static_cast<int>(letters.size()) == 2 * dim, "-bc needs " + std::to_string(2 * dim) + " faces (" + order +
                                                           ") of D or N for -dim " + std::to_string(dim) + " (got '" + text + "')");
  bool any = false;
  for (int f = 0; f < 2 * dim; ++f) {
    const char c = letters[static_cast<size_t>(f)];
    require(c == 'D' || c == 'N', "-bc entries must be D (Dirichlet) or N (Neumann) (got '" + text + "')");
    b.faces[static_cast<size_t>(f)] = c == 'D' ? FaceKind::Dirichlet : FaceKind::Neumann;
    any = any || c == 'D';
  }
  require(any, "-bc needs at least one Dirichlet face: the pure Neumann problem is singular (got '" + text + "')");
  return b;
}

unsigned BoxBoundary::dirichlet_mask() const {
  unsigned m = 0;
  for (int f = 0; f < 2 * dim; ++f)
    if (dirichlet(f)) m |= 1u << f;
  return m;
}

std::string BoxBoundary::describe() const {
  std::string s;
  for (int f = 0; f < 2 * dim; ++f) s += std::string(f ? "," : "") + (dirichlet(f) ? "D" : "N");
  return s;
}

}  // namespace neurhom
