#!/usr/bin/env bash
# `neurhom train -model deepritz` and `neurhom deepritz-eval` on 2 ranks with a tiny setting
# (H = 1/4, h = 1/8, few steps): the bundle, report keys, fields, the extrapolation warning,
# and bad input with one-line errors and no output left.
# usage: test_deepritz_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model deepritz -example cont -coarse_n 4 -fine_n 8 -samples 3 \
  -steps 200 -hidden 16,16 -batch_nodes 0 -o dr.pt -report tr.json > out.txt 2>&1 || { cat out.txt; fail "train deepritz"; }
grep -q "node 5/5" out.txt || fail "per-node progress on rank 0"
python3 - tr.json <<'PY' || fail "train report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["model"] == "deepritz" and r["networks"] == 9 and r["ranks"] == 2 and r["widths"] == "3-16-16-1", r
assert r["batch_nodes"] == 5 and r["samples_per_second"] > 0, r
print("ok: train deepritz", r["networks"], "networks,", r["seconds"], "s")
PY
[ -f dr.pt ] && [ ! -f dr.pt.partial ] || fail "bundle written"

"$mpiexec" -n 2 --oversubscribe "$neurhom" deepritz-eval -model dr.pt -steps 4 -test_samples 2 -form galerkin \
  -fields f.h5 -field_times 0.5,1 -report ev.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval"; }
python3 - ev.json <<'PY' || fail "eval report"
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("basis_error_mean", "relative_error_T", "relative_error_T_nodal", "localization_error_T", "online_speedup", "basis_error_energy_mean", "step_seconds_ann",
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

# exact bases alone (no training): the localization of nodal and element LOD against the
# global LOD; at ell = 1/H both are the global LOD
"$mpiexec" -n 2 --oversubscribe "$neurhom" deepritz-eval -example battery-ref -coarse_n 4 -fine_n 20 -steps 3 \
  -test_samples 1 -report loc1.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval -example"; }
"$mpiexec" -n 2 --oversubscribe "$neurhom" deepritz-eval -example battery-ref -coarse_n 4 -fine_n 20 -ell 4 -steps 3 \
  -test_samples 1 -report loc4.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval -example -ell 4"; }
python3 - loc1.json loc4.json <<'PY' || fail "localization reports"
import json, sys
r1, r4 = (json.load(open(f)) for f in sys.argv[1:3])
for r in (r1, r4):
    assert r["networks"] == 0 and r["form"] == "galerkin" and r["coefficient_time"] == "lagged", r
    assert len(r["localization_history"]) == 3 and "relative_error_T" not in r, r
    for k in ("localization_error_T", "nodal_vs_global_T", "element_vs_global_T", "localization_error_T_mean"):
        assert r[k] >= 0, (k, r)
assert 1e-6 < r1["nodal_vs_global_T"] < 0.5 and 1e-6 < r1["element_vs_global_T"] < 0.5, r1
assert max(r4["nodal_vs_global_T"], r4["element_vs_global_T"], r4["localization_error_T"]) < 1e-8, r4
print("ok: localization at ell 1", {k: round(r1[k], 5) for k in ("localization_error_T", "nodal_vs_global_T", "element_vs_global_T")})
PY
# online tables: on a grid point the interpolated and the looked-up correctors are exact;
# between grid points the interpolation error is small and shrinks with more points
"$neurhom" deepritz-eval -example cont -coarse_n 4 -fine_n 8 -steps 2 -test_samples 0 -p_start 0.01 -p_end 0.01 \
  -tabulate 3 -lookup -report tab0.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval -tabulate on the grid"; }
"$neurhom" deepritz-eval -example cont -coarse_n 4 -fine_n 8 -steps 3 -test_samples 2 -tabulate 3 -lookup \
  -report tab3.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval -tabulate 3"; }
"$neurhom" deepritz-eval -example cont -coarse_n 4 -fine_n 8 -steps 3 -test_samples 2 -tabulate 40 \
  -report tab40.json > out.txt 2>&1 || { cat out.txt; fail "deepritz-eval -tabulate 40"; }
python3 - tab0.json tab3.json tab40.json <<'PY' || fail "tabulated correctors"
import json, sys
r0, r3, r40 = (json.load(open(f)) for f in sys.argv[1:4])
assert r0["tabulated_error_T"] < 1e-12 and r0["lookup_error_T"] < 1e-12 and r0["lookup_points"] == 40, r0
for k in ("step_seconds_tabulated", "step_seconds_lookup", "step_seconds_element", "step_seconds_nodal", "table_offline_seconds"):
    assert r3[k] > 0, (k, r3)
assert 0 < r3["tabulated_error_T"] < 0.5 and r3["tabulated_error_T_mean"] > 0, r3
assert r40["tabulated_error_T_mean"] < r3["tabulated_error_T_mean"], (r40["tabulated_error_T_mean"], r3["tabulated_error_T_mean"])
print("ok: tables", r3["tabulated_error_T"], r3["lookup_error_T"], r40["tabulated_error_T_mean"])
PY

cmd=train
expect_error "unknown Deep Ritz example 'heat' (-example)" -model deepritz -example heat
expect_error "-hidden must be a comma-separated list of positive widths (got '8,x')" -model deepritz -hidden 8,x
expect_error "Deep Ritz: -steps must be at least 1 (got 0)" -model deepritz -coarse_n 4 -fine_n 8 -samples 2 -steps 0
expect_error "-fine_n" -model deepritz -coarse_n 4 -fine_n 10
expect_error "-batch_nodes must be non-negative (got -1)" -model deepritz -coarse_n 4 -fine_n 8 -samples 2 -batch_nodes -1
cmd=deepritz-eval
expect_error "cannot open Deep Ritz bundle 'missing.pt' (-model)" -model missing.pt
echo hello > text.pt
expect_error "'text.pt' is not a Deep Ritz bundle" -model text.pt
expect_error "was trained for H = 1/4, h = 1/8, ell = 1; -fine_n 16 asks for another mesh" -model dr.pt -fine_n 16
expect_error "unknown LOD form 'fem' (-form)" -model dr.pt -form fem
expect_error "-coefficient_time must be current or lagged (got 'later')" -model dr.pt -coefficient_time later
expect_error "give -model or -example, not both" -model dr.pt -example cont
expect_error "needs a trained bundle (-model bundle.pt" -steps 2
expect_error "unknown Deep Ritz example 'heat' (-example)" -example heat
expect_error "-fine_n 10 is not a multiple of -coarse_n 4" -example cont -coarse_n 4 -fine_n 10
expect_error "-tabulate must be 0 (off) or at least 2 grid points (got 1)" -example cont -coarse_n 4 -fine_n 8 -tabulate 1
expect_error "-fields writes the LOD-ANN solution and needs a bundle (-model)" -example cont -coarse_n 4 -fine_n 8 -fields bad.h5

finish "deepritz CLI"
