#!/usr/bin/env python3
"""Deep Ritz LOD training throughput: the node networks of a rank trained one at a time
(`train -model deepritz -batch_nodes 1`) vs together as one batched model (`-batch_nodes 0`,
methods/deepritz/net/ritz_batch.hpp), in the same run on the same cores, for each example
and network size (our default 3 x 64 and the paper's 8 x 128), a fixed number of steps
without early stopping (-interp_tol 0). Throughput = network evaluations (fine patch nodes x
training parameters) per second of training over all ranks, and the projected time of the
paper's 30000 steps for all networks. Prints a table and writes JSON (default
benchmarks/results/deepritz_batched.json; keys example, hidden, batch_nodes, samples_per_second,
seconds, steps, speedup). Resumable (--fresh starts over).

usage: benchmarks/deepritz_batched.py [--examples cont battery battery-ref] [--steps 100]
       [--hidden 64,64,64 128,128,128,128,128,128,128,128] [--ranks 2]
"""
import argparse
import os
import tempfile

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--examples", nargs="+", default=["cont", "battery", "battery-ref"])
    p.add_argument("--hidden", nargs="+", default=["64,64,64", "128,128,128,128,128,128,128,128"])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "deepritz_batched.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "deepritz_batched")
    env = mpi_env()
    result = load_results(args.out, args.fresh)
    log = os.path.splitext(args.out)[0] + ".log"
    mpi = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe]
    with tempfile.TemporaryDirectory() as tmp:
        for example in args.examples:
            for hidden in args.hidden:
                for batch in (1, 0):
                    key = f"{example}:{hidden}:batch{batch}:steps{args.steps}:ranks{args.ranks}"
                    if key in result["runs"]:
                        continue
                    report = os.path.join(tmp, "train.json")
                    cmd = mpi + ["train", "-model", "deepritz", "-example", example, "-steps", str(args.steps),
                                 "-hidden", hidden, "-interp_tol", "0", "-batch_nodes", str(batch), "-threads", "1",
                                 "-o", os.path.join(tmp, "bundle.pt"), "-report", report]
                    r = run_report(cmd, env, log, report)
                    result["runs"][key] = dict(example=example, hidden=hidden, batch_nodes=r["batch_nodes"],
                                               samples_per_second=r["samples_per_second"], seconds=r["seconds"],
                                               steps=args.steps, networks=r["networks"], ranks=args.ranks,
                                               command=" ".join(cmd[5:]))
                    write_json(args.out, result)
    rows = list(result["runs"].values())
    for r in rows:
        one = [q for q in rows if q["example"] == r["example"] and q["hidden"] == r["hidden"] and q["batch_nodes"] == 1
               and q["steps"] == r["steps"] and q["ranks"] == r["ranks"]]
        r["speedup"] = r["samples_per_second"] / one[0]["samples_per_second"] if one else None
    result["records"] = rows
    write_json(args.out, result)
    print("\n| example | network | networks per batch | samples/s | speedup | s for the steps | projected 30000 steps, all networks |")
    print("|---|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: (r["example"], r["hidden"], r["batch_nodes"])):
        width = r["hidden"].split(",")
        net = f"{len(width)} x {width[0]}"
        proj = r["seconds"] * 30000 / r["steps"] / 3600
        sp = "" if r["speedup"] is None else f"{r['speedup']:.2f}"
        print(f"| {r['example']} | {net} | {r['batch_nodes']} | {r['samples_per_second']:.3g} | {sp} | {r['seconds']:.1f} | {proj:.1f} h |")


if __name__ == "__main__":
    main()
