#!/usr/bin/env python3
"""Per-case plots of the NH-PINN runs (Leung, Lin, Zhang 2021): the multiscale reference u_eps,
the NH-PINN solution, the FEM homogenized solution v and the homogenized PINN w at the test
nodes (1D: over x; reaction1d: at the final time; elliptic2d: maps of u_eps and of the NH-PINN
error), and the error histories (e1, e3, cell problem, classical PINN, transfer) from the HDF5
output of `neurhom nhpinn -o`. Runs the case first when its HDF5 file is missing. Needs
Debian's matplotlib and h5py: run with /usr/bin/python3.

usage: /usr/bin/python3 benchmarks/nhpinn_plots.py [--build build] [--ranks 2] [--cases slow1d reaction1d:0.1 ...]
       [--outdir docs/img] [--extra "-cell_epochs 6000"]
"""
import argparse
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurhom_bench import RESULTS, ROOT, mpi_env, neurhom_exe, run_logged, save_figure  # noqa: E402


def ensure_output(exe, case, ranks, extra, path, log):
    if os.path.exists(path):
        return
    name, _, eps = case.partition(":")
    cmd = ["mpiexec", "--bind-to", "none", "-n", str(ranks), exe, "nhpinn", "-case", name, "-baseline", "-o", path]
    if eps:
        cmd += ["-eps", eps]
    run_logged(cmd + extra.split(), mpi_env(), log)


def plot_case(case, path, outdir):
    with h5py.File(path, "r") as f:
        hist = {k: f["history"][k][()] for k in f["history"]}
        test = {k: f["test"][k][()] for k in f["test"]}
    u, p, v, w = test["u_eps"], test["nhpinn"], test["v"], test["w"]
    pts = test["points"].reshape(len(u), -1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax = axes[0]
    if pts.shape[1] == 1 or case.startswith("reaction1d"):
        if pts.shape[1] == 2:  # (x, t): the final time
            sel = np.isclose(pts[:, 1], pts[:, 1].max())
            pts, u, p, v, w = pts[sel], u[sel], p[sel], v[sel], w[sel]
            ax.set_title(f"{case} at t = {test['points'].reshape(-1, 2)[:, 1].max():g}")
        else:
            ax.set_title(case)
        order = np.argsort(pts[:, 0])
        x = pts[order, 0]
        ax.plot(x, u[order], "k-", lw=1, label="u_eps (fine FEM)")
        ax.plot(x, p[order], "r--", label="NH-PINN")
        ax.plot(x, v[order], "b:", label="v (FEM homogenized)")
        ax.plot(x, w[order], "g-.", lw=1, label="w (homogenized PINN)")
        ax.set_xlabel("x")
        ax.legend(fontsize=8)
    else:
        sc = ax.tricontourf(pts[:, 0], pts[:, 1], np.abs(p - u), levels=20, cmap="magma")
        fig.colorbar(sc, ax=ax)
        ax.set_title(f"{case}: |NH-PINN - u_eps|")
        ax.set_aspect("equal")
    ax = axes[1]
    for key, label in (("e1", "e1 (NH-PINN vs u_eps)"), ("e3", "e3 (homogenized PINN vs FEM)"),
                       ("cell_error", "cell problem"), ("baseline_error", "classical PINN"),
                       ("transfer_error", "transfer")):
        if key in hist and len(hist[key]):
            ax.semilogy(np.arange(1, len(hist[key]) + 1), hist[key], label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("relative L2 error")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save_figure(plt, fig, os.path.join(outdir, f"nhpinn_{case.replace(':', '_')}.png"), dpi=100)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--cases", nargs="+", default=["slow1d"])
    p.add_argument("--outdir", default=os.path.join(ROOT, "docs", "img"))
    p.add_argument("--extra", default="", help="more nhpinn options, e.g. '-cell_epochs 6000'")
    args = p.parse_args()
    exe = neurhom_exe(args.build, "nhpinn_plots")
    log = os.path.join(RESULTS, "nhpinn_plots.log")
    for case in args.cases:
        path = os.path.join(RESULTS, f"nhpinn_{case.replace(':', '_')}_paper.h5")  # as nhpinn_tables.py names it
        ensure_output(exe, case, args.ranks, args.extra, path, log)
        plot_case(case, path, args.outdir)


if __name__ == "__main__":
    main()
