#!/usr/bin/env python3
"""Training throughput of the paper's compression MLP (5,063,504 parameters): samples per
second on 1 and 2 ranks (data parallel, one flattened MPI_Allreduce of the gradients per
step), measured on the same dataset in one run.

Generates a small dataset at H = 1/8, h = 1/64, ell = 2 (input 1600, output 144: the
paper's network sizes), trains --epochs epochs with the paper's minibatch 1000 and reports
the last epoch's `samples_per_second` of `neurhom train` (training rows / training time,
validation excluded) with the speedup of 2 ranks over 1. In the same run, the same MLP and minibatch
trained by plain PyTorch on in-memory tensors (Debian's python3-torch, the same LibTorch;
benchmarks/forward_reference.py --train_steps, run by /usr/bin/python3) with the threads of
the 1-rank run: our samples/s over theirs shows what the data pipeline (sharded HDF5
batches) and the training loop cost. Writes JSON (default
benchmarks/results/train_throughput.json).

usage: benchmarks/train_throughput.py [--build build] [--ranks 1 2] [--epochs 2] [--samples 40]
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
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--samples", type=int, default=40, help="coefficient samples per family (2 families)")
    p.add_argument("--python", default="/usr/bin/python3", help="a python3 with Debian's python3-torch")
    p.add_argument("--out", default=os.path.join(RESULTS, "train_throughput.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "train_throughput")
    env = mpi_env()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "lod.h5")
        subprocess.run(["mpiexec", "-n", "2", exe, "lod-datagen", "-coarse_n", "8", "-fine_n", "64", "-ell", "2",
                        "-samples", str(args.samples), "-families", "levels8,ms", "-o", data],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        for ranks in args.ranks:
            report = os.path.join(tmp, "r.json")
            # --bind-to none: OpenMPI binds a lone rank to one core, which would serialize its threads.
            subprocess.run(["mpiexec", "--bind-to", "none", "-n", str(ranks), exe, "train", "-model", "compression", "-data", data,
                            "-epochs", str(args.epochs), "-batch", str(args.batch), "-o",
                            os.path.join(tmp, f"m{ranks}.pt"), "-report", report],
                           check=True, env=env, stdout=subprocess.DEVNULL)
            r = json.load(open(report))
            # The last epoch's rate: the first includes the one-time start (allocation, first reads).
            rows.append({"ranks": ranks, "threads_per_rank": r["threads_per_rank"], "parameters": r["parameters"],
                         "samples_per_second": r["history"][-1]["samples_per_second"],
                         "samples_per_second_all_epochs": r["samples_per_second"], "train_loss": r["train_loss"]})
            print(f"  {ranks} rank(s): {rows[-1]['samples_per_second']:.0f} samples/s (last epoch)", flush=True)
    threads = rows[0]["threads_per_rank"]
    ref = json.loads(subprocess.run([args.python, os.path.join(ROOT, "benchmarks", "forward_reference.py"), "--rows",
                                     str(args.batch), "--threads", str(threads), "--train_steps", "30"],
                                    check=True, capture_output=True, text=True).stdout)
    pytorch = ref["train_samples_per_second"]
    print(f"  PyTorch, in-memory batches, {threads} threads: {pytorch:.0f} samples/s", flush=True)
    base = rows[0]["samples_per_second"]
    print(f"{'ranks':>5} {'threads/rank':>12} {'parameters':>11} {'samples/s':>10} {'speedup':>8}")
    for row in rows:
        row["speedup"] = row["samples_per_second"] / base
        print(f"{row['ranks']:>5} {row['threads_per_rank']:>12} {row['parameters']:>11} "
              f"{row['samples_per_second']:>10.0f} {row['speedup']:>8.2f}")
    print(f"1 rank over PyTorch (same MLP, batch, threads; in-memory data): "
          f"{rows[0]['samples_per_second'] / pytorch:.2f}")
    write_json(args.out, {"benchmark": "train_throughput", "batch": args.batch, "epochs": args.epochs,
                          "input_size": 1600, "output_size": 144, "rows": rows,
                          "pytorch_samples_per_second": pytorch, "pytorch_threads": threads,
                          "one_rank_over_pytorch": rows[0]["samples_per_second"] / pytorch})


if __name__ == "__main__":
    main()
