// `neurhom fem`: fine-scale Q1 solves (elliptic, parabolic, nonlinear) and `-verify`, the
// manufactured-solution convergence study.
#include <cmath>
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/coef/box_field.hpp"
#include "neurhom/core/text_lists.hpp"
#include "neurhom/fem/box_output.hpp"
#include "neurhom/fem/box_nonlinear.hpp"
#include "neurhom/fem/box_parabolic.hpp"
#include "neurhom/fem/box_verify.hpp"
#include "neurhom/fem/convergence_study.hpp"
#include "neurhom/fem/field_output.hpp"
#include "neurhom/fem/problem.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct FemOptions {
  CommonOptions common;
  std::string problem = "elliptic";
  PetscInt fine_n = 64;
  PetscReal final_time = 1.0;
  PetscInt steps = 10;
  PetscReal gamma = 1.0;
  PetscInt output_every = 0;
  PetscBool verify = PETSC_FALSE;
  PetscInt verify_n0 = 8;
  PetscInt verify_meshes = 4;
  // boxes and 3D (issue 30): any of these selects the box path
  PetscInt dim = 2;
  std::string cells, box, bc, bc_values;
  bool box_mode() const { return dim != 2 || !cells.empty() || !box.empty() || !bc.empty() || !bc_values.empty(); }
};

