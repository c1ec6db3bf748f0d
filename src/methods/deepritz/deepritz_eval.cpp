#include "neurhom/methods/deepritz/deepritz_eval.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurhom/coef/parametric_coefficient.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/progress.hpp"
#include "neurhom/methods/deepritz/ritz_setting.hpp"
#include "neurhom/fem/field_output.hpp"
#include "neurhom/lod/nodal_corrector.hpp"
#include "neurhom/lod/pglod.hpp"
#include "neurhom/methods/deepritz/net/ritz_bundle.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

namespace {

struct LocalNetwork {
  CoarseNode node;
  Patch patch;
  torch::Tensor coordinates, mask;
  RitzNet net{nullptr};
};

struct Bases {
  OwnedMat ann, nodal, element, global;  // ann: only with networks; global: only when asked for
  OwnedMat tabulated, lookup;            // only with -tabulate K / -lookup
};

// Element correctors tabulated at parameters p_0 < ... < p_{K-1} (offline, exact), for the
// online alternatives to the networks: linear interpolation in p between the neighbouring
// grid points, or the nearest grid point (a lookup of the exact correctors at the training p).
class CorrectorTable {
 public:
  CorrectorTable() = default;
  CorrectorTable(std::vector<double> grid, std::vector<std::vector<BasisCorrection>> entries)
      : grid_(std::move(grid)), entries_(std::move(entries)) {}
  bool empty() const { return grid_.empty(); }
  size_t size() const { return grid_.size(); }

  std::vector<BasisCorrection> interpolate(double p) const {
    if (grid_.size() == 1 || p <= grid_.front()) return entries_.front();
    if (p >= grid_.back()) return entries_.back();
    const size_t j = static_cast<size_t>(std::upper_bound(grid_.begin(), grid_.end(), p) - grid_.begin()) - 1;
    const double w = (p - grid_[j]) / (grid_[j + 1] - grid_[j]);
    std::vector<BasisCorrection> out = entries_[j];
    for (size_t c = 0; c < out.size(); ++c) {
      const std::vector<double>& next = entries_[j + 1][c].values;
      for (size_t i = 0; i < next.size(); ++i) out[c].values[i] = (1 - w) * out[c].values[i] + w * next[i];
    }
    return out;
  }

  const std::vector<BasisCorrection>& nearest(double p) const {
    size_t best = 0;
    for (size_t j = 1; j < grid_.size(); ++j)
      if (std::abs(grid_[j] - p) < std::abs(grid_[best] - p)) best = j;
    return entries_[best];
  }

 private:
  std::vector<double> grid_;
  std::vector<std::vector<BasisCorrection>> entries_;
};

LodSettings element_lod_settings(int ell, const std::string& patch_solver) {
  LodSettings s;
  s.ell = ell;
  s.keep_correctors = true;
  s.patch_solver = patch_solver;
  return s;
}

// The bases of one coefficient a(., p), with their construction times (max over ranks):
// LOD-ANN (when a bundle is given), exact nodal LOD, element LOD at ell, and optionally the
// global LOD (element correctors on the whole domain, ell = H^-1: no localization).
class BasisFactory {
 public:
  BasisFactory(MPI_Comm comm, const FineSpace& space, const DeepRitzExample& e, const RitzBundle* bundle,
               const std::string& patch_solver, bool global, const std::vector<double>& tabulate_grid,
               const std::vector<double>& lookup_grid)
      : comm_(comm), space_(space), e_(e), nodal_(space.mesh(), patch_solver),
        lod_(comm, space.mesh(), element_lod_settings(e.ell, patch_solver)) {
    const CoarseMesh& mesh = space.mesh();
    WallTimer offline;
    tabulated_ = tabulate(tabulate_grid);
    lookup_ = tabulate(lookup_grid);
    table_seconds_ = max_ranks(comm, offline.seconds());
    if (global) global_ = std::make_unique<PgLod>(comm, mesh, element_lod_settings(mesh.cells, patch_solver));
    const std::vector<CoarseNode> nodes = interior_coarse_nodes(mesh);
    const auto [begin, end] = node_block(static_cast<int>(nodes.size()), mpi_rank(comm), mpi_size(comm));
    for (int k = begin; k < end; ++k) {
      LocalNetwork n;
      n.node = nodes[static_cast<size_t>(k)];
      n.patch = make_node_patch(mesh, n.node.i, n.node.j, e.ell);
      if (!bundle) {
        networks_.push_back(std::move(n));
        continue;
      }
      const int index = bundle->find(n.node.index(mesh));
      require(index >= 0, "Deep Ritz bundle has no network for coarse node (" + std::to_string(n.node.i) + ", " +
                              std::to_string(n.node.j) + ")");
      n.net = bundle->network(static_cast<size_t>(index), torch::kFloat32);
      n.net->eval();
      const std::vector<double> xy = ritz_input_coordinates(n.patch);
      n.coordinates = torch::tensor(xy, torch::kFloat64).reshape({-1, 2}).to(torch::kFloat32);
      n.mask = torch::tensor(free_node_mask(n.patch), torch::kFloat64).to(torch::kFloat32);
      networks_.push_back(std::move(n));
    }
  }

