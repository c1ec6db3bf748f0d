#include "neurhom/methods/deepritz/ritz_setting.hpp"

#include "neurhom/core/error.hpp"
#include "neurhom/patch/patch_operators.hpp"

namespace neurhom {

DeepRitzExample deep_ritz_example(const std::string& name) {
  DeepRitzExample e;
  e.name = name;
  if (name == "cont") {
    e.coarse_n = 6;
    e.fine_n = 36;
    e.samples = 40;
  } else if (name == "battery") {
    e.coarse_n = 6;
    e.fine_n = 60;
    e.samples = 15;
  } else if (name == "battery-ref") {
    e.coarse_n = 8;
    e.fine_n = 40;
    e.samples = 20;
    e.steps = 19;
    e.lagged = true;
  } else {
    throw Error("unknown Deep Ritz example '" + name + "' (-example); known: cont, battery, battery-ref");
  }
  e.family = make_parametric_family(name);
  return e;
}

std::vector<CoarseNode> interior_coarse_nodes(const CoarseMesh& mesh) {
  std::vector<CoarseNode> nodes;
  for (int j = 1; j < mesh.cells; ++j)
    for (int i = 1; i < mesh.cells; ++i) nodes.push_back({i, j});
  return nodes;
}

std::pair<int, int> node_block(int count, int rank, int size) {
  const int base = count / size, extra = count % size;
  const int begin = rank * base + std::min(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

namespace {

torch::Tensor to_tensor(const std::vector<double>& v, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<double*>(v.data()), shape, torch::kFloat64).clone();
}

}  // namespace

std::vector<double> ritz_input_coordinates(const Patch& patch) {
  std::vector<double> xy;
  xy.reserve(static_cast<size_t>(2 * patch.fine_nodes()));
  for (int y = 0; y <= patch.fine_ny(); ++y)
    for (int x = 0; x <= patch.fine_nx(); ++x) {
      xy.push_back(2.0 * x / patch.fine_nx() - 1.0);
      xy.push_back(2.0 * y / patch.fine_ny() - 1.0);
    }
  return xy;
}

RitzPadding ritz_padding(const CoarseMesh& mesh, const QuasiInterpolation& qi, int ell) {
  RitzPadding pad;
  for (const CoarseNode& node : interior_coarse_nodes(mesh)) {
    const Patch patch = make_node_patch(mesh, node.i, node.j, ell);
    std::vector<int> constrained;
    const DenseMatrix C = qi.constraint_matrix(patch, &constrained);
    pad.include({patch.fine_nodes(), static_cast<std::int64_t>(patch.fine_nx()) * patch.fine_ny(), C.rows});
  }
  return pad;
}

RitzProblem build_ritz_problem(const CoarseMesh& mesh, const QuasiInterpolation& qi, const CoarseNode& node, int ell,
                               const ParametricFamily& family, const std::vector<double>& params) {
  require(!params.empty(), "Deep Ritz: no training parameters");
  const Patch patch = make_node_patch(mesh, node.i, node.j, ell);
  const std::int64_t n = patch.fine_nodes(), c = static_cast<std::int64_t>(patch.fine_nx()) * patch.fine_ny();
  RitzProblem p;
  p.coordinates = to_tensor(ritz_input_coordinates(patch), {n, 2});
  p.free_mask = to_tensor(free_node_mask(patch), {n});
  const std::vector<int> cells = patch_cell_nodes(patch);
  std::vector<std::int64_t> cells64(cells.begin(), cells.end());
  p.cell_nodes = torch::tensor(cells64, torch::kInt64).reshape({c, 4});
  std::vector<double> coefficient, normalized;
  for (double value : params) {
    const auto field = family.field(value);
    for (double a : patch_cell_values(patch, *field, mesh.fine_cells())) coefficient.push_back(a / family.scale);
    normalized.push_back(family.normalized(value));
  }
  p.cell_coefficient = to_tensor(coefficient, {static_cast<std::int64_t>(params.size()), c});
  p.parameters = to_tensor(normalized, {static_cast<std::int64_t>(params.size())});
  p.basis = to_tensor(coarse_basis(patch, patch.coarse_node(node.i - patch.I0, node.j - patch.J0)), {n});
  std::vector<int> constrained;
  const DenseMatrix C = qi.constraint_matrix(patch, &constrained);
  std::vector<double> rows(static_cast<size_t>(C.rows) * static_cast<size_t>(n), 0.0);
  for (int r = 0; r < C.rows; ++r)
    for (int y = 1; y < patch.fine_ny(); ++y)
      for (int x = 1; x < patch.fine_nx(); ++x)
        rows[static_cast<size_t>(r) * static_cast<size_t>(n) + static_cast<size_t>(patch.fine_node(x, y))] =
            C(r, patch.free_node(x, y));
  p.interpolation = to_tensor(rows, {C.rows, n});
  p.validate();
  return p;
}

}  // namespace neurhom
