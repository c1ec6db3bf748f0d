// Fixture for the `layering_detects_net_violation` test: a method's net part (PETSc-free) must
// not include the numerics (lod/), so this file is a violation.
#include "neurhom/lod/pglod.hpp"
