// Fixture of the `layering_detects_violation` test: fem/ may not include lod/ (above it).
#include "neurhom/fem/assembly.hpp"
#include "neurhom/lod/pglod.hpp"
