#pragma once
// XDMF (v3) sidecar for fields on the uniform 2D grid over (0,1)^2 (and on boxes in 2D/3D), so ParaView opens the
// HDF5 output directly ("Xdmf3ReaderS"). Node fields have shape [n+1][n+1], cell fields
// [n][n], both stored [y][x] in the HDF5 file next to the .xmf file.
#include <mpi.h>

#include <string>
#include <vector>

namespace neurhom {

struct XdmfField {
  std::string name;      // attribute name shown in ParaView
  std::string dataset;   // dataset path inside the HDF5 file, e.g. "/fields/u"
  bool cell_centered = false;
};

struct XdmfStep {
  double time = 0.0;
  std::vector<XdmfField> fields;
};

// Writes `xmf_path` (atomically, from rank 0) describing an n x n cell grid of spacing 1/n
// whose data lives in `h5_path` (referenced by file name relative to the .xmf file).
// One step: a single grid; several steps: a temporal collection.
void write_xdmf_2d(const std::string& xmf_path, const std::string& h5_path, int n,
                   const std::vector<XdmfStep>& steps, MPI_Comm comm);

// The same for a box of cells[0] x cells[1] [x cells[2]] cells with the given spacing per
// direction (2DCoRectMesh / 3DCoRectMesh); datasets stored [z][y][x].
void write_xdmf_box(const std::string& xmf_path, const std::string& h5_path, const std::vector<int>& cells,
                    const std::vector<double>& spacing, const std::vector<XdmfStep>& steps, MPI_Comm comm);

// "out.h5" -> "out.xmf"
std::string xdmf_path_for(const std::string& h5_path);

}  // namespace neurhom
