#!/usr/bin/env bash
# The multi-stage CEM networks end to end on 2 ranks: a tiny cem-datagen file, `train -model
# multistage` (decoupled CEM modes + pooling; steady with pooled kappa), `multistage-eval`
# (report keys, eq. 8 against re-solved fine solutions, HDF5/XDMF fields), and bad input.
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
assert r["l2_samples"] == 3 and 0 < r["l2_error_computed"] < 1 and r["l2_error_learnt"] > 0, r
assert r["parameters"] == sum(t["stage_parameters"]), r
# the basis-independent errors: one per stage, and eq. (8) per stage ending in l2_error_learnt
assert len(r["stage_errors_l2"]) == 3 and all(e > 0 for e in r["stage_errors_l2"]) and r["mean_predictor_error_l2"] > 0, r
assert len(r["l2_error_learnt_stages"]) == 3 and r["l2_error_learnt_stages"][-1] == r["l2_error_learnt"], r
assert r["affine_error"] > 0 and r["affine_error_l2"] > 0 and r["l2_error_affine"] >= 0.5 * r["l2_error_computed"], r
print("ok: multistage-eval", r["stage_errors"], r["l2_error_learnt"], r["l2_error_computed"])
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
expect_error "was generated with" -model ms.pt -data data.h5 -coef ms
"$mpiexec" -n 2 --oversubscribe "$neurhom" cem-datagen -coarse_n 2 -fine_n 16 -steps 3 -samples 4 -problems linear \
  -o other.h5 > out.txt 2>&1 || fail "second dataset"
expect_error "expects inputs of width 16, 'other.h5' gives 4" -model ms.pt -data other.h5

finish "multistage CLI"
