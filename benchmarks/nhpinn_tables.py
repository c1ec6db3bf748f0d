#!/usr/bin/env python3
"""Tables 2-5 of Leung, Lin, Zhang 2021 (NH-PINN) next to ours, one row per protocol: "paper" is
the paper's method (cell PINNs with the periodicity loss terms and oversampling, the boundary
condition of the homogenized PINN as a loss term), every other row names the improvement it adds
(`neurhom nhpinn` options below). Prints e_1..e_4, the cell-problem error and the error of the
homogenized coefficient, and writes JSON (default benchmarks/results/nhpinn_tables.json): "rows"
maps "case|protocol" to a record with at least case, eps, protocol, e1, e2, e3, e4, cell_error,
a_star_error, command, wall_seconds.
Resumable: rows already in the JSON are skipped (--fresh starts over).

usage: benchmarks/nhpinn_tables.py [--build build] [--ranks 2] [--rows elliptic2d|paper slow1d|paper ...]
       [--baseline]   (also the classical PINN and the transfer experiment in the "paper" rows)
"""
import argparse
import os
import tempfile
import time

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_report, write_json

PAPER = {  # e1, e2, e3, e4, cell error, classical PINN, transfer
    "elliptic2d": dict(e1=0.082994, e2=0.0212534, e3=0.076604, e4=0.021316, cell=0.072034, cell_plain=0.326963,
                       baseline=0.900758, transfer=0.909675),
    "slow1d": dict(e1=0.005819, e2=0.007668, e3=0.003665, e4=0.006201, cell=0.010304, baseline=0.980968,
                   transfer=1.005152),
    "reaction1d:0.1": dict(e1=0.012388, e2=0.0012916, e3=0.012448, e4=0.0012917, cell=0.053309, baseline=0.774558,
                           transfer=0.265721),
    "reaction1d:0.02": dict(e1=0.018582, e2=0.011637, e3=0.022184, e4=0.0116435, cell=0.057602, baseline=1.000237,
                            transfer=0.506884),
}

# (case key, protocol, options): the paper's method, then each improvement on its own row
ROWS = [
    ("elliptic2d", "paper", []),
    ("elliptic2d", "periodic_cell_input", ["-cell_features", "2", "-cell_epochs", "1500"]),
    ("elliptic2d", "exact_boundary", ["-homog_boundary", "exact"]),
    ("slow1d", "paper", []),
    ("slow1d", "periodic_cell_input", ["-cell_features", "2"]),
    ("reaction1d:0.1", "paper", []),
    ("reaction1d:0.1", "unit_cell_reading", ["-reaction_cell", "1"]),
    ("reaction1d:0.02", "paper", []),
    ("reaction1d:0.02", "unit_cell_reading", ["-reaction_cell", "1"]),
]


def row_record(key, protocol, report):
    name, _, eps = key.partition(":")
    rec = dict(case=name, eps=report["eps"], protocol=protocol)
    for k in ("e1", "e2", "e3", "e4", "cell_error", "a_star_error", "cell_error_no_oversampling", "cell_error_chi2",
              "cell_drift_alpha", "a_star", "a_star_fem", "r_star", "r_star_fem", "reaction_cell", "baseline_error",
              "transfer_error", "cell_seconds", "homogenized_seconds", "seconds", "cell_input", "cell_epochs",
              "homogenized_boundary", "homogenized_boundary_weight", "homogenized_epochs", "homogenized_decay"):
        if k in report:
            rec[k] = report[k]
    return rec


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--rows", nargs="+", default=[f"{k}|{pr}" for k, pr, _ in ROWS])
    p.add_argument("--baseline", action="store_true")
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "nhpinn_tables.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "nhpinn_tables")
    env = mpi_env()
    result = load_results(args.out, args.fresh)
    result.setdefault("rows", {})
    log = os.path.splitext(args.out)[0] + ".log"
    options = {f"{k}|{pr}": opts for k, pr, opts in ROWS}
    with tempfile.TemporaryDirectory() as tmp:
        for row in args.rows:
            if row in result["rows"]:
                continue
            if row not in options:
                raise SystemExit(f"nhpinn_tables: unknown row '{row}' (known: {', '.join(options)})")
            key, protocol = row.split("|")
            name, _, eps = key.partition(":")
            report = os.path.join(tmp, "r.json")
            fields = os.path.join(RESULTS, f"nhpinn_{key.replace(':', '_')}_{protocol}.h5")  # nhpinn_plots.py
            cmd = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe, "nhpinn", "-case", name]
            if eps:
                cmd += ["-eps", eps]
            cmd += options[row] + ["-without_oversampling", "1" if protocol == "paper" and name == "elliptic2d" else "0"]
            if args.baseline and protocol == "paper":
                cmd += ["-baseline"]
            t0 = time.time()
            r = run_report(cmd + ["-report", report, "-o", fields], env, log, report)
            rec = row_record(key, protocol, r)
            rec["wall_seconds"] = time.time() - t0
            rec["ranks"] = args.ranks
            rec["command"] = "neurhom " + " ".join(cmd[6:])
            result["rows"][row] = rec
            write_json(args.out, result)
            print(f"{row}: e1 {rec['e1']:.5f} e2 {rec['e2']:.5f} e3 {rec['e3']:.5f} e4 {rec['e4']:.5f} "
                  f"({rec['wall_seconds']:.0f} s)", flush=True)
    print("\n| case | protocol | e1 | e2 | e3 | e4 | cell error | a* error | time |")
    print("|---|---|---|---|---|---|---|---|---|")
    for key in PAPER:
        paper = PAPER[key]
        print(f"| {key} | paper's numbers | {paper['e1']} | {paper['e2']} | {paper['e3']} | {paper['e4']} | "
              f"{paper['cell']} | | |")
        for row, r in result["rows"].items():
            if row.split("|")[0] != key:
                continue
            print(f"| | {r['protocol']} | {r['e1']:.4f} | {r['e2']:.4f} | {r['e3']:.4f} | {r['e4']:.4f} | "
                  f"{r.get('cell_error', float('nan')):.4f} | {r.get('a_star_error', float('nan')):.2e} | "
                  f"{r.get('wall_seconds', 0):.0f} s |")


if __name__ == "__main__":
    main()
