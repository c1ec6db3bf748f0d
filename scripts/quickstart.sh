#!/usr/bin/env bash
# The main job on a small default, end to end: installs dependencies, builds, and solves a
# heterogeneous diffusion problem (multiscale coefficient, 128 x 128 fine cells) on 2 ranks,
# writing out/quickstart.h5 + .xmf (open the .xmf in ParaView) and out/quickstart.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$NEURHOM_ROOT/scripts/install-deps.sh"
mkdir -p "$NEURHOM_BUILD"
neurhom_build > "$NEURHOM_BUILD/quickstart-build.log" 2>&1 || { tail -40 "$NEURHOM_BUILD/quickstart-build.log"; exit 1; }
mkdir -p "$NEURHOM_ROOT/out"
cd "$NEURHOM_ROOT"
mpiexec -n 2 "$NEURHOM_BUILD/src/neurhom" fem -problem elliptic -coef ms -seed 1 -rhs one -fine_n 128 \
  -o out/quickstart.h5 -report out/quickstart.json
echo "quickstart: open out/quickstart.xmf in ParaView; key figures in out/quickstart.json"
