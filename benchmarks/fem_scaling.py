#!/usr/bin/env python3
"""Fine-scale FEM strong scaling: `neurhom fem` on 1 and 2 ranks for several mesh sizes.

Prints a table and writes JSON (default benchmarks/results/fem_scaling.json). Times come
from the solver's own report (assembly_seconds, solve_seconds); the speedup is the ratio of
1-rank to P-rank solve time measured in the same run of this script.

usage: benchmarks/fem_scaling.py [--build build] [--sizes 128 256 512] [--ranks 1 2]
                                 [--problem elliptic] [--out FILE]
"""
import argparse
import json
import os
import subprocess
import tempfile

from neurhom_bench import RESULTS, ROOT, mpi_env, neurhom_exe, write_json


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--sizes", type=int, nargs="+", default=[128, 256, 512])
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--problem", default="elliptic")
    p.add_argument("--repeat", type=int, default=3, help="runs per point; the fastest is kept")
    p.add_argument("--out", default=os.path.join(RESULTS, "fem_scaling.json"))
    args = p.parse_args()

    exe = neurhom_exe(args.build, "fem_scaling")
    env = mpi_env()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            for ranks in args.ranks:
                best = None
                for _ in range(args.repeat):
                    report = os.path.join(tmp, "r.json")
                    cmd = ["mpiexec", "-n", str(ranks), exe, "fem", "-problem", args.problem, "-coef", "ms",
                           "-fine_n", str(n), "-report", report]
                    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
                    r = json.load(open(report))
                    if best is None or r["solve_seconds"] < best["solve_seconds"]:
                        best = r
                rows.append({"n": n, "ranks": ranks, "dofs": best["dofs"], "iterations": best["iterations"],
                             "assembly_seconds": best["assembly_seconds"], "solve_seconds": best["solve_seconds"]})
    serial = {row["n"]: row["solve_seconds"] for row in rows if row["ranks"] == 1}
    print(f"{'n':>6} {'ranks':>5} {'dofs':>10} {'KSP its':>8} {'assembly s':>11} {'solve s':>9} {'speedup':>8}")
    for row in rows:
        row["speedup_vs_1_rank"] = serial[row["n"]] / row["solve_seconds"] if row["n"] in serial else None
        sp = f"{row['speedup_vs_1_rank']:.2f}" if row["speedup_vs_1_rank"] else "-"
        print(f"{row['n']:>6} {row['ranks']:>5} {row['dofs']:>10} {row['iterations']:>8} "
              f"{row['assembly_seconds']:>11.4f} {row['solve_seconds']:>9.4f} {sp:>8}")
    write_json(args.out, {"benchmark": "fem_scaling", "problem": args.problem, "coefficient": "ms", "rows": rows})


if __name__ == "__main__":
    main()
