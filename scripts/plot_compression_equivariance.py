#!/usr/bin/python3
"""The solution error u_h - u_h-hat of the compression network as trained (top) and averaged
over the 8 symmetries of the square at evaluation time (bottom, compress-eval -group_average),
for the three experiments of benchmarks/compression_accuracy.py --group_average. A network
that is not exactly equivariant makes the same small non-equivariant error on every patch; it
adds up coherently over the coarse mesh into a smooth, dipole-like solution error, which the
group average removes (docs/results.md).

Needs Debian's python3-matplotlib and python3-h5py, hence /usr/bin/python3.
usage: /usr/bin/python3 scripts/plot_compression_equivariance.py [--indir out/compression-s40-320]
                                                                 [--out docs/img/compression_equivariance.png]
"""
import argparse
import os

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def difference(path):
    with h5py.File(path, "r") as f:
        d, u = np.array(f["fields/difference"]), np.array(f["fields/u_lod"])
    n = int(round(np.sqrt(d.size)))
    return d.reshape(n, n), np.linalg.norm(d) / np.linalg.norm(u)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--indir", default=os.path.join(ROOT, "out", "compression-s40-320"))
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "img", "compression_equivariance.png"))
    args = p.parse_args()
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    for j, name in enumerate(("ms", "smooth", "cracks")):
        for i, (suffix, label) in enumerate((("", "network"), ("-group-average", "averaged over D4"))):
            d, rel = difference(os.path.join(args.indir, name + suffix + ".h5"))
            ax = axes[i, j]
            im = ax.imshow(d, origin="lower", extent=(0, 1, 0, 1), cmap="RdBu_r",
                           vmin=-np.abs(d).max(), vmax=np.abs(d).max())
            fig.colorbar(im, ax=ax, shrink=0.8)
            ax.set_title(f"{name}, {label}: rel. L2 {rel:.2e}", fontsize=10)
    fig.suptitle("u_h (PG-LOD) - u_h-hat (network)")
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    fig.savefig(args.out, dpi=90)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