  Bases make(double p, const CellField& field) {
    Bases b;
    const CoarseMesh& mesh = space_.mesh();
    if (has_networks()) {  // LOD-ANN: one forward pass per node network
      WallTimer timer;
      std::vector<BasisCorrection> corrections;
      torch::NoGradGuard no_grad;
      const torch::Tensor param = torch::full({1}, e_.family.normalized(p), torch::kFloat32);
      for (auto& n : networks_) {
        const torch::Tensor alpha = n.net->forward(n.coordinates, n.mask, param).reshape({-1}).to(torch::kFloat64).contiguous();
        corrections.push_back({n.node.index(mesh), n.patch,
                               std::vector<double>(alpha.data_ptr<double>(), alpha.data_ptr<double>() + alpha.numel())});
      }
      const double local = timer.seconds();
      b.ann = assemble(corrections, ann_assembly_);
      ann_seconds_ += max_ranks(comm_, local);
    }
    {  // exact nodal LOD correctors (the networks' target)
      WallTimer timer;
      std::vector<BasisCorrection> corrections;
      for (auto& n : networks_)
        corrections.push_back({n.node.index(mesh), n.patch,
                               nodal_.compute(n.patch, n.node.i, n.node.j, patch_cell_values(n.patch, field, mesh.fine_cells()))});
      const double local = timer.seconds();
      b.nodal = assemble(corrections, nodal_assembly_);
      nodal_seconds_ += max_ranks(comm_, local);
    }
    {  // element correctors of `neurhom lod`
      lod_.compute(field);
      element_seconds_ += lod_.offline_seconds();
      b.element = assemble(element_corrections(mesh, lod_.local_patches()), element_assembly_);
    }
    if (global_) {
      global_->compute(field);
      b.global = corrected_basis(space_, element_corrections(mesh, global_->local_patches()));
    }
    if (!tabulated_.empty()) {  // linear interpolation of the tabulated correctors in p
      WallTimer timer;
      const std::vector<BasisCorrection> corrections = tabulated_.interpolate(p);
      tabulated_seconds_ += max_ranks(comm_, timer.seconds());
      b.tabulated = assemble(corrections, tabulated_assembly_);
    }
    if (!lookup_.empty()) {
      b.lookup = assemble(lookup_.nearest(p), lookup_assembly_);
    }
    return b;
  }

  double tabulated_seconds() const { return tabulated_seconds_; }
  // Phi = P - Q from the corrections, per method (max over ranks, summed over the bases made)
  double ann_assembly() const { return ann_assembly_; }
  double nodal_assembly() const { return nodal_assembly_; }
  double element_assembly() const { return element_assembly_; }
  double tabulated_assembly() const { return tabulated_assembly_; }
  double lookup_assembly() const { return lookup_assembly_; }
  double table_seconds() const { return table_seconds_; }  // offline: computing both tables

  bool has_networks() const { return !networks_.empty() && networks_.front().net; }
  bool has_global() const { return static_cast<bool>(global_); }

