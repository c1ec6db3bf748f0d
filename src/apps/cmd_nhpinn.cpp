// `neurhom nhpinn`: homogenization-based PINNs for one case of Leung, Lin, Zhang 2021 against
// the FEM references (methods/nhpinn/nhpinn_case.hpp). Defaults per case follow the paper where it
// gives the setting (networks, points, baseline optimizer) and are ours where it does not.
#include <cstdio>

#include "commands.hpp"
#include "report.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"
#include "neurhom/methods/nhpinn/nhpinn_request.hpp"
#include "options.hpp"

namespace neurhom::app {

namespace {

// PETSc-typed mirror of NhpinnRequest; its defaults are the request's (read in read_options).
struct NhpinnOptions {
  NhpinnOptions() {
    const NhpinnRequest d;
    fine_per_period = d.fine_per_period, cell_n = d.cell_n, steps = d.steps, cell_points = d.cell_points;
    oversampling = d.oversampling, cell_x = d.cell_x, cell_epochs = d.cell_epochs, homog_points = d.homog_points;
    homog_time_points = d.homog_time_points, homog_epochs = d.homog_epochs, baseline_points = d.baseline_points;
    baseline_epochs = d.baseline_epochs, cell_lr = d.cell_lr, cell_decay = d.cell_decay, homog_lr = d.homog_lr;
    homog_decay = d.homog_decay, homog_boundary_weight = d.homog_boundary_weight, baseline_lr = d.baseline_lr;
    decay_steps = static_cast<PetscInt>(d.decay_steps), average_last = d.average_last, print_every = d.print_every;
    threads = d.threads, baseline = d.baseline ? PETSC_TRUE : PETSC_FALSE;
    plain = d.without_oversampling ? PETSC_TRUE : PETSC_FALSE;
  }
  std::string name = "slow1d", output, report, homog_boundary, homog_data = "pinn", cell_weights;
  HomogenizationCaseOptions case_options;
  PetscReal cell_lr, homog_lr, baseline_lr, cell_decay, homog_decay, homog_boundary_weight;
  PetscInt decay_steps, fine_per_period, cell_n, steps, threads, average_last, print_every;
  PetscInt cell_features = 0;
  PetscInt cell_points, oversampling, cell_x, cell_epochs, homog_points, homog_time_points, homog_epochs, baseline_points,
      baseline_epochs;
  PetscBool baseline, plain, cell_only = PETSC_FALSE;
};

PetscErrorCode read_options(MPI_Comm comm, NhpinnOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, nullptr, "neurhom nhpinn: homogenization-based PINNs (NH-PINN)", "nhpinn");
  PetscCall(read_string(PetscOptionsObject, "-case", "elliptic2d, slow1d or reaction1d", &o->name));
  PetscCall(read_homogenization_case_options(PetscOptionsObject, &o->case_options));
  PetscCall(PetscOptionsInt("-fine_per_period", "FEM reference: fine cells per period", nullptr, o->fine_per_period, &o->fine_per_period, nullptr));
  PetscCall(PetscOptionsInt("-cell_n", "FEM cell-problem mesh", nullptr, o->cell_n, &o->cell_n, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Backward Euler steps (reaction1d FEM)", nullptr, o->steps, &o->steps, nullptr));
  PetscCall(PetscOptionsInt("-cell_points", "Cell PINN grid points per side", nullptr, o->cell_points, &o->cell_points, nullptr));
  PetscCall(PetscOptionsInt("-oversampling", "Oversampling layers of the cell PINN (0: none)", nullptr, o->oversampling, &o->oversampling, nullptr));
  PetscCall(PetscOptionsInt("-cell_x", "slow1d: x samples of the parametric cell PINN", nullptr, o->cell_x, &o->cell_x, nullptr));
  PetscCall(PetscOptionsInt("-cell_features", "Cell PINN input: 0 the paper's plain input, K > 0 an exactly periodic input layer with K frequencies", nullptr, o->cell_features, &o->cell_features, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-cell_weights", "Cell PINN loss weights w1,w2[,w3] (residual, periodic pairs, oversampling; sum 1; default equal)", &o->cell_weights));
  PetscCall(PetscOptionsInt("-cell_epochs", "Cell PINN epochs (0: case default)", nullptr, o->cell_epochs, &o->cell_epochs, nullptr));
  PetscCall(PetscOptionsReal("-cell_lr", "Cell PINN Adam step", nullptr, o->cell_lr, &o->cell_lr, nullptr));
  PetscCall(PetscOptionsReal("-cell_decay", "Cell PINN: lr * decay^(step / decay_steps) (0: case default, 1: constant)", nullptr, o->cell_decay, &o->cell_decay, nullptr));
  PetscCall(PetscOptionsInt("-homog_points", "Homogenized PINN points per side / in x (0: case default)", nullptr, o->homog_points, &o->homog_points, nullptr));
  PetscCall(PetscOptionsInt("-homog_time_points", "Homogenized PINN points in t (reaction1d)", nullptr, o->homog_time_points, &o->homog_time_points, nullptr));
  PetscCall(PetscOptionsInt("-homog_epochs", "Homogenized PINN epochs (0: case default)", nullptr, o->homog_epochs, &o->homog_epochs, nullptr));
  PetscCall(PetscOptionsReal("-homog_lr", "Homogenized PINN Adam step (0: case default)", nullptr, o->homog_lr, &o->homog_lr, nullptr));
  PetscCall(PetscOptionsReal("-homog_decay", "Homogenized PINN: lr * decay^(step / decay_steps) (0: case default, 1: constant)", nullptr, o->homog_decay, &o->homog_decay, nullptr));
  PetscCall(PetscOptionsReal("-homog_boundary_weight", "Homogenized PINN (elliptic2d, slow1d): boundary weight w_2 (w_1 = 1 - w_2; 0: case default, elliptic2d 0.999, slow1d 0.5)", nullptr, o->homog_boundary_weight, &o->homog_boundary_weight, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-homog_boundary", "Homogenized PINN u = 0: loss (the paper's term w_2, default) or exact (ansatz u = s B(x) N(x), elliptic2d and slow1d)", &o->homog_boundary));
  PetscCall(read_string(PetscOptionsObject, "-homog_data", "Homogenized data of step 3: pinn (the cell PINNs, the method) or fem (FEM cell problems; step 3 alone)", &o->homog_data));
  PetscCall(PetscOptionsInt("-decay_steps", "Steps per decay factor of -cell_decay and -homog_decay", nullptr, o->decay_steps, &o->decay_steps, nullptr));
  PetscCall(PetscOptionsBool("-baseline", "Also the classical PINN on the multiscale equation and the transfer experiment", nullptr, o->baseline, &o->baseline, nullptr));
  PetscCall(PetscOptionsInt("-baseline_points", "Classical PINN points per side / in x (0: case default)", nullptr, o->baseline_points, &o->baseline_points, nullptr));
  PetscCall(PetscOptionsInt("-baseline_epochs", "Classical PINN epochs (0: the paper's)", nullptr, o->baseline_epochs, &o->baseline_epochs, nullptr));
  PetscCall(PetscOptionsReal("-baseline_lr", "Classical PINN Adam step (0: the paper's)", nullptr, o->baseline_lr, &o->baseline_lr, nullptr));
  PetscCall(PetscOptionsBool("-cell_only", "Step 1 alone (elliptic2d: chi_1 only; a*_11, a*_21 error, drift); no homogenized PINN", nullptr, o->cell_only, &o->cell_only, nullptr));
  PetscCall(PetscOptionsBool("-without_oversampling", "elliptic2d: also the cell PINN without oversampling", nullptr, o->plain, &o->plain, nullptr));
  PetscCall(PetscOptionsInt("-average_last", "Errors are averaged over this many last epochs", nullptr, o->average_last, &o->average_last, nullptr));
  PetscCall(PetscOptionsInt("-print_every", "Epochs between progress lines", nullptr, o->print_every, &o->print_every, nullptr));
  PetscCall(PetscOptionsInt("-threads", "Intra-op threads per rank (0: cores / ranks)", nullptr, o->threads, &o->threads, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-o", "HDF5 file with the error histories and test-node solutions", &o->output));
  PetscCall(read_string(PetscOptionsObject, "-report", "JSON report", &o->report));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

}  // namespace

int run_nhpinn(MPI_Comm comm) {
  NhpinnOptions o;
  NH_PETSC(read_options(comm, &o));
  if (finish_options(comm)) return 0;  // -help: the options are listed; unknown options: Error
  const HomogenizationCase c = make_homogenization_case(o.name, o.case_options);
  if (!o.report.empty()) require_writable_location(o.report, "-report file");
  NhpinnRequest q;
  q.fine_per_period = static_cast<int>(o.fine_per_period);
  q.cell_n = static_cast<int>(o.cell_n);
  q.steps = static_cast<int>(o.steps);
  q.cell_points = static_cast<int>(o.cell_points);
  q.oversampling = static_cast<int>(o.oversampling);
  q.cell_x = static_cast<int>(o.cell_x);
  q.cell_features = static_cast<int>(o.cell_features);
  q.cell_weights = o.cell_weights;
  q.cell_epochs = static_cast<int>(o.cell_epochs);
  q.homog_points = static_cast<int>(o.homog_points);
  q.homog_time_points = static_cast<int>(o.homog_time_points);
  q.homog_epochs = static_cast<int>(o.homog_epochs);
  q.baseline_points = static_cast<int>(o.baseline_points);
  q.baseline_epochs = static_cast<int>(o.baseline_epochs);
  q.cell_lr = o.cell_lr;
  q.cell_decay = o.cell_decay;
  q.homog_lr = o.homog_lr;
  q.homog_decay = o.homog_decay;
  q.homog_boundary_weight = o.homog_boundary_weight;
  q.baseline_lr = o.baseline_lr;
  q.decay_steps = o.decay_steps;
  q.homog_boundary = o.homog_boundary;
  q.homog_data = o.homog_data;
  q.baseline = o.baseline == PETSC_TRUE;
  q.without_oversampling = o.plain == PETSC_TRUE;
  q.cell_only = o.cell_only == PETSC_TRUE;
  q.average_last = static_cast<int>(o.average_last);
  q.print_every = static_cast<int>(o.print_every);
  q.threads = static_cast<int>(o.threads);
  q.output = o.output;
  const NhpinnSettings s = nhpinn_settings(c, q);
  const NhpinnResult r = run_nhpinn_case(comm, c, s);
  write_report(o.report, to_json(r, s, c), comm);
  if (is_root(comm)) {
    if (s.cell_only)
      std::printf("neurhom nhpinn: case %s, cell PINN only: cell error %.5f, a* error %.2e", r.name.c_str(), r.cell_error,
                  r.a_star_error);
    else
      std::printf("neurhom nhpinn: case %s, eps = %g: e1 = %.5f, e2 = %.5f, e3 = %.5f, e4 = %.5f, cell error %.5f",
                  r.name.c_str(), r.eps, r.e1, r.e2, r.e3, r.e4, s.homog_data_from_fem ? -1.0 : r.cell_error);
    if (r.cell_error_no_oversampling >= 0) std::printf(" (no oversampling %.5f)", r.cell_error_no_oversampling);
    if (s.baseline) std::printf(", classical PINN %.5f, transfer %.5f", r.baseline_error, r.transfer_error);
    std::printf(", %.1f s on %d ranks\n", r.seconds, mpi_size(comm));
  }
  return 0;
}

}  // namespace neurhom::app
