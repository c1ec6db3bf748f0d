#!/usr/bin/env bash
# Bad input to `neurhom fem`: each case must exit non-zero with exactly one error line on
# stderr that names the input, and leave no output (HDF5, XDMF, report, .partial) behind.
# usage: test_bad_input.sh NEURHOM MAKE_FIELD
set -u
neurhom=$1
make_field=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$make_field" zero.h5 4 1.0 0.0
"$make_field" field4.h5 4 1.0 2.0
failures=0

expect_error() {  # expect_error "expected message part" args...
  local expected=$1
  shift
  rm -f out.* report.json
  "$neurhom" fem "$@" -o out.h5 -report report.json >stdout.txt 2>stderr.txt
  local status=$?
  local lines
  lines=$(grep -c . stderr.txt)
  local leftovers
  leftovers=$(ls out.h5 out.xmf out.h5.partial out.xmf.partial report.json report.json.partial 2>/dev/null)
  if [ "$status" -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$expected" stderr.txt || [ -n "$leftovers" ]; then
    echo "FAIL: neurhom fem $* (exit $status, $lines stderr lines, leftovers: '$leftovers')"
    sed 's/^/  stderr: /' stderr.txt
    failures=$((failures + 1))
  else
    echo "ok: $* -> $(cat stderr.txt)"
  fi
}

expect_error "unknown coefficient family 'marble'" -coef marble -fine_n 8
expect_error "-coef_value must be positive" -coef constant -coef_value -1 -fine_n 8
expect_error "is not a positive finite number" -coef hdf5:zero.h5:/a -fine_n 8
expect_error "HDF5 file 'missing.h5' does not exist" -coef hdf5:missing.h5:/a -fine_n 8
expect_error "file has no dataset '/b'" -coef hdf5:field4.h5:/b -fine_n 8
expect_error "must be a multiple of 4" -coef hdf5:field4.h5:/a -fine_n 10
expect_error "-fine_n must be at least 2 (got 0)" -fine_n 0
expect_error "unknown problem 'wave'" -problem wave -fine_n 8
expect_error "unknown source 'lightning'" -rhs lightning -fine_n 8
expect_error "-steps must be at least 1" -problem parabolic -steps 0 -fine_n 8
expect_error "-T must be positive" -problem nonlinear -T -1 -fine_n 8
expect_error "-coef_alpha and -coef_beta must satisfy" -coef levels -coef_alpha 5 -coef_beta 1 -fine_n 8
# boxes and 3D (issue 30)
expect_error "-bc needs 6 faces (x-,x+,y-,y+,z-,z+) of D or N for -dim 3 (got 'D,D,N,N')" -verify -dim 3 -bc D,D,N,N
expect_error "-bc needs at least one Dirichlet face" -verify -dim 2 -bc N,N,N,N
expect_error "-bc entries must be D (Dirichlet) or N (Neumann)" -verify -dim 2 -bc D,D,R,N
expect_error "-cells needs 3 entries for -dim 3 (got '8,8')" -verify -dim 3 -cells 8,8
expect_error "-cells entries must be integers" -verify -dim 2 -cells 8,0
expect_error "-box side lengths must be positive" -verify -dim 3 -box 1,1,-2
expect_error "-dim must be 2 or 3 (got 4)" -verify -dim 4
expect_error "is a field of the unit square: it needs -dim 2 and n1 = n2" -dim 3 -cells 4,4,4 -coef cracks
expect_error "-bc_values needs 4 numbers, one per face" -dim 2 -cells 4,4 -bc D,D,N,N -bc_values 1,0
expect_error "is a 2D field; the mesh is 3D" -dim 3 -cells 8,8,8 -coef hdf5:field4.h5:/a
expect_error "has 4x4 cells; the mesh's cell counts must be multiples of them" -dim 2 -cells 8,6 -coef hdf5:field4.h5:/a
expect_error "unknown problem 'wave'" -verify -dim 3 -problem wave

# An output directory that does not exist.
"$neurhom" fem -fine_n 8 -o no/such/dir/out.h5 >/dev/null 2>stderr.txt
if [ $? -eq 0 ] || ! grep -q "directory 'no/such/dir' does not exist" stderr.txt; then
  echo "FAIL: missing output directory"; cat stderr.txt; failures=$((failures + 1))
else
  echo "ok: missing output directory -> $(cat stderr.txt)"
fi

# An unknown subcommand.
if "$neurhom" frobnicate >/dev/null 2>stderr.txt || ! grep -q "unknown subcommand 'frobnicate'" stderr.txt; then
  echo "FAIL: unknown subcommand"; failures=$((failures + 1))
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
