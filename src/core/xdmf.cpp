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

static void write_grid(std::ostream& out, const std::string& h5_name, int n, const XdmfStep& step,
                       bool with_time, const std::string& indent) {
  const double h = 1.0 / n;
  out << indent << "<Grid Name=\"mesh\" GridType=\"Uniform\">\n";
  if (with_time) out << indent << "  <Time Value=\"" << step.time << "\"/>\n";
  out << indent << "  <Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"" << n + 1 << " " << n + 1 << "\"/>\n";
  out << indent << "  <Geometry GeometryType=\"ORIGIN_DXDY\">\n";
  out << indent << "    <DataItem Format=\"XML\" Dimensions=\"2\">0 0</DataItem>\n";
  out << indent << "    <DataItem Format=\"XML\" Dimensions=\"2\">" << h << " " << h << "</DataItem>\n";
  out << indent << "  </Geometry>\n";
  for (const auto& field : step.fields) {
    const int m = field.cell_centered ? n : n + 1;
    out << indent << "  <Attribute Name=\"" << field.name << "\" AttributeType=\"Scalar\" Center=\""
        << (field.cell_centered ? "Cell" : "Node") << "\">\n";
    out << indent << "    <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"" << m << " "
        << m << "\">" << h5_name << ":" << field.dataset << "</DataItem>\n";
    out << indent << "  </Attribute>\n";
  }
  out << indent << "</Grid>\n";
}

void write_xdmf_2d(const std::string& xmf_path, const std::string& h5_path, int n,
                   const std::vector<XdmfStep>& steps, MPI_Comm comm) {
  AtomicOutput output(xmf_path, comm);
  bool ok = true;
  if (is_root(comm)) {
    const std::string h5_name = std::filesystem::path(h5_path).filename().string();
    std::ostringstream out;
    out << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n";
    if (steps.size() == 1) {
      write_grid(out, h5_name, n, steps[0], false, "    ");
    } else {
      out << "    <Grid Name=\"series\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
      for (const auto& step : steps) write_grid(out, h5_name, n, step, true, "      ");
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
