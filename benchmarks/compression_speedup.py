#!/usr/bin/env python3
"""Online speedup of the neural operator compression: nn_seconds vs. lod_seconds.

For the same coefficient, `neurhom compress-eval` computes S_A by PG-LOD (patch problems +
assembly: lod_seconds) and S^_A by the network (R_T extraction + one batched forward pass +
assembly: nn_seconds). The ratio lod_seconds / nn_seconds is the headline number of the
paper's online phase. Timing does not depend on how well the network is trained, so the
driver trains the paper MLP (1600-...-144, 5,063,504 parameters; input/output sizes depend
only on r = H/h = 8 and ell = 2) for one epoch on a tiny dataset at H = 1/8, then evaluates
it at the settings given by --coarse_n (default H = 2^-5 and 2^-6, h = H/8, ell = 2) on 1
and 2 ranks with one thread per rank (both methods on the same cores). In the same run it
measures the bare forward pass of the same MLP on the same batch (a rank's patches) and
thread count in plain PyTorch (Debian's python3-torch, benchmarks/forward_reference.py, run
by /usr/bin/python3) and the plain GEMM rate, and prints our network time over that
reference. Each configuration runs with -precision fp32 and bf16 (bfloat16 GEMMs with
float32 accumulation; the PyTorch reference then runs the bfloat16 network too). Timing does
not show what bf16 costs in accuracy: with --trained MODEL (a trained compression model, e.g.
out/compression-noaug/model.pt from benchmarks/compression_accuracy.py) the script also
evaluates the three experiments of the paper in both precisions and prints their spectral and
L2 errors side by side. Writes JSON (default benchmarks/results/compression_speedup.json).

usage: benchmarks/compression_speedup.py [--build build] [--coarse_n 32 64] [--ranks 1 2]
                                         [--coef ms] [--repeat 2] [--precision fp32 bf16]
                                         [--trained out/compression-noaug/model.pt]
"""
import argparse
import json
import os
import subprocess
import tempfile

from compression_accuracy import EXPERIMENTS
from neurhom_bench import RESULTS, ROOT, mpi_env, neurhom_exe, write_json


