#include "neurhom/methods/deepritz/deepritz_eval.hpp"

#include <torch/torch.h>

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
  OwnedMat ann, nodal, element;
};

// The three bases of one coefficient a(., p), with their construction times (max over ranks).
class BasisFactory {
 public:
  BasisFactory(MPI_Comm comm, const FineSpace& space, const DeepRitzExample& e, const RitzBundle& bundle,
               const std::string& patch_solver)
      : comm_(comm), space_(space), e_(e), nodal_(space.mesh(), patch_solver),
        lod_(comm, space.mesh(), [&] {
          LodSettings s;
          s.ell = e.ell;
          s.keep_correctors = true;
          s.patch_solver = patch_solver;
          return s;
        }()) {
    const CoarseMesh& mesh = space.mesh();
    const std::vector<CoarseNode> nodes = interior_coarse_nodes(mesh);
    const auto [begin, end] = node_block(static_cast<int>(nodes.size()), mpi_rank(comm), mpi_size(comm));
    for (int k = begin; k < end; ++k) {
      LocalNetwork n;
      n.node = nodes[static_cast<size_t>(k)];
      n.patch = make_node_patch(mesh, n.node.i, n.node.j, e.ell);
      const int index = bundle.find(n.node.index(mesh));
      require(index >= 0, "Deep Ritz bundle has no network for coarse node (" + std::to_string(n.node.i) + ", " +
                              std::to_string(n.node.j) + ")");
      n.net = bundle.network(static_cast<size_t>(index), torch::kFloat32);
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
    {  // LOD-ANN: one forward pass per node network
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
      b.ann = corrected_basis(space_, corrections);
      ann_seconds_ += max_ranks(comm_, local);
    }
    {  // exact nodal LOD correctors (the networks' target)
      WallTimer timer;
      std::vector<BasisCorrection> corrections;
      for (auto& n : networks_)
        corrections.push_back({n.node.index(mesh), n.patch,
                               nodal_.compute(n.patch, n.node.i, n.node.j, patch_cell_values(n.patch, field, mesh.fine_cells()))});
      const double local = timer.seconds();
      b.nodal = corrected_basis(space_, corrections);
      nodal_seconds_ += max_ranks(comm_, local);
    }
    {  // element correctors of `neurhom lod`
      lod_.compute(field);
      element_seconds_ += lod_.offline_seconds();
      b.element = corrected_basis(space_, element_corrections(mesh, lod_.local_patches()));
    }
    return b;
  }

  double ann_seconds() const { return ann_seconds_; }
  double nodal_seconds() const { return nodal_seconds_; }
  double element_seconds() const { return element_seconds_; }

 private:
  MPI_Comm comm_;
  const FineSpace& space_;
  const DeepRitzExample& e_;
  NodalCorrector nodal_;
  PgLod lod_;
  std::vector<LocalNetwork> networks_;
  double ann_seconds_ = 0, nodal_seconds_ = 0, element_seconds_ = 0;
};

double relative_l2(const FineSpace& space, Vec u, Vec reference) {
  OwnedVec d = space.create_vector();
  NH_PETSC(VecWAXPY(d, -1.0, reference, u));
  const double ref = space.l2_norm(reference);
  return ref > 0 ? space.l2_norm(d) / ref : space.l2_norm(d);
}

struct PathRun {
  double error_T = 0, error_T_nodal = 0, localization_T = 0, spacetime = 0;
  std::vector<double> times, errors;
  double basis_mean = 0, basis_max = 0, basis_element_mean = 0;
};

// Backward Euler along p(t) with all three bases; writes fields at the requested steps.
PathRun run_path(const FineSpace& space, BasisFactory& factory, const ParametricFamily& family, LodForm form,
                 double final_time, int steps, const std::function<double(double)>& p_of_t, FieldWriter* writer,
                 const std::vector<int>& field_steps) {
  const double dt = final_time / steps;
  ParabolicBasisLod ann(space, form, dt), nodal(space, form, dt), element(space, form, dt);
  PathRun run;
  double last_p = std::nan("");
  Bases bases;
  double diff2 = 0, ref2 = 0;
  int basis_count = 0;
  OwnedVec global_ann, global_ref, global_err;
  if (writer) {
    global_ann = space.grid().create_vector();
    global_ref = space.grid().create_vector();
    global_err = space.grid().create_vector();
  }
  for (int m = 1; m <= steps; ++m) {
    const double t = m * dt, p = p_of_t(t);
    const auto field = family.field(p);
    if (!(p == last_p)) {
      bases = factory.make(p, *field);
      const ColumnErrors vs_nodal = relative_column_errors(space, bases.ann, bases.nodal);
      const ColumnErrors vs_element = relative_column_errors(space, bases.ann, bases.element);
      run.basis_mean += vs_nodal.mean;
      run.basis_max = std::max(run.basis_max, vs_nodal.max);
      run.basis_element_mean += vs_element.mean;
      ++basis_count;
      last_p = p;
    }
    OwnedMat K = space.stiffness(*field);
    ann.step(bases.ann, K);
    nodal.step(bases.nodal, K);
    element.step(bases.element, K);
    const double e = relative_l2(space, ann.state(), element.state());
    run.times.push_back(t);
    run.errors.push_back(e);
    const double ref = space.l2_norm(element.state());
    diff2 += std::pow(e * ref, 2);
    ref2 += ref * ref;
    if (writer && std::find(field_steps.begin(), field_steps.end(), m) != field_steps.end()) {
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
  run.error_T_nodal = relative_l2(space, ann.state(), nodal.state());
  run.localization_T = relative_l2(space, nodal.state(), element.state());
  run.spacetime = ref2 > 0 ? std::sqrt(diff2 / ref2) : 0;
  run.basis_mean /= std::max(basis_count, 1);
  run.basis_element_mean /= std::max(basis_count, 1);
  return run;
}

}  // namespace

DeepRitzEvalResult evaluate_deep_ritz(MPI_Comm comm, const DeepRitzEvalSettings& s) {
  require(!s.model.empty(), "deepritz-eval needs a trained bundle: -model bundle.pt (from `neurhom train -model deepritz`)");
  require(s.final_time > 0 && s.steps >= 1, "-T must be positive and -steps at least 1");
  require(s.test_samples >= 0, "-test_samples must be non-negative");
  torch::set_num_threads(s.threads > 0 ? s.threads : default_threads_per_rank(comm));  // as in training
  const RitzBundle bundle = load_ritz_bundle(s.model);
  DeepRitzExample e = deep_ritz_example(bundle.attribute("example"));
  e.coarse_n = bundle.int_attribute("coarse_n");
  e.fine_n = bundle.int_attribute("fine_n");
  e.ell = bundle.int_attribute("ell");
  const auto check = [&](int requested, int trained, const char* option) {
    require(requested == 0 || requested == trained,
            "the bundle '" + s.model + "' was trained for H = 1/" + std::to_string(e.coarse_n) + ", h = 1/" +
                std::to_string(e.fine_n) + ", ell = " + std::to_string(e.ell) + "; " + option + " " +
                std::to_string(requested) + " asks for another mesh (train a bundle for it)");
  };
  check(s.coarse_n, e.coarse_n, "-coarse_n");
  check(s.fine_n, e.fine_n, "-fine_n");
  check(s.ell, e.ell, "-ell");
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
  const FineSpace space(grid, mesh);
  BasisFactory factory(comm, space, e, bundle, s.patch_solver);
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
  const PathRun path = run_path(space, factory, family, s.form, s.final_time, s.steps,
                                [&](double t) { return path_parameter(p0, p1, s.final_time, t); }, writer.get(), field_steps);
  if (writer) writer->close();
  const double ann = factory.ann_seconds(), nodal = factory.nodal_seconds(), element = factory.element_seconds();
  if (root)
    std::printf("[deepritz-eval] path p %g -> %g, %d steps: relative L2 error at T %.4e (vs nodal LOD %.4e), basis error %.4e, "
                "%.1f s\n", p0, p1, s.steps, path.error_T, path.error_T_nodal, path.basis_mean, timer.seconds());

  r.example = e.name;
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
  r.relative_error_spacetime = path.spacetime;
  r.times = path.times;
  r.error_history = path.errors;
  r.basis_error_mean = path.basis_mean;
  r.basis_error_max = path.basis_max;
  r.basis_error_element_mean = path.basis_element_mean;
  r.ann_seconds = ann;
  r.nodal_seconds = nodal;
  r.element_seconds = element;
  r.online_speedup = ann > 0 ? nodal / ann : 0;
  r.online_speedup_element = ann > 0 ? element / ann : 0;

  // Test set: random p, fixed in time.
  const std::vector<double> test = random_parameters(family, s.test_samples, s.seed);
  Progress progress("deepritz-eval", "test parameter", static_cast<long long>(test.size()), comm);
  for (size_t k = 0; k < test.size(); ++k) {
    const double p = test[k];
    const PathRun run = run_path(space, factory, family, s.form, s.final_time, s.steps, [p](double) { return p; },
                                 nullptr, {});
    r.relative_error_T_mean += run.error_T / static_cast<double>(test.size());
    r.relative_error_T_max = std::max(r.relative_error_T_max, run.error_T);
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
  report["form"] = r.form;
  report["coarse_n"] = r.coarse_n;
  report["fine_n"] = r.fine_n;
  report["ell"] = r.ell;
  report["networks"] = r.nodes;
  report["steps"] = r.steps;
  report["p_start"] = r.p_start;
  report["p_end"] = r.p_end;
  report["relative_error_T"] = r.relative_error_T;
  report["relative_error_T_nodal"] = r.relative_error_T_nodal;
  report["localization_error_T"] = r.localization_error_T;
  report["relative_error_spacetime"] = r.relative_error_spacetime;
  report["basis_error_mean"] = r.basis_error_mean;
  report["basis_error_max"] = r.basis_error_max;
  report["basis_error_element_mean"] = r.basis_error_element_mean;
  report["test_samples"] = r.test_samples;
  report["relative_error_T_mean"] = r.relative_error_T_mean;
  report["relative_error_T_max"] = r.relative_error_T_max;
  report["ann_basis_seconds"] = r.ann_seconds;
  report["nodal_basis_seconds"] = r.nodal_seconds;
  report["element_basis_seconds"] = r.element_seconds;
  report["online_speedup"] = r.online_speedup;
  report["online_speedup_element"] = r.online_speedup_element;
  report["outside_training_range"] = r.outside_range;
  report["times"] = Json::array_of(r.times);
  report["error_history"] = Json::array_of(r.error_history);
  return report;
}

}  // namespace neurhom
