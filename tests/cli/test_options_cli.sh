#!/usr/bin/env bash
# Every subcommand, in both spellings (`neurhom METHOD VERB` and the one-word alias):
#  - `-help` lists its options and exits 0 within 5 s without running (no output files);
#  - a misspelled option fails with exactly one line on stderr naming it, exit non-zero,
#    before any work (no output file left behind); checked once per command (the alias).
# Also: `neurhom METHOD` lists its verbs, an unknown verb is one error line.
# usage: test_options_cli.sh NEURHOM   (commands not in this build's `neurhom help` are skipped)
neurhom=$1
source "$(dirname "${BASH_SOURCE[0]}")/cli_common.sh"

with_petsc=0
"$neurhom" help | grep -q '^  fem ' && with_petsc=1

commands=("lod-merge" "compression merge" "train" "train -model compression" "train -model multistage"
          "train -model mrcae" "train -model cae" "compression train" "multistage train" "mrcae train"
          "mrcae-data" "mrcae datagen" "mrcae-eval" "mrcae eval")
if [ "$with_petsc" -eq 1 ]; then
  commands+=("fem" "lod" "cem" "homog" "nhpinn reference" "lod-datagen" "compression datagen" "cem-datagen"
             "multistage datagen" "compress-eval" "compression eval" "multistage-eval" "multistage eval"
             "nhpinn" "nhpinn train" "deepritz-eval" "deepritz eval" "train -model deepritz" "deepritz train")
fi

# check_command "words...": the two checks of one command in its own directory; failures are
# written to fail.<n>. Two commands run at a time (the test holds 2 processors).
check_command() {
  local n=$1 c=$2
  local dir="cmd$n"
  mkdir -p "$dir" && cd "$dir" || return
  read -r -a words <<< "$c"
  mkdir outdir
  local start status ms
  start=$(date +%s%N)
  timeout 60 "$neurhom" "${words[@]}" -help -o outdir/x.h5 -report outdir/r.json > help.txt 2> err.txt
  status=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$status" -ne 0 ] || ! grep -q -- ' -[a-z]' help.txt || [ -n "$(ls outdir)" ] || [ "$ms" -ge 5000 ]; then
    echo "FAIL: neurhom $c -help: exit $status, $ms ms, outputs '$(ls outdir)': $(head -3 err.txt)" | tee -a "../fail.$n"
  else
    echo "ok: neurhom $c -help ($ms ms, $(wc -l < help.txt) lines)"
  fi
  # A `METHOD VERB` spelling runs the same command as its alias: its option check is the alias's.
  [ "${words[0]}" != train ] && [[ " compression multistage nhpinn deepritz mrcae " == *" ${words[0]} "* ]] && \
    [ "${#words[@]}" -ge 2 ] && return
  timeout 60 "$neurhom" "${words[@]}" -no_such_option 3 -o outdir/x.h5 -report outdir/r.json > out.txt 2> err.txt
  status=$?
  if [ "$status" -eq 0 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -qF -- "unknown option -no_such_option" err.txt || \
     [ -n "$(ls outdir)" ]; then
    echo "FAIL: neurhom $c -no_such_option: exit $status, outputs '$(ls outdir)': $(cat err.txt)" | tee -a "../fail.$n"
  else
    echo "ok: neurhom $c -no_such_option -> $(cat err.txt)"
  fi
}

n=0
for c in "${commands[@]}"; do
  n=$((n + 1))
  (check_command "$n" "$c") &
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
done
wait
failures=$((failures + $(cat fail.* 2>/dev/null | wc -l)))

for m in compression multistage nhpinn deepritz mrcae; do
  [ "$with_petsc" -eq 0 ] && [ "$m" != compression ] && [ "$m" != mrcae ] && continue
  # (`neurhom nhpinn -help` is the one-word command's help, `neurhom nhpinn` alone runs it)
  if [ "$m" != nhpinn ]; then
    "$neurhom" "$m" -help > verbs.txt 2>&1 && grep -q "neurhom $m VERB" verbs.txt || fail "neurhom $m -help: $(cat verbs.txt)"
  fi
  "$neurhom" "$m" no_such_verb > out.txt 2> err.txt
  if [ $? -eq 0 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -qF "unknown verb 'no_such_verb' for $m" err.txt; then
    fail "neurhom $m no_such_verb: $(cat err.txt)"
  fi
done
"$neurhom" train -help > models.txt && grep -q 'mrcae' models.txt && grep -q 'compression' models.txt || \
  fail "neurhom train -help does not list the models: $(cat models.txt)"
finish options_cli
