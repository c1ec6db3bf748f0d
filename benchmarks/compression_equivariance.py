#!/usr/bin/env python3
"""Exactly D4-equivariant operator-compression surrogates side by side (issue 32).

The same data and training budget for every construction (`neurhom compression train
-equivariance none|canonical|gconv`), evaluated by `compress-eval` on the paper's three
experiments (Kroepfl, Maier, Peterseim 2022 Sec. 4.4-4.6: ms + f = 1, smooth + f = x1 1{x1>=0.5},
cracks + f = cos(2 pi x1)) at H = 2^-5, h = eps = 2^-8, ell = 2:

  none       the paper's MLP                                   (one forward pass)
  average    the same model averaged over D4 (-group_average)  (8 forward passes)
  canonical  the MLP trained and evaluated on canonicalized patches (one pass + a cheap rule)
  gconv      the weight-shared equivariant MLP, exported as a plain MLP (one pass)

The ms family is evaluated on --seeds test coefficients (2024, 2025, ...), smooth (one fixed
function) and cracks on seed 2024 as in the paper. Writes one record per (construction,
family, seed) with the keys equivariance, family, seed, l2_error_relative,
l2_error_coarse_fem_relative, spectral_norm_error, speedup (lod_seconds / nn_seconds of the
same run, fp32, the same cores), solution_scale and l2_error_relative_scale_removed (the
diagnostic of compress-eval: u^_H ~ s u_H), plus the training figures per construction.

With --patch_test_weight W > 0 the networks are trained with the loss J + W J_E (the patch
test of the local matrices, `-patch_test_weight`, docs/compression.md) in <construction>-ptW/,
and every record says so (patch_test_weight).

usage: benchmarks/compression_equivariance.py [--outdir out/eq] [--train] [--samples 40] [--epochs 40] [--precision bf16|fp32]
                                              [--patch_test_weight 0] [--seeds 8] [--ranks 2]
                                              [--out benchmarks/results/compression_equivariance.json]
  --outdir holds lod.h5 and <construction>/model.pt (+ train.json); --train makes what is missing
  (lod-datagen, then one training per construction with the same schedule).
"""
import argparse
import json
import os
import statistics
import subprocess
import time

from neurhom_bench import RESULTS, ROOT, mpi_env, neurhom_exe, write_json

