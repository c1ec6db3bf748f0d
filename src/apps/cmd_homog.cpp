// `neurhom homog`: the FEM homogenization references of the NH-PINN cases (Leung, Lin, Zhang
// 2021, Sec. 5): u_eps, the cell problems, a* / a*(x) / r*, the homogenized solution and e_4
// (homog/homog_cases.hpp).
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/homog/homog_cases.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

struct HomogOptions {
  std::string name = "elliptic2d", output, report;
  HomogenizationCaseOptions case_options;
  PetscInt fine_per_period = 64, cell_n = 128, steps = 200;
};

PetscErrorCode read_options(MPI_Comm comm, HomogOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom homog: FEM homogenization references of the NH-PINN cases", "homog");
  PetscCall(read_string(PetscOptionsObject, "-case", "elliptic2d, slow1d or reaction1d", &o->name));
  PetscCall(read_homogenization_case_options(PetscOptionsObject, &o->case_options));
  PetscCall(PetscOptionsInt("-fine_per_period", "Fine cells per period of the coefficient (h = eps / this)", nullptr,
                            o->fine_per_period, &o->fine_per_period, nullptr));
  PetscCall(PetscOptionsInt("-cell_n", "Cell-problem mesh size", nullptr, o->cell_n, &o->cell_n, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps to T (reaction1d)", nullptr, o->steps, &o->steps, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-o", "HDF5 file with u_eps, v and their difference", &o->output));
  PetscCall(read_string(PetscOptionsObject, "-report", "JSON report", &o->report));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

}  // namespace

int run_homog(MPI_Comm comm) {
  HomogOptions o;
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  const HomogenizationCase c = make_homogenization_case(o.name, o.case_options);
  HomogCaseSettings s;
  s.fine_per_period = static_cast<int>(o.fine_per_period);
  s.cell_n = static_cast<int>(o.cell_n);
  s.steps = static_cast<int>(o.steps);
  if (!o.report.empty()) require_writable_location(o.report, "-report file");
  const HomogCaseResult r = run_homog_case(comm, c, s, o.output);

  Json report = Json::object();
  report["case"] = r.name;
  report["eps"] = r.eps;
  report["h_over_eps"] = r.h_over_eps;
  report["fine_cells"] = r.fine_cells;
  if (c.dim == 2) {
    Json a = Json::array();
    a.push_back(Json::array_of(std::vector<double>{r.a_star[0], r.a_star[1]}));
    a.push_back(Json::array_of(std::vector<double>{r.a_star[2], r.a_star[3]}));
    report["a_star"] = a;
    report["cell_n"] = s.cell_n;
  } else if (c.name == "slow1d") {
    Json a = Json::object();
    a["x"] = Json::array_of(r.a_star_x);
    a["values"] = Json::array_of(r.a_star_values);
    report["a_star"] = a;
    report["a_star_error"] = r.a_star_error;
  } else {
    report["r_star"] = r.r_star;
    report["r_star_exact"] = r.r_star_exact;
    report["cell_error"] = r.cell_error;
    report["steps"] = s.steps;
    report["T"] = c.final_time;
    report["reaction_cell"] = c.reaction_cell;
    report["initial_amplitude"] = o.case_options.initial_amplitude;
    report["initial_wavenumber"] = o.case_options.initial_wavenumber;
  }
  report["e4"] = r.e4;
  report["seconds"] = r.seconds;
  report["ranks"] = mpi_size(comm);
  write_report(o.report, report, comm);
  if (is_root(comm)) {
    std::printf("neurhom homog: case %s, eps = %g, h/eps = 1/%.0f, ", r.name.c_str(), r.eps, 1.0 / r.h_over_eps);
    if (c.dim == 2) std::printf("a* = [%.6f %.6f; %.6f %.6f], ", r.a_star[0], r.a_star[1], r.a_star[2], r.a_star[3]);
    if (c.name == "slow1d") std::printf("a*(x) error vs exact %.2e, ", r.a_star_error);
    if (c.name == "reaction1d") std::printf("r* = %.6f (exact %.6f), N error %.2e, ", r.r_star, r.r_star_exact, r.cell_error);
    std::printf("e4 = %.6f, %.2f s on %d ranks\n", r.e4, r.seconds, mpi_size(comm));
  }
  return 0;
}

}  // namespace neurhom::app
