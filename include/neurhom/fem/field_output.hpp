#pragma once
// Writes fields on the StructuredGrid to HDF5 (parallel, each rank its own block) with an
// XDMF sidecar for ParaView. Datasets: node fields [n+1][n+1] and cell fields [n][n], both
// [y][x], under /fields (steady) or /series/<name>/<k> (time series). The HDF5 and XDMF
// files are written under temporary names and renamed by close(); a FieldWriter destroyed
// without close() (an error) leaves no output behind.
#include <memory>
#include <string>
#include <vector>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/xdmf.hpp"
#include "neurhom/mesh/structured_grid.hpp"

namespace neurhom {

class FieldWriter {
 public:
  FieldWriter(const std::string& path, const StructuredGrid& grid);

  // Node field from a global Vec; `step` >= 0 adds it to time step `step` at time t.
  void write_nodes(const std::string& name, Vec u, int step = -1, double t = 0.0);
  // Cell field from values on owned cells (StructuredGrid::local_cell order); on all steps.
  void write_cells(const std::string& name, const std::vector<double>& cell_values);
  Hdf5File& file() { return *file_; }
  void close();  // collective: closes, writes the XDMF sidecar, renames both

 private:
  XdmfStep& step_at(int step, double t);
  const StructuredGrid& grid_;
  std::string path_;
  AtomicOutput h5_output_;
  std::unique_ptr<Hdf5File> file_;
  std::vector<XdmfField> static_fields_;
  std::vector<XdmfStep> steps_;
};

}  // namespace neurhom
