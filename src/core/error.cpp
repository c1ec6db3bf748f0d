#include "neurhom/core/error.hpp"

#include <cstdio>

namespace neurhom {

std::string format_number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace neurhom
