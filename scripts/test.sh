#!/usr/bin/env bash
# Installs dependencies, builds (Release) and runs the whole test suite, including the MPI
# tests on 2 ranks. Extra arguments go to ctest (e.g. -R fem).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$NEURHOM_ROOT/scripts/install-deps.sh"
neurhom_build
cd "$NEURHOM_BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"
