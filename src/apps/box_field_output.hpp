#pragma once
// `-o` of lod and cem on boxes: the coefficient on the fine cells, the fine solution and the
// multiscale solution on the fine nodes (HDF5 /fields/*, written atomically, + XDMF).
#include <functional>
#include <string>
#include <vector>

#include <petscvec.h>

#include "neurhom/mesh/box_grid.hpp"

namespace neurhom::app {

using BoxFieldsCallback = std::function<void(const BoxGrid&, Vec u_fine, Vec u_ms, const std::vector<double>& cells)>;

// A callback for BoxLodSettings::fields / BoxCemSettings::fields that writes `path` with the
// datasets coefficient, u_fine and `ms_name` (u_lod, u_cem) and the attributes coefficient, bc.
BoxFieldsCallback box_fields_writer(const std::string& path, const std::string& ms_name, const std::string& coefficient,
                                    const std::string& bc);

}  // namespace neurhom::app
