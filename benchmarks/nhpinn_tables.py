#!/usr/bin/env python3
"""Tables 2-5 of Leung, Lin, Zhang 2021 (NH-PINN) next to ours: `neurhom nhpinn -baseline` for
elliptic2d (eps 1/8), slow1d (eps 1/8), reaction1d (eps 1/10 and 1/50). Prints e_1..e_4, the
cell-problem error, the classical PINN and the transfer experiment with the paper's numbers,
the time each case took, and writes JSON (default benchmarks/results/nhpinn_tables.json).
Resumable: cases already in the JSON are skipped (--fresh starts over).

usage: benchmarks/nhpinn_tables.py [--build build] [--ranks 2] [--cases elliptic2d slow1d reaction1d:0.1 reaction1d:0.02]
       [--cell-epochs N] [--homog-epochs N] [--baseline-epochs N]   (0: the command's defaults)
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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--cases", nargs="+", default=["slow1d", "reaction1d:0.1", "reaction1d:0.02", "elliptic2d"])
    p.add_argument("--cell-epochs", type=int, default=0)
    p.add_argument("--homog-epochs", type=int, default=0)
    p.add_argument("--baseline-epochs", type=int, default=0)
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--out", default=os.path.join(RESULTS, "nhpinn_tables.json"))
    args = p.parse_args()
    exe = neurhom_exe(args.build, "nhpinn_tables")
    env = mpi_env()
    result = load_results(args.out, args.fresh)
    log = os.path.splitext(args.out)[0] + ".log"
    with tempfile.TemporaryDirectory() as tmp:
        for key in args.cases:
            if key in result["runs"]:
                continue
            name, _, eps = key.partition(":")
            report = os.path.join(tmp, "r.json")
            fields = os.path.join(RESULTS, f"nhpinn_{key.replace(':', '_')}.h5")  # read by nhpinn_plots.py
            cmd = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe, "nhpinn", "-case", name, "-baseline",
                   "-report", report, "-o", fields]
            if eps:
                cmd += ["-eps", eps]
            for opt, value in (("-cell_epochs", args.cell_epochs), ("-homog_epochs", args.homog_epochs),
                               ("-baseline_epochs", args.baseline_epochs)):
                if value > 0:
                    cmd += [opt, str(value)]
            t0 = time.time()
            row = run_report(cmd, env, log, report)
            row["wall_seconds"] = time.time() - t0
            row["command"] = "neurhom " + " ".join(cmd[6:10] + cmd[14:])
            result["runs"][key] = row
            write_json(args.out, result)
            print(f"{key}: e1 {row['e1']:.5f} e2 {row['e2']:.5f} e3 {row['e3']:.5f} e4 {row['e4']:.5f} "
                  f"({row['wall_seconds']:.0f} s)", flush=True)
    print("\n| case | | e1 | e2 | e3 | e4 | cell error | classical PINN | transfer | time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key in args.cases:
        paper = PAPER[key]
        print(f"| {key} | paper | {paper['e1']} | {paper['e2']} | {paper['e3']} | {paper['e4']} | {paper['cell']} | "
              f"{paper['baseline']} | {paper['transfer']} | |")
        r = result["runs"].get(key)
        if r:
            print(f"| | ours | {r['e1']:.5f} | {r['e2']:.5f} | {r['e3']:.5f} | {r['e4']:.5f} | {r['cell_error']:.5f} | "
                  f"{r.get('baseline_error', float('nan')):.5f} | {r.get('transfer_error', float('nan')):.5f} | "
                  f"{r['wall_seconds']:.0f} s |")
        if key == "elliptic2d" and r and "cell_error_no_oversampling" in r:
            print(f"| | chi_1 without oversampling | paper {paper['cell_plain']} | ours {r['cell_error_no_oversampling']:.5f} | | | | | | |")


if __name__ == "__main__":
    main()
