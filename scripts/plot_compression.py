#!/usr/bin/python3
"""Plots u_h (PG-LOD), u_h-hat (network) and their difference for each experiment of
benchmarks/compression_accuracy.py (Kroepfl, Maier, Peterseim 2022, Figs. 4.2-4.4) as PNG.

Needs Debian's python3-matplotlib and python3-h5py, hence /usr/bin/python3:
    apt-get install python3-matplotlib python3-h5py
usage: /usr/bin/python3 scripts/plot_compression.py [--indir out/compression] [--outdir docs/img]
"""
import argparse
import json
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPERIMENTS = [("ms", "multiscale coefficient, f = 1"), ("smooth", "smooth coefficient, f = x1 1{x1 >= 0.5}"),
               ("cracks", "cracks, f = cos(2 pi x1)")]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--indir", default=os.path.join(ROOT, "out", "compression"))
    p.add_argument("--outdir", default=os.path.join(ROOT, "docs", "img"))
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name, title in EXPERIMENTS:
        path = os.path.join(args.indir, name + ".h5")
        if not os.path.exists(path):
            raise SystemExit(f"plot_compression: {path} not found; run benchmarks/compression_accuracy.py first")
        report = json.load(open(os.path.join(args.indir, name + ".json")))
        with h5py.File(path, "r") as f:
            fields = [("coefficient A", f["fields/coefficient"][...], "viridis"),
                      ("u_h (PG-LOD)", f["fields/u_lod"][...], "coolwarm"),
                      ("u_h-hat (network)", f["fields/u_nn"][...], "coolwarm"),
                      ("u_h - u_h-hat", f["fields/difference"][...], "coolwarm")]
        fig, axes = plt.subplots(1, 4, figsize=(17, 4))
        for ax, (label, data, cmap) in zip(axes, fields):
            im = ax.imshow(data, origin="lower", extent=(0, 1, 0, 1), cmap=cmap)
            ax.set_title(label)
            fig.colorbar(im, ax=ax, fraction=0.046)
        fig.suptitle(f"{title}: L2 error {report['l2_error']:.2e} (relative {report['l2_error_relative']:.2e}), "
                     f"||S - S-hat||_2 = {report['spectral_norm_error']:.2e}, H = 1/{report['coarse_n']}, "
                     f"h = 1/{report['fine_n']}")
        fig.tight_layout()
        out = os.path.join(args.outdir, f"compression_{name}.png")
        tmp = out + ".partial.png"
        fig.savefig(tmp, dpi=90)
        os.replace(tmp, out)
        plt.close(fig)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
