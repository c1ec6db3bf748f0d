#!/usr/bin/env python3
"""CEM-GMsFEM offline throughput: eigen-solves and basis solves per second on 1 and 2 ranks,
with the time split (SLEPc eigenproblems / region assembly / region Cholesky / constrained
basis solves / global R assembly), for the paper setting of Chung, Leung, Pun, Zhang 2020
Sec. 4.1: H = 0.1, h = 0.01, L_i = 3 (dim V_ms = 300), oversampling m (default 3), on the
high-contrast `channels` coefficient. Rates are aggregate: all cells (basis functions) divided by
rank 0's seconds in that phase (the coarse cells are split in equal blocks, so rank 0's time
is the phase's wall time). Writes JSON (default
benchmarks/results/cem_offline.json).

usage: benchmarks/cem_offline.py [--build build] [--coarse_n 10] [--fine_n 100] [--modes 3]
                                 [--oversampling 3] [--ranks 1 2]
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
    p.add_argument("--coarse_n", type=int, default=10)
    p.add_argument("--fine_n", type=int, default=100)
    p.add_argument("--modes", type=int, default=3)
    p.add_argument("--oversampling", type=int, default=3)
    p.add_argument("--contrast", default="1e4")
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--out", default=os.path.join(RESULTS, "cem_offline.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "cem_offline")
    env = mpi_env()
    rows = []
    cells = args.coarse_n ** 2
    with tempfile.TemporaryDirectory() as tmp:
        for ranks in args.ranks:
            report = os.path.join(tmp, "r.json")
            subprocess.run(["mpiexec", "-n", str(ranks), exe, "cem", "-coef", "channels", "-coef_contrast",
                            args.contrast, "-coarse_n", str(args.coarse_n), "-fine_n", str(args.fine_n),
                            "-cem_modes", str(args.modes), "-cem_oversampling", str(args.oversampling),
                            "-report", report], check=True, env=env, stdout=subprocess.DEVNULL)
            r = json.load(open(report))
            b = r["offline_breakdown_rank0"]
            basis = b["basis_assembly"] + b["basis_factorization"] + b["basis_solves"]
            rows.append({"ranks": ranks, "dim_vms": r["dim_vms"], "offline_seconds": r["offline_seconds"],
                         "eigen_solves_per_second": cells / b["eigenproblems"],
                         "basis_functions_per_second": r["dim_vms"] / basis,
                         "eigenproblems_rank0": b["eigenproblems"], "basis_assembly_rank0": b["basis_assembly"],
                         "basis_factorization_rank0": b["basis_factorization"],
                         "basis_solves_rank0": b["basis_solves"], "global_assembly_rank0": b["global_assembly"],
                         "energy_error_vs_fine": r["energy_error_vs_fine"], "l2_error_vs_fine": r["l2_error_vs_fine"]})
    print(f"{'ranks':>5} {'dim':>5} {'offline s':>10} {'speedup':>8} {'eig/s':>8} {'basis/s':>8} "
          f"{'SLEPc%':>7} {'assem%':>7} {'chol%':>7} {'solves%':>8} {'R%':>5}")
    for row in rows:
        row["speedup"] = rows[0]["offline_seconds"] / row["offline_seconds"]
        parts = [row["eigenproblems_rank0"], row["basis_assembly_rank0"], row["basis_factorization_rank0"],
                 row["basis_solves_rank0"], row["global_assembly_rank0"]]
        total = sum(parts)
        pct = [100 * x / total for x in parts]
        print(f"{row['ranks']:>5} {row['dim_vms']:>5} {row['offline_seconds']:>10.3f} {row['speedup']:>8.2f} "
              f"{row['eigen_solves_per_second']:>8.0f} {row['basis_functions_per_second']:>8.1f} "
              f"{pct[0]:>6.1f}% {pct[1]:>6.1f}% {pct[2]:>6.1f}% {pct[3]:>7.1f}% {pct[4]:>4.1f}%")
    write_json(args.out, {"benchmark": "cem_offline", "coarse_n": args.coarse_n, "fine_n": args.fine_n,
                          "modes": args.modes, "oversampling": args.oversampling, "coefficient": "channels",
                          "contrast": float(args.contrast), "rows": rows})


if __name__ == "__main__":
    main()
