#!/usr/bin/env bash
# `neurhom lod` end to end on 2 ranks (report keys, HDF5 + XDMF output) and its bad input.
# usage: test_lod_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

"$mpiexec" -n 2 --oversubscribe "$neurhom" lod -coef ms -coarse_n 8 -fine_n 64 -ell 2 -o lod.h5 -report lod.json \
  > out.txt 2>&1 || { cat out.txt; fail "lod run"; }
python3 - lod.json <<'PY' || fail "lod report"
import json, sys
r = json.load(open(sys.argv[1]))
keys = ("l2_error_vs_fine", "energy_error_vs_fine", "offline_seconds", "patches", "patches_per_second", "ranks")
assert all(k in r for k in keys), r
assert r["patches"] == 64 and r["ranks"] == 2 and r["dim"] == 2 and r["cells"] == [64, 64]
assert 0 < r["l2_error_vs_fine"] < 0.05 and 0 < r["energy_error_vs_fine"] < 0.2, r
print("ok: lod report", {k: r[k] for k in keys})
PY
grep -q 'lod.h5:/fields/u_lod_corrected' lod.xmf || fail "lod xmf"

"$neurhom" lod -problem parabolic -coarse_n 4 -fine_n 32 -T 0.1 -steps 4 -report par.json > out.txt 2>&1 || { cat out.txt; fail "parabolic lod"; }
"$neurhom" lod -problem parabolic -coef_end_seed 5 -coarse_n 4 -fine_n 32 -T 0.1 -steps 4 -report evolve.json > out.txt 2>&1 || { cat out.txt; fail "parabolic lod, time-dependent coefficient"; }
grep -q "from ms" evolve.json || fail "time-dependent coefficient not in the report"

# PG-LOD on a 3D box with mixed faces (issue 30): report keys, beats coarse FEM, XDMF output
"$mpiexec" -n 2 --oversubscribe "$neurhom" lod -dim 3 -coarse_cells 4,2,2 -cells 16,8,8 -box 2,1,1 -bc D,D,N,N,D,N -ell 1 \
  -coef layered -coef_contrast 100 -o lod3.h5 -report lod3.json > out.txt 2>&1 || { cat out.txt; fail "lod -dim 3"; }
python3 - lod3.json <<'PY' || fail "lod -dim 3 report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["dim"] == 3 and r["cells"] == [16, 8, 8] and r["coarse_cells"] == [4, 2, 2] and r["ratio"] == 4, r
assert r["patches"] == 16 and r["bc"] == "D,D,N,N,D,N" and r["patch_solver"] in ("kkt", "cholmod", "petsc"), r
assert r["constraint_seconds_rank0"] == 0 if r["patch_solver"] == "kkt" else r["constraint_seconds_rank0"] > 0, r
assert r["patch_assembly_seconds_rank0"] > 0 and r["factorization_seconds_rank0"] > 0, r
assert 0 < r["l2_error_vs_fine"] < r["l2_error_coarse_fem"], r
print("ok: lod -dim 3", r["l2_error_vs_fine"], r["l2_error_coarse_fem"], r["seconds_per_patch"])
PY
grep -q '3DCoRectMesh" Dimensions="9 9 17"' lod3.xmf && grep -q 'lod3.h5:/fields/u_lod' lod3.xmf || fail "lod -dim 3 xmf"
# -verify on a 3D box: H = 1/2, 1/4, 1/8 on 16^3 fine cells with ell = 1, 2, 3, then ell = 1, 2, 3 at H = 1/4
# boundary data (-bc_values): u = 1 on x-, 3 on x+, a = 1, f = 0 on a 1.5 x 1 x 1 box: the linear
# solution, exact with patches covering the domain
"$mpiexec" -n 2 --oversubscribe "$neurhom" lod -dim 3 -coarse_cells 3,2,2 -cells 12,8,8 -box 1.5,1,1 -bc D,D,N,N,N,N \
  -bc_values 1,3,0,0,0,0 -coef constant -rhs zero -ell 3 -report bcv.json > out.txt 2>&1 || { cat out.txt; fail "lod -bc_values"; }
