#!/usr/bin/env python3
"""Figs. 10-11 analogues of the MrCAE paper (Liu, Ponce, Brunton, Kutz 2020): validation error
(the metric 3.4 against the finest data) against the number of parameters and against the
encoding size, for MrCAE (linear, adaptive filters), MrCAE(+ReLU) (no masks), and fixed-depth
convolutional autoencoders (RED-Net style, linear and +ReLU) of increasing width, on the
synthetic examples and our own data. Also the heat maps of where MrCAE added filters.

Runs `neurhom mrcae-data`, `neurhom train -model mrcae|cae` and `neurhom mrcae-eval`; writes
JSON (default benchmarks/results/mrcae_curves.json), PNGs next to it (matplotlib and h5py
from Debian: run with /usr/bin/python3), and prints a table. Resumable per run.

Superseded by benchmarks/mrcae_reference.py (the side-by-side run with the authors' code, the
reference's data scaling and stop rule, RED-Net with skips). The numbers of docs/log/mrcae.md's
first entry were made with the earlier defaults (unscaled data, groups of 2, 3, 4 channels,
Appendix B's patience stop); this script now runs with `-stop patience` and the current widths.

Our choices: the baselines are trained on the finest data with the Trainer's settings of the
MrCAE operations but a longer patience (they start from random weights, MrCAE from the
transferred coarser level); their widths are a sweep (c, c, c) with c = 1, 2, 4, 8 at the
depth of the MrCAE (its number of levels), not one baseline per MrCAE stage.

usage: /usr/bin/python3 benchmarks/mrcae_curves.py [--build build] [--ranks 2] [--examples toy1 toy2 multiscale]
       [--size 127] [--snapshots 500] [--epochs 2000] [--fresh]
"""
import argparse
import os
import tempfile
import time

from neurhom_bench import (RESULTS, ROOT, load_results, mpi_env, neurhom_exe, pyplot, run_logged, run_report,
                           save_figure, write_json)

TOLS = {"toy1": "1e-3,5e-4,1e-4", "toy2": "1e-3,5e-4,1e-4", "turbulence": "4e-2,2e-2,1e-2", "multiscale": "1e-4,5e-5,2e-5"}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--examples", nargs="+", default=["toy1", "toy2", "multiscale"])
    p.add_argument("--size", type=int, default=127)
    p.add_argument("--snapshots", type=int, default=500)
    p.add_argument("--levels", type=int, default=3)
    p.add_argument("--epochs", type=int, default=2000)
    p.add_argument("--widths", nargs="+", type=int, default=[1, 2, 4, 8])
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "mrcae_curves.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "mrcae_curves")
    env = mpi_env()
    result = load_results(args.out, args.fresh)
    outdir = os.path.dirname(os.path.abspath(args.out))
    log = os.path.splitext(args.out)[0] + ".log"
    mpi = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe]
    common = ["-epochs", str(args.epochs), "-threads", "1", "-stop", "patience"]
    with tempfile.TemporaryDirectory() as tmp:
        for ex in args.examples:
            data = os.path.join(tmp, f"{ex}.h5")
            run_logged(mpi + ["mrcae-data", "-example", ex, "-size", str(args.size), "-snapshots", str(args.snapshots), "-o", data],
                env, log)
            variants = {"mrcae": ["-activation", "linear"], "mrcae_relu": ["-activation", "relu", "-no_masks"]}
            for name, extra in variants.items():
                key = f"{ex}:{name}"
                if key in result["runs"]:
                    continue
                model = os.path.join(tmp, f"{ex}_{name}.pt")
                t0 = time.time()
                row = run_report(mpi + ["train", "-model", "mrcae", "-data", data, "-levels", str(args.levels), "-tol", TOLS[ex],
                                        "-o", model, "-report", os.path.join(tmp, "t.json")] + common + extra,
                                 env, log, os.path.join(tmp, "t.json"))
                fields = os.path.join(outdir, f"mrcae_{ex}_{name}.h5") if name == "mrcae" else ""
                cmd = mpi + ["mrcae-eval", "-model", model, "-data", data, "-report", os.path.join(tmp, "e.json")]
                if fields:
                    cmd += ["-o", fields]
                row["eval"] = run_report(cmd, env, log, os.path.join(tmp, "e.json"))
                row["wall_seconds"] = time.time() - t0
                result["runs"][key] = row
                write_json(args.out, result)
                print(f"{key}: {row['parameters']} parameters, test errors per level {row['eval']['level_errors']}", flush=True)
            for act in ("linear", "relu"):
                for c in args.widths:
                    key = f"{ex}:cae_{act}_{c}"
                    if key in result["runs"]:
                        continue
                    channels = ",".join([str(c)] * args.levels)
                    row = run_report(mpi + ["train", "-model", "cae", "-data", data, "-channels", channels, "-activation", act,
                                            "-patience", "200", "-report", os.path.join(tmp, "c.json")] + common,
                                     env, log, os.path.join(tmp, "c.json"))
                    result["runs"][key] = row
                    write_json(args.out, result)
                    print(f"{key}: {row['parameters']} parameters, val {row['val_loss']:.4e}", flush=True)

    print("\n| example | network | parameters | encoding size | validation error (3.4) |")
    print("|---|---|---|---|---|")
    for ex in args.examples:
        for name in ("mrcae", "mrcae_relu"):
            r = result["runs"].get(f"{ex}:{name}")
            if r:
                last = r["history"][-1]
                print(f"| {ex} | {'MrCAE' if name == 'mrcae' else 'MrCAE(+ReLU)'} {r['architecture'].split('groups=')[1]} | "
                      f"{r['parameters']} | {r['encoding_size']} | {last['val_global']:.4e} |")
        for act in ("linear", "relu"):
            for c in args.widths:
                r = result["runs"].get(f"{ex}:cae_{act}_{c}")
                if r:
                    print(f"| {ex} | CAE ({act}) {r['architecture'].split('channels=')[1]} | {r['parameters']} | "
                          f"{r['encoding_size']} | {r['val_loss']:.4e} |")
    plot(result, args, outdir)


