#!/usr/bin/env bash
# The multi-stage CEM networks end to end on 2 ranks: a tiny cem-datagen file, `train -model
# multistage` (decoupled CEM modes + pooling; steady with pooled kappa), `multistage-eval`
# (report keys; eq. 8 from the stored moments equals eq. 8 against re-solved fine solutions;
# HDF5/XDMF fields), `cem-baselines`, the steady readings, the calibration driver, and bad input.
# usage: test_multistage_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

"$mpiexec" -n 2 --oversubscribe "$neurhom" cem-datagen -coarse_n 4 -fine_n 32 -steps 3 -samples 24 -problems linear,steady \
  -o data.h5 > out.txt 2>&1 || { cat out.txt; fail "cem-datagen"; }

"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model multistage -data data.h5 -problem linear \
  -reduction cem-mode-1,cem-mode-2,pool -m1 2 -r1 3 -epochs 4 -batch 6 -threads 1 -o ms.pt -report train.json \
  > out.txt 2>&1 || { cat out.txt; fail "train -model multistage"; }
python3 - train.json <<'PY' || fail "train report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["model"] == "multistage" and r["problem"] == "linear" and r["ranks"] == 2, r
assert r["reductions"] == ["cem-mode-1", "cem-mode-2", "pool"], r
assert len(r["stage_errors"]) == 3 and len(r["stage_parameters"]) == 3 and r["mean_predictor_error"] > 0, r
assert r["stage_parameters"][0] < r["stage_parameters"][1] == r["stage_parameters"][2], r
print("ok: train report", r["stage_errors"], r["stage_parameters"])
PY
[ -f ms.pt ] && [ -f ms.pt.stage3.ckpt ] || fail "model and stage checkpoints"

"$mpiexec" -n 2 --oversubscribe "$neurhom" multistage-eval -model ms.pt -data data.h5 -l2_samples 3 -fields f.h5 \
  -report eval.json > out.txt 2>&1 || { cat out.txt; fail "multistage-eval"; }
python3 - eval.json train.json <<'PY' || fail "multistage-eval report"
import json, sys
r = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
for k in ("stage_errors", "mean_predictor_error", "parameters", "l2_error_learnt", "l2_error_computed"):
    assert k in r, k
assert all(abs(a - b) <= 1e-9 * b for a, b in zip(r["stage_errors"], t["stage_errors"])), (r, t)
# the file stores R'M u_h: eq. (8) on every test row (6 of 24) without fine solves
assert r["l2_source"] == "data" and r["l2_samples"] == 6, r
assert 0 < r["l2_error_computed"] < 1 and r["l2_error_learnt"] > 0, r
assert r["parameters"] == sum(t["stage_parameters"]), r
# the basis-independent errors: one per stage, and eq. (8) per stage ending in l2_error_learnt
assert len(r["stage_errors_l2"]) == 3 and all(e > 0 for e in r["stage_errors_l2"]) and r["mean_predictor_error_l2"] > 0, r
assert len(r["l2_error_learnt_stages"]) == 3 and r["l2_error_learnt_stages"][-1] == r["l2_error_learnt"], r
assert r["affine_error"] > 0 and r["affine_error_l2"] > 0 and r["l2_error_affine"] >= 0.5 * r["l2_error_computed"], r
print("ok: multistage-eval", r["stage_errors"], r["l2_error_learnt"], r["l2_error_computed"])
PY
# the same numbers from fine re-solves of the 6 test samples: the stored-moment algebra is exact
"$mpiexec" -n 2 --oversubscribe "$neurhom" multistage-eval -model ms.pt -data data.h5 -l2_from solves -l2_samples 6 \
  -report solves.json > out.txt 2>&1 || { cat out.txt; fail "multistage-eval -l2_from solves"; }
python3 - eval.json solves.json <<'PY' || fail "eq. (8) from the stored moments vs fine re-solves"
import json, sys
d, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert s["l2_source"] == "solves" and s["l2_samples"] == 6, s
for k in ("l2_error_computed", "l2_error_affine"):
    assert abs(d[k] - s[k]) <= 1e-7 * s[k], (k, d[k], s[k])
for a, b in zip(d["l2_error_learnt_stages"], s["l2_error_learnt_stages"]):
    assert abs(a - b) <= 1e-7 * b, (d["l2_error_learnt_stages"], s["l2_error_learnt_stages"])
