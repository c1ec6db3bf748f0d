#!/usr/bin/env bash
# `neurhom mrcae-data`, `neurhom train -model mrcae` and `neurhom mrcae-eval` on 2 ranks with
# tiny sizes: datasets of every example, the grown model, resume, report keys, fields, and
# bad input with one-line errors and no output left.
# usage: test_mrcae_cli.sh NEURHOM MPIEXEC
neurhom=$1
mpiexec=$2
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

for ex in toy1 toy2 turbulence multiscale; do
  "$mpiexec" -n 2 --oversubscribe "$neurhom" mrcae-data -example $ex -size 31 -snapshots 40 -o $ex.h5 -report $ex.json \
    > out.txt 2>&1 || { cat out.txt; fail "mrcae-data $ex"; }
  [ -f $ex.h5 ] || fail "mrcae-data $ex output"
done
python3 - toy1.json <<'PY' || fail "mrcae-data report: reference convention, scaled to [0, 1]"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["convention"] == "reference" and r["scaling"] == "unit" and r["scale"] > 0, r
print("ok: mrcae-data", r["scaling"], r["offset"], r["scale"])
PY
"$neurhom" mrcae-data -example toy2 -convention paper -scale none -size 15 -snapshots 10 -o raw.h5 -report raw.json > out.txt 2>&1 \
  || { cat out.txt; fail "mrcae-data -convention paper -scale none"; }
grep -q '"scaling": "none"' raw.json || fail "unscaled data say so"
"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model mrcae -data toy2.h5 -levels 2 -tol 1e-3,1e-4 -channels 2 -groups 1,2 \
  -epochs 30 -threads 1 -o m.pt -export m.ts -report tr.json > out.txt 2>&1 || { cat out.txt; fail "train mrcae"; }
[ -f m.ts ] || fail "TorchScript export written"
grep -q "\[mrcae\] level 1 deepen" out.txt || fail "progress lines of the operations"
python3 - tr.json <<'PY' || fail "train report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["model"] == "mrcae" and r["ranks"] == 2 and len(r["history"]) >= 2 and r["parameters"] > 0, r
assert r["history"][0]["operation"] == "deepen", r
assert all(h["stop"] in ("resolved", "slow", "max") and 0 <= h["unresolved_fraction"] <= 1 and h["test_global"] > 0
           for h in r["history"]), r
assert sum(h["operation"] == "widen" and h["level"] == 0 for h in r["history"]) <= 1, r  # -groups 1 at level 0
print("ok: train mrcae", r["architecture"], r["parameters"], "parameters")
PY
# resume: nothing left to do, the same model
"$neurhom" train -model mrcae -data toy2.h5 -levels 2 -tol 1e-3,1e-4 -channels 2 -groups 1,2 -epochs 30 -threads 1 -o m.pt -resume \
  -report tr2.json > out.txt 2>&1 || { cat out.txt; fail "train mrcae -resume"; }
python3 -c "import json; a=json.load(open('tr.json')); b=json.load(open('tr2.json')); assert a['architecture']==b['architecture'] and len(a['history'])==len(b['history']), (a, b)" || fail "resume keeps the model"

"$mpiexec" -n 2 --oversubscribe "$neurhom" mrcae-eval -model m.pt -data toy2.h5 -o f.h5 -report ev.json > out.txt 2>&1 \
  || { cat out.txt; fail "mrcae-eval"; }
python3 - ev.json <<'PY' || fail "eval report"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["level_errors"]) == 2 and r["parameters"] > 0 and r["encoding_size"] > 0, r
assert len(r["interpolation_errors"]) == 2 and all(e > 0 for e in r["interpolation_errors"]), r
assert len(r["unresolved_fractions"]) == 2 and r["scaling"] == "unit", r
print("ok: mrcae-eval", r["level_errors"], r["encoding_size"])
PY
[ -f f.h5 ] && [ -f f.xmf ] && grep -q refinement_level_1 f.xmf || fail "fields with refinement maps"

# the baselines: RED-Net with skips on the level-0 data, global metric; the plain CAE
"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model cae -data toy1.h5 -channels 2,1 -skip -levels 2 -level 0 -epochs 20 \
  -threads 1 -report cae.json > out.txt 2>&1 || { cat out.txt; fail "train cae -skip -level 0"; }
python3 - cae.json <<'PY' || fail "cae report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["skip"] is True and r["level"] == 0 and r["architecture"].startswith("rednet size=15"), r
assert r["test_error"] > 0 and r["stop"] in ("slow", "max"), r
print("ok: rednet", r["architecture"], r["test_error"])
PY

cmd=mrcae-data
expect_error "-convention must be reference or paper (got 'notebook')" -example toy1 -convention notebook
expect_error "-scale must be unit or none (got 'log')" -example toy1 -scale log
expect_error "unknown MrCAE example 'sea' (-example)" -example sea
expect_error "-size must be 2^k - 1 >= 3 (got 32)" -size 32
cmd=train
expect_error "cannot open snapshot dataset 'missing.h5' (-data)" -model mrcae -data missing.h5
expect_error "MrCAE: 9 levels need images of at least 1023 pixels per side (got 31)" -model mrcae -data toy1.h5 -levels 9 -tol 1,1,1,1,1,1,1,1,1
expect_error "MrCAE: -tol needs one tolerance per level (3 levels, 1 given)" -model mrcae -data toy1.h5 -tol 1e-3
expect_error "-tol must be a comma-separated list of numbers (got 'a,b')" -model mrcae -data toy1.h5 -tol a,b
expect_error "MrCAE: -channels needs one value or one per level (2 levels, 3 given)" -model mrcae -data toy1.h5 -levels 2 -tol 1,1 -channels 1,2,3
expect_error "-stop must be reference or patience (got 'early')" -model mrcae -data toy1.h5 -stop early
expect_error "-restore must be best or last (got 'final')" -model mrcae -data toy1.h5 -restore final
expect_error "-deepen_init must be constant or noise (got 'zero')" -model mrcae -data toy1.h5 -deepen_init zero
"$neurhom" train -model cae -data toy1.h5 -levels 2 -level 2 > /dev/null 2> err.txt && fail "cae -level 2 of 2 accepted"
[ "$(grep -c . err.txt)" -eq 1 ] && grep -qF -- "-level must be -1 or in [0, -levels) (got 2 of 2)" err.txt || fail "cae -level error: $(cat err.txt)"
cmd=mrcae-eval
expect_error "cannot open MrCAE model 'missing.pt' (-model)" -model missing.pt -data toy1.h5
"$neurhom" mrcae-data -example toy1 -size 15 -snapshots 10 -o small.h5 > /dev/null 2>&1
expect_error "is for 31 x 31 images; the dataset has 15 x 15" -model m.pt -data small.h5

finish "mrcae CLI"