  double ann_seconds() const { return ann_seconds_; }
  double nodal_seconds() const { return nodal_seconds_; }
  double element_seconds() const { return element_seconds_; }

 private:
  MPI_Comm comm_;
  const FineSpace& space_;
  const DeepRitzExample& e_;
  NodalCorrector nodal_;
  PgLod lod_;
  std::unique_ptr<PgLod> global_;
  std::vector<LocalNetwork> networks_;
  CorrectorTable tabulated_, lookup_;
  double ann_seconds_ = 0, nodal_seconds_ = 0, element_seconds_ = 0;
  double tabulated_seconds_ = 0, table_seconds_ = 0;
  double ann_assembly_ = 0, nodal_assembly_ = 0, element_assembly_ = 0, tabulated_assembly_ = 0, lookup_assembly_ = 0;

  OwnedMat assemble(const std::vector<BasisCorrection>& corrections, double& seconds) {
    WallTimer timer;
    OwnedMat phi = corrected_basis(space_, corrections);
    seconds += max_ranks(comm_, timer.seconds());
    return phi;
  }

  CorrectorTable tabulate(const std::vector<double>& grid) {
    std::vector<std::vector<BasisCorrection>> entries;
    for (double p : grid) {
      lod_.compute(*e_.family.field(p));
      entries.push_back(element_corrections(space_.mesh(), lod_.local_patches()));
    }
    return CorrectorTable(grid, std::move(entries));
  }
};

double relative_l2(const FineSpace& space, Vec u, Vec reference) {
  OwnedVec d = space.create_vector();
  NH_PETSC(VecWAXPY(d, -1.0, reference, u));
  const double ref = space.l2_norm(reference);
  return ref > 0 ? space.l2_norm(d) / ref : space.l2_norm(d);
}

struct PathRun {
  double error_T = 0, error_T_nodal = 0, localization_T = 0, spacetime = 0;
  double nodal_vs_global_T = 0, element_vs_global_T = 0;
  double tabulated_T = 0, lookup_T = 0;  // vs element LOD
  // seconds of the coarse matrices and solves (max over ranks) per method, whole path
  double solve_ann = 0, solve_nodal = 0, solve_element = 0, solve_tabulated = 0, solve_lookup = 0;
  std::vector<double> times, errors;
  double basis_mean = 0, basis_max = 0, basis_element_mean = 0;
  double basis_energy_mean = 0, basis_energy_element_mean = 0;  // in the K norm
};

// Backward Euler along p(t) with all bases; writes fields at the requested steps (with
// networks). lagged: step m uses the coefficient (and basis) of t_{m-1}, as lodpinn.
PathRun run_path(const FineSpace& space, BasisFactory& factory, const ParametricFamily& family, LodForm form,
                 double final_time, int steps, bool lagged, const std::function<double(double)>& p_of_t,
                 FieldWriter* writer, const std::vector<int>& field_steps) {
  const double dt = final_time / steps;
  const bool with_ann = factory.has_networks();
  ParabolicBasisLod ann(space, form, dt), nodal(space, form, dt), element(space, form, dt), global(space, form, dt);
  ParabolicBasisLod tabulated(space, form, dt), lookup(space, form, dt);
  const MPI_Comm comm = space.comm();
  auto timed_step = [&](ParabolicBasisLod& solver, Mat phi, Mat K, double& seconds) {
    WallTimer timer;
    solver.step(phi, K);
    seconds += max_ranks(comm, timer.seconds());
  };
  PathRun run;
  double last_p = std::nan("");
  Bases bases;
  double diff2 = 0, ref2 = 0;
  int basis_count = 0;
  OwnedVec global_ann, global_ref, global_err;
  if (writer && with_ann) {
    global_ann = space.grid().create_vector();
    global_ref = space.grid().create_vector();
    global_err = space.grid().create_vector();
  }
  for (int m = 1; m <= steps; ++m) {
    const double t = m * dt, p = p_of_t(lagged ? (m - 1) * dt : t);
    const auto field = family.field(p);
    OwnedMat K = space.stiffness(*field);
    if (!(p == last_p)) {
      bases = factory.make(p, *field);
      if (with_ann) {
        const ColumnErrors vs_nodal = relative_column_errors(space, bases.ann, bases.nodal);
        const ColumnErrors vs_element = relative_column_errors(space, bases.ann, bases.element);
        run.basis_mean += vs_nodal.mean;
        run.basis_max = std::max(run.basis_max, vs_nodal.max);
        run.basis_element_mean += vs_element.mean;
        run.basis_energy_mean += relative_energy_errors(space, bases.ann, bases.nodal, K).mean;
        run.basis_energy_element_mean += relative_energy_errors(space, bases.ann, bases.element, K).mean;
      }
      ++basis_count;
      last_p = p;
    }
    timed_step(nodal, bases.nodal, K, run.solve_nodal);
    timed_step(element, bases.element, K, run.solve_element);
    if (bases.global) global.step(bases.global, K);
    if (bases.tabulated) timed_step(tabulated, bases.tabulated, K, run.solve_tabulated);
    if (bases.lookup) timed_step(lookup, bases.lookup, K, run.solve_lookup);
    // the error history: LOD-ANN vs LOD, or without networks nodal vs element LOD
    if (with_ann) timed_step(ann, bases.ann, K, run.solve_ann);
    const double e = relative_l2(space, with_ann ? ann.state() : nodal.state(), element.state());
    run.times.push_back(t);
    run.errors.push_back(e);
    const double ref = space.l2_norm(element.state());
    diff2 += std::pow(e * ref, 2);
    ref2 += ref * ref;
    if (writer && with_ann && std::find(field_steps.begin(), field_steps.end(), m) != field_steps.end()) {
      OwnedVec err = space.create_vector();
      NH_PETSC(VecWAXPY(err, -1.0, element.state(), ann.state()));
      NH_PETSC(VecAbs(err));
      space.to_grid(ann.state(), global_ann);
      space.to_grid(element.state(), global_ref);
      space.to_grid(err, global_err);
      const int k = static_cast<int>(std::find(field_steps.begin(), field_steps.end(), m) - field_steps.begin());
      writer->write_nodes("u_lod_ann", global_ann, k, t);
      writer->write_nodes("u_lod", global_ref, k, t);
      writer->write_nodes("abs_error", global_err, k, t);
    }
  }
  run.error_T = run.errors.back();
  if (with_ann) run.error_T_nodal = relative_l2(space, ann.state(), nodal.state());
  run.localization_T = relative_l2(space, nodal.state(), element.state());
  if (bases.tabulated) run.tabulated_T = relative_l2(space, tabulated.state(), element.state());
  if (bases.lookup) run.lookup_T = relative_l2(space, lookup.state(), element.state());
  if (factory.has_global()) {
    run.nodal_vs_global_T = relative_l2(space, nodal.state(), global.state());
    run.element_vs_global_T = relative_l2(space, element.state(), global.state());
  }
  run.spacetime = ref2 > 0 ? std::sqrt(diff2 / ref2) : 0;
  run.basis_mean /= std::max(basis_count, 1);
  run.basis_element_mean /= std::max(basis_count, 1);
  run.basis_energy_mean /= std::max(basis_count, 1);
  run.basis_energy_element_mean /= std::max(basis_count, 1);
  return run;
}

}  // namespace

