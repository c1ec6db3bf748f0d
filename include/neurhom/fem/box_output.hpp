#pragma once
// Fields on a BoxGrid to HDF5 (parallel, each rank its block) with an XDMF sidecar
// (3DCoRectMesh / 2DCoRectMesh) for ParaView: node fields [n3+1][n2+1][n1+1] and cell fields
// [n3][n2][n1] ([y][x] in 2D) under /fields. Written under temporary names and renamed by
// close(); destroyed without close() (an error), it leaves nothing behind. The box path's
// FieldWriter (fields on the unit square: field_output.hpp).
#include <memory>
#include <string>
#include <vector>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/xdmf.hpp"
#include "neurhom/mesh/box_grid.hpp"

namespace neurhom {

class BoxFieldWriter {
 public:
  BoxFieldWriter(const std::string& path, const BoxGrid& grid);
  void write_nodes(const std::string& name, Vec u);
  void write_cells(const std::string& name, const std::vector<double>& cell_values);  // BoxGrid::local_cell order
  Hdf5File& file() { return *file_; }
  void close();

 private:
  const BoxGrid& grid_;
  std::string path_;
  AtomicOutput h5_output_;
  std::unique_ptr<Hdf5File> file_;
  std::vector<XdmfField> fields_;
};

}  // namespace neurhom
