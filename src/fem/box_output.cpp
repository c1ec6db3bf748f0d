#include "neurhom/fem/box_output.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

BoxFieldWriter::BoxFieldWriter(const std::string& path, const BoxGrid& grid)
    : grid_(grid), path_(path), h5_output_(path, grid.comm()) {
  require_writable_location(path, "output file");
  file_ = std::make_unique<Hdf5File>(h5_output_.temp_path(), Hdf5File::Mode::Create, grid.comm());
  file_->set_attribute("/", "dim", static_cast<long long>(grid.dim()));
  file_->set_attribute("/", "cells", grid.shape().describe());
  file_->set_attribute("/", "generator", std::string("neurhom ") + NEURHOM_VERSION);
}

namespace {
// [z][y][x] extents of a block: global dims, offset and count, 2 or 3 entries
struct Block3 {
  std::vector<hsize_t> dims, offset, count;
};
Block3 block(const BoxGrid& g, bool cells) {
  Block3 b;
  for (int d = g.dim() - 1; d >= 0; --d) {
    const IndexRange r = cells ? g.owned_cells(d) : g.nodes(d);
    b.dims.push_back(static_cast<hsize_t>(g.cells(d) + (cells ? 0 : 1)));
    b.offset.push_back(static_cast<hsize_t>(r.begin));
    b.count.push_back(static_cast<hsize_t>(r.size()));
  }
  return b;
}
}  // namespace

void BoxFieldWriter::write_nodes(const std::string& name, Vec u) {
  const Block3 b = block(grid_, false);
  const PetscScalar* data = nullptr;
  NH_PETSC(VecGetArrayRead(u, &data));  // the owned block, x fastest
  file_->write_block("/fields/" + name, b.dims, b.offset, b.count, data);
  NH_PETSC(VecRestoreArrayRead(u, &data));
  fields_.push_back({name, "/fields/" + name, false});
}

void BoxFieldWriter::write_cells(const std::string& name, const std::vector<double>& cell_values) {
  require(static_cast<PetscInt>(cell_values.size()) == grid_.num_local_cells(), "BoxFieldWriter: one value per owned cell");
  const Block3 b = block(grid_, true);
  file_->write_block("/fields/" + name, b.dims, b.offset, b.count, cell_values.data());
  fields_.push_back({name, "/fields/" + name, true});
}

void BoxFieldWriter::close() {
  file_.reset();
  h5_output_.commit();
  std::vector<int> cells;
  std::vector<double> spacing;
  for (int d = 0; d < grid_.dim(); ++d) {
    cells.push_back(grid_.cells(d));
    spacing.push_back(grid_.h(d));
  }
  XdmfStep step;
  step.fields = fields_;
  write_xdmf_box(xdmf_path_for(path_), path_, cells, spacing, {step}, grid_.comm());
}

}  // namespace neurhom
