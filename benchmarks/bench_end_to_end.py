"""End to end: an exact coded n x n integer product on local worker processes against
float64 BLAS (inexact above 2^53, the speed a user gives up for exactness) and
python-flint's exact ``fmpz_mat`` product, interleaved round by round.

MatDot with m = 4 and s = 1 (w = 8 workers, any R = 7 decode). Entries in [-3, 3] keep
the exact range (2048 * 9 < 65537 / 2) inside one prime, p = 65537, where a GF(p) product
is one float64 GEMM per limb (L = 1): the physical limit of the coded run is therefore
one BLAS GEMM of the whole product's work spread over the workers, plus encode and decode
(memory-bound) and the process round trips. Reported: the total coded time (the one-time
pool start apart), encode and decode, and the ratios to both baselines (min and median).

Run: ``python benchmarks/bench_end_to_end.py`` (a few minutes, most of it flint).
"""

from __future__ import annotations

import argparse
import time

import _bench
import numpy as np  # after _bench pins the threads


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2048, help="matrix size (default 2048)")
    ap.add_argument("--m", type=int, default=4, help="MatDot blocks (default 4)")
    ap.add_argument("--stragglers", "-s", type=int, default=1, help="s (default 1)")
    ap.add_argument("--reps", type=int, default=2, help="interleaved rounds (default 2)")
    ap.add_argument("--no-flint", action="store_true", help="skip the fmpz_mat baseline")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from ffcc.run import LocalExecutor, run_matmul

    n, m, s = args.n, args.m, args.stragglers
    w = 2 * m - 1 + s
    rng = np.random.default_rng(args.seed)
    A = rng.integers(-3, 4, (n, n), dtype=np.int64)
    B = rng.integers(-3, 4, (n, n), dtype=np.int64)

    Af, Bf = A.astype(np.float64), B.astype(np.float64)
    runs: dict = {}
    with LocalExecutor(processes=w) as ex:
        t_pool = ex.start(w)
        print(f"pool of {w} worker processes started in {t_pool:.2f} s", flush=True)

        def coded():
            runs["C"], runs["rep"] = run_matmul(
                A, B, m=m, stragglers=s, executor=ex, progress=False, seed=args.seed
            )

        contenders = {"coded": coded, "blas": lambda: Af @ Bf}
        if not args.no_flint:
            import flint

            t0 = time.perf_counter()
            Fa, Fb = flint.fmpz_mat(A.tolist()), flint.fmpz_mat(B.tolist())
            runs["flint_convert_s"] = time.perf_counter() - t0
            contenders["flint"] = lambda: Fa * Fb
        t = _bench.interleave(contenders, args.reps, warm=False)
    rep = runs["rep"]
    g = rep.groups[0]
    print(rep.summary(), flush=True)
    exact = bool(np.array_equal(runs["C"], A @ B))
    enc_dec = g.encode_s + g.decode_s
    st = {k: _bench.stats(v) for k, v in t.items()}
    print()
    print(f"exact coded product, {n} x {n} x {n}, p = {g.primes}, w = {g.w}, R = {g.R}")
    print(f"  time to R-th result     {g.time_to_R_s:8.3f} s")
    print(f"  encode                  {g.encode_s:8.3f} s")
    print(f"  decode                  {g.decode_s:8.3f} s")
    for label, k in (("  coded total           ", "coded"), ("float64 BLAS A @ B      ", "blas")):
        print(f"{label}  {st[k]['min']:8.3f} s min  {st[k]['median']:.3f} median")
    out = {"n": n, "w": g.w, "R": g.R, "primes": list(g.primes), "pool_start_s": t_pool,
           "encode_s": g.encode_s, "decode_s": g.decode_s, "coded": st["coded"],
           "blas": st["blas"], "over_blas": _bench.ratio(t["coded"], t["blas"]),
           "encode_decode_share": enc_dec / rep.total_s, "exact": exact}  # fmt: skip
    r = out["over_blas"]
    print(f"coded / float64 BLAS      {r['min']:8.2f} (min) {r['median']:.2f} (median)")
    if "flint" in t:
        out["flint"] = st["flint"]
        out["flint_convert_s"] = runs["flint_convert_s"]
        out["over_flint"] = _bench.ratio(t["coded"], t["flint"])
        conv = runs["flint_convert_s"]
        print(
            f"flint fmpz_mat A * B      {st['flint']['min']:8.3f} s min (+ {conv:.2f} s conversion)"
        )
        r = out["over_flint"]
        print(f"coded / flint fmpz_mat    {r['min']:8.2f} (min) {r['median']:.2f} (median)")
    print(f"encode + decode           {100 * enc_dec / rep.total_s:7.1f} % of the coded total")
    print(f"results equal             {exact}")
    _bench.record("end_to_end", out)
    return 0 if exact else 1


if __name__ == "__main__":  # the worker processes import this file: keep the guard
    raise SystemExit(main())