python3 - bcv.json <<'PY' || fail "lod -bc_values report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["bc_values"] == [1, 3, 0, 0, 0, 0] and r["l2_error_vs_fine"] < 1e-8, r
print("ok: lod -bc_values: linear solution to", r["l2_error_vs_fine"])
PY
# the parabolic problem on a 3D box (u(0) = 0, backward Euler)
"$mpiexec" -n 2 --oversubscribe "$neurhom" lod -dim 3 -problem parabolic -T 0.05 -steps 4 -coarse_cells 4,4,4 -cells 16,16,16 \
  -bc D,D,N,N,D,D -ell 1 -report par3.json > out.txt 2>&1 || { cat out.txt; fail "lod -dim 3 -problem parabolic"; }
python3 - par3.json <<'PY' || fail "lod -dim 3 -problem parabolic report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["problem"] == "parabolic" and r["steps"] == 4 and r["final_time"] == 0.05, r
assert 0 < r["l2_error_vs_fine"] < r["l2_error_coarse_fem"], r
print("ok: lod -dim 3 -problem parabolic", r["l2_error_vs_fine"], r["l2_error_coarse_fem"])
PY
"$mpiexec" -n 2 --oversubscribe "$neurhom" lod -verify -dim 3 -cells 16,16,16 -bc D,D,N,N,D,D -report v3.json > out.txt 2>&1 \
  || { cat out.txt; fail "lod -verify -dim 3"; }
python3 - v3.json <<'PY' || fail "lod -verify -dim 3 report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["dim"] == 3 and [l["coarse_cells"] for l in r["h_levels"]] == [[2, 2, 2], [4, 4, 4], [8, 8, 8]], r
assert [l["ell"] for l in r["h_levels"]] == [1, 2, 3] and [l["ell"] for l in r["ell_levels"]] == [1, 2, 3], r
assert r["h_rate"] > 1.0, r  # theory: at least 1 in H for the L2 error (ell ~ log 1/H)
assert r["ell_decay"][0] > 1.0 and all(l["l2_error"] < l["l2_error_coarse_fem"] for l in r["h_levels"]), r
print("ok: lod -verify -dim 3: rate", r["h_rate"], "ell decay", r["ell_decay"])
PY

# selective corrector updates along a moving inclusion (report keys, per-step records, history file)
"$mpiexec" -n 2 --oversubscribe "$neurhom" lod -problem parabolic -coef_path moving_inclusion -coarse_n 8 -fine_n 64 \
  -T 0.2 -steps 4 -update indicator -update_tol 0.1 -coarse_history hist.h5 -report upd.json > out.txt 2>&1 \
  || { cat out.txt; fail "lod -update indicator"; }
grep -q 'lod: step 4/4' out.txt || fail "lod -update indicator: per-step progress line"
python3 - upd.json <<'PY' || fail "lod -update indicator report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["update"] == "indicator" and r["update_tol"] == 0.1, r
assert 0 < r["recomputed_fraction"] < 1, r["recomputed_fraction"]
assert len(r["steps"]) == 4 and all("indicator_max" in s and "seconds" in s for s in r["steps"]), r["steps"]
assert r["initial_corrector_seconds"] > 0 and r["online_seconds_per_step"] > 0 and 0 < r["l2_error_vs_fine"] < 0.1, r
assert "oscillating inclusion" in r["coefficient"], r["coefficient"]
print("ok: lod -update indicator", r["recomputed_fraction"], r["indicator_max"])
PY
[ -s hist.h5 ] && [ ! -e hist.h5.partial ] || fail "lod -coarse_history file"
"$neurhom" lod -problem parabolic -coef_path cont -coef_p_start 0.2 -coef_p_end 0.8 -coarse_n 4 -fine_n 32 -T 0.1 \
  -steps 2 -update never -report cont.json > out.txt 2>&1 || { cat out.txt; fail "lod -coef_path cont -update never"; }
