#!/usr/bin/env bash
# The main job on a small default, end to end, on 2 ranks: installs dependencies, builds, then
# the neural operator compression of Kroepfl, Maier, Peterseim 2022 at H = 1/16, h = 1/64, ell = 2:
#   1. lod-datagen: 40 coefficient samples per family (levels0..8, ms) -> out/quickstart-lod.h5
#   2. train:       the compression MLP for 30 epochs -> out/quickstart-model.pt (TorchScript)
#   3. compress-eval on an unseen ms coefficient: S^_A from the network vs S_A from PG-LOD
#      -> out/quickstart.h5 + .xmf (u_lod, u_nn, difference; open the .xmf in ParaView)
#      and out/quickstart.json (spectral_norm_error, l2_error, speedup, ...).
# A few minutes on a 2-core machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$NEURHOM_ROOT/scripts/install-deps.sh"
mkdir -p "$NEURHOM_BUILD"
# Builds the program only (not the test suites: scripts/test.sh builds those).
NEURHOM_TARGET=neurhom neurhom_build > "$NEURHOM_BUILD/quickstart-build.log" 2>&1 || { tail -40 "$NEURHOM_BUILD/quickstart-build.log"; exit 1; }
mkdir -p "$NEURHOM_ROOT/out"
cd "$NEURHOM_ROOT"
neurhom=("$NEURHOM_BUILD/src/neurhom")
mpiexec -n 2 "${neurhom[@]}" lod-datagen -coarse_n 16 -fine_n 64 -ell 2 -samples 40 -seed 1 \
  -o out/quickstart-lod.h5 -report out/quickstart-datagen.json
mpiexec -n 2 "${neurhom[@]}" train -model compression -data out/quickstart-lod.h5 -epochs 30 -batch 100 \
  -lr 1e-3 -lr_epochs 20 -lr_late 1e-4 -o out/quickstart-model.pt -report out/quickstart-train.json
mpiexec -n 2 "${neurhom[@]}" compress-eval -model out/quickstart-model.pt -coef ms -seed 12345 -rhs one \
  -o out/quickstart.h5 -report out/quickstart.json
echo "quickstart: open out/quickstart.xmf in ParaView; key figures in out/quickstart.json"
