#!/usr/bin/env bash
# The `jobscripts` test: every jobscripts/*.slurm submitted through sbatch to a local
# one-node SLURM (scripts/slurm-local.sh) with the tiny sizes of its `# test-settings:` line,
# on 2 tasks. Each script declares in its header:
#   # test-settings: VAR=value ...      environment for the tiny run (required, may be empty)
#   # test-sbatch: --array=0-2          extra sbatch options (optional)
#   # test-after: <script>              runs after that script's job succeeded, with
#                                       PARTS=<that job's OUT> (optional)
#   # test-expects: file.json:key,key   report files in $OUT and the keys they must have
# A job passes when every record of it (all array tasks) is COMPLETED with exit code 0:0,
# its marker $OUT/job.done exists, and its reports have the keys.
# usage: test_jobscripts.sh <neurhom executable> <source root>
# Exit status 77 (CTest: skipped) when SLURM cannot be started here.
set -uo pipefail
neurhom=$1
root=$2
work=$PWD/jobscripts-test
rm -rf "$work"
mkdir -p "$work"
export NEURHOM_SLURM_DIR=$work/slurm NEURHOM_SLURM_PORT=${NEURHOM_SLURM_PORT:-16917}
if ! bash "$root/scripts/slurm-local.sh" start > "$work/slurm-start.log" 2>&1; then
  cat "$work/slurm-start.log"
  echo "SKIP: no local SLURM here"
  exit 77
fi
trap 'bash "$root/scripts/slurm-local.sh" stop > /dev/null 2>&1' EXIT
export SLURM_CONF=$NEURHOM_SLURM_DIR/slurm.conf
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
header() { sed -n "s/^# $2: *//p" "$1" | head -1; }

declare -A job_of out_of
names=()
submit() {  # submit <script>: once, after the script it depends on
  local script=$1 name
  name=$(basename "$script" .slurm)
  [ -n "${job_of[$name]:-}" ] && return 0
  if ! grep -q "^# test-settings:" "$script"; then
    fail "$name: no '# test-settings:' line (every job script joins this test)"
    job_of[$name]=none
    return 0
  fi
  local settings after extra dep=() env_vars
  settings=$(header "$script" test-settings)
  after=$(header "$script" test-after)
  extra=$(header "$script" test-sbatch)
  # The settings travel in sbatch's environment (--export=ALL): values may contain commas.
  env_vars=(NEURHOM_ROOT="$root" NEURHOM="$neurhom" OUT="$work/$name")
  for kv in $settings; do env_vars+=("$kv"); done
  if [ -n "$after" ]; then
    submit "$root/jobscripts/$after.slurm"
    [ "${job_of[$after]}" = none ] && { fail "$name: its dependency $after was not submitted"; job_of[$name]=none; return 0; }
    dep=(--dependency=afterok:${job_of[$after]} --kill-on-invalid-dep=yes)
    env_vars+=(PARTS="${out_of[$after]}")
  fi
  local id
  # shellcheck disable=SC2086
  id=$(cd "$root" && env "${env_vars[@]}" sbatch --parsable --nodes=1 --ntasks=2 --ntasks-per-node=2 --time=10 \
         --output="$work/$name-%j.out" --export=ALL "${dep[@]}" $extra "$script") || {
    fail "$name: sbatch refused it"
    job_of[$name]=none
    return 0
  }
  job_of[$name]=${id%%;*}
  out_of[$name]=$work/$name
  names+=("$name")
  echo "submitted $name as job ${job_of[$name]} ($settings${extra:+ $extra}${after:+, after $after})"
}
for script in "$root"/jobscripts/*.slurm; do submit "$script"; done
# A job without the executable fails at once with a clear message.
missing_id=$(cd "$root" && env NEURHOM=/nonexistent/neurhom OUT="$work/missing" sbatch --parsable --nodes=1 --ntasks=1 \
               --ntasks-per-node=1 --output="$work/missing-%j.out" --export=ALL "$root/jobscripts/fem.slurm")
[ -n "$missing_id" ] || fail "sbatch refused the job without executable"
missing_id=${missing_id:-0}

# Wait for every job: all records in a final state.
final='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$'
deadline=$(($(date +%s) + ${NEURHOM_JOBSCRIPT_TIMEOUT:-480}))
declare -A state_of
for name in "${names[@]}"; do
  id=${job_of[$name]}
  while :; do
    states=$(scontrol show job "$id" -o 2> /dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u)
    reasons=$(scontrol show job "$id" -o 2> /dev/null | grep -o 'Reason=[A-Za-z_]*' | sort -u)
    pending=0
    for s in $states; do [[ $s =~ $final ]] || pending=1; done
    if echo "$reasons" | grep -q DependencyNeverSatisfied; then scancel "$id"; states=CANCELLED; pending=0; fi
    [ -n "$states" ] && [ $pending -eq 0 ] && break
    if [ "$(date +%s)" -gt "$deadline" ]; then scancel "$id"; states=TIMEOUT; break; fi
    sleep 1
  done
  state_of[$name]=$(echo $states)
done

for _ in $(seq 60); do
  scontrol show job "$missing_id" -o 2> /dev/null | grep -qE 'JobState=(FAILED|COMPLETED|CANCELLED)' && break
  sleep 1
done
if scontrol show job "$missing_id" -o | grep -q 'JobState=FAILED' && grep -q "no executable at '/nonexistent/neurhom'" "$work"/missing-*.out; then
  echo "ok: a job without the executable fails: $(grep -h 'no executable' "$work"/missing-*.out)"
else
  fail "a job without the executable: $(scontrol show job "$missing_id" -o | grep -o 'JobState=[A-Z]*') $(cat "$work"/missing-*.out)"
fi

for name in "${names[@]}"; do
  id=${job_of[$name]}
  script=$root/jobscripts/$name.slurm
  out=${out_of[$name]}
  codes=$(scontrol show job "$id" -o 2> /dev/null | grep -o ' ExitCode=[0-9:]*' | cut -d= -f2 | sort -u | tr '\n' ' ')
  runtime=$(scontrol show job "$id" -o 2> /dev/null | grep -o ' RunTime=[0-9:-]*' | cut -d= -f2 | sort | tail -1)
  if [ "${state_of[$name]}" != COMPLETED ] || [ "$codes" != "0:0 " ]; then
    fail "$name (job $id): state ${state_of[$name]}, exit code $codes"
    tail -20 "$work/$name"-*.out 2> /dev/null
    continue
  fi
  [ -f "$out/job.done" ] || { fail "$name: no job.done marker in $out"; continue; }
  # Every option a script passes is read by its subcommand (PETSc subcommands warn about
  # unused options; the others refuse unknown ones).
  if grep -h "was not used" "$work/$name"-*.out 2> /dev/null | sort -u | grep .; then
    fail "$name passes options its subcommands do not read"
    continue
  fi
  ok=1
  for entry in $(header "$script" test-expects); do
    file=${entry%%:*}
    keys=${entry#*:}
    python3 - "$out/$file" "$keys" << 'PY' || { fail "$name: $file lacks keys or is not JSON ($keys)"; ok=0; }
import json, sys
report = json.load(open(sys.argv[1]))
missing = [k for k in sys.argv[2].split(",") if k and k not in report]
sys.exit(1 if missing else 0)
PY
  done
  [ $ok -eq 1 ] && echo "ok: $name (job $id) COMPLETED, run time $runtime (longest task), reports: $(header "$script" test-expects)"
done
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
