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
assert r["patches"] == 64 and r["ranks"] == 2
assert 0 < r["l2_error_vs_fine"] < 0.05 and 0 < r["energy_error_vs_fine"] < 0.2, r
print("ok: lod report", {k: r[k] for k in keys})
PY
grep -q 'lod.h5:/fields/u_lod_corrected' lod.xmf || fail "lod xmf"

"$neurhom" lod -problem parabolic -coarse_n 4 -fine_n 32 -T 0.1 -steps 4 -report par.json > out.txt 2>&1 || { cat out.txt; fail "parabolic lod"; }
"$neurhom" lod -problem parabolic -coef_end_seed 5 -coarse_n 4 -fine_n 32 -T 0.1 -steps 4 -report evolve.json > out.txt 2>&1 || { cat out.txt; fail "parabolic lod, time-dependent coefficient"; }
grep -q "from ms" evolve.json || fail "time-dependent coefficient not in the report"

cmd=lod
expect_error "must be a multiple of -coarse_n" -coarse_n 16 -fine_n 100
expect_error "-ell must be at least 1" -ell 0 -coarse_n 4 -fine_n 16
expect_error "known for lod: elliptic, parabolic" -problem nonlinear
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
