#include "box_field_output.hpp"

#include "neurhom/fem/box_output.hpp"

namespace neurhom::app {

BoxFieldsCallback box_fields_writer(const std::string& path, const std::string& ms_name, const std::string& coefficient,
                                    const std::string& bc) {
  return [=](const BoxGrid& grid, Vec u_fine, Vec u_ms, const std::vector<double>& cells) {
    BoxFieldWriter writer(path, grid);
    writer.write_cells("coefficient", cells);
    writer.write_nodes("u_fine", u_fine);
    writer.write_nodes(ms_name, u_ms);
    writer.file().set_attribute("/", "coefficient", coefficient);
    writer.file().set_attribute("/", "bc", bc);
    writer.close();
  };
}

}  // namespace neurhom::app