PetscErrorCode read_options(MPI_Comm comm, FemOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom fem: fine-scale Q1 finite elements", "fem");
  PetscCall(read_common_options(PetscOptionsObject, &o->common));
  PetscCall(read_string(PetscOptionsObject, "-problem", "elliptic, parabolic or nonlinear", &o->problem));
  PetscCall(PetscOptionsInt("-fine_n", "Fine cells per side", nullptr, o->fine_n, &o->fine_n, nullptr));
  PetscCall(PetscOptionsReal("-T", "Final time (parabolic, nonlinear)", nullptr, o->final_time, &o->final_time, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps", nullptr, o->steps, &o->steps, nullptr));
  PetscCall(PetscOptionsReal("-gamma", "gamma in kappa exp(gamma u) (nonlinear)", nullptr, o->gamma, &o->gamma, nullptr));
  PetscCall(PetscOptionsInt("-output_every", "Write a snapshot every k steps (0: final state only)", nullptr,
                            o->output_every, &o->output_every, nullptr));
  PetscCall(PetscOptionsBool("-verify", "Run the manufactured-solution convergence study", nullptr, o->verify,
                             &o->verify, nullptr));
  PetscCall(PetscOptionsInt("-verify_n0", "Coarsest mesh of -verify", nullptr, o->verify_n0, &o->verify_n0, nullptr));
  PetscCall(PetscOptionsInt("-verify_meshes", "Number of meshes of -verify (each refines the previous by 2)", nullptr,
                            o->verify_meshes, &o->verify_meshes, nullptr));
  PetscCall(PetscOptionsInt("-dim", "Space dimension of the box (2 or 3)", nullptr, o->dim, &o->dim, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-cells", "Cells per direction of the box, n1,n2[,n3] (-verify: the coarsest mesh)", &o->cells));
  PetscCall(read_string(PetscOptionsObject, "-box", "Side lengths of the box, L1,L2[,L3] (default: the unit square or cube)", &o->box));
  PetscCall(read_string(PetscOptionsObject, "-bc", "Per face x-,x+,y-,y+[,z-,z+]: D (Dirichlet) or N (Neumann), e.g. D,D,N,N,D,D", &o->bc));
  PetscCall(read_string(PetscOptionsObject, "-bc_values", "Per face: the value u of a D face, the flux a grad u . n of an N face (default 0)", &o->bc_values));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

Json vector_json(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(x);
  return a;
}

// `fem` on a box in 2D or 3D: -div(a grad u) = f with per-face conditions, a from the box
// coefficient families (coef/box_field.hpp); reports the face fluxes and, for each direction
// with two Dirichlet faces at different values and f = 0, the flow-based effective coefficient
// a_eff,d = (outflow through the d+ face) L_d / (area_d (u_d- - u_d+)).
int run_box_solve(MPI_Comm comm, const FemOptions& o) {
  parse_problem_kind(o.problem);  // unknown names: Error
  const int dim = static_cast<int>(o.dim);
  const BoxShape shape = BoxShape::parse(dim, o.cells.empty() ? repeated(std::to_string(o.fine_n), dim) : o.cells,
                                         o.box.empty() ? repeated("1", dim) : o.box);
  const BoxBoundary bc = o.bc.empty() ? BoxBoundary::all_dirichlet(dim) : BoxBoundary::parse(dim, o.bc);
  const std::vector<double> face_values = parse_face_values(o.bc_values, dim);
  CoefficientOptions coefficient = o.common.coefficient;
  default_box_coefficient(&coefficient, dim);
  const auto field = make_box_coefficient(coefficient, dim, comm);
  const CellIndex3 cells = {shape.cells[0], shape.cells[1], dim == 3 ? shape.cells[2] : 1};
  field->check_mesh(dim, cells);
  const auto source = make_source(o.common.rhs, o.common.coefficient.seed);
  const BoxGrid grid(comm, shape);

  BoxProblem problem;
  problem.coefficient = box_field_function(*field, shape);
  const bool zero_source = o.common.rhs == "zero";
  if (!zero_source)  // a 2D source of the unit square, scaled to the box and constant along z
    problem.source = box_source_function(*source, shape);
  set_box_face_data(problem, shape, bc, face_values);
  const bool parabolic = o.problem != "elliptic";
  BoxSolution sol;
  long long newton = 0;
  int substeps = 0;
  if (parabolic) {  // u(0) = 0, data constant in time
    const BoxTimeProblem tp = constant_in_time(problem);
    if (o.problem == "nonlinear") {
      BoxNonlinearSolution ns = solve_box_nonlinear(grid, bc, tp, o.gamma, o.final_time, static_cast<int>(o.steps), true);
      sol.u = std::move(ns.u);
      sol.iterations = ns.linear_iterations;
      sol.solve_seconds = ns.seconds;
      newton = ns.newton_iterations;
      substeps = ns.substeps;
    } else {
      BoxTimeSolution ts = solve_box_parabolic(grid, bc, tp, o.final_time, static_cast<int>(o.steps), true);
      sol.u = std::move(ts.u);
      sol.iterations = ts.iterations;
      sol.assembly_seconds = ts.assembly_seconds;
      sol.solve_seconds = ts.solve_seconds;
    }
  } else {
    sol = solve_box_elliptic(grid, bc, problem);
  }

  PetscReal u_max = 0;
  NH_PETSC(VecNorm(sol.u, NORM_INFINITY, &u_max));
  std::vector<double> fluxes(sol.face_flux.begin(), sol.face_flux.begin() + 2 * dim);
  std::vector<std::pair<std::string, double>> effective;
  for (int d = 0; d < dim && zero_source && !parabolic; ++d) {
    const auto lo = static_cast<size_t>(2 * d), hi = lo + 1;
    if (!bc.dirichlet(static_cast<int>(lo)) || !bc.dirichlet(static_cast<int>(hi)) || face_values[lo] == face_values[hi]) continue;
    double area = 1;
    for (int e = 0; e < dim; ++e)
      if (e != d) area *= shape.lengths[static_cast<size_t>(e)];
    effective.emplace_back(std::string(1, "xyz"[d]), -fluxes[hi] * shape.lengths[static_cast<size_t>(d)] / (area * (face_values[lo] - face_values[hi])));
  }
  if (!o.common.output.empty()) {
    BoxFieldWriter writer(o.common.output, grid);
    writer.write_cells("coefficient", sample_box_cells(grid, problem.coefficient, "the coefficient"));
    writer.write_nodes("u", sol.u);
    writer.file().set_attribute("/", "coefficient", field->describe());
    writer.file().set_attribute("/", "bc", bc.describe());
    writer.close();
  }
  Json report = Json::object();
  report["problem"] = o.problem;
  report["dim"] = dim;
  report["cells"] = shape_json(shape, false);
  report["box"] = shape_json(shape, true);
  report["bc"] = bc.describe();
  report["bc_values"] = vector_json(face_values);
  report["coefficient"] = field->describe();
  report["source"] = source->describe();
  report["dofs"] = static_cast<long long>(grid.num_nodes());
  report["ranks"] = mpi_size(comm);
  report["iterations"] = sol.iterations;
  report["assembly_seconds"] = sol.assembly_seconds;
  report["solve_seconds"] = sol.solve_seconds;
  report["u_max"] = static_cast<double>(u_max);
  if (parabolic) {
    report["T"] = o.final_time;
    report["steps"] = o.steps;
    if (o.problem == "nonlinear") {
      report["gamma"] = o.gamma;
      report["newton_iterations"] = newton;
      report["substeps"] = substeps;
    }
  } else {
    report["face_flux"] = vector_json(fluxes);
    report["source_integral"] = sol.source_integral;
  }
  if (!effective.empty()) {
    Json e = Json::object();
    for (const auto& [key, value] : effective) e[key] = value;
    report["effective_coefficient"] = e;
  }
  if (!o.common.output.empty()) report["output"] = o.common.output;
  write_report(o.common.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom fem: %s problem on %s, faces %s, coefficient %s, source %s\n", o.problem.c_str(), shape.describe().c_str(),
                bc.describe().c_str(), field->describe().c_str(), source->describe().c_str());
    if (parabolic) std::printf("  T = %g, %d backward Euler steps, u(0) = 0\n", static_cast<double>(o.final_time), static_cast<int>(o.steps));
    std::printf("  %lld dofs, %d ranks, CG/GAMG %lld iterations, assembly %.3f s, solve %.3f s\n",
                static_cast<long long>(grid.num_nodes()), mpi_size(comm), sol.iterations, sol.assembly_seconds, sol.solve_seconds);
    std::printf("  max |u| = %.6e", static_cast<double>(u_max));
    if (!parabolic) {
      std::printf("; face fluxes int a grad u . n:");
      for (double f : fluxes) std::printf(" %.6e", f);
    }
    std::printf("\n");
    for (const auto& [key, value] : effective) std::printf("  effective coefficient along %s: %.6e\n", key.c_str(), value);
    if (!o.common.output.empty())
      std::printf("  wrote %s and %s\n", o.common.output.c_str(), xdmf_path_for(o.common.output).c_str());
  }
  return 0;
}

// `fem -verify` on a box in 2D or 3D with per-face boundary conditions (box_verify.hpp).
int run_box_verify(MPI_Comm comm, const FemOptions& o) {
  parse_problem_kind(o.problem);  // unknown names: Error
  const int dim = static_cast<int>(o.dim);
  const BoxShape shape = BoxShape::parse(dim, o.cells.empty() ? repeated(std::to_string(o.verify_n0), dim) : o.cells,
                                         o.box.empty() ? repeated("1", dim) : o.box);
  const BoxBoundary bc = o.bc.empty() ? BoxBoundary::all_dirichlet(dim) : BoxBoundary::parse(dim, o.bc);
  require(o.verify_meshes >= 2 && o.verify_meshes <= 12, "-verify_meshes must be in 2..12");
  if (is_root(comm))
    std::printf("neurhom fem -verify: %s problem on %s, faces %s, manufactured u = %sprod sin(pi x_d / L_d + phi_d), "
                "kappa = 2 + prod sin(2 pi x_d / L_d), %d ranks\n", o.problem.c_str(),
                shape.describe().c_str(), bc.describe().c_str(), o.problem == "parabolic" ? "(1 + t) " : "", mpi_size(comm));
  BoxConvergenceSettings settings;
  settings.meshes = static_cast<int>(o.verify_meshes);
  settings.parabolic = o.problem == "parabolic";
  settings.nonlinear = o.problem == "nonlinear";
  settings.gamma = o.gamma;
  settings.final_time = o.final_time;  // backward Euler is exact for these u: any -T, -steps
  settings.steps = static_cast<int>(o.steps);
  const BoxConvergenceResult result = run_box_convergence_study(comm, shape, bc, settings);
  Json report = Json::object();
  report["problem"] = o.problem;
  if (settings.parabolic || settings.nonlinear) {
    report["T"] = settings.final_time;
    report["steps"] = settings.steps;
  }
  if (settings.nonlinear) report["gamma"] = settings.gamma;
  report["dim"] = dim;
  report["cells"] = shape_json(shape, false);
  report["box"] = shape_json(shape, true);
  report["bc"] = bc.describe();
  report["ranks"] = mpi_size(comm);
  report["l2_rate"] = result.l2_rate;
  report["h1_rate"] = result.h1_rate;
  Json levels = Json::array();
  if (is_root(comm))
    std::printf("%14s %10s %12s %8s %12s %8s %10s %8s %12s\n", "cells", "h", "L2 error", "rate", "H1 error", "rate", "dofs",
                "KSP its", "flux bal.");
  for (size_t k = 0; k < result.levels.size(); ++k) {
    const auto& l = result.levels[k];
    Json entry = Json::object();
    Json c = Json::array();
    std::string label;
    for (int d = 0; d < dim; ++d) {
      c.push_back(l.cells[static_cast<size_t>(d)]);
      label += (d ? "x" : "") + std::to_string(l.cells[static_cast<size_t>(d)]);
    }
    entry["cells"] = c;
    entry["h"] = l.h;
    entry["l2_error"] = l.l2_error;
    entry["h1_error"] = l.h1_error;
    entry["l2_relative"] = l.l2_relative;
    entry["h1_relative"] = l.h1_relative;
    entry["flux_balance"] = l.flux_balance;
    entry["dofs"] = l.dofs;
    entry["iterations"] = l.iterations;
    entry["seconds"] = l.seconds;
    levels.push_back(entry);
    if (is_root(comm)) {
      const auto* prev = k > 0 ? &result.levels[k - 1] : nullptr;
      const double l2r = prev ? std::log2(prev->l2_error / l.l2_error) : NAN;
      const double h1r = prev ? std::log2(prev->h1_error / l.h1_error) : NAN;
      std::printf("%14s %10.4e %12.4e %8.3f %12.4e %8.3f %10lld %8lld %12.2e\n", label.c_str(), l.h, l.l2_error, l2r,
                  l.h1_error, h1r, l.dofs, l.iterations, l.flux_balance);
    }
  }
  report["levels"] = levels;
  if (is_root(comm))
    std::printf("observed orders (finest pair): L2 %.3f (theory 2), H1 %.3f (theory 1)\n", result.l2_rate, result.h1_rate);
  write_report(o.common.report, report, comm);
  return 0;
}

int run_verify(MPI_Comm comm, const FemOptions& o) {
  require(o.verify_n0 >= 2, "-verify_n0 must be at least 2");
  require(o.verify_meshes >= 2 && o.verify_meshes <= 12, "-verify_meshes must be in 2..12");
  ConvergenceSettings settings;
  settings.kind = parse_problem_kind(o.problem);
  settings.sizes.clear();
  for (PetscInt k = 0; k < o.verify_meshes; ++k) settings.sizes.push_back(static_cast<int>(o.verify_n0 << k));
  settings.gamma = o.gamma;
  if (is_root(comm))
    std::printf("neurhom fem -verify: %s problem, manufactured u = g(t) sin(pi x1) sin(pi x2), "
                "kappa = 2 + sin(2 pi x1) sin(2 pi x2), %d ranks\n",
                to_string(settings.kind).c_str(), mpi_size(comm));
  const ConvergenceResult result = run_convergence_study(comm, settings);

  Json report = Json::object();
  report["problem"] = to_string(settings.kind);
  report["ranks"] = mpi_size(comm);
  report["l2_rate"] = result.l2_rate;
  report["h1_rate"] = result.h1_rate;
  add_square_mesh(report, settings.sizes.front());  // the coarsest mesh, as on boxes
  Json levels = Json::array();
  if (is_root(comm)) std::printf("%8s %12s %12s %8s %12s %8s %10s\n", "n", "h", "L2 error", "rate", "H1 error", "rate", "KSP its");
  for (size_t k = 0; k < result.levels.size(); ++k) {
    const auto& level = result.levels[k];
    Json entry = Json::object();
    entry["n"] = level.n;
    entry["h"] = level.h;
    entry["l2_error"] = level.l2_error;
    entry["h1_error"] = level.h1_error;
    entry["l2_relative"] = level.l2_relative;
    entry["h1_relative"] = level.h1_relative;
    entry["iterations"] = level.iterations;
    entry["seconds"] = level.seconds;
    levels.push_back(entry);
    if (is_root(comm)) {
      const auto* prev = k > 0 ? &result.levels[k - 1] : nullptr;
      const double l2r = prev ? std::log2(prev->l2_error / level.l2_error) : NAN;
      const double h1r = prev ? std::log2(prev->h1_error / level.h1_error) : NAN;
      std::printf("%8d %12.4e %12.4e %8.3f %12.4e %8.3f %10lld\n", level.n, level.h, level.l2_error, l2r,
                  level.h1_error, h1r, level.iterations);
    }
  }
  report["levels"] = levels;
  if (is_root(comm))
    std::printf("observed orders (finest pair): L2 %.3f (theory 2), H1 %.3f (theory 1)\n", result.l2_rate, result.h1_rate);
  write_report(o.common.report, report, comm);
  return 0;
}

int run_solve(MPI_Comm comm, const FemOptions& o) {
  FemSettings settings;
  settings.kind = parse_problem_kind(o.problem);
  settings.final_time = o.final_time;
  settings.steps = static_cast<int>(o.steps);
  settings.gamma = o.gamma;
  settings.output_every = static_cast<int>(o.output_every);
  settings.show_progress = true;
  require(o.fine_n <= 1 << 15, "-fine_n must be at most 32768 (got " + std::to_string(o.fine_n) + ")");
  const auto coefficient = make_coefficient(o.common.coefficient, comm);
  const auto source = make_source(o.common.rhs, o.common.coefficient.seed);
  const StructuredGrid grid(comm, static_cast<int>(o.fine_n));

  const auto path = make_coefficient_path(o.common, o.final_time, comm);
  FemInputs inputs;
  inputs.coefficient = coefficient.get();
  inputs.coefficient_path = path.get();
  inputs.source = source.get();
  FemSolution solution = solve_fem(grid, inputs, settings);

  PetscReal u_max = 0, u_l2 = 0;
  NH_PETSC(VecNorm(solution.u, NORM_INFINITY, &u_max));
  NH_PETSC(VecNorm(solution.u, NORM_2, &u_l2));
  u_l2 *= grid.h();  // discrete L2 norm (nodal quadrature)

  if (!o.common.output.empty()) {
    FieldWriter writer(o.common.output, grid);
    writer.write_cells("coefficient", solution.cell_values);
    writer.write_nodes("u", solution.u);
    for (size_t k = 0; k < solution.snapshots.size(); ++k)
      writer.write_nodes("u", solution.snapshots[k], static_cast<int>(k), solution.snapshot_times[k]);
    writer.file().set_attribute("/", "problem", to_string(settings.kind));
    writer.file().set_attribute("/", "coefficient", path ? path->describe() : coefficient->describe());
    writer.file().set_attribute("/", "source", source->describe());
    writer.close();
  }

  Json report = Json::object();
  report["problem"] = to_string(settings.kind);
  report["coefficient"] = path ? path->describe() : coefficient->describe();
  report["source"] = source->describe();
  report["fine_n"] = grid.n();
  add_square_mesh(report, grid.n());
  report["dofs"] = static_cast<long long>(grid.num_nodes());
  report["ranks"] = mpi_size(comm);
  report["steps"] = solution.steps;
  if (settings.kind != ProblemKind::Elliptic) report["T"] = settings.final_time;
  if (settings.kind == ProblemKind::Nonlinear) {
    report["gamma"] = settings.gamma;
    report["newton_iterations"] = solution.newton_iterations;
    report["substeps"] = solution.substeps;
  }
  report["iterations"] = solution.linear_iterations;
  report["assembly_seconds"] = solution.assembly_seconds;
  report["solve_seconds"] = solution.solve_seconds;
  report["u_max"] = static_cast<double>(u_max);
  report["u_l2"] = static_cast<double>(u_l2);
  if (!o.common.output.empty()) report["output"] = o.common.output;
  write_report(o.common.report, report, comm);

  if (is_root(comm)) {
    std::printf("neurhom fem: %s problem, coefficient %s, source %s\n", to_string(settings.kind).c_str(),
                coefficient->describe().c_str(), source->describe().c_str());
    std::printf("  mesh %d x %d cells, %lld dofs, %d ranks\n", grid.n(), grid.n(),
                static_cast<long long>(grid.num_nodes()), mpi_size(comm));
    if (settings.kind != ProblemKind::Elliptic)
      std::printf("  T = %g, %d backward Euler steps\n", settings.final_time, solution.steps);
    if (settings.kind == ProblemKind::Nonlinear)
      std::printf("  Newton iterations %lld (gamma = %g, %d steps split after a Newton failure)\n",
                  solution.newton_iterations, settings.gamma, solution.substeps);
    std::printf("  linear iterations %lld, assembly %.3f s, solve %.3f s\n", solution.linear_iterations,
                solution.assembly_seconds, solution.solve_seconds);
    std::printf("  max |u| = %.6e, ||u||_L2 = %.6e\n", static_cast<double>(u_max), static_cast<double>(u_l2));
    if (!o.common.output.empty())
      std::printf("  wrote %s and %s\n", o.common.output.c_str(), xdmf_path_for(o.common.output).c_str());
  }
  return 0;
}

}  // namespace

int run_fem(MPI_Comm comm) {
  FemOptions o;
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  o.common.validate();
  if (o.box_mode()) {
    return o.verify ? run_box_verify(comm, o) : run_box_solve(comm, o);
  }
  return o.verify ? run_verify(comm, o) : run_solve(comm, o);
}

}  // namespace neurhom::app
