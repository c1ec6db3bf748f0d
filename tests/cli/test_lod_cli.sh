#!/usr/bin/env bash
# `neurhom lod` end to end on 2 ranks (report keys, HDF5 + XDMF output) and its bad input.
# usage: test_lod_cli.sh NEURHOM MPIEXEC
set -u
neurhom=$1
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

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

expect_error() {
  local expected=$1
  shift
  rm -f bad.h5 bad.xmf bad.json
  "$neurhom" "$cmd" "$@" -o bad.h5 -report bad.json > /dev/null 2> err.txt
  local status=$?
  if [ "$status" -eq 0 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -qF -- "$expected" err.txt || \
     ls bad.h5 bad.xmf bad.json bad.h5.partial > /dev/null 2>&1; then
    fail "$cmd $* (exit $status): $(cat err.txt)"
  else
    echo "ok: $cmd $* -> $(cat err.txt)"
  fi
}
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