print("ok: eq. (8) from the data = from re-solves", d["l2_error_computed"], s["l2_error_computed"])
PY
"$neurhom" cem-baselines -data data.h5 -report base.json > out.txt 2>&1 || { cat out.txt; fail "cem-baselines"; }
python3 - base.json eval.json <<'PY' || fail "cem-baselines report"
import json, sys
b, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
lin = b["problems"]["linear"]
assert list(b["problems"]) == ["linear", "steady"] and lin["test_rows"] == 6 and lin["train_rows"] == 18, b
st = b["problems"]["steady"]
assert st["reading"] == "reject" and st["nonpositive_fraction"] == 0 and st["mean_predictor_error"] > 0, st
for k in ("mean_predictor_error", "mean_predictor_error_l2", "affine_error", "affine_error_l2"):
    assert abs(lin[k] - e[k]) <= 1e-12 * e[k], (k, lin[k], e[k])
assert abs(lin["l2_error_computed"] - e["l2_error_computed"]) <= 1e-12 * e["l2_error_computed"], (lin, e)
assert abs(lin["l2_error_affine"] - e["l2_error_affine"]) <= 1e-12 * e["l2_error_affine"], (lin, e)
assert lin["l2_error_mean"] > lin["l2_error_computed"] and b["cem_modes"] == 3, b
print("ok: cem-baselines", lin)
PY
grep -q 'f.h5:/fields/learnt' f.xmf && grep -q 'f.h5:/fields/error' f.xmf || fail "eval fields"

# the baselines of issue 26: the paper's concatenation C_k and no input normalization, recorded in the model
"$neurhom" train -model multistage -data data.h5 -problem linear -m1 2 -r1 3 -epochs 2 -batch 6 -combine concat \
  -no_normalize -o cat.pt -report cat.json > out.txt 2>&1 || { cat out.txt; fail "train -combine concat -no_normalize"; }
grep -q 'combine=concat;normalize=0' cat.json || fail "-combine concat / -no_normalize not in the architecture"
# the M-orthonormal target basis (the dataset's R'MR), evaluated in physical units
"$neurhom" train -model multistage -data data.h5 -problem linear -m1 2 -r1 3 -epochs 4 -batch 6 -target_basis mass \
  -o mass.pt -report mass.json > out.txt 2>&1 || { cat out.txt; fail "train -target_basis mass"; }
"$neurhom" multistage-eval -model mass.pt -data data.h5 -l2_samples 2 -report mass_eval.json > out.txt 2>&1 || { cat out.txt; fail "multistage-eval of a -target_basis mass model"; }
python3 - mass.json mass_eval.json <<'PY' || fail "mass_eval.json"
import json, sys
t, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert "target_basis=mass" in r["architecture"], r
# the saved model maps back to CEM coefficients exactly as in training
assert all(abs(a - b) <= 1e-9 * b for a, b in zip(r["stage_errors"], t["stage_errors"])), (r["stage_errors"], t["stage_errors"])
print("ok: -target_basis mass", r["stage_errors_l2"])
PY
"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model multistage -data data.h5 -problem steady -reduction kappa-0,pool \
  -epochs 3 -batch 6 -hidden 16 -threads 1 -o st.pt -report st.json > out.txt 2>&1 || { cat out.txt; fail "steady"; }
"$neurhom" multistage-eval -model st.pt -data data.h5 -report st_eval.json > out.txt 2>&1 || { cat out.txt; fail "steady eval"; }
python3 -c "import json; r = json.load(open('st_eval.json')); assert len(r['stage_errors']) == 2 and r['l2_samples'] == 0, r" \
  || fail "steady eval report"

cmd=train
expect_error "reduction 'cem-mode-9' (-reduction) does not match the linear data" -model multistage -data data.h5 -reduction cem-mode-9
expect_error "-m1 must be in [1, m0 = 3] (got 9)" -model multistage -data data.h5 -m1 9
expect_error "has no nonlinear data" -model multistage -data data.h5 -problem nonlinear
expect_error "-reduction lists 2 reductions for -stages 3" -model multistage -data data.h5 -stages 3 -reduction pool,pool
expect_error "unknown combination 'sum' (-combine); known: residual, concat" -model multistage -data data.h5 -combine sum
expect_error "unknown target basis 'svd' (-target_basis); known: cem, mass" -model multistage -data data.h5 -target_basis svd
expect_error "unknown model 'transformer'" -model transformer -data data.h5
expect_error "missing.h5" -model multistage -data missing.h5
cmd=multistage-eval
expect_error "multistage-eval needs a trained model" -data data.h5
expect_error "holds a 'multistage-stage' model, not a multistage network" -model ms.pt.stage1.ckpt -data data.h5
expect_error "was generated with" -model ms.pt -data data.h5 -coef ms -l2_from solves
expect_error "unknown -l2_from 'fine'; known: auto, data, solves" -model ms.pt -data data.h5 -l2_from fine
for args in "-problem linear|cem-baselines needs a dataset" "-data data.h5 -problem nonlinear|has no nonlinear data" \
            "-data missing.h5|missing.h5"; do  # (no output file to check: cem-baselines writes a report only)
  "$neurhom" cem-baselines ${args%%|*} > /dev/null 2> err.txt && fail "cem-baselines ${args%%|*} exited 0"
  { [ "$(grep -c . err.txt)" -eq 1 ] && grep -qF -- "${args#*|}" err.txt; } || fail "cem-baselines ${args%%|*}: $(cat err.txt)"
