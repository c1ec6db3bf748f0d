#!/usr/bin/python3
"""Plots benchmarks/results/scaling.json (from benchmarks/scaling.py): parallel efficiency
against ranks, strong and weak scaling, one line per workload; oversubscribed points (more
ranks than cores: correctness only) hollow. Needs Debian's python3-matplotlib (run with
/usr/bin/python3).

usage: /usr/bin/python3 scripts/plot_scaling.py [results.json] [docs/img/scaling.png]
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "benchmarks", "results", "scaling.json")
dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "docs", "img", "scaling.png")
data = json.load(open(src))
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, mode in zip(axes, ("strong", "weak")):
    for name in ("lod-datagen", "cem-datagen", "train", "fem"):
        rows = [r for r in data["rows"] if r["mode"] == mode and r["workload"] == name]
        if not rows:
            continue
        line, = ax.plot([r["ranks"] for r in rows], [r["efficiency"] for r in rows], "-", label=name)
        for r in rows:
            ax.plot(r["ranks"], r["efficiency"], "o", color=line.get_color(),
                    fillstyle="none" if r["oversubscribed"] else "full")
    ax.axhline(1.0, color="gray", lw=0.5)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("MPI ranks")
    ax.set_title(f"{mode} scaling ({data['cores']} cores; hollow: oversubscribed)")
axes[0].set_ylabel("parallel efficiency")
axes[0].legend()
fig.tight_layout()
os.makedirs(os.path.dirname(dst), exist_ok=True)
fig.savefig(dst, dpi=110)
print(f"wrote {dst}")
