#!/usr/bin/python3
"""Time-dependent coefficients: every online strategy for the LOD correctors on the same
problems and time steps (issue 31). Strategies:
  (a) all        recompute every element corrector at every step (the reference)
  (b) indicator  recompute where the Hellman-Malqvist indicator e_T > tol, keep the others
                 (`lod -update indicator -update_tol TOL`, lod/corrector_indicator.hpp)
  (c) lod_ann    the Deep Ritz LOD networks (one forward pass per coarse node and step;
                 cont and battery only: the networks are trained for those families)
  (d) compression  the operator-compression network's S^_A(t_m) from the current coefficient
                 every step (`compress-eval` with a time-dependent coefficient; where the mesh
                 fits the model's training: --compression-model, trained at r = h/H = 8, ell = 2)
  (e) never      the correctors of t = 0 for the whole run (S_T with the current coefficient)
Problems: moving_inclusion (a local change), interpolate (two ms samples blended: a change
everywhere), and the Deep Ritz LOD examples cont and battery (their meshes, T = 1, 24 steps).
The compression model is not trained here (datagen + training take ~25 min); its offline
time is read from train.json next to it and datagen.json in the folder above, if present.

Errors are against (a): error_T = ||u - u_a||_L2 / ||u_a||_L2 of the corrected fine state
(1 - Q) u_H at T (the same quantity deepritz-eval reports for the LOD-ANN; for the compression
network, which has no correctors, of u_H), and over time the coarse part u_H (Q1 mass norm) of
every step (for the LOD-ANN its fine state per step).
Online time per step: the correctors' share (indicator, solves, S_T; for the LOD-ANN the
forward passes) next to the whole step (assembly and coarse solve included). Offline:
the correctors of A(0) for the selective strategies, the network training for the LOD-ANN.
break_even_steps = offline / (corrector time per step of (a) - of the strategy): the number of
coefficient changes after which the strategy has paid for its offline phase (inf: never).

Needs Debian's /usr/bin/python3 (numpy, h5py; matplotlib for the PNGs). Writes
benchmarks/results/timedep_headtohead.json (one record per problem, strategy, tolerance),
prints a table, and plots timedep_headtohead_<problem>.png next to the JSON.

usage: benchmarks/timedep_headtohead.py [--build build] [--ranks 2] [--problems ...]
       [--tols 0.01 0.03 0.1 0.3] [--ritz-steps 1000] [--compression-model out/eq/gconv/model.pt]
       [--fresh]   (--fresh reruns the given problems; the others' records stay)
"""
import argparse
import json
import math
import os
import tempfile
import time

import h5py
import numpy as np

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, pyplot, run_report, save_figure, write_json

PROBLEMS = {
    "moving_inclusion": dict(args=["-coef_path", "moving_inclusion"], coarse_n=16, fine_n=128, ell=2, T=0.5, steps=20,
                             compression=True),
    "interpolate": dict(args=["-coef", "ms", "-seed", "1", "-coef_end_seed", "2"], coarse_n=16, fine_n=128, ell=2,
                        T=0.5, steps=20, compression=True),
    "cont": dict(args=["-coef_path", "cont"], coarse_n=6, fine_n=36, ell=1, T=1.0, steps=24, ritz=True),
    "battery": dict(args=["-coef_path", "battery"], coarse_n=6, fine_n=60, ell=1, T=1.0, steps=24, ritz=True),
}


def mass_1d(n, length=1.0):
    """Q1 mass matrix of n cells on [0, length] (dense, n + 1 nodes)."""
    h = length / n
    m = np.zeros((n + 1, n + 1))
    for k in range(n):
        m[k:k + 2, k:k + 2] += h / 6 * np.array([[2.0, 1.0], [1.0, 2.0]])
    return m


def l2_relative(u, ref, m1):
    """||u - ref|| / ||ref|| in the Q1 mass norm of a square grid ([y][x] arrays)."""
    norm = lambda v: math.sqrt(max(float(np.sum(v * (m1 @ v @ m1))), 0.0))
    return norm(u - ref) / norm(ref)


