#!/usr/bin/env bash
# `neurhom cem` end to end on 2 ranks (report keys, HDF5 + XDMF output, all three problems)
# and its bad input.
# usage: test_cem_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

"$mpiexec" -n 2 --oversubscribe "$neurhom" cem -coef channels -coef_contrast 1e4 -coarse_n 5 -fine_n 40 -cem_modes 3 \
  -cem_oversampling 3 -o cem.h5 -report cem.json > out.txt 2>&1 || { cat out.txt; fail "cem run"; }
python3 - cem.json <<'PY' || fail "cem report"
import json, sys
r = json.load(open(sys.argv[1]))
keys = ("l2_error_vs_fine", "energy_error_vs_fine", "dim_vms", "offline_seconds", "ranks", "eigenvalues_min",
        "eigenvalues_max")
assert all(k in r for k in keys), r
assert r["dim_vms"] == 75 and r["ranks"] == 2, r
assert abs(r["eigenvalues_min"]) < 1e-8 < r["eigenvalues_max"], r
assert 0 < r["l2_error_vs_fine"] < 0.05 and 0 < r["energy_error_vs_fine"] < 0.2, r
print("ok: cem report", {k: r[k] for k in keys})
PY
grep -q 'cem.h5:/fields/u_cem' cem.xmf || fail "cem xmf"

for problem in parabolic nonlinear; do
  "$mpiexec" -n 2 --oversubscribe "$neurhom" cem -problem $problem -gamma 5 -T 0.05 -steps 3 -coef ms -coarse_n 4 \
    -fine_n 32 -cem_oversampling 2 -report $problem.json > out.txt 2>&1 || { cat out.txt; fail "cem $problem"; }
  python3 - $problem.json <<'PY' || fail "cem $problem report"
import json, sys
r = json.load(open(sys.argv[1]))
assert 0 < r["l2_error_vs_fine"] < 0.05, r
print("ok:", r["problem"], "L2", r["l2_error_vs_fine"], "energy", r["energy_error_vs_fine"])
PY
done
grep -q '"newton_iterations"' nonlinear.json || fail "nonlinear report without newton_iterations"

# cem-datagen: a tiny dataset on 2 ranks and its report.
"$mpiexec" -n 2 --oversubscribe "$neurhom" cem-datagen -coarse_n 4 -fine_n 32 -steps 3 -samples 4 -gamma 5 \
  -o data.h5 -report data.json > out.txt 2>&1 || { cat out.txt; fail "cem-datagen run"; }
python3 - data.json <<'PY' || fail "cem-datagen report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["train"] == 3 and r["test"] == 1 and r["dim_vms"] == 48 and r["ranks"] == 2, r
print("ok: cem-datagen report", r)
PY
[ -f data.h5 ] && [ ! -f data.h5.partial ] || fail "cem-datagen output"

# CEM on a 3D box at contrast 1e4 (issue 30): report keys and the error scale
"$mpiexec" -n 2 --oversubscribe "$neurhom" cem -dim 3 -coarse_cells 4,2,2 -cells 16,8,8 -box 2,1,1 -bc D,D,N,N,D,D \
  -coef layered -coef_contrast 1e4 -cem_modes 4 -cem_oversampling 1 -o cem3.h5 -report cem3.json > out.txt 2>&1 || { cat out.txt; fail "cem -dim 3"; }
python3 - cem3.json <<'PY' || fail "cem -dim 3 report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["dim"] == 3 and r["cells"] == [16, 8, 8] and r["coarse_cells"] == [4, 2, 2] and r["dim_ms"] == 16 * 4, r
assert 0 < r["energy_error_vs_fine"] < 0.5 and r["eigen_residual_max"] < 1e-8, r
assert r["patch_solver"] in ("cholmod", "petsc") and r["output"] == "cem3.h5", r
print("ok: cem -dim 3", r["energy_error_vs_fine"], r["l2_error_vs_fine"])
PY
[ -s cem3.h5 ] && [ ! -e cem3.h5.partial ] || fail "cem -dim 3 -o file"
grep -q '3DCoRectMesh" Dimensions="9 9 17"' cem3.xmf && grep -q 'cem3.h5:/fields/u_cem' cem3.xmf && \
  grep -q 'cem3.h5:/fields/u_fine' cem3.xmf || fail "cem -dim 3 xmf"
"$mpiexec" -n 2 --oversubscribe "$neurhom" cem -dim 3 -problem parabolic -T 0.05 -steps 3 -coarse_cells 4,2,2 -cells 16,8,8 \
  -box 2,1,1 -bc D,D,N,N,D,D -coef layered -coef_contrast 1e4 -cem_modes 4 -cem_oversampling 1 -report cemp3.json > out.txt 2>&1 \
  || { cat out.txt; fail "cem -dim 3 -problem parabolic"; }
python3 - cemp3.json <<'PY' || fail "cem -dim 3 -problem parabolic report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["problem"] == "parabolic" and r["steps"] == 3 and 0 < r["energy_error_vs_fine"] < 0.5, r
print("ok: cem -dim 3 -problem parabolic", r["energy_error_vs_fine"], r["l2_error_vs_fine"])
PY

cmd=cem
expect_error "-cem_modes 82 must be between 1 and the 81 fine dofs" -coarse_n 4 -fine_n 32 -cem_modes 82
expect_error "-cem_oversampling must be non-negative (got -1)" -coarse_n 4 -fine_n 32 -cem_oversampling -1
expect_error "unknown problem 'heat'" -problem heat -coarse_n 4 -fine_n 32
expect_error "-problem nonlinear is not available for cem on boxes yet" -dim 3 -problem nonlinear
# boxes and 3D (issue 30)
expect_error "-cem_modes 126 must be between 1 and the 125 fine dofs" -dim 3 -coarse_cells 2,2,2 -cells 8,8,8 -cem_modes 126
expect_error "-cem_oversampling must be non-negative (got -1)" -dim 3 -cem_oversampling -1
expect_error "-cells must be the same multiple of -coarse_cells" -dim 3 -coarse_cells 2,2,2 -cells 8,8,7
expect_error "-verify runs on the unit square" -dim 3 -verify
expect_error "patch solver 'kkt' (-patch_solver) is implemented for the box PG-LOD" -dim 3 -coarse_cells 2,2,2 -cells 8,8,8 -patch_solver kkt
expect_error "are linearly dependent" -coarse_n 16 -fine_n 32 -cem_modes 3 -cem_oversampling 1
expect_error "must be a multiple of -coarse_n" -coarse_n 6 -fine_n 32
expect_error "-bc_values: cem on boxes takes homogeneous boundary data only" -dim 3 -bc_values 1,0,0,0,0,0
cmd=cem-datagen
expect_error "unknown problem 'heat' (-problems)" -problems linear,heat
expect_error "-samples must be at least 2" -samples 1

finish "cem CLI"
