#!/usr/bin/env python3
"""MrCAE side by side with the authors' reference implementation (Liu, Ponce, Brunton, Kutz
2020; github.com/luckystarufo/MrCAE, PyTorch), on the same data file and the same split.

For each data set (toy1, toy2, turbulence):
  1. `neurhom mrcae-data` writes the snapshots (the reference's formulas and [0, 1] scaling);
     the values and the 70/20/10 split are exported to .npy for the reference code.
  2. reference (only with --reference DIR, a checkout of the reference code; never vendored):
     its own training (torch_cae_multilevel_V4.train_net_one_level per level, its archs,
     tolerances, max_epoch, batch = the training split, std 0.01, linear), with our split put
     into its MultiScaleDynamicsDataSet, evaluated with its own loss (compute_global_loss on
     the test split, w = 0.5); run with Debian's /usr/bin/python3 (python3-torch).
  3. neurhom: `train -model mrcae` with the same tolerances, channels per level, groups,
     epochs, the reference stop rule, its end state (-restore last: the reference's
     best_state_dict aliases the live parameters) and its deepening init (-deepen_init
     constant); `mrcae-eval` on the test split.
     It runs with as many torch threads as neurhom has ranks (--ranks): the same cores.
  4. baselines (neurhom): the zero-parameter interpolation (subsample + bilinear), and RED-Net
     with skips, linear and +ReLU, architecture-matched to each MrCAE level as the paper's
     protocol (channels [c_k, c_{k-1}, ..., c_0] of the levels' final widths, trained on the
     level's data, metric (3.4) after interpolation to the finest grid).
Prints per level: test error, parameters, unresolved fraction, seconds of each; writes one
record per (dataset, implementation, model, level) to benchmarks/results/mrcae_reference.json
(keys dataset, implementation, model, protocol, level, test_error, parameters, unresolved_fraction,
seconds). Resumable per run (--fresh starts over).

usage: python3 benchmarks/mrcae_reference.py [--reference DIR] [--datasets toy1 toy2 turbulence]
       [--epochs E] [--snapshots 500] [--size 127] [--ranks 2] [--no-baselines] [--fresh]
"""
import argparse
import json
import os
import subprocess
import sys
import time

from neurhom_bench import RESULTS, ROOT, load_results, mpi_env, neurhom_exe, run_logged, run_report, write_json

# The reference notebooks' settings (MrCAE_toy1/toy2/isotropic.ipynb): levels, tolerances,
# channels added per widening at each level (archs [[1,2,3,4],...] -> 1), widenings per level,
# epochs per operation.
SETTINGS = {
    "toy1": dict(levels=3, tols=[1e-3, 5e-4, 1e-4], channels=[1, 1, 2], groups=3, epochs=5000),
    "toy2": dict(levels=3, tols=[1e-3, 5e-4, 1e-4], channels=[1, 1, 2], groups=3, epochs=5000),
    "turbulence": dict(levels=4, tols=[0.04, 0.02, 0.01, 0.005], channels=[1, 2, 3, 5], groups=4, epochs=4000),
}

REFERENCE_DRIVER = r'''
import json, os, sys, time
import numpy as np
import torch
ref, npy, split_npy, out, work, epochs, seed, threads = sys.argv[1:9]
tols, archs = json.loads(sys.argv[9]), json.loads(sys.argv[10])
torch.set_num_threads(int(threads))
sys.path.insert(0, os.path.join(ref, "src"))
import torch_cae_multilevel_V4 as net
torch.manual_seed(int(seed))
np.random.seed(int(seed))
ds = net.MultiScaleDynamicsDataSet(npy, n_levels=len(tols))
split = np.load(split_npy)
ds.train_inds, ds.val_inds, ds.test_inds = (np.where(split == p)[0] for p in (0, 1, 2))
ds.n_train, ds.n_val, ds.n_test = len(ds.train_inds), len(ds.val_inds), len(ds.test_inds)
os.makedirs(work, exist_ok=True)
model, records = None, []
for k in range(len(tols)):
    t0 = time.time()
    model = net.train_net_one_level(arch=archs[k], dataset=ds, max_epoch=int(epochs), batch_size=ds.n_train,
                                    result_path=work, model_path=None, load_model=model, tol=float(tols[k]),
                                    activation=torch.nn.Sequential(), lr=1e-3, w=0.5, std=0.01, verbose=1)
    seconds = time.time() - t0
    _, _, test = ds.obtain_data_at_current_level(k)
    with torch.no_grad():
        y = model(test, k)[0]
        mse, mx, _ = model.compute_global_loss(ds, y, k, ds.test_inds)
    last = model.n_filter_groups_each_level[str(k)] - 1
    rmap = model.resolved_maps[str(k)].get(str(last))
    records.append(dict(level=k, test_error=float(0.5 * mse + 0.5 * mx),
                        parameters=int(sum(p.numel() for p in model.parameters())),
                        unresolved_fraction=None if rmap is None else float(1 - rmap.float().mean()),
                        seconds=seconds, channels=model.filter_channels_each_level[str(k)]))
    json.dump(records, open(out, "w"))
'''