def plot(result, args, outdir):
    plt = pyplot()
    if plt is None:
        return
    for ex in args.examples:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, key, label in ((axes[0], "parameters", "number of parameters"), (axes[1], "encoding_size", "encoding size")):
            for name, style in (("mrcae", "o-"), ("mrcae_relu", "s-")):
                r = result["runs"].get(f"{ex}:{name}")
                if r:
                    h = r["history"]
                    ax.loglog([o[key] for o in h], [o["val_global"] for o in h], style,
                              label="MrCAE" if name == "mrcae" else "MrCAE(+ReLU)")
            for act, style in (("linear", "^--"), ("relu", "v--")):
                pts = [result["runs"].get(f"{ex}:cae_{act}_{c}") for c in args.widths]
                pts = [r for r in pts if r]
                if pts:
                    ax.loglog([r[key] for r in pts], [r["val_loss"] for r in pts], style, label=f"CAE ({act})")
            ax.set_xlabel(label)
            ax.set_ylabel("validation error (3.4)")
            ax.grid(True, which="both", alpha=0.3)
        axes[0].legend()
        fig.suptitle(f"MrCAE vs fixed architectures: {ex}")
        save_figure(plt, fig, os.path.join(outdir, f"mrcae_curves_{ex}.png"), dpi=100)
        fields = os.path.join(outdir, f"mrcae_{ex}_mrcae.h5")
        try:
            import h5py
        except ImportError:
            continue
        if os.path.exists(fields):
            with h5py.File(fields, "r") as f:
                maps = sorted(k for k in f["fields"] if k.startswith("refinement_level_"))
                data = sorted(k for k in f["fields"] if k.startswith("data_"))
                fig, axes = plt.subplots(1, len(maps) + 1, figsize=(3.2 * (len(maps) + 1), 3))
                axes[0].imshow(f["fields"][data[0]][()], origin="lower", cmap="RdBu_r")
                axes[0].set_title("a test snapshot")
                for ax, m in zip(axes[1:], maps):
                    im = ax.imshow(f["fields"][m][()], origin="lower", cmap="magma")
                    ax.set_title(m.replace("refinement_", "filters, "))
                    fig.colorbar(im, ax=ax, shrink=0.8)
                for ax in axes:
                    ax.set_xticks([])
                    ax.set_yticks([])
                save_figure(plt, fig, os.path.join(outdir, f"mrcae_refinement_{ex}.png"), dpi=100)


if __name__ == "__main__":
    main()
