"""End to end: an exact coded 2048 x 2048 integer product on 8 local worker processes
against one plain numpy int64 multiply of the same product.

MatDot with m = 4 and s = 1 (w = 8 workers, any R = 7 decode). Entries in [-3, 3] keep
the exact range (2048 * 9 < 65537 / 2) inside one prime, p = 65537, where a GF(p) product
is one float64 GEMM per limb. Reported: time to the R-th result, encode and decode times,
the total (without the one-time pool start, which is reported apart), the ratio to numpy's
int64 ``@`` (which does not use BLAS), and encode + decode as a share of the total.

Run: ``python benchmarks/bench_end_to_end.py`` (about 2 minutes, most of it numpy's
int64 multiply; ``--baseline slab`` times a 256-row slab of it and scales by n / 256).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2048, help="matrix size (default 2048)")
    ap.add_argument("--m", type=int, default=4, help="MatDot blocks (default 4)")
    ap.add_argument("--stragglers", "-s", type=int, default=1, help="s (default 1)")
    ap.add_argument(
        "--baseline",
        choices=["full", "slab"],
        default="full",
        help="time numpy's int64 multiply in full, or a 256-row slab scaled up",
    )
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from ffcc.run import LocalExecutor, run_matmul

    n, m, s = args.n, args.m, args.stragglers
    w = 2 * m - 1 + s
    rng = np.random.default_rng(args.seed)
    A = rng.integers(-3, 4, (n, n), dtype=np.int64)
    B = rng.integers(-3, 4, (n, n), dtype=np.int64)

    with LocalExecutor(processes=w) as ex:
        t_pool = ex.start(w)
        print(f"pool of {w} worker processes started in {t_pool:.2f} s", flush=True)
        C, rep = run_matmul(A, B, m=m, stragglers=s, executor=ex, progress=False, seed=args.seed)
    g = rep.groups[0]
    coded_s = rep.total_s
    print(rep.summary(), flush=True)

    if args.baseline == "full":
        t = time.perf_counter()
        ref = A @ B
        base_s = time.perf_counter() - t
        exact = bool(np.array_equal(C, ref))
        how = "full"
    else:
        rows = min(256, n)
        t = time.perf_counter()
        ref = A[:rows] @ B
        base_s = (time.perf_counter() - t) * n / rows
        exact = bool(np.array_equal(C[:rows], ref))
        how = f"{rows}-row slab x {n / rows:g}"
    enc_dec = g.encode_s + g.decode_s
    print()
    print(f"exact coded product, {n} x {n} x {n}, p = {g.primes}, w = {g.w}, R = {g.R}")
    print(f"  time to R-th result     {g.time_to_R_s:8.3f} s")
    print(f"  encode                  {g.encode_s:8.3f} s")
    print(f"  decode                  {g.decode_s:8.3f} s")
    print(f"  Freivalds ({rep.freivalds['trials']} trials)    {rep.freivalds['seconds']:8.3f} s")
    print(f"  total (pool running)    {coded_s:8.3f} s")
    print(f"numpy int64 A @ B ({how}) {base_s:8.3f} s")
    print(f"ratio coded / numpy       {coded_s / base_s:8.3f}  ({base_s / coded_s:.1f}x faster)")
    print(f"encode + decode           {100 * enc_dec / coded_s:7.1f} % of the coded total")
    print(f"results equal             {exact}")
    return 0 if exact else 1


if __name__ == "__main__":  # the worker processes import this file: keep the guard
    raise SystemExit(main())
