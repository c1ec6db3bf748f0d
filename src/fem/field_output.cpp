#include "neurhom/fem/field_output.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

FieldWriter::FieldWriter(const std::string& path, const StructuredGrid& grid)
    : grid_(grid), path_(path), h5_output_(path, grid.comm()) {
  require_writable_location(path, "output file");
  file_ = std::make_unique<Hdf5File>(h5_output_.temp_path(), Hdf5File::Mode::Create, grid.comm());
  file_->set_attribute("/", "n", static_cast<long long>(grid.n()));
  file_->set_attribute("/", "generator", std::string("neurhom ") + NEURHOM_VERSION);
}

XdmfStep& FieldWriter::step_at(int step, double t) {
  if (steps_.size() <= static_cast<size_t>(step)) steps_.resize(static_cast<size_t>(step) + 1);
  steps_[static_cast<size_t>(step)].time = t;
  return steps_[static_cast<size_t>(step)];
}

void FieldWriter::write_nodes(const std::string& name, Vec u, int step, double t) {
  const IndexRange nx = grid_.node_x(), ny = grid_.node_y();
  const hsize_t m = static_cast<hsize_t>(grid_.n() + 1);
  const PetscScalar* data = nullptr;
  NH_PETSC(VecGetArrayRead(u, &data));  // the owned block, natural order within the block
  const std::string dataset = step < 0 ? "/fields/" + name : "/series/" + name + "/" + std::to_string(step);
  file_->write_block(dataset, {m, m}, {static_cast<hsize_t>(ny.begin), static_cast<hsize_t>(nx.begin)},
                     {static_cast<hsize_t>(ny.size()), static_cast<hsize_t>(nx.size())}, data);
  NH_PETSC(VecRestoreArrayRead(u, &data));
  if (step < 0) {
    static_fields_.push_back({name, dataset, false});
  } else {
    step_at(step, t).fields.push_back({name, dataset, false});
  }
}

void FieldWriter::write_cells(const std::string& name, const std::vector<double>& cell_values) {
  const IndexRange cx = grid_.cell_x(), cy = grid_.cell_y();
  const hsize_t m = static_cast<hsize_t>(grid_.n());
  const std::string dataset = "/fields/" + name;
  file_->write_block(dataset, {m, m}, {static_cast<hsize_t>(cy.begin), static_cast<hsize_t>(cx.begin)},
                     {static_cast<hsize_t>(cy.size()), static_cast<hsize_t>(cx.size())}, cell_values.data());
  static_fields_.push_back({name, dataset, true});
}

void FieldWriter::close() {
  file_.reset();
  std::vector<XdmfStep> steps = steps_.empty() ? std::vector<XdmfStep>(1) : steps_;
  for (auto& step : steps) step.fields.insert(step.fields.begin(), static_fields_.begin(), static_fields_.end());
  h5_output_.commit();
  write_xdmf_2d(xdmf_path_for(path_), path_, grid_.n(), steps, grid_.comm());
}

}  // namespace neurhom
