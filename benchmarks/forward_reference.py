#!/usr/bin/python3
"""The bare forward pass of the operator-compression MLP in plain PyTorch (Debian's
python3-torch: the same LibTorch 1.13 as neurhom), the reference for neurhom's online
network time. Run with Debian's /usr/bin/python3; prints one JSON object:

  forward_seconds   best of --repeat timed calls (after 2 warm-up calls) of the MLP on a
                    float32 batch of --rows rows under torch.inference_mode()
  gemm_gflops       the plain GEMM rate of the largest layer (rows x 1600 by 1600 x 1600)
                    (with --dtype bf16: the network, its input and the GEMM in bfloat16)
  train_samples_per_second  with --train_steps N: Adam steps on in-memory float32 batches of
                    --rows rows with the relative loss of the compression training (the
                    reference for `neurhom train` on one rank)

usage: /usr/bin/python3 benchmarks/forward_reference.py --rows 1024 --threads 1
                                                        [--widths 1600-1600-800-800-400-400-144-144-144] [--dtype fp32|bf16]
"""
import argparse
import json
import time

import torch


def best_time(fn, repeat):
    fn()
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--widths", default="1600-1600-800-800-400-400-144-144-144")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--train_steps", type=int, default=0)
    p.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    widths = [int(w) for w in args.widths.split("-")]
    layers = []
    for k in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[k], widths[k + 1]))
        if k + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    net = torch.nn.Sequential(*layers).eval()
    x = 1.0 + 4.0 * torch.rand(args.rows, widths[0])
    with torch.inference_mode():
        if dtype != torch.float32:
            net_low, x_low = net.to(dtype), x.to(dtype)
            forward = best_time(lambda: net_low(x_low).float(), args.repeat)
        else:
            forward = best_time(lambda: net(x), args.repeat)
        a, b = torch.rand(args.rows, widths[0], dtype=dtype), torch.rand(widths[0], widths[1], dtype=dtype)
        gemm = best_time(lambda: torch.mm(a, b), args.repeat)
    result = {"rows": args.rows, "threads": args.threads, "widths": args.widths, "torch": torch.__version__,
              "dtype": args.dtype,
              "forward_seconds": forward, "gemm_gflops": 2.0 * args.rows * widths[0] * widths[1] / gemm / 1e9}
    if args.train_steps > 0:
        net = net.float().train()
        adam = torch.optim.Adam(net.parameters(), lr=1e-4)
        y = torch.rand(args.rows, widths[-1]) + 0.5

        def step():
            adam.zero_grad()
            loss = (((net(x) - y) ** 2).sum(1) / (y ** 2).sum(1)).sum() / args.rows
            loss.backward()
            adam.step()

        step()
        t0 = time.perf_counter()
        for _ in range(args.train_steps):
            step()
        result["train_samples_per_second"] = args.train_steps * args.rows / (time.perf_counter() - t0)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
