#pragma once
// Shared bookkeeping of the time-dependent solvers: sets the initial state u(0) (the nodal
// interpolant of u0, zero on the boundary) and keeps snapshots every `output_every` steps.
#include "neurhom/fem/problem.hpp"

namespace neurhom {

class TimeSeries {
 public:
  TimeSeries(const StructuredGrid& grid, const FemInputs& inputs, const FemSettings& settings, FemSolution& solution);
  void after_step(int step, double t);

 private:
  void keep(double t);
  const FemSettings& settings_;
  FemSolution& solution_;
};

}  // namespace neurhom
