#pragma once
// Backward Euler with automatic step halving for the nonlinear problems (unit square,
// fem/nonlinear_solve.cpp, and boxes, fem/box_nonlinear.cpp).
//
// A step from t0 to t0 + h whose Newton iteration fails is restarted from the same state as two
// half steps, recursively up to max_halvings times (2^max_halvings sub-steps of the step); past
// that the run stops with the message of `failure`. Newton fails for large gamma * |u| jumps in
// a(x, u) = kappa(x) exp(gamma u) when the step is too long for the previous state to be a good
// initial guess; halving restores it without changing the user's -steps.
#include <functional>
#include <string>

#include <petscvec.h>

namespace neurhom {

constexpr int kMaxNewtonHalvings = 8;  // up to 256 sub-steps of one step

// attempt(t0, h): one backward Euler step of u from t0 to t0 + h, true if Newton converged
// (then u holds the new state; on false u may hold anything and is reset here).
// failure(): the error message when the last halving fails too. Returns the number of
// halvings done (0 if the step converged at once).
int advance_with_halving(Vec u, double t0, double h, int max_halvings, const std::function<bool(double, double)>& attempt,
                         const std::function<std::string()>& failure);

}  // namespace neurhom
