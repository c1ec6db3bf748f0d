#!/usr/bin/env python3
"""The calibration of the CEM setting of the multi-stage networks (Chung, Leung, Pun, Zhang
2020; issue 26, item 2): for each setting (contrast, oversampling ell, modes L_i, gamma) a
small dataset from `neurhom cem-datagen` (linear and nonlinear problems), then `neurhom
cem-baselines` on it: the CEM projection error of eq. (8) (the paper's "Computed", 1.8e-4
linear / 1.5e-4 nonlinear), the mean predictor (paper: 0.13567 linear, 0.17638 nonlinear, eq.
7) in eq. (7), the M-norm and eq. (8), the affine least-squares map xi -> u_H (how far the
nonlinear problem is from affine), and the data time per sample. Prints a markdown table and
writes JSON (one record per setting); resumable (settings already in the file are skipped).

A setting is CONTRAST:ELL:MODES:GAMMA; ELL = "global" is an oversampling over the whole domain
(ell = coarse_n). --coef picks the coefficient family (default channels, the stand-in for the
paper's Fig. 3; `constant` (kappa = 1) tells what the source alone asks of V_ms); records of
another family than channels are keyed FAMILY/SETTING; --extra passes more cem-datagen options
(e.g. "-coef_value 100" for the constant family; keyed FAMILY/SETTING/EXTRA).

usage: benchmarks/cem_calibration.py [--build build] [--samples 16] [--ranks 2]
        [--settings 1e4:3:3:20 1e4:global:3:20 ...] [--coef channels|constant|...]
        [--coarse-n 10 --fine-n 100 --steps 31]
        [--out benchmarks/results/cem_calibration.json] [--fresh]
"""
import argparse
import os
import tempfile
import time

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json

DEFAULT_SETTINGS = ["1e2:3:3:20", "1e2:4:3:20", "1e2:5:3:20", "1e2:global:3:20",
                    "1e4:3:3:20", "1e4:4:3:20", "1e4:5:3:20", "1e4:global:3:20",
                    "1e4:4:1:20", "1e4:4:5:20", "1e4:4:8:20",
                    "1e4:4:3:30", "1e4:4:3:40", "1e4:4:3:50"]
PAPER = {"computed": {"linear": 0.00018, "nonlinear": 0.00015},
         "mean_predictor": {"linear": 0.13567, "nonlinear": 0.17638}}
PROBLEMS = ("linear", "nonlinear")


def parse_setting(text, coarse_n):
    contrast, ell, modes, gamma = text.split(":")
    ell_value = coarse_n if ell == "global" else int(ell)
    return {"contrast": float(contrast), "ell": ell, "oversampling": ell_value, "modes": int(modes),
            "gamma": float(gamma)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--coarse-n", type=int, default=10)
    p.add_argument("--fine-n", type=int, default=100)
    p.add_argument("--steps", type=int, default=31)
    p.add_argument("--settings", nargs="+", default=DEFAULT_SETTINGS)
    p.add_argument("--coef", default="channels", help="-coef family of the datasets")
    p.add_argument("--extra", default="", help="more cem-datagen options, e.g. '-coef_value 100'")
    p.add_argument("--out", default=os.path.join(RESULTS, "cem_calibration.json"))
    p.add_argument("--fresh", action="store_true")
    args = p.parse_args()
    exe = neurhom_exe(args.build, "cem_calibration")
    env = mpi_env()
    log = os.path.splitext(args.out)[0] + ".log"
    result = load_results(args.out, args.fresh)
    result["settings"] = {"samples": args.samples, "ranks": args.ranks, "coarse_n": args.coarse_n,
                          "fine_n": args.fine_n, "steps": args.steps}
    runs = result["runs"]
    with tempfile.TemporaryDirectory() as tmp:
        for text in args.settings:
            key = text if args.coef == "channels" else f"{args.coef}/{text}"
            key += f"/{args.extra}" if args.extra else ""
            if key in runs:
                continue
            s = parse_setting(text, args.coarse_n)
            data, rep, base = (os.path.join(tmp, n) for n in ("d.h5", "datagen.json", "baselines.json"))
            t0 = time.time()
            gen = run_report(["mpiexec", "-n", str(args.ranks), exe, "cem-datagen", "-samples", str(args.samples),
                              "-problems", "linear,nonlinear", "-coarse_n", str(args.coarse_n), "-fine_n",
                              str(args.fine_n), "-steps", str(args.steps), "-coef", args.coef, "-coef_contrast",
                              "%g" % s["contrast"], "-cem_oversampling", str(s["oversampling"]), "-cem_modes",
                              str(s["modes"]), "-gamma", "%g" % s["gamma"], "-o", data, "-report", rep] + args.extra.split(),
                             env, log, rep)
            b = run_report([exe, "cem-baselines", "-data", data, "-report", base], env, log, base)
            record = dict(s, setting=text, coefficient=args.coef, extra=args.extra, seconds_per_sample=gen["seconds"] / args.samples,
                          wall_seconds=time.time() - t0, dim_vms=gen["dim_vms"])
            for problem in PROBLEMS:
                record[problem] = b["problems"][problem]
            runs[key] = record
            write_json(args.out, result)
            print(f"{key}: computed {record['linear']['l2_error_computed']:.3e} / "
                  f"{record['nonlinear']['l2_error_computed']:.3e} ({record['seconds_per_sample']:.2f} s/sample)",
                  flush=True)
    print_table(result)


def print_table(result):
    print("\n| kappa | contrast | ell | L_i | gamma | computed (eq. 8) linear / nonlinear | mean predictor eq. (7) "
          "linear / nonlinear | mean predictor eq. (8) linear / nonlinear | affine in xi, eq. (8) nonlinear "
          "(M-norm) | s per sample |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| paper | Fig. 3 | | 3 | 20 | {PAPER['computed']['linear']:.1e} / {PAPER['computed']['nonlinear']:.1e} | "
          f"{PAPER['mean_predictor']['linear']} / {PAPER['mean_predictor']['nonlinear']} | | | |")
    for r in result["runs"].values():
        lin, non = r["linear"], r["nonlinear"]
        family = r.get("coefficient", "channels") + (" " + r["extra"] if r.get("extra") else "")
        contrast = "%g" % r["contrast"] if family == "channels" else ""
        print(f"| {family} | {contrast} | {r['ell']} | {r['modes']} | {r['gamma']:g} | "
              f"{lin['l2_error_computed']:.2e} / {non['l2_error_computed']:.2e} | "
              f"{lin['mean_predictor_error']:.4f} / {non['mean_predictor_error']:.4f} | "
              f"{lin['l2_error_mean']:.4f} / {non['l2_error_mean']:.4f} | "
              f"{non['l2_error_affine']:.2e} ({non['affine_error_l2']:.1e}) | {r['seconds_per_sample']:.2f} |")


if __name__ == "__main__":
    main()
