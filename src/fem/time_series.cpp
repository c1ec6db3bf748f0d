#include "neurhom/fem/time_series.hpp"

#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/dirichlet.hpp"

namespace neurhom {

TimeSeries::TimeSeries(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings,
                       FemSolution& solution)
    : settings_(settings), solution_(solution) {
  solution_.u = grid.create_vector();
  if (inputs.initial) {
    interpolate(grid, inputs.initial, solution_.u);
    DirichletBoundary(grid).zero(solution_.u);
  }
  if (settings_.output_every > 0) keep(0.0);
}

void TimeSeries::after_step(int step, double t) {
  if (settings_.output_every > 0 && (step % settings_.output_every == 0 || step == settings_.steps)) keep(t);
}

void TimeSeries::keep(double t) {
  OwnedVec copy;
  NH_PETSC(VecDuplicate(solution_.u, copy.out()));
  NH_PETSC(VecCopy(solution_.u, copy));
  solution_.snapshot_times.push_back(t);
  solution_.snapshots.push_back(std::move(copy));
}

}  // namespace neurhom
