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
"$mpiexec" -n 2 --oversubscribe "$neurhom" train -model mrcae -data toy2.h5 -levels 2 -tol 1e-3,1e-4 -channels 2 \
  -epochs 30 -threads 1 -o m.pt -export m.ts -report tr.json > out.txt 2>&1 || { cat out.txt; fail "train mrcae"; }
[ -f m.ts ] || fail "TorchScript export written"
grep -q "\[mrcae\] level 1 deepen" out.txt || fail "progress lines of the operations"
python3 - tr.json <<'PY' || fail "train report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["model"] == "mrcae" and r["ranks"] == 2 and len(r["history"]) >= 2 and r["parameters"] > 0, r
assert r["history"][0]["operation"] == "deepen", r
print("ok: train mrcae", r["architecture"], r["parameters"], "parameters")
PY
# resume: nothing left to do, the same model
"$neurhom" train -model mrcae -data toy2.h5 -levels 2 -tol 1e-3,1e-4 -channels 2 -epochs 30 -threads 1 -o m.pt -resume \
  -report tr2.json > out.txt 2>&1 || { cat out.txt; fail "train mrcae -resume"; }
python3 -c "import json; a=json.load(open('tr.json')); b=json.load(open('tr2.json')); assert a['architecture']==b['architecture'] and len(a['history'])==len(b['history']), (a, b)" || fail "resume keeps the model"

"$mpiexec" -n 2 --oversubscribe "$neurhom" mrcae-eval -model m.pt -data toy2.h5 -o f.h5 -report ev.json > out.txt 2>&1 \
  || { cat out.txt; fail "mrcae-eval"; }
python3 - ev.json <<'PY' || fail "eval report"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["level_errors"]) == 2 and r["parameters"] > 0 and r["encoding_size"] > 0, r
print("ok: mrcae-eval", r["level_errors"], r["encoding_size"])
PY
[ -f f.h5 ] && [ -f f.xmf ] && grep -q refinement_level_1 f.xmf || fail "fields with refinement maps"

cmd=mrcae-data
expect_error "unknown MrCAE example 'sea' (-example)" -example sea
expect_error "-size must be 2^k - 1 >= 3 (got 32)" -size 32
cmd=train
expect_error "cannot open snapshot dataset 'missing.h5' (-data)" -model mrcae -data missing.h5
expect_error "MrCAE: 9 levels need images of at least 1023 pixels per side (got 31)" -model mrcae -data toy1.h5 -levels 9 -tol 1,1,1,1,1,1,1,1,1
expect_error "MrCAE: -tol needs one tolerance per level (3 levels, 1 given)" -model mrcae -data toy1.h5 -tol 1e-3
expect_error "-tol must be a comma-separated list of numbers (got 'a,b')" -model mrcae -data toy1.h5 -tol a,b
cmd=mrcae-eval
expect_error "cannot open MrCAE model 'missing.pt' (-model)" -model missing.pt -data toy1.h5
"$neurhom" mrcae-data -example toy1 -size 15 -snapshots 10 -o small.h5 > /dev/null 2>&1
expect_error "is for 31 x 31 images; the dataset has 15 x 15" -model m.pt -data small.h5

finish "mrcae CLI"