EXPERIMENTS = [("ms", "one"), ("smooth", "x1-step"), ("cracks", "cos-x1")]
PAPER_SPECTRAL = {"ms": 6.58e-2, "smooth": 3.91e-2, "cracks": 2.81e-1}
CONSTRUCTIONS = [  # name, trained model, compress-eval options
    ("none", "none", []),
    ("average", "none", ["-group_average"]),
    ("canonical", "canonical", []),
    ("gconv", "gconv", []),
]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--outdir", default=os.path.join(ROOT, "out", "eq"))
    p.add_argument("--train", action="store_true", help="generate the data and train what is missing")
    p.add_argument("--samples", type=int, default=40, help="coefficients per family for lod-datagen (with --train)")
    p.add_argument("--epochs", type=int, default=40, help="epochs of every training (with --train)")
    p.add_argument("--precision", default="bf16", choices=["bf16", "fp32"], help="training precision (with --train)")
    p.add_argument("--patch_test_weight", type=float, default=0.0, help="w of the loss J + w J_E (0: the paper's J)")
    p.add_argument("--seeds", type=int, default=8, help="test coefficients of the ms family")
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--constructions", default="none,average,canonical,gconv")
    p.add_argument("--out", default=os.path.join(RESULTS, "compression_equivariance.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "compression_equivariance")
    env = mpi_env()
    mpi = ["mpiexec", "-n", str(args.ranks), exe]
    os.makedirs(args.outdir, exist_ok=True)
    data = os.path.join(args.outdir, "lod.h5")
    chosen = args.constructions.split(",")
    constructions = [c for c in CONSTRUCTIONS if c[0] in chosen]
    weight = args.patch_test_weight

    def model_dir(model_kind):
        return os.path.join(args.outdir, model_kind if weight == 0 else f"{model_kind}-pt{weight:g}")
    if args.train:
        if not os.path.exists(data):
            subprocess.run(mpi + ["lod-datagen", "-coarse_n", "32", "-fine_n", "256", "-ell", "2", "-samples",
                                  str(args.samples), "-seed", "1", "-o", data, "-report",
                                  os.path.join(args.outdir, "datagen.json")], check=True, env=env)
        for model_kind in sorted({c[1] for c in constructions}):
            d = model_dir(model_kind)
            os.makedirs(d, exist_ok=True)
            if not os.path.exists(os.path.join(d, "model.pt")):
                subprocess.run(mpi + ["compression", "train", "-data", data, "-equivariance", model_kind, "-epochs",
                                      str(args.epochs), "-batch", "1000", "-lr", "1e-3", "-lr_epochs", "10",
                                      "-lr_late", "1e-4", "-precision", args.precision, "-patch_test_weight", str(weight),
                                      "-o", os.path.join(d, "model.pt"),
                                      "-report", os.path.join(d, "train.json")], check=True, env=env)

    def evaluate(model_kind, extra, coef, rhs, seed, tag):
        report = os.path.join(model_dir(model_kind), f"eval-{tag}-{coef}-{seed}.json")
        subprocess.run(mpi + ["compression", "eval", "-model", os.path.join(model_dir(model_kind), "model.pt"),
                              "-coef", coef, "-seed", str(seed), "-rhs", rhs, "-report", report] + extra,
                       check=True, env=env, stdout=subprocess.DEVNULL)
        return json.load(open(report))

    records, training = [], {}
    t0 = time.time()
    for name, model_kind, extra in constructions:
        train = json.load(open(os.path.join(model_dir(model_kind), "train.json")))
        training[name] = {k: train.get(k) for k in ("parameters", "test_loss", "val_loss", "train_loss", "epochs",
                                                   "seconds", "samples_per_second", "precision", "equivariance",
                                                   "test_patch_test_error", "patch_test_weight")}
        for coef, rhs in EXPERIMENTS:
            seeds = range(2024, 2024 + args.seeds) if coef == "ms" else [2024]
            for seed in seeds:
                r = evaluate(model_kind, extra, coef, rhs, seed, name)
                records.append({"equivariance": name, "patch_test_weight": weight, "family": coef, "seed": seed,
                                "l2_error_relative": r["l2_error_relative"],
                                "l2_error_coarse_fem_relative": r["l2_error_coarse_fem_relative"],
                                "spectral_norm_error": r["spectral_norm_error"], "speedup": r["speedup"],
                                "solution_scale": r.get("solution_scale"),
                                "l2_error_relative_scale_removed": r.get("l2_error_relative_scale_removed"),
                                "lod_seconds": r["lod_seconds"], "nn_seconds": r["nn_seconds"],
                                "forward_seconds": r["nn_breakdown_rank0"]["forward"]})
                print(f"{name:>10} {coef:>7} seed {seed}: rel. L2 {r['l2_error_relative']:.3e} "
                      f"(coarse FEM {r['l2_error_coarse_fem_relative']:.3e}), spectral {r['spectral_norm_error']:.4f}, "
                      f"speedup {r['speedup']:.1f}, u^ ~ {r.get('solution_scale', 1):.4f} u "
                      f"(rest {r.get('l2_error_relative_scale_removed', 0):.2e})", flush=True)

    print(f"\n{'construction':>12} {'params':>9} {'test loss':>10} | {'ms: coarse FEM / rel. L2, mean [min, max]':>42} | "
          f"{'spectral ms / smooth / cracks':>30} | {'speedup':>7}")
    summary = {}
    for name, _, _ in constructions:
        mine = [r for r in records if r["equivariance"] == name]
        gains = [r["l2_error_coarse_fem_relative"] / r["l2_error_relative"] for r in mine if r["family"] == "ms"]
        spectral = {f: next(r["spectral_norm_error"] for r in mine if r["family"] == f and r["seed"] == 2024)
                    for f, _ in EXPERIMENTS}
        speedup = statistics.median(r["speedup"] for r in mine)
        scales = [r["solution_scale"] for r in mine if r["family"] == "ms" and r.get("solution_scale") is not None]
        summary[name] = {"ms_gain_over_coarse_fem": {"mean": statistics.mean(gains), "min": min(gains),
                                                     "max": max(gains), "values": gains},
                         "ms_solution_scale": scales,
                         "spectral_seed2024": spectral, "speedup_median": speedup}
        t = training[name]
        print(f"{name:>12} {t['parameters'] or 0:>9} {t['test_loss'] or 0:>10.3e} | "
              f"{statistics.mean(gains):>12.2f}x [{min(gains):.2f}, {max(gains):.2f}]{'':>17} | "
              f"{spectral['ms']:.4f} / {spectral['smooth']:.4f} / {spectral['cracks']:.4f} | {speedup:>7.1f}")
    print(f"paper spectral: {PAPER_SPECTRAL['ms']} / {PAPER_SPECTRAL['smooth']} / {PAPER_SPECTRAL['cracks']}; "
          f"goal: ms >= 3x better than coarse FEM on every coefficient, speedup >= 15x")
    datagen_path = os.path.join(args.outdir, "datagen.json")
    datagen = json.load(open(datagen_path)) if os.path.exists(datagen_path) else {}
    write_json(args.out, {"benchmark": "compression_equivariance",
                          "protocol": "paper setting (H = 2^-5, h = eps = 2^-8, ell = 2, paper MLP widths, loss J); "
                                      "the same data and schedule for every construction",
                          "coarse_n": 32, "fine_n": 256, "ell": 2, "train_rows": datagen.get("rows", {}).get("train"),
                          "families": datagen.get("families"), "ranks": args.ranks,
                          "schedule": "Adam 1e-3 for 10 epochs then 1e-4, batch 1000",
                          "loss": "J (eq. 2.9)" if weight == 0 else f"J + {weight:g} J_E (patch test)",
                          "precision": sorted({t["precision"] or "fp32" for t in training.values()}),
                          "evaluation_seconds": time.time() - t0, "training": training, "summary": summary,
                          "paper_spectral_norm_error": PAPER_SPECTRAL, "records": records})


if __name__ == "__main__":
    main()
