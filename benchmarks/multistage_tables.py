#!/usr/bin/env python3
"""The tables of Chung, Leung, Pun, Zhang 2020 (multi-stage networks on CEM reduced models)
next to ours: Tables 1-4, 6-7, 10-11 (test error of eq. (7) after each stage, five (m_1, r_1)
variants), 5 (parameter counts), 8-9 (relative L2 error of eq. (8), learnt vs computed, for
the models of Tables 6-7) and 12-13 (steady state). Every run is `neurhom train -model
multistage` (+ `neurhom multistage-eval` for Tables 8-9) on datasets from `neurhom
cem-datagen` (generated here when missing: about 32 min for the time data on 2 ranks).
Results are appended to the JSON as they come, so an interrupted sweep resumes (runs already
in the file are skipped; --fresh starts over). Prints the markdown tables.

usage: benchmarks/multistage_tables.py [--build build] [--time-data cem_time.h5]
        [--steady-data cem_steady.h5] [--samples 1600] [--epochs 50] [--ranks 2]
        [--tables 1 2 3 ...] [--l2-samples 40] [--out benchmarks/results/multistage_tables.json]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

from neurhom_bench import run_logged, RESULTS, ROOT, mpi_env, neurhom_exe, write_json

VARIANTS = [(30, 10), (25, 12), (20, 15), (15, 20), (10, 30)]

# Paper numbers: per variant the stage errors (Tables 1-4, 6-7, 10-11).
PAPER = {
    1: [[0.13995, 0.09439, 0.08148], [0.12647, 0.07955, 0.07399], [0.11721, 0.07453, 0.06826],
        [0.11405, 0.08231, 0.06647], [0.12135, 0.07069, 0.06670]],
    2: [[0.10287, 0.10118, 0.09887], [0.11385, 0.09747, 0.09201], [0.18628, 0.09920, 0.09267],
        [0.12656, 0.09957, 0.09043], [0.10555, 0.09413, 0.09262]],
    3: [[0.13572, 0.05322, 0.04280], [0.13282, 0.07162, 0.06090], [0.13932, 0.06584, 0.05996],
        [0.12529, 0.06231, 0.04656], [0.13904, 0.05116, 0.04182]],
    4: [[0.13322, 0.08701, 0.08439], [0.11515, 0.08538, 0.08162], [0.09814, 0.08788, 0.08210],
        [0.12591, 0.08538, 0.08054], [0.29105, 0.09888, 0.07815]],
    6: [[0.13572, 0.05322, 0.04039], [0.13282, 0.07162, 0.05452], [0.13932, 0.06584, 0.05828],
        [0.12529, 0.06231, 0.03948], [0.13904, 0.05116, 0.03433]],
    7: [[0.13322, 0.08701, 0.08597], [0.11515, 0.08538, 0.08318], [0.09814, 0.08788, 0.08563],
        [0.12591, 0.08538, 0.07697], [0.29105, 0.09888, 0.08736]],
    10: [[0.11314, 0.04353], [0.10548, 0.05028], [0.11547, 0.03588], [0.10493, 0.03519], [0.11106, 0.03246]],
    11: [[0.13078, 0.08360], [0.11427, 0.07887], [0.11601, 0.09122], [0.11544, 0.07940], [0.12812, 0.07343]],
}
PAPER_TABLE5 = [(235390, 199390), (246492, 203292), (263235, 209235), (291380, 219380), (348570, 240570)]
PAPER_L2 = {8: [0.00357, 0.00257, 0.00493, 0.00311, 0.00336], 9: [0.00807, 0.00767, 0.00756, 0.00626, 0.00830]}
PAPER_L2_COMPUTED = {8: 0.00018, 9: 0.00015}
PAPER_STEADY = {12: [0.22485, 0.10643], 13: [0.19730, 0.10842]}
PAPER_MEAN = {"linear": 0.13567, "nonlinear": 0.17638, "steady": 0.33}

# Table -> (problem, reductions)
TIME_TABLES = {
    1: ("linear", "cem-all,cem-all,cem-all"),
    2: ("nonlinear", "cem-all,cem-all,cem-all"),
    3: ("linear", "cem-mode-1,cem-mode-2,cem-mode-3"),
    4: ("nonlinear", "cem-mode-1,cem-mode-2,cem-mode-3"),
    6: ("linear", "cem-mode-1,cem-mode-2,pool"),
    7: ("nonlinear", "cem-mode-1,cem-mode-2,pool"),
    10: ("linear", "learned,pool"),
    11: ("nonlinear", "learned,pool"),
}
STEADY_TABLES = {12: "kappa-0,kappa-1", 13: "kappa-0,pool"}
L2_TABLES = {8: 6, 9: 7}  # eq. (8) for the models of Tables 6 and 7


def ensure_data(exe, env, path, problems, samples, ranks, log):
    if os.path.exists(path):
        return
    print(f"generating {path} ({problems}, {samples} samples) ...", flush=True)
    run_logged(["mpiexec", "-n", str(ranks), exe, "cem-datagen", "-samples", str(samples), "-problems", problems,
         "-o", path], env, log)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--time-data", default=os.path.join(RESULTS, "cem_time.h5"))
    p.add_argument("--steady-data", default=os.path.join(RESULTS, "cem_steady.h5"))
    p.add_argument("--samples", type=int, default=1600)
    p.add_argument("--epochs", type=int, default=50, help="epochs per stage (time data)")
    p.add_argument("--steady-epochs", type=int, default=300)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--tables", type=int, nargs="+", default=[1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13])
    p.add_argument("--l2-samples", type=int, default=40)
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "multistage_tables.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "multistage_tables")
    env = mpi_env()
    log = os.path.splitext(args.out)[0] + ".log"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    result = {"runs": {}}
    if os.path.exists(args.out) and not args.fresh:
        with open(args.out) as f:
            result = json.load(f)
    result["settings"] = {"epochs_per_stage": args.epochs, "steady_epochs": args.steady_epochs, "ranks": args.ranks,
                          "l2_samples": args.l2_samples, "samples": args.samples,
                          "optimizer": "Adam, lr 1e-3 -> 1e-5 exponential per stage, global batch 32, L1 loss"}
    runs = result["runs"]
    need_time = any(t in TIME_TABLES or t in L2_TABLES for t in args.tables)
    need_steady = any(t in STEADY_TABLES for t in args.tables)
    if need_time:
        ensure_data(exe, env, args.time_data, "linear,nonlinear", args.samples, args.ranks, log)
    if need_steady:
        ensure_data(exe, env, args.steady_data, "steady", args.samples, args.ranks, log)

    with tempfile.TemporaryDirectory() as tmp:
        def train(key, data, problem, reductions, epochs, extra, evaluate_l2):
            if key in runs and (not evaluate_l2 or "l2_error_learnt" in runs[key]):
                return runs[key]
            model = os.path.join(tmp, key + ".pt")
            report = os.path.join(tmp, key + ".json")
            t0 = time.time()
            run_logged(["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe, "train", "-model", "multistage",
                 "-data", data, "-problem", problem, "-reduction", reductions, "-epochs", str(epochs),
                 "-print_every", str(epochs), "-o", model, "-report", report] + extra, env, log)
            with open(report) as f:
                r = json.load(f)
            row = {k: r[k] for k in ("problem", "reductions", "stage_errors", "stage_train_errors", "stage_parameters",
                                     "parameters", "mean_predictor_error", "seconds")}
            row["train_seconds"] = time.time() - t0
            if evaluate_l2:
                ev = os.path.join(tmp, key + "_eval.json")
                run_logged(["mpiexec", "-n", str(args.ranks), exe, "multistage-eval", "-model", model, "-data", data,
                     "-l2_samples", str(args.l2_samples), "-report", ev], env, log)
                with open(ev) as f:
                    e = json.load(f)
                row.update({k: e[k] for k in ("l2_error_learnt", "l2_error_computed", "l2_samples")})
            runs[key] = row
            write_json(args.out, result)
            print(f"{key}: stage errors {['%.5f' % x for x in row['stage_errors']]} "
                  f"({row['train_seconds']:.0f} s)", flush=True)
            return row

        for table in sorted(set(args.tables) | {L2_TABLES[t] for t in args.tables if t in L2_TABLES}):
            if table in TIME_TABLES:
                problem, reductions = TIME_TABLES[table]
                l2 = any(L2_TABLES[t] == table for t in args.tables if t in L2_TABLES)
                for m1, r1 in VARIANTS:
                    train(f"table{table}_m{m1}_r{r1}", args.time_data, problem, reductions, args.epochs,
                          ["-m1", str(m1), "-r1", str(r1)], l2)
            elif table in STEADY_TABLES:
                train(f"table{table}", args.steady_data, "steady", STEADY_TABLES[table], args.steady_epochs, [], False)
    write_json(args.out, result)
    print_tables(result, args.tables)


def fmt(values):
    return " / ".join("%.5f" % v for v in values)


def print_tables(result, tables):
    runs = result["runs"]
    for table in tables:
        if table in TIME_TABLES:
            problem, reductions = TIME_TABLES[table]
            print(f"\nTable {table} ({problem}, {reductions}): test error of eq. (7) per stage")
            print("| (m1, r1) | paper | ours | parameters (last stage) | train s |")
            print("|---|---|---|---|---|")
            for v, (m1, r1) in enumerate(VARIANTS):
                r = runs.get(f"table{table}_m{m1}_r{r1}")
                ours = fmt(r["stage_errors"]) if r else "not run"
                params = r["stage_parameters"][-1] if r else ""
                secs = "%.0f" % r["train_seconds"] if r else ""
                print(f"| ({m1}, {r1}) | {fmt(PAPER[table][v])} | {ours} | {params} | {secs} |")
            r = runs.get(f"table{table}_m30_r10")
            if r:
                print(f"mean predictor: paper {PAPER_MEAN[problem]}, ours {r['mean_predictor_error']:.5f}")
        elif table in L2_TABLES:
            src = L2_TABLES[table]
            print(f"\nTable {table}: relative L2 error of eq. (8), models of Table {src}")
            print("| (m1, r1) | paper learnt | paper computed | ours learnt | ours computed |")
            print("|---|---|---|---|---|")
            for v, (m1, r1) in enumerate(VARIANTS):
                r = runs.get(f"table{src}_m{m1}_r{r1}", {})
                ours = ("%.5f | %.5f" % (r["l2_error_learnt"], r["l2_error_computed"])) if "l2_error_learnt" in r \
                    else "not run | not run"
                print(f"| ({m1}, {r1}) | {PAPER_L2[table][v]} | {PAPER_L2_COMPUTED[table]} | {ours} |")
        elif table in STEADY_TABLES:
            r = runs.get(f"table{table}")
            ours = fmt(r["stage_errors"]) if r else "not run"
            mean = "%.5f" % r["mean_predictor_error"] if r else ""
            print(f"\nTable {table} (steady, {STEADY_TABLES[table]}): paper {fmt(PAPER_STEADY[table])}, ours {ours} "
                  f"(mean predictor paper 0.33, ours {mean})")
    print("\nTable 5 (parameters of a stage with C_k): paper = ours by construction, checked by test_multistage")
    for (m1, r1), (a, b) in zip(VARIANTS, PAPER_TABLE5):
        print(f"| ({m1}, {r1}) | {a} | {b} |")


if __name__ == "__main__":
    main()
