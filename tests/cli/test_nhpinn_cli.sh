#!/usr/bin/env bash
# `neurhom homog` (FEM references of the NH-PINN cases) and `neurhom nhpinn` (the PINN
# pipeline, reduced epochs) on 2 ranks: report keys, output files, and bad input.
# usage: test_nhpinn_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

"$mpiexec" -n 2 --oversubscribe "$neurhom" homog -case reaction1d -eps 0.05 -fine_per_period 16 -steps 50 \
  -o h.h5 -report h.json > out.txt 2>&1 || { cat out.txt; fail "homog reaction1d"; }
python3 - h.json <<'PY' || fail "homog report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["case"] == "reaction1d" and abs(r["r_star"] + 0.25) < 1e-3 and 0 < r["e4"] < 0.1, r
print("ok: homog reaction1d", r["r_star"], r["e4"])
PY
[ -f h.h5 ] || fail "homog output"
"$mpiexec" -n 2 --oversubscribe "$neurhom" homog -case elliptic2d -eps 0.25 -fine_per_period 8 -cell_n 16 \
  -report e.json > out.txt 2>&1 || { cat out.txt; fail "homog elliptic2d"; }
python3 -c "import json; r = json.load(open('e.json')); assert len(r['a_star']) == 2 and r['e4'] < 0.1, r" || fail "a_star"

"$mpiexec" -n 2 --oversubscribe "$neurhom" nhpinn -case slow1d -fine_per_period 16 -cell_points 21 -cell_x 5 \
  -cell_epochs 20 -homog_points 21 -homog_epochs 20 -baseline -baseline_epochs 10 -average_last 5 -threads 1 \
  -o n.h5 -report n.json > out.txt 2>&1 || { cat out.txt; fail "nhpinn slow1d"; }
python3 - n.json <<'PY' || fail "nhpinn report"
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("e1", "e2", "e3", "e4", "cell_error", "baseline_error", "transfer_error"):
    assert k in r and r[k] >= 0, (k, r)
# the case defaults: cell rate decaying 0.9 per 1000 steps (slow1d), homogenized 0.6 (docs/pinn.md)
assert r["cell_decay"] == 0.9 and r["homogenized_decay"] == 0.6 and r["homogenized_lr"] == 1e-3, r
print("ok: nhpinn slow1d", {k: r[k] for k in ("e1", "e2", "e3", "e4", "cell_error")})
PY
[ -f n.h5 ] && [ ! -f n.h5.partial ] || fail "nhpinn output"
"$mpiexec" -n 2 --oversubscribe "$neurhom" nhpinn -case slow1d -fine_per_period 16 -cell_points 21 -cell_x 5 \
  -cell_epochs 20 -homog_points 21 -homog_epochs 300 -homog_boundary exact -baseline -baseline_epochs 1 \
  -average_last 5 -threads 1 -report x.json > out.txt 2>&1 || { cat out.txt; fail "nhpinn slow1d exact boundary"; }
# the transfer starts from p and keeps its ansatz: after one step at lr 1e-4 its error is p's e1
python3 -c "
import json; r = json.load(open('x.json'))
assert r['homogenized_boundary'] == 'exact' and r['homogenized_output_scale'] > 0 and r['e3'] < 0.05, r
assert abs(r['transfer_error'] - r['e1']) < 0.2 * r['e1'], r
r0 = json.load(open('n.json')); assert r0['homogenized_boundary'] == 'loss', r0" || fail "exact boundary report"

# the unit-cell reading of the reaction (r = cos 2 pi y on (0, 1)): r* = -1/(16 pi^2), e4 ~ 1e-3
"$mpiexec" -n 2 --oversubscribe "$neurhom" homog -case reaction1d -reaction_cell 1 -final_time 0.5 -fine_per_period 8 \
  -steps 20 -report h1.json > out.txt 2>&1 || { cat out.txt; fail "homog reaction1d -reaction_cell 1"; }
python3 -c "
import json, math; r = json.load(open('h1.json'))
assert r['reaction_cell'] == '1' and r['T'] == 0.5 and abs(r['r_star'] + 1 / (16 * math.pi ** 2)) < 1e-4 and r['e4'] < 5e-3, r" \
  || fail "homog reaction_cell report"
