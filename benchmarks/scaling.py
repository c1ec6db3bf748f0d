#!/usr/bin/env python3
"""Strong and weak scaling of the parallel workflows, with parallel efficiency.

  lod-datagen   PG-LOD patch problems + collective HDF5 row writes (H = 1/16, h = 1/128, ell = 2)
  cem-datagen   CEM eigenproblems/basis once per rank + per-sample fine solves (H = 1/10, h = 1/50)
  train         the paper MLP (1600-...-144), data parallel, one gradient allreduce per step
  fem           the fine elliptic solve (CG + GAMG), assembly + solve

Strong scaling: the same problem on each rank count; efficiency T_1 / (p T_p).
Weak scaling: work per rank fixed (samples, rows or fine cells proportional to p);
efficiency T_1 / T_p. Rank counts above the machine's cores are run oversubscribed to check
that the results do not change, and are marked `oversubscribed` (their times mean nothing).
Times are what each command reports (datagen: its own seconds, without start-up; train:
seconds per 10,000 samples (strong) or per step of 100 p samples (weak) from its samples/s;
fem: assembly + solve). Writes JSON (default benchmarks/results/scaling.json); plot with
/usr/bin/python3 scripts/plot_scaling.py.

usage: benchmarks/scaling.py [--build build] [--ranks 1 2 4] [--quick]
"""
import argparse
import json
import os
import subprocess
import tempfile

from neurhom_bench import RESULTS, ROOT, mpi_env, neurhom_exe, write_json


def run(exe, ranks, args, env, report):
    subprocess.run(["mpiexec", "-n", str(ranks), exe] + args + ["-report", report], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.load(open(report))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--quick", action="store_true", help="smaller problems (a smoke run)")
    p.add_argument("--out", default=os.path.join(RESULTS, "scaling.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "scaling")
    env = mpi_env()
    cores = os.cpu_count() or 1
    q = 2 if args.quick else 1
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        def path(name):
            return os.path.join(tmp, name)

        # Training data for `train` (generated once, not timed).
        subprocess.run(["mpiexec", "-n", str(min(2, cores)), exe, "lod-datagen", "-coarse_n", "8", "-fine_n", "64",
                        "-ell", "2", "-samples", "10", "-families", "ms", "-o", path("train.h5")], check=True, env=env,
                       stdout=subprocess.DEVNULL)

        def workloads(ranks, weak):
            k = ranks if weak else 1
            return {
                "lod-datagen": (["lod-datagen", "-coarse_n", "16", "-fine_n", "128", "-ell", "2", "-families", "ms",
                                 "-samples", str(4 // q * k), "-o", path("l.h5")], lambda r: r["seconds"]),
                "cem-datagen": (["cem-datagen", "-coarse_n", "10", "-fine_n", "50", "-problems", "linear", "-steps", "5",
                                 "-samples", str(8 // q * k), "-o", path("c.h5")], lambda r: r["seconds"]),
                # seconds per step of 100 p samples (weak) or per 10,000 samples (strong)
                "train": (["train", "-model", "compression", "-data", path("train.h5"), "-epochs", "1", "-threads", "1",
                           "-batch", str(100 * k), "-o", path("m.pt")],
                          lambda r: (100 * k if weak else 1e4) / r["samples_per_second"]),
                "fem": (["fem", "-coef", "ms", "-fine_n", str(int(512 // q * k ** 0.5))],
                        lambda r: r["assembly_seconds"] + r["solve_seconds"]),
            }

        for mode in ("strong", "weak"):
            for name in ("lod-datagen", "cem-datagen", "train", "fem"):
                base = None
                for ranks in args.ranks:
                    cmd, seconds_of = workloads(ranks, mode == "weak")[name]
                    r = run(exe, ranks, cmd, env, path("r.json"))
                    t = seconds_of(r)
                    if base is None:
                        base = t
                    eff = base / (ranks * t) if mode == "strong" else base / t
                    row = {"mode": mode, "workload": name, "ranks": ranks, "seconds": t, "efficiency": eff,
                           "oversubscribed": ranks > cores, "command": " ".join(cmd)}
                    results.append(row)
                    print(f"{mode:>6} {name:>12} {ranks:>3} ranks: {t:8.3f} s  efficiency {eff:5.2f}"
                          f"{'  (oversubscribed: correctness only)' if ranks > cores else ''}", flush=True)
    write_json(args.out, {"benchmark": "scaling", "cores": cores, "quick": args.quick, "rows": results})


if __name__ == "__main__":
    main()
