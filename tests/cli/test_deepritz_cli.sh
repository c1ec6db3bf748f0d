#!/usr/bin/env bash
# `neurhom train -model deepritz` and `neurhom deepritz-eval` on 2 ranks with a tiny setting
# (H = 1/4, h = 1/8, few steps): the bundle, report keys, fields, the extrapolation warning,
# and bad input with one-line errors and no output left.
# usage: test_deepritz_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model deepritz -example cont -coarse_n 4 -fine_n 8 -samples 3 \
  -steps 200 -hidden 16,16 -o dr.pt -report tr.json > out.txt 2>&1 || { cat out.txt; fail "train deepritz"; }
grep -q "node 5/5" out.txt || fail "per-node progress on rank 0"
python3 - tr.json <<'PY' || fail "train report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["model"] == "deepritz" and r["networks"] == 9 and r["ranks"] == 2 and r["widths"] == "3-16-16-1", r
print("ok: train deepritz", r["networks"], "networks,", r["seconds"], "s")
PY
[ -f dr.pt ] && [ ! -f dr.pt.partial ] || fail "bundle written"

"$mpiexec" -n 2 --oversubscribe "$neurhom" deepritz-eval -model dr.pt -steps 4 -test_samples 2 -form galerkin \
  -fields f.h5 -field_times 0.5,1 -report ev.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval"; }
python3 - ev.json <<'PY' || fail "eval report"
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("basis_error_mean", "relative_error_T", "relative_error_T_nodal", "localization_error_T", "online_speedup",
          "relative_error_T_mean", "online_speedup_element"):
    assert k in r and r[k] >= 0, (k, r)
assert r["form"] == "galerkin" and len(r["error_history"]) == 4 and r["test_samples"] == 2, r
assert r["localization_error_T"] < 0.2 and r["relative_error_T"] < 1.0, r
print("ok: deepritz-eval", {k: round(r[k], 4) for k in ("basis_error_mean", "relative_error_T", "online_speedup")})
PY
[ -f f.h5 ] && [ -f f.xmf ] || fail "fields written"
grep -q "u_lod_ann" f.xmf || fail "fields contain u_lod_ann"

"$neurhom" deepritz-eval -model dr.pt -steps 2 -test_samples 0 -p_end 2 > out.txt 2> err.txt || fail "extrapolating path runs"
grep -q "warning: the path p in \[0.01, 2\] leaves the training range" err.txt || fail "extrapolation warning: $(cat err.txt)"

cmd=train
expect_error "unknown Deep Ritz example 'heat' (-example)" -model deepritz -example heat
expect_error "-hidden must be a comma-separated list of positive widths (got '8,x')" -model deepritz -hidden 8,x
expect_error "Deep Ritz: -steps must be at least 1 (got 0)" -model deepritz -coarse_n 4 -fine_n 8 -samples 2 -steps 0
expect_error "-fine_n" -model deepritz -coarse_n 4 -fine_n 10
cmd=deepritz-eval
expect_error "cannot open Deep Ritz bundle 'missing.pt' (-model)" -model missing.pt
echo hello > text.pt
expect_error "'text.pt' is not a Deep Ritz bundle" -model text.pt
expect_error "was trained for H = 1/4, h = 1/8, ell = 1; -fine_n 16 asks for another mesh" -model dr.pt -fine_n 16
expect_error "unknown LOD form 'fem' (-form)" -model dr.pt -form fem

finish "deepritz CLI"
