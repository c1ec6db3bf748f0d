# Sourced by the scripts: OpenMPI refuses to run as root (containers, CI) unless told, and
# needs --oversubscribe for more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
NEURHOM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NEURHOM_BUILD=${NEURHOM_BUILD:-$NEURHOM_ROOT/build}
export NEURHOM_ROOT NEURHOM_BUILD
neurhom_build() {  # configure (Release) and build with all cores; NEURHOM_TARGET=neurhom: the program only
  cmake -S "$NEURHOM_ROOT" -B "$NEURHOM_BUILD" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$NEURHOM_BUILD" -j"$(nproc)" ${NEURHOM_TARGET:+--target "$NEURHOM_TARGET"}
}