def lod_run(mpi, problem, policy, tol, tmp, env, log):
    p = PROBLEMS[problem]
    fields, hist, report = (os.path.join(tmp, f"{problem}_{policy}_{tol}.{ext}") for ext in ("h5", "hist.h5", "json"))
    cmd = mpi + ["lod", "-problem", "parabolic"] + p["args"] + [
        "-coarse_n", str(p["coarse_n"]), "-fine_n", str(p["fine_n"]), "-ell", str(p["ell"]), "-T", str(p["T"]),
        "-steps", str(p["steps"]), "-update", policy, "-o", fields, "-coarse_history", hist, "-report", report]
    if policy == "indicator":
        cmd += ["-update_tol", str(tol)]
    t0 = time.time()
    r = run_report(cmd, env, log, report)
    r["wall_seconds"] = time.time() - t0
    r["command"] = "neurhom " + " ".join(cmd[cmd.index("lod"):])
    with h5py.File(fields, "r") as f:
        r["_u_T"] = f["fields/u_lod_corrected"][...]
    with h5py.File(hist, "r") as f:
        r["_history"] = f["coarse_solution"][...]
    return r


def ritz_run(mpi, problem, steps, models, tmp, env, log):
    bundle = os.path.join(models, f"timedep_deepritz_{problem}.pt")
    train = os.path.join(tmp, "train.json")
    t0 = time.time()
    cmd = mpi + ["train", "-model", "deepritz", "-example", problem, "-steps", str(steps), "-threads", "1", "-o", bundle,
                 "-report", train]
    tr = run_report(cmd, env, log, train)
    train_seconds = time.time() - t0
    report = os.path.join(tmp, "eval.json")
    cmd_eval = mpi + ["deepritz-eval", "-model", bundle, "-form", "pg", "-test_samples", "0", "-threads", "1",
                      "-report", report]
    ev = run_report(cmd_eval, env, log, report)
    return dict(train=tr, train_seconds=train_seconds, eval=ev,
                command="neurhom " + " ".join(cmd[cmd.index("train"):]) + " && neurhom " +
                        " ".join(cmd_eval[cmd_eval.index("deepritz-eval"):]))


def compression_run(mpi, problem, model, tmp, env, log):
    p = PROBLEMS[problem]
    report, hist = os.path.join(tmp, "compress.json"), os.path.join(tmp, "compress.hist.h5")
    cmd = mpi + ["compress-eval", "-model", model, "-coarse_n", str(p["coarse_n"])] + p["args"] + [
        "-T", str(p["T"]), "-steps", str(p["steps"]), "-threads", "1", "-coarse_history", hist, "-report", report]
    r = run_report(cmd, env, log, report)
    with h5py.File(hist, "r") as f:
        r["_history"] = f["coarse_solution"][...]
    r["command"] = "neurhom " + " ".join(cmd[cmd.index("compress-eval"):])
    offline, sources = 0.0, []
    model_dir = os.path.dirname(os.path.abspath(model))
    for path in (os.path.join(model_dir, "train.json"), os.path.join(os.path.dirname(model_dir), "datagen.json")):
        if os.path.exists(path):
            with open(path) as f:
                offline += json.load(f)["seconds"]
            sources.append(os.path.relpath(path, ROOT))
    r["offline_seconds"], r["offline_sources"] = offline, sources
    return r


def break_even(offline, reference_per_step, per_step):
    if offline <= 0:
        return 0.0
    gain = reference_per_step - per_step
    return offline / gain if gain > 0 else None  # None (JSON null): never pays


def record(problem, strategy, tol, **kw):
    r = dict(problem=problem, strategy=strategy, tolerance=tol)
    r.update(kw)
    return r