def run(cmd, env):
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--coarse_n", type=int, nargs="+", default=[32, 64])
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--coef", default="ms")
    p.add_argument("--repeat", type=int, default=3, help="runs per configuration; the fastest is kept")
    p.add_argument("--python", default="/usr/bin/python3", help="a python3 with Debian's python3-torch")
    p.add_argument("--precision", nargs="+", default=["fp32", "bf16"], choices=["fp32", "bf16"])
    p.add_argument("--trained", default="", help="trained compression model for the accuracy of each precision")
    p.add_argument("--out", default=os.path.join(RESULTS, "compression_speedup.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "compression_speedup")
    env = mpi_env()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data, model = os.path.join(tmp, "lod.h5"), os.path.join(tmp, "model.pt")
        print("compression_speedup: generating a tiny dataset (H = 1/8, h = 1/64, ell = 2) and "
              "training the paper MLP for one epoch ...", flush=True)
        run(["mpiexec", "-n", "2", exe, "lod-datagen", "-coarse_n", "8", "-fine_n", "64", "-ell", "2",
             "-samples", "10", "-families", "ms", "-o", data], env)
        run(["mpiexec", "-n", "2", exe, "train", "-model", "compression", "-data", data, "-epochs", "1",
             "-batch", "100", "-lr", "1e-3", "-o", model], env)
        for coarse_n in args.coarse_n:
            for ranks in args.ranks:
                for precision in args.precision:
                    best = None
                    for _ in range(args.repeat):
                        report = os.path.join(tmp, "r.json")
                        run(["mpiexec", "-n", str(ranks), exe, "compress-eval", "-model", model, "-coef", args.coef,
                             "-seed", "777", "-rhs", "one", "-coarse_n", str(coarse_n), "-threads", "1",
                             "-precision", precision, "-report", report], env)
                        r = json.load(open(report))
                        if best is None or r["nn_seconds"] < best["nn_seconds"]:
                            best = r
                    local = (coarse_n * coarse_n + ranks - 1) // ranks  # rank 0's patches
                    ref = json.loads(subprocess.run(
                        [args.python, os.path.join(ROOT, "benchmarks", "forward_reference.py"), "--rows", str(local),
                         "--threads", "1", "--dtype", precision], check=True, capture_output=True, text=True).stdout)
                    rows.append({"coarse_n": coarse_n, "fine_n": best["fine_n"], "ell": 2, "ranks": ranks,
                                 "threads_per_rank": 1, "precision": precision, "patches": coarse_n * coarse_n,
                                 "lod_seconds": best["lod_seconds"], "nn_seconds": best["nn_seconds"],
                                 "speedup": best["lod_seconds"] / best["nn_seconds"],
                                 "nn_breakdown_rank0": best["nn_breakdown_rank0"],
                                 "nn_warmup_seconds": best.get("nn_warmup_seconds", 0.0),
                                 "pytorch_forward_seconds": ref["forward_seconds"], "gemm_gflops": ref["gemm_gflops"],
                                 "nn_over_pytorch_forward": best["nn_seconds"] / ref["forward_seconds"]})
                    row = rows[-1]
                    print(f"  H = 1/{coarse_n}, {ranks} rank(s), {precision}: lod {row['lod_seconds']:.3f} s, "
                          f"nn {row['nn_seconds']:.3f} s, PyTorch forward {ref['forward_seconds']:.3f} s", flush=True)
        accuracy = []
        if args.trained:
            for name, coef, rhs, _, _ in EXPERIMENTS:
                for precision in args.precision:
                    report = os.path.join(tmp, "a.json")
                    run(["mpiexec", "-n", "2", exe, "compress-eval", "-model", args.trained, "-coef", coef, "-seed",
                         "2024", "-rhs", rhs, "-threads", "1", "-precision", precision, "-report", report], env)
                    r = json.load(open(report))
                    accuracy.append({"experiment": name, "precision": precision,
                                     "spectral_norm_error": r["spectral_norm_error"], "l2_error": r["l2_error"],
                                     "l2_error_relative": r["l2_error_relative"], "speedup": r["speedup"]})
    print("(one thread per rank; extraction / forward / projection / assembly: rank 0's split of nn s; "
          "PyTorch: the bare forward pass of the same MLP and batch; warm-up: the untimed first forward pass)")
    print(f"{'H':>6} {'h':>6} {'ranks':>5} {'prec':>5} {'patches':>8} {'lod s':>8} {'nn s':>8} {'speedup':>8} {'extract':>8} "
          f"{'forward':>8} {'project':>8} {'assemble':>8} {'PyTorch':>8} {'nn/PyT':>7} {'GEMM GF/s':>9} {'warm-up':>8}")
    for row in rows:
        b = row["nn_breakdown_rank0"]
        print(f"{'1/' + str(row['coarse_n']):>6} {'1/' + str(row['fine_n']):>6} {row['ranks']:>5} "
              f"{row['precision']:>5} {row['patches']:>8} "
              f"{row['lod_seconds']:>8.3f} {row['nn_seconds']:>8.4f} {row['speedup']:>8.1f} {b['extraction']:>8.4f} "
              f"{b['forward']:>8.4f} {b.get('projection', 0):>8.4f} {b['assembly']:>8.4f} "
              f"{row['pytorch_forward_seconds']:>8.4f} {row['nn_over_pytorch_forward']:>7.2f} {row['gemm_gflops']:>9.1f} "
              f"{row['nn_warmup_seconds']:>8.4f}")
    if accuracy:
        print(f"\naccuracy of the trained model {args.trained} (2 ranks, the paper's three experiments):")
        print(f"{'experiment':>10} {'prec':>5} {'spectral':>9} {'L2 abs':>10} {'L2 rel':>10} {'speedup':>8}")
        for a in accuracy:
            print(f"{a['experiment']:>10} {a['precision']:>5} {a['spectral_norm_error']:>9.4f} {a['l2_error']:>10.3e} "
                  f"{a['l2_error_relative']:>10.3e} {a['speedup']:>8.1f}")
    write_json(args.out, {"benchmark": "compression_speedup", "coefficient": args.coef, "ell": 2,
                          "network": "paper MLP 1600-1600-800-800-400-400-144-144-144", "rows": rows,
                          "accuracy": accuracy, "trained_model": args.trained})


if __name__ == "__main__":
    main()
