// Fixture for the `layering_detects_method_violation` test: the methods never include each
// other, so this header is a violation.
#include "neurhom/methods/compression/net/lod_dataset.hpp"
