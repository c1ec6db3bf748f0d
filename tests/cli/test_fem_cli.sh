#!/usr/bin/env bash
# End-to-end runs of `neurhom fem`: outputs readable as HDF5 + XDMF, report keys, the
# -verify convergence rates on 2 ranks, and user HDF5 coefficient fields.
# usage: test_fem_cli.sh NEURHOM MAKE_FIELD MPIEXEC
set -eu
neurhom=$1
make_field=$2
mpiexec=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mpirun2() { "$mpiexec" -n 2 --oversubscribe "$@"; }

check_json() {  # check_json FILE PYTHON-EXPRESSION-ON-r
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2])
print(("ok: " if ok else "FAIL: ") + sys.argv[2])
sys.exit(0 if ok else 1)
PY
}

echo "== elliptic on 2 ranks with output"
mkdir -p out
mpirun2 "$neurhom" fem -coef ms -fine_n 32 -o out/ell.h5 -report ell.json
test -f out/ell.h5 && test -f out/ell.xmf && test ! -e out/ell.h5.partial
grep -q 'ell.h5:/fields/u' out/ell.xmf
check_json ell.json "all(k in r for k in ('dofs','solve_seconds','ranks','iterations')) and r['dofs']==33*33 and r['ranks']==2 and r['u_max']>0"

echo "== parabolic time series"
"$neurhom" fem -problem parabolic -coef channels -coef_contrast 100 -rhs paper-cem -fine_n 20 -T 0.5 -steps 4 \
  -output_every 2 -o out/par.h5 -report par.json
grep -q 'CollectionType="Temporal"' out/par.xmf
test "$(grep -c '<Time Value' out/par.xmf)" -eq 3
check_json par.json "r['steps']==4 and r['T']==0.5"

echo "== nonlinear (paper-cem source, gamma = 20, T = pi)"
mpirun2 "$neurhom" fem -problem nonlinear -coef ms -rhs paper-cem -gamma 20 -T 3.14159265 -steps 31 -fine_n 30 \
  -report nl.json
check_json nl.json "r['newton_iterations']>=31 and r['newton_iterations']<=31*8 and r['gamma']==20"

echo "== user HDF5 coefficient"
"$make_field" field.h5 8 2.0 3.0
"$neurhom" fem -coef hdf5:field.h5:/a -fine_n 16 -report user.json
check_json user.json "r['coefficient']=='hdf5:field.h5:/a'"

echo "== -verify on 2 ranks"
mpirun2 "$neurhom" fem -verify -report verify.json
check_json verify.json "r['l2_rate']>=1.9 and r['h1_rate']>=0.95 and len(r['levels'])>=4 and r['ranks']==2 and r['dim']==2 and r['cells']==[8,8]"
mpirun2 "$neurhom" fem -verify -problem parabolic -verify_meshes 4 -report verify_par.json
check_json verify_par.json "r['l2_rate']>=1.9 and r['h1_rate']>=0.95"

echo "== -verify on a 3D box with mixed faces, 2 ranks"
mpirun2 "$neurhom" fem -verify -dim 3 -cells 2,3,2 -box 1,1.5,1 -bc D,N,N,D,D,N -verify_meshes 4 -report verify3d.json
check_json verify3d.json "r['dim']==3 and r['cells']==[2,3,2] and r['bc']=='D,N,N,D,D,N' and r['l2_rate']>=1.9 and r['h1_rate']>=0.95 and all(l['flux_balance']<1e-8 for l in r['levels'])"

echo "== parabolic on a 3D box: -verify rates and a solve"
mpirun2 "$neurhom" fem -verify -problem parabolic -dim 3 -cells 2,2,2 -bc D,N,D,D,N,D -verify_meshes 4 -report verify3dp.json
check_json verify3dp.json "r['problem']=='parabolic' and r['l2_rate']>=1.9 and r['h1_rate']>=0.95 and r['steps']==10"
mpirun2 "$neurhom" fem -problem parabolic -dim 3 -cells 8,8,8 -coef layered -T 0.1 -steps 4 -report box_heat.json
check_json box_heat.json "r['problem']=='parabolic' and r['steps']==4 and 0 < r['u_max'] < 0.1"

mpirun2 "$neurhom" fem -verify -problem nonlinear -gamma 1 -T 0.5 -steps 2 -dim 3 -cells 2,2,2 -bc D,D,N,D,D,N -verify_meshes 4 -report verify3dn.json
check_json verify3dn.json "r['problem']=='nonlinear' and r['gamma']==1 and r['l2_rate']>=1.9 and r['h1_rate']>=0.95"
# the box solvers' option prefixes (-box_nl_, -box_) are PETSc options, not misspellings
mpirun2 "$neurhom" fem -problem nonlinear -gamma 1 -T 0.1 -steps 2 -dim 3 -cells 4,4,4 -box_nl_snes_max_it 20 \
  -box_nl_ksp_rtol 1e-9 -report box_nl.json
check_json box_nl.json "r['problem']=='nonlinear' and r['substeps']==0 and r['newton_iterations']>=2"
mpirun2 "$neurhom" fem -problem parabolic -dim 3 -cells 4,4,4 -T 0.1 -steps 2 -box_ksp_rtol 1e-9 -report box_p.json
check_json box_p.json "r['problem']=='parabolic' and r['steps']==2"

echo "== 3D solves: flow through a box (constant: a_eff = a), the SPE10-style layered field, XDMF"
mpirun2 "$neurhom" fem -dim 3 -cells 8,6,4 -box 2,1,1.5 -coef constant -coef_value 3 -bc D,D,N,N,N,N -bc_values 1,0,0,0,0,0 \
  -rhs zero -report box_const.json
check_json box_const.json "abs(r['effective_coefficient']['x']-3)<1e-8 and abs(r['face_flux'][0]+r['face_flux'][1])<1e-8 and r['dim']==3"
mpirun2 "$neurhom" fem -dim 3 -cells 16,16,8 -box 1,1,0.5 -coef layered -bc D,D,N,N,N,N -bc_values 1,0,0,0,0,0 -rhs zero \
  -o layered.h5 -report box_layered.json
check_json box_layered.json "r['effective_coefficient']['x']>1 and r['coefficient'].startswith('layered') and r['dofs']==17*17*9"
grep -q '3DCoRectMesh" Dimensions="9 17 17"' layered.xmf
grep -q 'Dimensions="8 16 16">layered.h5:/fields/coefficient' layered.xmf

echo "== help"
"$neurhom" help | grep -q "fem"
"$neurhom" fem -help | grep -q -- "-fine_n"
echo "all CLI checks passed"
