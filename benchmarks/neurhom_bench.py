"""Shared helpers of the benchmark drivers: locating the build, the MPI environment for
running as root / oversubscribed, and atomic JSON output."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "benchmarks", "results")


def neurhom_exe(build, name):
    exe = os.path.join(build, "src", "neurhom")
    if not os.path.exists(exe):
        sys.exit(f"{name}: {exe} not found; build first (scripts/test.sh)")
    return exe


def mpi_env():
    return dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                OMPI_MCA_rmaps_base_oversubscribe="1")


def write_json(path, obj):
    """Writes obj to path through a temporary name, so a killed run leaves no partial result."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".partial", "w") as f:
        json.dump(obj, f, indent=2)
    os.replace(path + ".partial", path)
    print(f"wrote {path}")