def export_npy(h5, npy, split_npy):
    """The snapshot values [T, n, n] and the split for the reference code (Debian h5py, numpy)."""
    code = ("import sys, h5py, numpy as np\n"
            "f = h5py.File(sys.argv[1], 'r')\n"
            "np.save(sys.argv[2], f['snapshots'][()].astype(np.float64))\n"
            "np.save(sys.argv[3], f['split'][()].astype(np.int64))\n")
    subprocess.run(["/usr/bin/python3", "-c", code, h5, npy, split_npy], check=True)


def reference_available(args):
    if not args.reference:
        print("reference: skipped (no --reference DIR: give a checkout of github.com/luckystarufo/MrCAE)")
        return False
    if not os.path.exists(os.path.join(args.reference, "src", "torch_cae_multilevel_V4.py")):
        sys.exit(f"--reference {args.reference}: no src/torch_cae_multilevel_V4.py there")
    if subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode != 0:
        sys.exit("the reference needs PyTorch for /usr/bin/python3 (Debian: apt-get install python3-torch)")
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--reference", default="", help="a checkout of the reference code (github.com/luckystarufo/MrCAE)")
    p.add_argument("--datasets", nargs="+", default=["toy1", "toy2", "turbulence"], choices=sorted(SETTINGS))
    p.add_argument("--epochs", type=int, default=0, help="epochs per operation (0: the reference's, 5000 / 4000)")
    p.add_argument("--baseline-epochs", type=int, default=0, help="RED-Net epochs (0: as --epochs)")
    p.add_argument("--baseline-activations", nargs="+", default=["linear", "relu"], choices=["linear", "relu"],
                   help="RED-Net variants to train (the paper's RED-Net: relu)")
    p.add_argument("--snapshots", type=int, default=500)
    p.add_argument("--size", type=int, default=127)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--no-baselines", action="store_true")
    p.add_argument("--workdir", default=os.path.join(ROOT, "out", "mrcae_reference"))
    p.add_argument("--out", default=os.path.join(RESULTS, "mrcae_reference.json"))
    p.add_argument("--fresh", action="store_true")
    args = p.parse_args()
    exe = neurhom_exe(args.build, "mrcae_reference")
    env = mpi_env()
    use_reference = reference_available(args)
    result = load_results(args.out, args.fresh)
    result.setdefault("records", [])
    os.makedirs(args.workdir, exist_ok=True)
    log = os.path.splitext(args.out)[0] + ".log"
    mpi = ["mpiexec", "--bind-to", "none", "-n", str(args.ranks), exe]

    def done(key):
        return key in result["runs"]

    def store(key, records, extra=None):
        # protocol: "paper" = MrCAE with the reference code's settings (either implementation);
        # "baseline" = RED-Net and the interpolation
        for r in records:
            r["protocol"] = "paper" if r["model"] == "mrcae" else "baseline"
        result["runs"][key] = extra or {}
        result["records"] = [r for r in result["records"] if r.get("run") != key] + [dict(r, run=key) for r in records]
        write_json(args.out, result)

    for ds in args.datasets:
        st = SETTINGS[ds]
        epochs = args.epochs or st["epochs"]
        levels = st["levels"]
        tag = f"{ds}_e{epochs}"
        data = os.path.join(args.workdir, f"{ds}.h5")
        if not os.path.exists(data):
            run_logged(mpi + ["mrcae-data", "-example", ds, "-size", str(args.size), "-snapshots", str(args.snapshots),
                              "-o", data], env, log)
        common = dict(dataset=ds, epochs=epochs)

        key = f"{tag}:reference"
        if use_reference and not done(key):
            npy, split = os.path.join(args.workdir, f"{ds}.npy"), os.path.join(args.workdir, f"{ds}_split.npy")
            export_npy(data, npy, split)
            archs = [[1 + st["channels"][k] * j for j in range(st["groups"] + 1)] for k in range(levels)]
            out = os.path.join(args.workdir, f"{tag}_reference.json")
            t0 = time.time()
            with open(log, "a") as f:
                subprocess.run(["/usr/bin/python3", "-c", REFERENCE_DRIVER, args.reference, npy, split, out,
                                os.path.join(args.workdir, f"{tag}_reference"), str(epochs), "1", str(args.ranks),
                                json.dumps(st["tols"]),
                                json.dumps(archs)], check=True, stdout=f, stderr=subprocess.STDOUT)
            recs = [dict(common, implementation="reference", model="mrcae", **r) for r in json.load(open(out))]
            store(key, recs, {"seconds": time.time() - t0})

        key = f"{tag}:neurhom"
        model = os.path.join(args.workdir, f"{tag}_mrcae.pt")
        if not done(key):
            tr = os.path.join(args.workdir, "train.json")
            train = run_report(mpi + ["train", "-model", "mrcae", "-data", data, "-levels", str(levels),
                                      "-tol", ",".join(map(str, st["tols"])), "-channels", ",".join(map(str, st["channels"])),
                                      "-groups", str(st["groups"]), "-epochs", str(epochs), "-restore", "last", "-deepen_init", "constant",
                                      "-threads", "1", "-o", model,
                                      "-report", tr], env, log, tr)
            ev = os.path.join(args.workdir, "eval.json")
            e = run_report(mpi + ["mrcae-eval", "-model", model, "-data", data, "-report", ev], env, log, ev)
            recs = []
            n = args.size
            sizes = [n]
            for _ in range(levels - 1):
                sizes.insert(0, (sizes[0] - 1) // 2)
            for k in range(levels):
                # test error right after the level's last operation (as the reference evaluates its
                # per-stage models); the final model's f_k (changed by the later levels) next to it
                ops = [o for o in train["history"] if o["level"] == k]
                recs.append(dict(common, implementation="neurhom", model="mrcae", level=k, test_error=ops[-1]["test_global"],
                                 test_error_final_model=e["level_errors"][k], parameters=ops[-1]["parameters"],
                                 encoding_size=ops[-1]["encoding_size"], unresolved_fraction=e["unresolved_fractions"][k],
                                 seconds=sum(o["seconds"] for o in ops), channels=[o["channels"] for o in ops],
                                 stops=[o["stop"] for o in ops], restore="last", deepen_init="constant"))
                recs.append(dict(common, implementation="neurhom", model="interpolation", level=k,
                                 test_error=e["interpolation_errors"][k], parameters=0,
                                 encoding_size=((sizes[k] - 1) // 2) ** 2, unresolved_fraction=None, seconds=0))
            store(key, recs, {"history": train["history"]})

        if args.no_baselines:
            continue
        history = result["runs"][f"{tag}:neurhom"]["history"]
        widths = [sum(o["channels"] for o in history if o["level"] == k) for k in range(levels)]
        be = args.baseline_epochs or epochs
        for act in args.baseline_activations:
            key = f"{tag}:rednet_{act}_e{be}"
            if done(key):
                continue
            recs = []
            for k in range(levels):
                channels = ",".join(str(widths[j]) for j in range(k, -1, -1))
                rep = os.path.join(args.workdir, "cae.json")
                r = run_report(mpi + ["train", "-model", "cae", "-skip", "-data", data, "-levels", str(levels), "-level", str(k),
                                      "-channels", channels, "-activation", act, "-epochs", str(be), "-threads", "1",
                                      "-report", rep], env, log, rep)
                recs.append(dict(common, implementation="neurhom", model=f"rednet-{act}", level=k, test_error=r["test_error"],
                                 parameters=r["parameters"], encoding_size=r["encoding_size"], unresolved_fraction=None,
                                 seconds=r["seconds"], baseline_epochs=be,
                                 architecture=r["architecture"], stop=r["stop"], epochs_run=r["epochs"]))
            store(key, recs)

    table(result, args)


def table(result, args):
    print("\n| data | level | model | implementation | test error (3.4) | parameters | encoding | unresolved | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    order = {"mrcae": 0, "rednet-linear": 1, "rednet-relu": 2, "interpolation": 3}
    recs = [r for r in result["records"] if r["dataset"] in args.datasets]
    recs.sort(key=lambda r: (r["dataset"], r["epochs"], r["level"], order.get(r["model"], 9), r["implementation"]))
    for r in recs:
        un = "" if r.get("unresolved_fraction") is None else f"{100 * r['unresolved_fraction']:.1f} %"
        model = r["model"] + (f" ({r['baseline_epochs']} ep)" if "baseline_epochs" in r else "")
        enc = r.get("encoding_size", "")
        print(f"| {r['dataset']} (E {r['epochs']}) | {r['level']} | {model} | {r['implementation']} | "
              f"{r['test_error']:.3e} | {r['parameters']} | {enc} | {un} | {r['seconds']:.0f} |")


if __name__ == "__main__":
    main()