DeepRitzEvalResult evaluate_deep_ritz(MPI_Comm comm, const DeepRitzEvalSettings& settings) {
  DeepRitzEvalSettings s = settings;
  require(!s.model.empty() || !s.example.empty(),
          "deepritz-eval needs a trained bundle (-model bundle.pt, from `neurhom train -model deepritz`) or, for the "
          "exact LOD bases alone, -example cont|battery|battery-ref");
  require(s.model.empty() || s.example.empty(), "deepritz-eval: -example is taken from the bundle; give -model or -example, not both");
  require(s.final_time > 0 && s.steps >= 0, "-T must be positive and -steps at least 1");
  require(s.test_samples >= 0, "-test_samples must be non-negative");
  torch::set_num_threads(s.threads > 0 ? s.threads : default_threads_per_rank(comm));  // as in training
  std::unique_ptr<RitzBundle> bundle;
  DeepRitzExample e;
  if (!s.model.empty()) {
    bundle = std::make_unique<RitzBundle>(load_ritz_bundle(s.model));
    e = deep_ritz_example(bundle->attribute("example"));
    e.coarse_n = bundle->int_attribute("coarse_n");
    e.fine_n = bundle->int_attribute("fine_n");
    e.ell = bundle->int_attribute("ell");
    const auto check = [&](int requested, int trained, const char* option) {
      require(requested == 0 || requested == trained,
              "the bundle '" + s.model + "' was trained for H = 1/" + std::to_string(e.coarse_n) + ", h = 1/" +
                  std::to_string(e.fine_n) + ", ell = " + std::to_string(e.ell) + "; " + option + " " +
                  std::to_string(requested) + " asks for another mesh (train a bundle for it)");
    };
    check(s.coarse_n, e.coarse_n, "-coarse_n");
    check(s.fine_n, e.fine_n, "-fine_n");
    check(s.ell, e.ell, "-ell");
  } else {  // exact bases only: the localization of the nodal and element LOD
    e = deep_ritz_example(s.example);
    if (s.coarse_n > 0) e.coarse_n = s.coarse_n;
    if (s.fine_n > 0) e.fine_n = s.fine_n;
    if (s.ell > 0) e.ell = s.ell;
    require(e.fine_n % e.coarse_n == 0, "-fine_n " + std::to_string(e.fine_n) + " is not a multiple of -coarse_n " +
                                            std::to_string(e.coarse_n));
    s.global_lod = true;
  }
  if (s.steps == 0) s.steps = e.steps;
  const bool lagged = s.coefficient_time.empty() ? e.lagged : s.coefficient_time == "lagged";
  require(s.coefficient_time.empty() || s.coefficient_time == "lagged" || s.coefficient_time == "current",
          "-coefficient_time must be current or lagged (got '" + s.coefficient_time + "')");
  const ParametricFamily& family = e.family;
  const double p0 = s.p_start < 0 ? family.p_min : s.p_start, p1 = s.p_end < 0 ? family.p_max : s.p_end;
  DeepRitzEvalResult r;
  for (double p : {p0, p1})
    if (!family.contains(p)) ++r.outside_range;
  if (r.outside_range > 0 && is_root(comm))
    std::fprintf(stderr, "neurhom deepritz-eval: warning: the path p in [%g, %g] leaves the training range [%g, %g]; "
                         "the networks extrapolate\n", p0, p1, family.p_min, family.p_max);

  const CoarseMesh mesh(e.coarse_n, e.fine_n);
  const StructuredGrid grid(comm, e.fine_n);
  const FineSpace space(grid, mesh, family.capacity.get(), family.source);
  require(s.tabulate >= 0 && s.tabulate != 1, "-tabulate must be 0 (off) or at least 2 grid points (got " +
                                                 std::to_string(s.tabulate) + ")");
  require(bundle || s.fields.empty(), "deepritz-eval: -fields writes the LOD-ANN solution and needs a bundle (-model)");
  const int training_samples = bundle ? bundle->int_attribute("samples") : e.samples;
  const std::vector<double> tabulate_grid = s.tabulate > 0 ? linspace_parameters(family, s.tabulate) : std::vector<double>{};
  const std::vector<double> lookup_grid = s.lookup ? linspace_parameters(family, training_samples) : std::vector<double>{};
  BasisFactory factory(comm, space, e, bundle.get(), s.patch_solver, s.global_lod, tabulate_grid, lookup_grid);
  const bool root = is_root(comm);

  std::unique_ptr<FieldWriter> writer;
  std::vector<int> field_steps;
  if (!s.fields.empty()) {
    writer = std::make_unique<FieldWriter>(s.fields, grid);
    for (double t : s.field_times) {
      require(t > 0 && t <= s.final_time * (1 + 1e-12), "-field_times must lie in (0, T]");
      field_steps.push_back(std::max(1, static_cast<int>(std::lround(t / s.final_time * s.steps))));
    }
  }
  WallTimer timer;
  const PathRun path = run_path(space, factory, family, s.form, s.final_time, s.steps, lagged,
                                [&](double t) { return path_parameter(p0, p1, s.final_time, t); }, writer.get(), field_steps);
  if (writer) writer->close();
  const double ann = factory.ann_seconds(), nodal = factory.nodal_seconds(), element = factory.element_seconds();
  if (root)
    std::printf(factory.has_networks()
                    ? "[deepritz-eval] path p %g -> %g, %d steps: relative L2 error at T %.4e (vs nodal LOD %.4e), basis error %.4e, "
                      "%.1f s\n"
                    : "[deepritz-eval] exact bases, path p %g -> %g, %d steps: nodal vs element LOD at T %.4e, nodal vs global "
                      "LOD %.4e, element vs global %.4e, %.1f s\n",
                p0, p1, s.steps, path.error_T, factory.has_networks() ? path.error_T_nodal : path.nodal_vs_global_T,
                factory.has_networks() ? path.basis_mean : path.element_vs_global_T, timer.seconds());

  r.example = e.name;
  r.networks = factory.has_networks();
  r.global_lod = factory.has_global();
  r.lagged = lagged;
  r.form = lod_form_name(s.form);
  r.coarse_n = e.coarse_n;
  r.fine_n = e.fine_n;
  r.ell = e.ell;
  r.nodes = static_cast<int>(interior_coarse_nodes(mesh).size());
  r.steps = s.steps;
  r.p_start = p0;
  r.p_end = p1;
  r.relative_error_T = path.error_T;
  r.relative_error_T_nodal = path.error_T_nodal;
  r.localization_error_T = path.localization_T;
  r.nodal_vs_global_T = path.nodal_vs_global_T;
  r.element_vs_global_T = path.element_vs_global_T;
  r.relative_error_spacetime = path.spacetime;
  r.times = path.times;
  r.error_history = path.errors;
  r.basis_error_mean = path.basis_mean;
  r.basis_error_max = path.basis_max;
  r.basis_error_element_mean = path.basis_element_mean;
  r.basis_error_energy_mean = path.basis_energy_mean;
  r.basis_error_energy_element_mean = path.basis_energy_element_mean;
  r.ann_seconds = ann;
  r.nodal_seconds = nodal;
  r.element_seconds = element;
  r.online_speedup = ann > 0 ? nodal / ann : 0;
  r.online_speedup_element = ann > 0 ? element / ann : 0;
  // end to end per time step: correctors + Phi + coarse matrices and solve
  const double n_steps = static_cast<double>(s.steps);
  r.step_seconds_nodal = (nodal + factory.nodal_assembly() + path.solve_nodal) / n_steps;
  r.step_seconds_element = (element + factory.element_assembly() + path.solve_element) / n_steps;
  if (factory.has_networks()) r.step_seconds_ann = (ann + factory.ann_assembly() + path.solve_ann) / n_steps;
  r.tabulate = s.tabulate;
  r.lookup_points = static_cast<int>(lookup_grid.size());
  r.table_offline_seconds = factory.table_seconds();
  if (s.tabulate > 0) {
    r.tabulated_error_T = path.tabulated_T;
    r.step_seconds_tabulated = (factory.tabulated_seconds() + factory.tabulated_assembly() + path.solve_tabulated) / n_steps;
  }
  if (s.lookup) {
    r.lookup_error_T = path.lookup_T;
    r.step_seconds_lookup = (factory.lookup_assembly() + path.solve_lookup) / n_steps;
  }

  // Test set: random p, fixed in time.
  const std::vector<double> test = random_parameters(family, s.test_samples, s.seed);
  Progress progress("deepritz-eval", "test parameter", static_cast<long long>(test.size()), comm);
  for (size_t k = 0; k < test.size(); ++k) {
    const double p = test[k];
    const PathRun run = run_path(space, factory, family, s.form, s.final_time, s.steps, lagged, [p](double) { return p; },
                                 nullptr, {});
    r.relative_error_T_mean += run.error_T / static_cast<double>(test.size());
    r.relative_error_T_max = std::max(r.relative_error_T_max, run.error_T);
    r.localization_error_T_mean += run.localization_T / static_cast<double>(test.size());
    r.nodal_vs_global_T_mean += run.nodal_vs_global_T / static_cast<double>(test.size());
    r.element_vs_global_T_mean += run.element_vs_global_T / static_cast<double>(test.size());
    r.tabulated_error_T_mean += run.tabulated_T / static_cast<double>(test.size());
    r.lookup_error_T_mean += run.lookup_T / static_cast<double>(test.size());
    progress.update(static_cast<long long>(k + 1));
  }
  progress.finish();
  r.test_samples = static_cast<int>(test.size());
  return r;
}

