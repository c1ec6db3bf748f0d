#!/usr/bin/env bash
# Installs neurhom's build and run dependencies from Debian 12 packages when they are
# missing. Needs root (apt-get); otherwise prints the command to run.
set -euo pipefail
# libopenblas0-openmp: without it libblas.so.3 is the reference BLAS, and LibTorch's Linear
# layers (and PETSc's dense kernels) run ~35x slower; the OpenMP build honours the thread count
# neurhom gives LibTorch (cores / ranks per node).
# python3-numpy python3-h5py (for /usr/bin/python3): the independent numpy PG-LOD that the
# cli_lod3d_reference test compares `lod -dim 3` with (benchmarks/lod3d_reference.py).
# slurmctld slurmd slurm-client munge: a local one-node SLURM (scripts/slurm-local.sh) on which
# the `jobscripts` test submits every jobscripts/*.slurm.
packages=(cmake g++ pkg-config make petsc-dev slepc-dev libopenmpi-dev openmpi-bin libhdf5-openmpi-dev
          libboost-test-dev libtorch-dev libopenblas0-openmp python3 python3-numpy python3-h5py
          slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present"
  exit 0
fi
echo "install-deps: missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
