"""Grid CR-MM (sketch + multiply of the sampled blocks) against the exact numpy product.

A, B: 4096 x 4096 float64, m = n = 4, q = 64, k_ij in {4, 8, 16}. The speed-up should
track q / k_ij (each output block multiplies k_ij of its q inner block pairs). Also: the
measured relative error beside the exact expected error, and planning 10,000 samples.
The exact product and the three sketches alternate round by round (BLAS pinned to one
thread); speed-ups are min/median ratios. Physical limit: q / k_ij (the GEMM work saved).
Run: python benchmarks/bench_sketch.py [--n 4096]
"""

import argparse
import time

import _bench
import numpy as np  # after _bench pins the threads

from ffcc.plan import plan
from ffcc.sketch import grid_crmm


def best(f, reps=2):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        t = min(t, time.perf_counter() - t0)
    return t, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--reps", type=int, default=2)
    args = ap.parse_args()
    n, m, q = args.n, 4, 64
    rng = np.random.default_rng(0)
    # unequal block norms along the inner dimension, as in the paper's motivation
    scale = np.repeat(10.0 ** (-np.arange(q) / 32), n // q)
    A = rng.standard_normal((n, n)) * scale[None, :]
    B = rng.standard_normal((n, n)) * scale[:, None]
    C = A @ B
    normC = np.linalg.norm(C)
    sketches = {}

    def sketch(k):
        def run():
            sk = grid_crmm(A, B, m, m, q, k, 1)
            sketches[k] = (sk, sk.estimate())

        return run

    contenders = {"exact": lambda: A @ B} | {k: sketch(k) for k in (4, 8, 16)}
    t = _bench.interleave(contenders, args.reps, warm=False)
    print(f"exact numpy product {n}x{n}: {min(t['exact']):.3f} s (min)")
    print(f"{'k_ij':>5}{'q/k':>6}{'sketch s':>10}{'speed-up':>16}{'rel err':>10}{'expected':>10}")
    rows = []
    for k in (4, 8, 16):
        sk, est = sketches[k]
        rel = np.linalg.norm(C - est) / normC
        exp = np.sqrt(sk.expected_sq_error.sum()) / normC
        r = _bench.ratio(t["exact"], t[k])
        rows.append({"k": k, "q_over_k": q / k, "speedup": r, "rel_err": rel, "expected": exp})
        print(
            f"{k:>5}{q / k:>6.0f}{min(t[k]):>10.3f}{r['min']:>8.2f}/{r['median']:.2f}"
            f"{rel:>10.4f}{exp:>10.4f}"
        )

    pairs = [(int(a), int(b)) for a, b in rng.integers(0, 300, size=(10_000, 2))]
    t_plan, P = best(lambda: plan(pairs, 2, verify=False), reps=3)
    print(
        f"planning 10,000 samples (300 + 300 blocks, s = 2): {t_plan:.3f} s "
        f"[{'PASS' if t_plan < 1 else 'MISS'} < 1 s]; {P.chosen.workers} workers vs MatDot "
        f"{P.baseline_workers}"
    )
    _bench.record("sketch", {"n": n, "q": q, "rows": rows, "plan_10000_s": t_plan})


if __name__ == "__main__":
    main()