def evaluate_problem(problem, runs, ritz, compression):
    """Records of one problem from its lod runs (and the LOD-ANN run), errors against (a)."""
    p = PROBLEMS[problem]
    ref = runs["all"]
    m_fine, m_coarse = mass_1d(p["fine_n"]), mass_1d(p["coarse_n"])
    ref_step = ref["corrector_seconds_per_step"]
    out = []
    for key, r in runs.items():
        policy, tol = (key.split(":") + [None])[:2]
        errors = [l2_relative(u, uref, m_coarse) for u, uref in zip(r["_history"], ref["_history"])]
        offline = r["initial_corrector_seconds"]
        out.append(record(problem, policy, float(tol) if tol else None,
                          error_T=l2_relative(r["_u_T"], ref["_u_T"], m_fine),
                          error_time_max=max(errors), errors_over_time=errors,
                          l2_error_vs_fine=r["l2_error_vs_fine"],
                          recomputed_fraction=r["recomputed_fraction"],
                          corrector_seconds_per_step=r["corrector_seconds_per_step"],
                          online_seconds_per_step=r["online_seconds_per_step"], offline_seconds=offline,
                          break_even_steps=0.0 if policy == "all" else break_even(offline, ref_step,
                                                                                   r["corrector_seconds_per_step"]),
                          command=r["command"]))
    if compression:
        c = compression
        errors = [l2_relative(u, uref, m_coarse) for u, uref in zip(c["_history"], ref["_history"])]
        out.append(record(problem, "compression", None, error_T=errors[-1], error_T_quantity="u_H",
                          error_time_max=max(errors), errors_over_time=errors, recomputed_fraction=0.0,
                          corrector_seconds_per_step=c["nn_seconds_per_step"],
                          reference_corrector_seconds_per_step=c["lod_corrector_seconds_per_step"],
                          online_seconds_per_step=c["nn_step_seconds_per_step"],
                          reference_online_seconds_per_step=c["lod_seconds_per_step"],
                          offline_seconds=c["offline_seconds"],
                          offline_sources=c["offline_sources"],
                          break_even_steps=break_even(c["offline_seconds"], c["lod_corrector_seconds_per_step"],
                                                      c["nn_seconds_per_step"]),
                          equivariance=c["equivariance"], command=c["command"]))
    if ritz:
        ev, steps = ritz["eval"], p["steps"]
        ann, element = ev["ann_basis_seconds"] / steps, ev["element_basis_seconds"] / steps
        out.append(record(problem, "lod_ann", None, error_T=ev["relative_error_T"],
                          error_time_max=max(ev["error_history"]), errors_over_time=ev["error_history"],
                          recomputed_fraction=0.0, corrector_seconds_per_step=ann,
                          reference_corrector_seconds_per_step=element,
                          online_seconds_per_step=None, offline_seconds=ritz["train_seconds"],
                          break_even_steps=break_even(ritz["train_seconds"], element, ann),
                          training_steps=ritz["train"].get("steps"), networks=ev["networks"],
                          command=ritz["command"]))
    return out


def fmt(v, spec, none="-"):
    return none if v is None else format(v, spec)


