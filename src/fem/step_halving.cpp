#include "neurhom/fem/step_halving.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/core/petsc_util.hpp"

namespace neurhom {

namespace {

int advance(Vec u, Vec start, double t0, double h, int depth, int max_halvings, const std::function<bool(double, double)>& attempt,
            const std::function<std::string()>& failure) {
  NH_PETSC(VecCopy(u, start));
  if (attempt(t0, h)) return 0;
  if (depth == max_halvings) throw Error(failure());
  NH_PETSC(VecCopy(start, u));
  OwnedVec mid;  // the start of the second half, kept apart from `start` of the deeper levels
  NH_PETSC(VecDuplicate(u, mid.out()));
  int halvings = 1 + advance(u, mid, t0, h / 2, depth + 1, max_halvings, attempt, failure);
  halvings += advance(u, mid, t0 + h / 2, h / 2, depth + 1, max_halvings, attempt, failure);
  return halvings;
}

}  // namespace

int advance_with_halving(Vec u, double t0, double h, int max_halvings, const std::function<bool(double, double)>& attempt,
                         const std::function<std::string()>& failure) {
  OwnedVec start;
  NH_PETSC(VecDuplicate(u, start.out()));
  return advance(u, start, t0, h, 0, max_halvings, attempt, failure);
}

}  // namespace neurhom