grep -q '"recomputed_fraction": 0' cont.json || fail "lod -update never: recomputed_fraction"

cmd=lod
expect_error "unknown corrector update 'sometimes' (-update); known: all, indicator, never" -problem parabolic -coef_path moving_inclusion -update sometimes
expect_error "-update indicator needs a time-dependent coefficient" -problem parabolic -update indicator
expect_error "-update_tol must be non-negative" -problem parabolic -coef_path moving_inclusion -update indicator -update_tol -1
expect_error "unknown coefficient path 'nowhere' (-coef_path); known: moving_inclusion, cont, battery" -problem parabolic -coef_path nowhere
expect_error "-coef_end_seed and -coef_path both set" -problem parabolic -coef_path moving_inclusion -coef_end_seed 3
expect_error "is outside the cont family's range" -problem parabolic -coef_path cont -coef_p_start 5
expect_error "-coarse_history needs a time-dependent coefficient" -problem parabolic -coarse_history h.h5
expect_error "needs -problem parabolic" -coef_path moving_inclusion
expect_error "must be a multiple of -coarse_n" -coarse_n 16 -fine_n 100
expect_error "-ell must be at least 1" -ell 0 -coarse_n 4 -fine_n 16
expect_error "known for lod: elliptic, parabolic" -problem nonlinear
# boxes and 3D (issue 30)
expect_error "-cells must be the same multiple of -coarse_cells in every direction" -dim 3 -coarse_cells 2,2,2 -cells 8,8,6
expect_error "-bc needs 6 faces" -dim 3 -bc D,D,D,D
expect_error "-bc_values needs 6 numbers, one per face" -dim 3 -bc_values 1,2
expect_error "-ell must be at least 1 (got 0)" -dim 3 -ell 0
expect_error "-o (fields) is not written by lod -verify" -dim 3 -verify -cells 16,16,16
expect_error "lod -verify on boxes needs at least 8 fine cells per direction" -dim 3 -verify -coarse_cells 2,2,2 -cells 4,4,4
expect_error "is a field of the unit square" -dim 3 -coef cracks
expect_error "lod -verify on boxes is for the elliptic problem" -dim 3 -problem parabolic -verify
expect_error "patch solver 'kkt' (-patch_solver) is implemented for the box PG-LOD" -coarse_n 4 -fine_n 16 -patch_solver kkt
expect_error "must be at least twice -coarse_n" -coarse_n 8 -fine_n 8
expect_error "unknown coefficient family 'x'" -coef x

# lod-datagen: a small dataset on 2 ranks, its report, and bad input.
"$mpiexec" -n 2 --oversubscribe "$neurhom" lod-datagen -coarse_n 4 -fine_n 16 -ell 1 -samples 10 \
  -families levels3,ms -o data.h5 -report data.json > out.txt 2>&1 || { cat out.txt; fail "lod-datagen run"; }
grep -q 'ETA' out.txt || fail "lod-datagen progress line"
python3 - data.json <<'PY' || fail "lod-datagen report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["rows"] == {"train": 256, "val": 32, "test": 32}, r
assert r["input_size"] == 144 and r["output_size"] == 64 and r["patches"] == 320 and r["ranks"] == 2, r
print("ok: lod-datagen report", r["rows"], r["patches_per_second"], "patches/s")
PY
[ -f data.h5 ] && [ ! -f data.h5.partial ] || fail "lod-datagen output file"
# An interrupted run leaves no file under the final name.
timeout -s KILL 2 "$neurhom" lod-datagen -coarse_n 8 -fine_n 64 -samples 500 -o killed.h5 > /dev/null 2>&1
[ ! -e killed.h5 ] || fail "interrupted lod-datagen left killed.h5"
cmd=lod-datagen
expect_error "unknown precision 'float16'" -precision float16
expect_error "unknown family 'levels'" -families levels,ms
expect_error "-samples must be at least 1" -samples 0 -coarse_n 4 -fine_n 16
expect_error "must be a multiple of -coarse_n" -coarse_n 16 -fine_n 100
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