done
cmd=cem-datagen
expect_error "unknown reading 'clip' (-steady_kappa); known: reject, literal" -problems steady -samples 4 -steady_kappa clip
# a fine solve failing on one rank fails the run on every rank (no hang in the collective write), no file left
rm -f bad.h5 bad.h5.partial
timeout 120 "$mpiexec" -n 2 --oversubscribe "$neurhom" cem-datagen -coarse_n 4 -fine_n 32 -steps 3 -samples 4 \
  -problems nonlinear -gamma 1e5 -o bad.h5 > /dev/null 2> err.txt
status=$?
{ [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && grep -q "error: training sample 0: Newton did not converge at time step 1 (t = 1.0472) even with 256 sub-steps" err.txt && \
  [ "$(grep -c "Newton did not converge" err.txt)" -eq 1 ] && ! ls bad.h5 bad.h5.partial > /dev/null 2>&1; } \
  || fail "cem-datagen with a diverging Newton (exit $status): $(cat err.txt)"

# the steady parameter ranges as written: no draw rejected, kappa <= 0 kept (direct solve)
"$mpiexec" -n 2 --oversubscribe "$neurhom" cem-datagen -coarse_n 4 -fine_n 32 -samples 12 -problems steady \
  -steady_kappa literal -o literal.h5 -report literal.json > out.txt 2>&1 || { cat out.txt; fail "-steady_kappa literal"; }
python3 -c "
import json; r = json.load(open('literal.json'))
assert r['steady_kappa'] == 'literal' and r['steady_rejected'] == 0 and r['steady_nonpositive'] > 0, r
print('ok: literal reading', r['steady_nonpositive'], 'of 12 samples with kappa <= 0')" || fail "literal reading report"
"$neurhom" cem-baselines -data literal.h5 -report literal_base.json > out.txt 2>&1 || { cat out.txt; fail "cem-baselines, steady"; }
python3 -c "
import json; r = json.load(open('literal.json')); b = json.load(open('literal_base.json'))['problems']['steady']
assert b['reading'] == 'literal' and abs(b['nonpositive_fraction'] - r['steady_nonpositive'] / 12) < 1e-12, (b, r)
print('ok: steady baselines', b)" || fail "steady baselines"

# the calibration driver at a tiny size: one record per setting with the baselines of both problems
python3 "$(dirname "${BASH_SOURCE[0]}")/../../benchmarks/cem_calibration.py" --build "$(dirname "$(dirname "$neurhom")")" \
  --samples 10 --coarse-n 2 --fine-n 16 --steps 2 --settings 1e2:1:2:20 1e2:global:2:20 --out cal.json > out.txt 2>&1 \
  || { cat out.txt; fail "benchmarks/cem_calibration.py"; }
python3 - cal.json <<'PY' || fail "calibration records"
import json, sys
r = json.load(open(sys.argv[1]))["runs"]
assert sorted(r) == ["1e2:1:2:20", "1e2:global:2:20"] and r["1e2:global:2:20"]["oversampling"] == 2, r
for rec in r.values():
    for p in ("linear", "nonlinear"):
        assert 0 < rec[p]["l2_error_computed"] < rec[p]["l2_error_mean"] and rec[p]["affine_error_l2"] >= 0, rec
    assert rec["seconds_per_sample"] > 0 and rec["modes"] == 2, rec
print("ok: calibration", {k: v["linear"]["l2_error_computed"] for k, v in r.items()})
PY
"$mpiexec" -n 2 --oversubscribe "$neurhom" cem-datagen -coarse_n 2 -fine_n 16 -steps 3 -samples 4 -problems linear \
  -o other.h5 > out.txt 2>&1 || fail "second dataset"
cmd=multistage-eval
expect_error "expects inputs of width 16, 'other.h5' gives 4" -model ms.pt -data other.h5

finish "multistage CLI"
