"""Shared helpers of the benchmark drivers: locating the build, the MPI environment for
running as root / oversubscribed, and atomic JSON output."""
import json
import os
import subprocess
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


def run_logged(cmd, env, log):
    """Runs cmd with its output appended to log; stops the driver with the command on failure."""
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, env=env, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}; see {log}")


def run_report(cmd, env, log, report):
    """run_logged(cmd) and the JSON report it wrote."""
    run_logged(cmd, env, log)
    with open(report) as f:
        return json.load(f)


def load_results(path, fresh):
    """The driver's earlier results (resumable drivers skip what is there), or an empty set."""
    if os.path.exists(path) and not fresh:
        with open(path) as f:
            return json.load(f)
    return {"runs": {}}


def pyplot():
    """matplotlib.pyplot with the Agg backend, or None (with a note) where matplotlib is missing:
    the plotting drivers run under Debian's /usr/bin/python3."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not available (run with /usr/bin/python3): no PNG")
        return None
    return plt


def save_figure(plt, fig, path, dpi=110):
    """tight layout, write the PNG, close the figure, say so."""
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    print(f"wrote {path}")
