#!/usr/bin/env python3
"""Deep Ritz LOD, what the examples test before any learning: the localization error of the
exact LOD bases (`neurhom deepritz-eval -example E`, no networks). For each example and
ell: the relative L2 error at T of the exact node-patch LOD (the networks' target) and of the
element LOD (`neurhom lod`) against the global LOD (ell = 1/H, no localization), and of
node-patch vs element LOD, on the moving-coefficient path and as the mean over the random
test parameters (each fixed in time). No training: the floor below which no LOD-ANN can get
against its reference.

Examples: battery (Example 2 as the paper's text states it: H = 1/6, h = 1/60,
a = lambda / (rho c_p), f = 1) and battery-ref (as lodpinn runs it: H = 1/8, h = 1/40,
a = lambda, rho c_p as the mass, f = 3 in the active material, the lagged coefficient), and
cont (Example 1). Prints a table and writes JSON (default
benchmarks/results/deepritz_localization.json; one record per example, ell and form with
keys example, ell, form, coefficient_time, localization_error_T, nodal_vs_global_T,
element_vs_global_T and their test means). Resumable (--fresh starts over).

usage: benchmarks/deepritz_localization.py [--examples battery battery-ref cont] [--ells 1 2]
       [--forms galerkin pg] [--test-samples 25] [--ranks 2]
"""
import argparse
import os
import tempfile
import time

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--examples", nargs="+", default=["battery", "battery-ref", "cont"])
    p.add_argument("--ells", nargs="+", type=int, default=[1, 2])
    p.add_argument("--forms", nargs="+", default=["galerkin", "pg"])
    p.add_argument("--test-samples", type=int, default=25)
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "deepritz_localization.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "deepritz_localization")
    env = mpi_env()
    result = load_results(args.out, args.fresh)
    log = os.path.splitext(args.out)[0] + ".log"
    mpi = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe]
    with tempfile.TemporaryDirectory() as tmp:
        for example in args.examples:
            for ell in args.ells:
                for form in args.forms:
                    key = f"{example}:ell{ell}:{form}:test{args.test_samples}"
                    if key in result["runs"]:
                        continue
                    report = os.path.join(tmp, "eval.json")
                    cmd = mpi + ["deepritz-eval", "-example", example, "-ell", str(ell), "-form", form,
                                 "-test_samples", str(args.test_samples), "-threads", "1", "-report", report]
                    t0 = time.time()
                    row = run_report(cmd, env, log, report)
                    row["wall_seconds"] = time.time() - t0
                    row["command"] = " ".join(cmd[5:])
                    result["runs"][key] = row
                    write_json(args.out, result)
    result["records"] = [dict(example=r["example"], ell=r["ell"], form=r["form"], coarse_n=r["coarse_n"],
                              fine_n=r["fine_n"], coefficient_time=r["coefficient_time"],
                              **{k: r[k] for k in ("localization_error_T", "nodal_vs_global_T", "element_vs_global_T",
                                                   "localization_error_T_mean", "nodal_vs_global_T_mean",
                                                   "element_vs_global_T_mean", "test_samples", "wall_seconds")})
                         for r in result["runs"].values()]
    write_json(args.out, result)
    print("\n| example | H, h | ell | form | coefficient | node vs global (T / test mean) | element vs global | node vs element | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in sorted(result["records"], key=lambda r: (r["example"], r["ell"], r["form"])):
        print(f"| {r['example']} | 1/{r['coarse_n']}, 1/{r['fine_n']} | {r['ell']} | {r['form']} | {r['coefficient_time']} | "
              f"{r['nodal_vs_global_T']:.4f} / {r['nodal_vs_global_T_mean']:.4f} | "
              f"{r['element_vs_global_T']:.4f} / {r['element_vs_global_T_mean']:.4f} | "
              f"{r['localization_error_T']:.4f} / {r['localization_error_T_mean']:.4f} | {r['wall_seconds']:.0f} |")


if __name__ == "__main__":
    main()