Json to_json(const DeepRitzEvalResult& r) {
  Json report = Json::object();
  report["model"] = "deepritz";
  report["example"] = r.example;
  report["networks"] = r.networks ? r.nodes : 0;
  report["form"] = r.form;
  report["coefficient_time"] = r.lagged ? "lagged" : "current";
  report["coarse_n"] = r.coarse_n;
  report["fine_n"] = r.fine_n;
  report["ell"] = r.ell;
  report["steps"] = r.steps;
  report["p_start"] = r.p_start;
  report["p_end"] = r.p_end;
  report["localization_error_T"] = r.localization_error_T;
  report["test_samples"] = r.test_samples;
  report["localization_error_T_mean"] = r.localization_error_T_mean;
  if (r.global_lod) {
    report["nodal_vs_global_T"] = r.nodal_vs_global_T;
    report["element_vs_global_T"] = r.element_vs_global_T;
    report["nodal_vs_global_T_mean"] = r.nodal_vs_global_T_mean;
    report["element_vs_global_T_mean"] = r.element_vs_global_T_mean;
  }
  report["times"] = Json::array_of(r.times);
  report["step_seconds_nodal"] = r.step_seconds_nodal;
  report["step_seconds_element"] = r.step_seconds_element;
  if (r.tabulate > 0) {
    report["tabulate"] = r.tabulate;
    report["tabulated_error_T"] = r.tabulated_error_T;
    report["tabulated_error_T_mean"] = r.tabulated_error_T_mean;
    report["step_seconds_tabulated"] = r.step_seconds_tabulated;
  }
  if (r.lookup_points > 0) {
    report["lookup_points"] = r.lookup_points;
    report["lookup_error_T"] = r.lookup_error_T;
    report["lookup_error_T_mean"] = r.lookup_error_T_mean;
    report["step_seconds_lookup"] = r.step_seconds_lookup;
  }
  if (r.tabulate > 0 || r.lookup_points > 0) report["table_offline_seconds"] = r.table_offline_seconds;
  if (!r.networks) {  // exact bases: the history is nodal vs element LOD
    report["localization_history"] = Json::array_of(r.error_history);
    return report;
  }
  report["relative_error_T"] = r.relative_error_T;
  report["relative_error_T_nodal"] = r.relative_error_T_nodal;
  report["relative_error_spacetime"] = r.relative_error_spacetime;
  report["basis_error_mean"] = r.basis_error_mean;
  report["basis_error_max"] = r.basis_error_max;
  report["basis_error_element_mean"] = r.basis_error_element_mean;
  report["basis_error_energy_mean"] = r.basis_error_energy_mean;
  report["basis_error_energy_element_mean"] = r.basis_error_energy_element_mean;
  report["relative_error_T_mean"] = r.relative_error_T_mean;
  report["relative_error_T_max"] = r.relative_error_T_max;
  report["ann_basis_seconds"] = r.ann_seconds;
  report["nodal_basis_seconds"] = r.nodal_seconds;
  report["element_basis_seconds"] = r.element_seconds;
  report["online_speedup"] = r.online_speedup;
  report["online_speedup_element"] = r.online_speedup_element;
  report["step_seconds_ann"] = r.step_seconds_ann;
  report["outside_training_range"] = r.outside_range;
  report["error_history"] = Json::array_of(r.error_history);
  return report;
}

}  // namespace neurhom
