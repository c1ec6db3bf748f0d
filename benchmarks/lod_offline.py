#!/usr/bin/env python3
"""PG-LOD offline throughput: patches per second on 1 and 2 ranks, with the breakdown.

Runs `neurhom lod` for the paper setting (H = 2^-5, eps = h = 2^-8, ell = 2, `ms`
coefficient) and prints patches/s, the speedup of 2 ranks over 1 measured in the same run,
and rank 0's split of the offline time (patch assembly / Cholesky factorization / constraint
and corrector solves with the local matrices). Writes JSON (default
benchmarks/results/lod_offline.json).

usage: benchmarks/lod_offline.py [--build build] [--coarse_n 32] [--fine_n 256] [--ell 2]
                                 [--ranks 1 2] [--solvers petsc]
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
    p.add_argument("--coarse_n", type=int, default=32)
    p.add_argument("--fine_n", type=int, default=256)
    p.add_argument("--ell", type=int, default=2)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--solvers", nargs="+", default=["petsc"], help="patch Cholesky: petsc cholmod mumps")
    p.add_argument("--out", default=os.path.join(RESULTS, "lod_offline.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "lod_offline")
    env = mpi_env()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for solver in args.solvers:
            for ranks in args.ranks:
                report = os.path.join(tmp, "r.json")
                cmd = ["mpiexec", "-n", str(ranks), exe, "lod", "-coef", "ms", "-coarse_n", str(args.coarse_n),
                       "-fine_n", str(args.fine_n), "-ell", str(args.ell), "-lod_patch_solver", solver,
                       "-report", report]
                subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
                r = json.load(open(report))
                b = r["offline_breakdown_rank0"]
                rows.append({"solver": solver, "ranks": ranks, "patches": r["patches"],
                             "offline_seconds": r["offline_seconds"], "patches_per_second": r["patches_per_second"],
                             "assembly_rank0": b["assembly"], "factorization_rank0": b["factorization"],
                             "solves_rank0": b["solves_and_local_matrices"],
                             "l2_error_vs_fine": r["l2_error_vs_fine"]})
    print(f"{'solver':>8} {'ranks':>5} {'patches':>8} {'offline s':>10} {'patches/s':>10} {'speedup':>8} "
          f"{'assembly%':>10} {'factor%':>8} {'solves%':>8}")
    for row in rows:
        base = next(x for x in rows if x["solver"] == row["solver"] and x["ranks"] == min(args.ranks))
        row["speedup"] = base["offline_seconds"] / row["offline_seconds"]
        total = row["assembly_rank0"] + row["factorization_rank0"] + row["solves_rank0"]
        print(f"{row['solver']:>8} {row['ranks']:>5} {row['patches']:>8} {row['offline_seconds']:>10.3f} "
              f"{row['patches_per_second']:>10.1f} {row['speedup']:>8.2f} {100 * row['assembly_rank0'] / total:>9.1f}% "
              f"{100 * row['factorization_rank0'] / total:>7.1f}% {100 * row['solves_rank0'] / total:>7.1f}%")
    write_json(args.out, {"benchmark": "lod_offline", "coarse_n": args.coarse_n, "fine_n": args.fine_n,
                          "ell": args.ell, "coefficient": "ms", "rows": rows})


if __name__ == "__main__":
    main()
