# Sourced by every jobscripts/*.slurm (bash). Finds the executable, sets the output folder and
# the MPI launch, so a job script is only its #SBATCH lines and its neurhom commands.
#   NEURHOM_ROOT       the checkout (default: the directory sbatch was called from)
#   NEURHOM            the executable (default: $NEURHOM_ROOT/build/src/neurhom)
#   NEURHOM_SRUN_MPI   srun's --mpi plugin (default pmix: Debian's and most clusters' OpenMPI
#                      need it; `srun --mpi=list` shows what your SLURM offers)
#   OUT                the output folder (default: $NEURHOM_ROOT/out/<job name>-<job id>)
# Every script also takes its sizes from environment variables (defaults: the papers'
# settings), e.g. `sbatch --export=ALL,FEM_N=256 jobscripts/fem.slurm`; the `# test-settings:`
# line of a script gives the tiny ones the `jobscripts` test runs under a local SLURM.
set -euo pipefail
NEURHOM_ROOT=${NEURHOM_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}
NEURHOM=${NEURHOM:-$NEURHOM_ROOT/build/src/neurhom}
NEURHOM_SRUN_MPI=${NEURHOM_SRUN_MPI:-pmix}
if [ ! -x "$NEURHOM" ]; then
  echo "neurhom job: no executable at '$NEURHOM': build neurhom first (bash scripts/test.sh), or set NEURHOM=/path/to/neurhom" >&2
  exit 1
fi
OUT=${OUT:-$NEURHOM_ROOT/out/${SLURM_JOB_NAME:-neurhom}-${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-local}}}
mkdir -p "$OUT"
echo "neurhom job ${SLURM_JOB_ID:-local} on ${SLURM_NTASKS:-1} tasks: $NEURHOM -> $OUT"

# One MPI run of neurhom over the job's tasks.
neurhom() { srun --mpi="$NEURHOM_SRUN_MPI" "$NEURHOM" "$@"; }
# The job's marker: the test (and a user) can tell a finished job from a killed one.
job_done() { date -u +"%Y-%m-%dT%H:%M:%SZ" > "$OUT/job.done"; }
