#!/usr/bin/env bash
# The `jobscripts_syntax` test (no SLURM needed): every jobscripts/*.slurm parses (`bash -n`),
# sources jobscripts/lib.sh, declares its tiny test settings, and calls only subcommands that
# exist (from `neurhom help`). The options themselves are checked where the scripts really run
# (the `jobscripts` test: unused options are warnings there, and fail it).
# usage: check_jobscripts_syntax.sh <neurhom executable> <source root>
set -uo pipefail
neurhom=$1
root=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
subcommands=$("$neurhom" help commands | sort -u)
bash -n "$root/jobscripts/lib.sh" || fail "lib.sh does not parse"
for script in "$root"/jobscripts/*.slurm; do
  name=$(basename "$script")
  bash -n "$script" || { fail "$name does not parse"; continue; }
  grep -q 'jobscripts/lib.sh' "$script" || fail "$name does not source jobscripts/lib.sh"
  grep -q '^# test-settings:' "$script" || fail "$name has no '# test-settings:' line"
  grep -q '^job_done' "$script" || fail "$name does not end with job_done"
  used=$(grep -oE '^\s*neurhom [a-z][a-z-]*' "$script" | awk '{print $2}' | sort -u)
  [ -n "$used" ] || fail "$name runs no neurhom subcommand"
  for cmd in $used; do
    echo "$subcommands" | grep -qx "$cmd" || fail "$name calls 'neurhom $cmd', which is not a subcommand"
  done
  echo "ok: $name ($(echo $used))"
done
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
