#!/usr/bin/env bash
# `neurhom lod -dim 3` against an independent PG-LOD (benchmarks/lod3d_reference.py: dense numpy,
# written from the method's definition) on the same field, to round-off: mixed faces, ell = 1 and
# 2, the default patch solver (kkt) and cholmod, 2 ranks; with ell = 3 (patches covering the
# domain), Dirichlet data on x- and x+ and f = 0: the same with the data, and u_H = I_H u_h (the
# quasi-interpolant of the fine FEM solution) at the free coarse nodes, to round-off. Needs Debian's python3-numpy and
# python3-h5py under /usr/bin/python3 (scripts/install-deps.sh); skipped (77) without them.
# usage: test_lod3d_reference.sh NEURHOM MPIEXEC REFERENCE_SCRIPT
neurhom=$1
mpiexec=$2
reference=$3
source "$(dirname "$0")/cli_common.sh"
if ! /usr/bin/python3 -c "import numpy, h5py" 2> /dev/null; then
  echo "SKIP: /usr/bin/python3 has no numpy/h5py (apt-get install python3-numpy python3-h5py)"
  exit 77
fi
for cfg in "kkt 1 D,N,D,D,N,D" "kkt 2 D,D,D,D,D,D" "cholmod 1 N,D,D,N,D,N" "kkt 3 D,D,N,N,N,N ideal"; do
  set -- $cfg
  data=() ref_data=()
  if [ "${4:-}" = ideal ]; then  # Dirichlet data 1 on x-, 3 on x+ (faces that do not meet), f = 0 (the same in both programs)
    data=(-bc_values 1,3,0,0,0,0 -rhs zero)
    ref_data=(--bc_values 1,3,0,0,0,0 --rhs zero --ideal)
  fi
  "$mpiexec" -n 2 --oversubscribe "$neurhom" lod -dim 3 -coarse_cells 3,2,2 -cells 12,8,8 -box 1.5,1,1 -bc "$3" -ell "$2" \
    -coef layered -coef_contrast 100 -patch_solver "$1" "${data[@]}" -o ref.h5 -report ref.json > out.txt 2>&1 \
    || { cat out.txt; fail "lod $cfg"; continue; }
  /usr/bin/python3 "$reference" ref.h5 --cells 12,8,8 --coarse 3,2,2 --box 1.5,1,1 --bc "$3" --ell "$2" --tol 1e-11 "${ref_data[@]}" \
    || fail "independent PG-LOD differs ($cfg)"
done
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
