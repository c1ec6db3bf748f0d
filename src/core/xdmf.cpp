#include "neurhom/core/xdmf.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"

namespace neurhom {

std::string xdmf_path_for(const std::string& h5_path) {
  std::filesystem::path p(h5_path);
  p.replace_extension(".xmf");
  return p.string();
}

namespace {
std::string reversed_list(const std::vector<double>& v) {  // XDMF lists (z) y x
  std::ostringstream os;
  for (size_t k = v.size(); k-- > 0;) os << v[k] << (k ? " " : "");
  return os.str();
}
}  // namespace

static void write_grid(std::ostream& out, const std::string& h5_name, const std::vector<int>& cells,
                       const std::vector<double>& spacing, const XdmfStep& step, bool with_time, const std::string& indent) {
  const size_t dim = cells.size();
  std::vector<double> nodes, cell_counts;
  for (int n : cells) {
    nodes.push_back(n + 1);
    cell_counts.push_back(n);
  }
  out << indent << "<Grid Name=\"mesh\" GridType=\"Uniform\">\n";
  if (with_time) out << indent << "  <Time Value=\"" << step.time << "\"/>\n";
  out << indent << "  <Topology TopologyType=\"" << dim << "DCoRectMesh\" Dimensions=\"" << reversed_list(nodes) << "\"/>\n";
  out << indent << "  <Geometry GeometryType=\"" << (dim == 3 ? "ORIGIN_DXDYDZ" : "ORIGIN_DXDY") << "\">\n";
  out << indent << "    <DataItem Format=\"XML\" Dimensions=\"" << dim << "\">" << reversed_list(std::vector<double>(dim, 0.0))
      << "</DataItem>\n";
  out << indent << "    <DataItem Format=\"XML\" Dimensions=\"" << dim << "\">" << reversed_list(spacing) << "</DataItem>\n";
  out << indent << "  </Geometry>\n";
  for (const auto& field : step.fields) {
    out << indent << "  <Attribute Name=\"" << field.name << "\" AttributeType=\"Scalar\" Center=\""
        << (field.cell_centered ? "Cell" : "Node") << "\">\n";
    out << indent << "    <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\""
        << reversed_list(field.cell_centered ? cell_counts : nodes) << "\">" << h5_name << ":" << field.dataset << "</DataItem>\n";
    out << indent << "  </Attribute>\n";
  }
  out << indent << "</Grid>\n";
}

void write_xdmf_2d(const std::string& xmf_path, const std::string& h5_path, int n,
                   const std::vector<XdmfStep>& steps, MPI_Comm comm) {
  write_xdmf_box(xmf_path, h5_path, {n, n}, {1.0 / n, 1.0 / n}, steps, comm);
}

void write_xdmf_box(const std::string& xmf_path, const std::string& h5_path, const std::vector<int>& cells,
                    const std::vector<double>& spacing, const std::vector<XdmfStep>& steps, MPI_Comm comm) {
  require((cells.size() == 2 || cells.size() == 3) && spacing.size() == cells.size(), "write_xdmf_box: 2 or 3 dimensions");
  AtomicOutput output(xmf_path, comm);
  bool ok = true;
  if (is_root(comm)) {
    const std::string h5_name = std::filesystem::path(h5_path).filename().string();
    std::ostringstream out;
    out << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n";
    if (steps.size() == 1) {
      write_grid(out, h5_name, cells, spacing, steps[0], false, "    ");
    } else {
      out << "    <Grid Name=\"series\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
      for (const auto& step : steps) write_grid(out, h5_name, cells, spacing, step, true, "      ");
      out << "    </Grid>\n";
    }
    out << "  </Domain>\n</Xdmf>\n";
    std::ofstream file(output.temp_path());
    file << out.str();
    file.close();
    ok = static_cast<bool>(file);
  }
  MPI_Bcast(&ok, 1, MPI_CXX_BOOL, 0, comm);
  require(ok, "cannot write XDMF file '" + xmf_path + "'");
  output.commit();
}

}  // namespace neurhom
