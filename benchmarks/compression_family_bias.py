#!/usr/bin/python3
"""Per-family scale bias of compression surrogates, seen through the patch test (issue 32).

For every family of a `lod-datagen` file and every given model, the least-squares scalar
alpha_E that best maps the network's patch-test matrices onto the exact ones,
  alpha_E = sum_i (E^_i . E_i) / ||E_i||^2  /  sum_i ||E^_i||^2 / ||E_i||^2,
E_T = W^T S_T V (compression_mlp.hpp: the local operator on linear functions). alpha_E - 1 is
the share of the error that the assembly sums coherently: a surrogate with alpha_E = 1.007 on
a family gives u^_H ~ 1.007 u_H there. A diagnostic: runs the exported TorchScript model with
Debian's python3-torch and reads the data with python3-h5py (neither is a build or test
dependency; run with /usr/bin/python3).

usage: /usr/bin/python3 benchmarks/compression_family_bias.py --data out/eq/lod.h5 [--split test]
           [--out benchmarks/results/compression_family_bias.json] LABEL=MODEL.pt ...
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neurhom_bench import RESULTS, write_json  # noqa: E402


def probes(node_side):
    c = 0.5 * (node_side - 1)
    W = np.array([[1.0, x - c, y - c] for y in range(node_side) for x in range(node_side)])
    V = np.array([[j % 2 - 0.5, j // 2 - 0.5] for j in range(4)])
    return W, V


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="test", choices=["train", "val", "test"])
    p.add_argument("--chunk", type=int, default=8192)
    p.add_argument("--out", default=os.path.join(RESULTS, "compression_family_bias.json"))
    p.add_argument("models", nargs="+", help="LABEL=path/to/model.pt")
    args = p.parse_args()
    f = h5py.File(args.data, "r")
    families = f.attrs["families"].decode().split(",")
    node_side = 2 * int(f.attrs["ell"]) + 2
    W, V = probes(node_side)
    X, Y, fam = f[f"{args.split}/inputs"], f[f"{args.split}/outputs"], f[f"{args.split}/family"][:]
    torch.set_num_threads(os.cpu_count() or 1)
    result = {"benchmark": "compression_family_bias",
              "protocol": "diagnostic on lod-datagen rows of the paper setting: per-family least-squares scale alpha_E "
                          "of the patch-test matrices E_T = W^T S_T V (network vs PG-LOD), exported model in float32",
              "data": args.data, "split": args.split, "rows": int(len(fam)),
              "families": families, "models": {}}
    print(f"{'model':>28} " + " ".join(f"{name:>9}" for name in families))
    for spec in args.models:
        label, path = spec.split("=", 1)
        model = torch.jit.load(path)
        num, den = np.zeros(len(families)), np.zeros(len(families))
        for start in range(0, len(fam), args.chunk):
            x = torch.from_numpy(X[start:start + args.chunk])
            with torch.no_grad():
                S_hat = model.forward(x).double().numpy().reshape(len(x), node_side * node_side, 4)
            S = Y[start:start + args.chunk].astype(np.float64).reshape(len(x), node_side * node_side, 4)
            E_hat = np.einsum("ni,bnj,jk->bik", W, S_hat, V).reshape(len(x), -1)
            E = np.einsum("ni,bnj,jk->bik", W, S, V).reshape(len(x), -1)
            norm = (E ** 2).sum(1)
            k = fam[start:start + args.chunk]
            np.add.at(num, k, (E_hat * E).sum(1) / norm)
            np.add.at(den, k, (E_hat ** 2).sum(1) / norm)
        alpha = num / den
        result["models"][label] = {"model": path, "alpha_E": dict(zip(families, alpha.tolist()))}
        print(f"{label:>28} " + " ".join(f"{a:9.4f}" for a in alpha), flush=True)
    write_json(args.out, result)


if __name__ == "__main__":
    main()
