// Fixture of the `layering_detects_violation` test: core/ may not include nn/ (above it).
#include "neurhom/nn/trainer.hpp"
