#!/usr/bin/env python3
"""Three dimensions and boxes (issue 30): FEM rates, PG-LOD accuracy in H and ell, the time per
3D patch against its size and the patch solver, ranks, and the extrapolation to the issue's
goal (16^3 coarse cells, h/H = 8, ell = 2).

Parts (--parts, default all), each a table and records in benchmarks/results/lod3d.json:
  fem      `fem -verify -dim 3`: L2 / H1 rates, all-Dirichlet and mixed faces on a box
  h        `lod -dim 3`: relative L2 error vs the fine solution and vs coarse Q1 FEM, H = 1/2, 1/4,
           1/8 at h/H = 1/4, ell = 2 (layered field, contrast 100)
  ell      the same at H = 1/8, ell = 1, 2, 3
  patch    seconds per patch and its phases vs the patch size (h/H = 4, 6, 8; ell = 1, 2) and the
           patch solvers (kkt, the default; cholmod, mumps, petsc)
  solvers  kkt vs cholmod where patch shapes repeat (8^3 coarse cells, h/H = 1/6, ell = 2)
  goal     the issue's goal run: 16^3 coarse cells, h/H = 1/8, ell = 2 (~20 min on 2 cores)
  cem      `cem -dim 3`: energy and L2 errors vs the fine solution at contrast 1e4 (layered field),
           H = 1/2, 1/4, 1/8 at h/H = 1/4, 4 modes, oversampling m = 1, 2
  ranks    strong (the same 64 patches) and weak (256 patches per rank, 4 x 4 x 16 coarse cells per
           rank stacked along z, so every rank has nearly the same patch shapes) scaling of the
           offline phase on 1, 2 and 4 ranks (4 oversubscribed: this machine has 2 cores)

usage: python3 benchmarks/lod3d.py [--parts fem h ell cem patch solvers goal ranks] [--ranks 2] [--fresh]
Timings are of one run on a shared machine: read the ratios, not the third digit.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json  # noqa: E402

LAYERED = ["-coef", "layered", "-coef_contrast", "100"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--parts", nargs="+", default=["fem", "h", "ell", "cem", "patch", "solvers", "goal", "ranks"])
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
            for m in ((1, 2, 3) if n == 8 else (1, 2)):  # m must grow with 1/H at contrast 1e4
                r = run(f"cem:{n}:{m}", ["cem", "-dim", "3", "-coarse_cells", f"{n},{n},{n}", "-cells", f"{4 * n},{4 * n},{4 * n}",
                                          "-coef", "layered", "-coef_contrast", "1e4", "-cem_modes", "4", "-cem_oversampling", str(m)])
                print(f"| 1/{n} | 1/4 | {m} | 4 | {r['dim_ms']} | {r['energy_error_vs_fine']:.4e} | {r['l2_error_vs_fine']:.4e} | "
                      f"{r['offline_seconds']:.2f} |")

    if "patch" in args.parts:
        # the patch solvers on the same patches (1/8, ell = 1 on 3^3 cells: 27 patches of 8 shapes;
        # ell = 2 on 4^3 cells: 64 patches of 27 shapes; each shape's first patch also pays the symbolic analysis)
        print("\n| h/H | ell | coarse cells | patch solver | max patch fine nodes | s per patch (x ranks) | "
              "assembly / factorization / constraints / correctors (rank 0, s) |\n|---|---|---|---|---|---|---|")
        for ratio, ell, coarse, solver in [(4, 1, 3, "kkt"), (6, 1, 3, "kkt"), (8, 1, 3, "kkt"), (8, 1, 3, "cholmod"),
                                           (8, 1, 3, "mumps"), (8, 1, 3, "petsc"), (6, 2, 4, "kkt"), (8, 2, 4, "kkt"),
                                           (8, 2, 4, "cholmod"), (8, 2, 4, "mumps")]:
            r = lod(f"patch:{ratio}:{ell}:{coarse}:{solver}", (coarse,) * 3, ratio, ell, ["-patch_solver", solver])
            print(f"| 1/{ratio} | {ell} | {coarse}^3 | {solver} | {r['patch_fine_nodes_max']} | {r['seconds_per_patch']:.3f} | "
                  f"{r['patch_assembly_seconds_rank0']:.2f} / {r['factorization_seconds_rank0']:.2f} / "
                  f"{r['constraint_seconds_rank0']:.2f} / {r['corrector_seconds_rank0']:.2f} |")

    if "solvers" in args.parts:
        # the patch solvers where patch shapes repeat (8^3 coarse cells, ell = 2: 125 shapes for 512 patches,
        # 64 of them full), as on the goal mesh, at h/H = 1/6
        print("\n| h/H | ell | coarse cells | patch solver | s per patch (x ranks) | "
              "assembly / factorization / constraints / correctors (rank 0, s) |\n|---|---|---|---|---|---|")
        for solver in ("kkt", "cholmod"):
            r = lod(f"solvers:6:2:8:{solver}", (8, 8, 8), 6, 2, ["-patch_solver", solver])
            print(f"| 1/6 | 2 | 8^3 | {solver} | {r['seconds_per_patch']:.3f} | {r['patch_assembly_seconds_rank0']:.1f} / "
                  f"{r['factorization_seconds_rank0']:.1f} / {r['constraint_seconds_rank0']:.1f} / {r['corrector_seconds_rank0']:.1f} |")

    if "goal" in args.parts:
        # the goal run itself: 16^3 coarse cells, h/H = 1/8, ell = 2 (4,096 patches, 2.1 M fine cells)
        r = lod("goal", (16, 16, 16), 8, 2)
        print(f"\ngoal (16^3 coarse cells, h/H = 1/8, ell = 2, {r['patches']} patches, {r['ranks']} ranks, patch solver "
              f"{r['patch_solver']}): offline {r['offline_seconds']:.0f} s = {r['offline_seconds'] / 3600:.2f} h "
              f"(issue: < 1 h), {r['seconds_per_patch']:.2f} s per patch x ranks; PG-LOD rel. L2 vs fine "
              f"{r['l2_error_vs_fine']:.4e}, coarse Q1 FEM {r['l2_error_coarse_fem']:.4e}")

    if "ranks" in args.parts:
        # strong: the same 64 patches (4^3 coarse cells, h/H = 1/6, ell = 1) on 1, 2, 4 ranks;
        # weak: 256 patches per rank (4 x 4 x 16 coarse cells per rank, stacked along z; a rank's
        # block is whole z layers, so its patch shapes are those of the 1-rank mesh up to the
        # z-clipped layers: 2 of 16 on 1 rank, 1 of 16 per rank on 2 and 4 ranks)
        print("\n| scaling | ranks | coarse cells | offline s | s per patch x ranks | efficiency |\n|---|---|---|---|---|---|")
        for kind in ("strong", "weak"):
            base = None
            for n in (1, 2, 4):
                coarse = (4, 4, 4) if kind == "strong" else (4, 4, 16 * n)
                r = lod(f"ranks:{kind}:{n}" if kind == "strong" else f"ranks:weak16:{n}", coarse, 6, 1, ranks=n)
                base = base or r["offline_seconds"]
                eff = base / (n * r["offline_seconds"]) if kind == "strong" else base / r["offline_seconds"]
                print(f"| {kind} | {n}{' (oversubscribed)' if n > 2 else ''} | {'x'.join(map(str, coarse))} | "
                      f"{r['offline_seconds']:.2f} | {r['seconds_per_patch']:.3f} | {eff:.2f} |")


if __name__ == "__main__":
    main()
