#pragma once
// Mathematical constants shared by the layers (one definition, so unity builds that compile
// several sources together see no duplicates).
namespace neurhom {

inline constexpr double kPi = 3.14159265358979323846;

}  // namespace neurhom