# periodic input layer for the cell PINN; step 3 with the FEM cell data
"$mpiexec" -n 2 --oversubscribe "$neurhom" nhpinn -case reaction1d -reaction_cell 1 -fine_per_period 8 -steps 10 \
  -cell_points 21 -cell_features 2 -cell_epochs 100 -homog_points 11 -homog_time_points 11 -homog_epochs 5 \
  -average_last 5 -threads 1 -report p.json > out.txt 2>&1 || { cat out.txt; fail "nhpinn -cell_features"; }
"$mpiexec" -n 2 --oversubscribe "$neurhom" nhpinn -case slow1d -fine_per_period 8 -homog_data fem -homog_points 11 \
  -homog_epochs 5 -average_last 5 -threads 1 -report f.json > out.txt 2>&1 || { cat out.txt; fail "nhpinn -homog_data fem"; }
python3 -c "
import json; p = json.load(open('p.json')); f = json.load(open('f.json'))
assert p['cell_input'] == 'periodic' and p['cell_frequencies'] == 2 and p['reaction_cell'] == '1' and p['a_star_error'] < 0.01, p
assert f['homogenized_data'] == 'fem' and 'cell_error' not in f and abs(f['e2'] - f['e4']) < 1e-12, f" \
  || fail "periodic cell / fem data report"
# step 1 alone: chi_1 with the drift and the a*_11 / a*_21 error, the HDF5 history
"$mpiexec" -n 2 --oversubscribe "$neurhom" nhpinn -case elliptic2d -cell_only -cell_epochs 3 -cell_points 21 \
  -fine_per_period 8 -cell_n 16 -threads 1 -report co.json -o co.h5 > out.txt 2>&1 || { cat out.txt; fail "nhpinn -cell_only"; }
python3 -c "
import json; r = json.load(open('co.json'))
assert r['cell_only'] and 'e1' not in r and len(r['cell_drift_alpha']) == 1 and r['a_star_error'] > 0, r
assert 'cell_error_no_oversampling' in r, r" || fail "cell_only report"
[ -f co.h5 ] || fail "cell_only output"

cmd=homog
expect_error "unknown case 'heat' (-case)" -case heat
expect_error "-reaction_cell must be 2pi or 1 (got 'pi')" -case reaction1d -reaction_cell pi
expect_error "-final_time must be positive" -case reaction1d -final_time 0
expect_error "-eps must be in (0, 1)" -case slow1d -eps 2
expect_error "-fine_per_period must be at least 4" -case slow1d -fine_per_period 2
cmd=nhpinn
expect_error "0 <= oversampling < n - 2 (got n = 5, oversampling = 4)" -case reaction1d -cell_points 5 -oversampling 4 -fine_per_period 8 -steps 5
expect_error "unknown case 'heat' (-case)" -case heat
expect_error "-homog_decay must be in (0, 1]" -case slow1d -homog_decay 1.5
expect_error "-decay_steps must be at least 1" -case slow1d -decay_steps 0
expect_error "-homog_boundary_weight must be in (0, 1)" -case slow1d -fine_per_period 8 -cell_points 11 -cell_x 3 -cell_epochs 2 -homog_boundary_weight 1

expect_error "-homog_boundary must be exact or loss (got 'hard')" -case slow1d -homog_boundary hard
expect_error "-homog_data must be pinn or fem (got 'exact')" -case slow1d -homog_data exact
expect_error "-cell_only and -homog_data fem exclude each other" -case slow1d -cell_only -homog_data fem
expect_error "-cell_weights must sum to 1" -case reaction1d -fine_per_period 8 -steps 5 -cell_weights 0.5,0.6,0.1
expect_error "-cell_weights needs 3 values" -case reaction1d -fine_per_period 8 -steps 5 -cell_weights 0.5,0.5
expect_error "-cell_features must be >= 0" -case reaction1d -fine_per_period 8 -steps 5 -cell_features -1
expect_error "-homog_boundary exact: only for elliptic2d and slow1d" -case reaction1d -homog_boundary exact

finish "nhpinn CLI"
