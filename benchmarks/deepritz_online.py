#!/usr/bin/env python3
"""Deep Ritz LOD online phase, per time step end to end (correctors, Phi = P - Q, coarse
matrices and solve), for every way of getting the correctors of a new p:
  ann        one forward pass per node network (the LOD-ANN)
  nodal      recomputing the exact node-patch correctors (the networks' target)
  element    recomputing the element correctors of `neurhom lod`
  tabulated  element correctors computed offline at K parameters, interpolated linearly in p
  lookup     the exact element correctors at the nearest training parameter
on the moving-coefficient path of Example 1 (`cont`, H = 1/6, ell = 1, 24 steps), at the
paper's h = 1/36 and at finer h per coarse cell, where the exact correctors grow faster than
the forward pass (the crossover). The forward pass's cost does not depend on the weights, so
the bundles here are trained for one step only (`-steps 1`, timing only: their errors are
not reported); the tabulated and looked-up correctors are exact LOD correctors, so their
errors against the element LOD are reported (relative L2 at T on the path, mean over the
test parameters). Prints a table and writes JSON (default
benchmarks/results/deepritz_online.json; keys fine_n, hidden, step_seconds_ann,
step_seconds_nodal, step_seconds_element, step_seconds_tabulated, step_seconds_lookup,
tabulated_error_T, lookup_error_T, tabulated_error_T_mean, lookup_error_T_mean). Resumable.

usage: benchmarks/deepritz_online.py [--fine 36 72 144] [--hidden 64,64,64 128,...] [--tabulate 16] [--ranks 2]
"""
import argparse
import os
import tempfile

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--fine", nargs="+", type=int, default=[36, 72, 144])
    p.add_argument("--hidden", nargs="+", default=["64,64,64", "128,128,128,128,128,128,128,128"])
    p.add_argument("--tabulate", type=int, default=16)
    p.add_argument("--test-samples", type=int, default=5)
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "deepritz_online.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "deepritz_online")
    env = mpi_env()
    result = load_results(args.out, args.fresh)
    log = os.path.splitext(args.out)[0] + ".log"
    mpi = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe]
    keys = ("step_seconds_ann", "step_seconds_nodal", "step_seconds_element", "step_seconds_tabulated",
            "step_seconds_lookup", "tabulated_error_T", "lookup_error_T", "tabulated_error_T_mean", "lookup_error_T_mean",
            "table_offline_seconds")
    with tempfile.TemporaryDirectory() as tmp:
        for fine in args.fine:
            for hidden in args.hidden:
                key = f"cont:h1/{fine}:{hidden}:tab{args.tabulate}:test{args.test_samples}:ranks{args.ranks}"
                if key in result["runs"]:
                    continue
                bundle = os.path.join(tmp, "b.pt")
                run_report(mpi + ["train", "-model", "deepritz", "-example", "cont", "-fine_n", str(fine), "-steps", "1",
                                  "-hidden", hidden, "-threads", "1", "-o", bundle, "-report", os.path.join(tmp, "t.json")],
                           env, log, os.path.join(tmp, "t.json"))
                report = os.path.join(tmp, "e.json")
                cmd = mpi + ["deepritz-eval", "-model", bundle, "-tabulate", str(args.tabulate), "-lookup", "-test_samples",
                             str(args.test_samples), "-threads", "1", "-report", report]
                r = run_report(cmd, env, log, report)
                result["runs"][key] = dict(example="cont", fine_n=fine, coarse_n=r["coarse_n"], hidden=hidden,
                                           tabulate=args.tabulate, lookup_points=r["lookup_points"], ranks=args.ranks,
                                           command=" ".join(cmd[5:]), **{k: r[k] for k in keys})
                write_json(args.out, result)
    result["records"] = list(result["runs"].values())
    write_json(args.out, result)
    print("\n| h | network | ann | nodal | element | tabulated | lookup | (ms per step) | tabulated error T / mean | lookup error T / mean |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in sorted(result["records"], key=lambda r: (r["fine_n"], r["hidden"])):
        w = r["hidden"].split(",")
        ms = [1000 * r[k] for k in keys[:5]]
        print(f"| 1/{r['fine_n']} | {len(w)} x {w[0]} | " + " | ".join(f"{m:.1f}" for m in ms) +
              f" | | {r['tabulated_error_T']:.2e} / {r['tabulated_error_T_mean']:.2e} | {r['lookup_error_T']:.2e} / {r['lookup_error_T_mean']:.2e} |")


if __name__ == "__main__":
    main()
