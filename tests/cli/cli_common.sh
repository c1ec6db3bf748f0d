# Sourced by the CLI tests: a scratch directory, failure counting, and expect_error.
# usage in a test: neurhom=...; source cli_common.sh; ...; finish "name"
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_error "expected message part" args...: runs `neurhom $cmd args... -o bad.h5 -report
# bad.json` and checks a non-zero exit, exactly one line on stderr containing the message, and
# no output file left behind (not even a .partial).
expect_error() {
  local expected=$1
  shift
  rm -f bad.h5 bad.xmf bad.json
  "$neurhom" "$cmd" "$@" -o bad.h5 -report bad.json > /dev/null 2> err.txt
  local status=$?
  if [ "$status" -eq 0 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -qF -- "$expected" err.txt || \
     ls bad.h5 bad.xmf bad.json bad.h5.partial > /dev/null 2>&1; then
    fail "$cmd $* (exit $status): $(cat err.txt)"
  else
    echo "ok: $cmd $* -> $(cat err.txt)"
  fi
}

finish() {
  [ "$failures" -eq 0 ] && echo "$1: all checks passed"
  exit "$failures"
}
