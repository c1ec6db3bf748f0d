#!/usr/bin/env python3
"""Three dimensions and boxes (issue 30): FEM rates, PG-LOD accuracy in H and ell, the time per
3D patch against its size and the patch solver, ranks, and the extrapolation to the issue's
goal (16^3 coarse cells, h/H = 8, ell = 2).

Parts (--parts, default all), each a table and records in benchmarks/results/lod3d.json:
  fem      `fem -verify -dim 3`: L2 / H1 rates, all-Dirichlet and mixed faces on a box
  h        `lod -dim 3`: relative L2 error vs the fine solution and vs coarse Q1 FEM, H = 1/2, 1/4,
           1/8 at h/H = 1/4, ell = 2 (layered field, contrast 100)
  ell      the same at H = 1/8, ell = 1, 2, 3
  patch    seconds per patch vs the patch's fine nodes (h/H = 4, 6, 8; ell = 1, 2; cholmod)
           and the three patch solvers (petsc, cholmod, mumps) at h/H = 8, ell = 1
  cem      `cem -dim 3`: energy and L2 errors vs the fine solution at contrast 1e4 (layered field),
           H = 1/2, 1/4, 1/8 at h/H = 1/4, 4 modes, oversampling m = 1, 2
  ranks    the same offline phase on 1 and 2 ranks (and 4 oversubscribed: this machine has 2 cores)
The goal estimate: 4,096 patches x (seconds per full 5^3-cell patch at h/H = 8) / cores.

usage: python3 benchmarks/lod3d.py [--parts fem h ell cem patch ranks] [--ranks 2] [--fresh]
Timings are of one run on a shared machine: read the ratios, not the third digit.
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json  # noqa: E402

LAYERED = ["-coef", "layered", "-coef_contrast", "100"]
D5 = [(3, 2 / 5), (4, 2 / 5), (5, 1 / 5)]       # coarse cells per direction of the ell = 2 patches on 5^3 cells
D16 = [(3, 2 / 16), (4, 2 / 16), (5, 12 / 16)]  # ... and on 16^3 cells


def mean_nodes(dist, ratio, p):
    """Mean of (patch fine nodes)^p over the patches of a cube mesh with the per-direction distribution dist."""
    return sum(wa * wb * wc * ((ratio * a + 1) * (ratio * b + 1) * (ratio * c + 1)) ** p
               for a, wa in dist for b, wb in dist for c, wc in dist)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--parts", nargs="+", default=["fem", "h", "ell", "cem", "patch", "ranks"])
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--out", default=os.path.join(RESULTS, "lod3d.json"))
    p.add_argument("--workdir", default=os.path.join(ROOT, "out", "lod3d"))
    p.add_argument("--fresh", action="store_true")
    args = p.parse_args()
    exe = neurhom_exe(args.build, "lod3d")
    env = mpi_env()
    os.makedirs(args.workdir, exist_ok=True)
    log = os.path.splitext(args.out)[0] + ".log"
    result = load_results(args.out, args.fresh)
    rep = os.path.join(args.workdir, "r.json")

    def run(key, argv, ranks=None):
        if key in result["runs"]:
            return result["runs"][key]
        n = ranks or args.ranks
        r = run_report(["mpiexec", "--bind-to", "none" if n > 2 else "core", "-n", str(n), exe] + argv + ["-report", rep],
                       env, log, rep)
        r["command"] = "neurhom " + " ".join(argv)
        result["runs"][key] = r
        write_json(args.out, result)
        return r

    def lod(key, coarse, ratio, ell, extra=(), ranks=None):
        cells = ",".join(str(c * ratio) for c in coarse)
        return run(key, ["lod", "-dim", "3", "-coarse_cells", ",".join(map(str, coarse)), "-cells", cells, "-ell", str(ell)]
                   + LAYERED + list(extra), ranks)

    if "fem" in args.parts:
        print("\n| faces | box | cells | L2 error | H1 error | L2 rate | H1 rate |\n|---|---|---|---|---|---|---|")
        for bc, box, cells in (("D,D,D,D,D,D", "1,1,1", "4,4,4"), ("D,N,N,D,D,N", "1,1.5,2", "2,3,4")):
            r = run(f"fem:{bc}:{box}", ["fem", "-verify", "-dim", "3", "-cells", cells, "-box", box, "-bc", bc, "-verify_meshes", "4"])
            for l in r["levels"]:
                print(f"| {bc} | {box} | {'x'.join(map(str, l['cells']))} | {l['l2_error']:.3e} | {l['h1_error']:.3e} | | |")
            print(f"| | | rates (finest pair) | | | {r['l2_rate']:.3f} | {r['h1_rate']:.3f} |")

    if "h" in args.parts or "ell" in args.parts:
        print("\n| H | h/H | ell | PG-LOD rel. L2 vs fine | coarse Q1 FEM | patches | s per patch |\n|---|---|---|---|---|---|---|")
        rows = []
        if "h" in args.parts:
            rows += [(n, 4, 2) for n in (2, 4, 8)]
        if "ell" in args.parts:
            rows += [(8, 4, ell) for ell in (1, 2, 3)]
        for n, ratio, ell in rows:
            r = lod(f"lod:{n}:{ratio}:{ell}", (n, n, n), ratio, ell)
            print(f"| 1/{n} | 1/{ratio} | {ell} | {r['l2_error_vs_fine']:.4e} | {r['l2_error_coarse_fem']:.4e} | {r['patches']} | "
                  f"{r['seconds_per_patch']:.4f} |")

    if "cem" in args.parts:
        print("\n| H | h/H | m | modes | dim V_ms | energy error | L2 error | offline s |\n|---|---|---|---|---|---|---|---|")
        for n in (2, 4, 8):
            for m in (1, 2):
                r = run(f"cem:{n}:{m}", ["cem", "-dim", "3", "-coarse_cells", f"{n},{n},{n}", "-cells", f"{4 * n},{4 * n},{4 * n}",
                                          "-coef", "layered", "-coef_contrast", "1e4", "-cem_modes", "4", "-cem_oversampling", str(m)])
                print(f"| 1/{n} | 1/4 | {m} | 4 | {r['dim_ms']} | {r['energy_error_vs_fine']:.4e} | {r['l2_error_vs_fine']:.4e} | "
                      f"{r['offline_seconds']:.2f} |")

    if "patch" in args.parts:
        print("\n| h/H | ell | patch solver | max patch fine nodes | s per patch (x ranks) | factorization s (rank 0) |\n|---|---|---|---|---|---|")
        for ratio, ell, solver in [(4, 1, "cholmod"), (6, 1, "cholmod"), (8, 1, "cholmod"), (4, 2, "cholmod"), (6, 2, "cholmod"),
                                   (8, 1, "petsc"), (8, 1, "mumps")]:
            r = lod(f"patch:{ratio}:{ell}:{solver}", (3, 3, 3) if ell == 1 else (5, 5, 5), ratio, ell, ["-lod_patch_solver", solver])
            print(f"| 1/{ratio} | {ell} | {solver} | {r['patch_fine_nodes_max']} | {r['seconds_per_patch']:.3f} | "
                  f"{r['factorization_seconds_rank0']:.1f} |")
        full = result["runs"].get("patch:8:2:cholmod")
        if full is None:
            full = lod("patch:8:2:cholmod", (5, 5, 5), 8, 2, ["-lod_patch_solver", "cholmod"])
        print(f"\nh/H = 1/8, ell = 2 on 5^3 coarse cells: {full['seconds_per_patch']:.2f} s per patch (mean over 125 patches, "
              f"most clipped), {full['patch_fine_nodes_max']} fine nodes in the full patch")
        # The goal mesh (16^3 coarse cells) has mostly full patches: per direction a patch has 3, 4 or 5 coarse
        # cells with frequency 2/16, 2/16, 12/16 (on 5^3: 2/5, 2/5, 1/5). Cost ~ (fine nodes)^p with p fitted
        # from the h/H = 1/6 and 1/8 runs at ell = 2 (same patch shapes, 31^3 vs 41^3 nodes at most).
        six = lod("patch:6:2:cholmod", (5, 5, 5), 6, 2, ["-lod_patch_solver", "cholmod"])
        p = math.log(full["seconds_per_patch"] / six["seconds_per_patch"]) / math.log(mean_nodes(D5, 8, 1) / mean_nodes(D5, 6, 1))
        scale = mean_nodes(D16, 8, p) / mean_nodes(D5, 8, p)
        est = 4096 * full["seconds_per_patch"] * scale / 2
        result["goal_estimate"] = {"exponent": p, "mean_patch_seconds_16": full["seconds_per_patch"] * scale,
                                   "seconds_2_cores": est}
        write_json(args.out, result)
        print(f"cost ~ nodes^{p:.2f}; mean patch on the 16^3 mesh {full['seconds_per_patch'] * scale:.2f} s; "
              f"goal (16^3 coarse, h/H = 1/8, ell = 2) on 2 cores: ~{est / 3600:.2f} h (issue: < 1 h)")

    if "ranks" in args.parts:
        print("\n| ranks | offline s | s per patch x ranks | speedup |\n|---|---|---|---|")
        base = None
        for n in (1, 2, 4):
            r = lod(f"ranks:{n}", (4, 4, 4), 6, 1, ["-lod_patch_solver", "cholmod"], ranks=n)
            base = base or r["offline_seconds"]
            print(f"| {n}{' (oversubscribed)' if n > 2 else ''} | {r['offline_seconds']:.2f} | {r['seconds_per_patch']:.3f} | "
                  f"{base / r['offline_seconds']:.2f} |")


if __name__ == "__main__":
    main()