def print_table(records):
    print("\n| problem | strategy | tol | error at T vs (a) | u_H error at T | max error over time | recomputed | "
          "corrector s/step | step s | offline s | break-even steps |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in records:
        error_t = "-" if r.get("error_T_quantity") == "u_H" else fmt(r["error_T"], ".2e")
        uh_t = "-" if r["strategy"] == "lod_ann" else fmt(r["errors_over_time"][-1], ".2e")
        print(f"| {r['problem']} | {r['strategy']} | {fmt(r['tolerance'], 'g')} | {error_t} | {uh_t} | "
              f"{fmt(r['error_time_max'], '.2e')} | {fmt(r['recomputed_fraction'], '.1%')} | "
              f"{fmt(r['corrector_seconds_per_step'], '.4f')} | {fmt(r.get('online_seconds_per_step'), '.4f')} | "
              f"{fmt(r['offline_seconds'], '.2f')} | {fmt(r['break_even_steps'], '.1f', 'never')} |")


TARGETS = (1e-3, 1e-2, 5e-2)


def decision_table(records, steps_override=None):
    """For each problem and target error (vs (a), at T and over time), the strategy with the
    least total corrector cost offline + steps x corrector s/step (the rest of a step is common
    to all): the practitioner's choice for this run's number of steps, and for 10^4 steps."""
    rows = []
    for problem in dict.fromkeys(r["problem"] for r in records):
        rs = [r for r in records if r["problem"] == problem]
        steps = PROBLEMS[problem]["steps"]
        for n in (steps, 10000):
            for target in TARGETS:
                ok = [r for r in rs if max(r["error_T"], r["error_time_max"]) <= target]
                best = min(ok, key=lambda r: r["offline_seconds"] + n * r["corrector_seconds_per_step"])
                rows.append(dict(problem=problem, steps=n, target=target, strategy=best["strategy"],
                                 tolerance=best["tolerance"],
                                 total_seconds=best["offline_seconds"] + n * best["corrector_seconds_per_step"]))
    return rows


def print_decisions(rows):
    print("\n| problem | steps | error target | fastest strategy | corrector cost incl. offline [s] |")
    print("|---|---|---|---|---|")
    for d in rows:
        name = d["strategy"] + (f" tol {d['tolerance']:g}" if d["tolerance"] is not None else "")
        print(f"| {d['problem']} | {d['steps']} | {d['target']:g} | {name} | {d['total_seconds']:.2f} |")


def plot(records, problems, outdir):
    plt = pyplot()
    if plt is None:
        return
    for problem in problems:
        rs = [r for r in records if r["problem"] == problem]
        if not rs:
            continue
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        for r in rs:
            label = r["strategy"] + (f" tol {r['tolerance']:g}" if r["tolerance"] is not None else "")
            if r["strategy"] != "all":
                marker = {"indicator": "o", "never": "s", "lod_ann": "^", "compression": "D"}[r["strategy"]]
                axes[0].loglog([max(r["corrector_seconds_per_step"], 1e-5)], [max(r["error_T"], 1e-16)], marker,
                               label=label + (" (u_H)" if r.get("error_T_quantity") == "u_H" else ""))
                axes[1].semilogy(range(1, len(r["errors_over_time"]) + 1),
                                 [max(e, 1e-16) for e in r["errors_over_time"]], label=label)
        ref = next(r for r in rs if r["strategy"] == "all")
        axes[0].axvline(ref["corrector_seconds_per_step"], color="k", ls="--", label="(a) all: corrector s/step")
        axes[0].set_xlabel("corrector time per step [s]")
        axes[0].set_ylabel("relative L2 error at T vs (a)")
        axes[1].set_xlabel("time step")
        axes[1].set_ylabel("relative L2 error vs (a)")
        for ax in axes:
            ax.grid(True, which="both", alpha=0.3)
        axes[0].legend(fontsize=7)
        axes[1].legend(fontsize=7)
        fig.suptitle(f"{problem}: online strategies for the LOD correctors")
        save_figure(plt, fig, os.path.join(outdir, f"timedep_headtohead_{problem}.png"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS))
    ap.add_argument("--tols", nargs="+", type=float, default=[0.01, 0.03, 0.1, 0.3])
    ap.add_argument("--ritz-steps", type=int, default=1000, help="training steps of the Deep Ritz networks (paper: 30000)")
    ap.add_argument("--compression-model", default=os.path.join(ROOT, "out", "eq", "gconv", "model.pt"),
                    help="trained compression model (r = 8, ell = 2) for strategy (d); skipped if absent")
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--plot-only", action="store_true", help="table and PNGs from the JSON, no runs")
    ap.add_argument("--out", default=os.path.join(RESULTS, "timedep_headtohead.json"))
    args = ap.parse_args()
    exe = neurhom_exe(args.build, "timedep_headtohead")
    env = mpi_env()
    result = load_results(args.out, False)
    result.setdefault("records", [])
    if args.fresh:
        result["records"] = [r for r in result["records"] if r["problem"] not in args.problems]
    log = os.path.splitext(args.out)[0] + ".log"
    outdir = os.path.dirname(os.path.abspath(args.out))
    mpi = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe]
    if args.plot_only:
        print_table(result["records"])
        print_decisions(decision_table(result["records"]))
        plot(result["records"], args.problems, outdir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for problem in args.problems:
            if any(r["problem"] == problem for r in result["records"]):
                print(f"{problem}: in {args.out} already (--fresh to rerun)")
                continue
            runs = {"all": lod_run(mpi, problem, "all", None, tmp, env, log)}
            for tol in args.tols:
                runs[f"indicator:{tol}"] = lod_run(mpi, problem, "indicator", tol, tmp, env, log)
            runs["never"] = lod_run(mpi, problem, "never", None, tmp, env, log)
            ritz = ritz_run(mpi, problem, args.ritz_steps, outdir, tmp, env, log) if PROBLEMS[problem].get("ritz") else None
            compression = None
            if PROBLEMS[problem].get("compression") and os.path.exists(args.compression_model):
                compression = compression_run(mpi, problem, args.compression_model, tmp, env, log)
            records = evaluate_problem(problem, runs, ritz, compression)
            result["records"] = [r for r in result["records"] if r["problem"] != problem] + records
            result["setting"] = dict(ranks=args.ranks, ritz_steps=args.ritz_steps, problems=PROBLEMS,
                                     compression_model=os.path.relpath(args.compression_model, ROOT))
            write_json(args.out, result)
            print_table(records)
    print_table(result["records"])
    result["decisions"] = decision_table(result["records"])
    write_json(args.out, result)
    print_decisions(result["decisions"])
    plot(result["records"], args.problems, outdir)


if __name__ == "__main__":
    main()
