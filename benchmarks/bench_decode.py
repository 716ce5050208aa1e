"""Decode time of the structured decoders, relative to one worker's block multiply.

For each prime p and block size b, one worker's job is an exact b x b by b x b product
(``PrimeField.matmul``). Decoding applies a (targets x R) matrix to R result blocks of
b x b (``Scheme.decode`` of the evaluation codes, i.e. ``ffcc.codes.polynomial.combine``).
Every time in a row is measured in the same run, minimum of ``--reps`` repetitions.

Columns:

* ``decode/mult`` -- the ratio asked about (target: <= 0.10 for p < 2^31);
* ``read/mult``   -- reading the R result blocks once (``sum`` of every block), a lower
  bound on any decoder, which has to touch all R * b^2 result entries;
* ``stack+matmul`` -- the generic route (``np.stack`` + ``PrimeField.matmul``), run once.

Decode time does not depend on the values, so the results are random field matrices (the
tests check correctness). Run: ``python benchmarks/bench_decode.py`` (about a minute).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ffcc.codes.lagrange import lagrange
from ffcc.codes.matdot import matdot
from ffcc.codes.polynomial import polynomial_code
from ffcc.field import PrimeField

CODES = [
    ("MatDot m=16", lambda p: matdot(16, p=p)),
    ("Polynomial 4x4", lambda p: polynomial_code(4, 4, p=p)),
    ("Polynomial 4x8", lambda p: polynomial_code(4, 8, p=p)),
    ("Lagrange k=16", lambda p: lagrange(16, p=p)),
]


def best(f, reps: int) -> float:
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        t = min(t, time.perf_counter() - t0)
    return t


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--primes", type=int, nargs="+", default=[65537, 2**31 - 1])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-generic", action="store_true", help="skip the stack+matmul column")
    args = ap.parse_args(argv)

    hdr = (
        f"{'p':>10} {'b':>5} {'code':<15} {'T':>3} {'R':>3} {'mult ms':>8} {'decode ms':>9} "
        f"{'decode/mult':>11} {'read/mult':>9} {'stack+matmul ms':>15}"
    )
    print(hdr)
    print("-" * len(hdr))
    rng = np.random.default_rng(0)
    warm = False
    for p in args.primes:
        F = PrimeField(p)
        for b in args.sizes:
            A, B = F.random((b, b), rng), F.random((b, b), rng)
            F.matmul(A, B)
            t_mult = best(lambda F=F, A=A, B=B: F.matmul(A, B), args.reps)
            for label, make in CODES:
                S = make(p)
                R = S.threshold
                results = {j: F.random((b, b), rng) for j in range(R)}
                if not warm:  # compile / load the kernels outside the timings
                    S.decode({j: y[:8, :8].copy() for j, y in results.items()})
                    warm = True
                S.decode(results)
                t_dec = best(lambda S=S, r=results: S.decode(r), args.reps)
                t_read = best(lambda r=results: [y.sum() for y in r.values()], args.reps)
                gen = ""
                if not args.no_generic:
                    D = S.fast_decoder(range(R))
                    t0 = time.perf_counter()
                    F.matmul(D, np.stack([results[j].reshape(-1) for j in range(R)]))
                    gen = f"{1e3 * (time.perf_counter() - t0):15.1f}"
                print(
                    f"{p:>10} {b:>5} {label:<15} {len(S.targets):>3} {R:>3} "
                    f"{1e3 * t_mult:8.1f} {1e3 * t_dec:9.1f} {t_dec / t_mult:11.3f} "
                    f"{t_read / t_mult:9.3f} {gen:>15}",
                    flush=True,
                )
                del results


if __name__ == "__main__":
    main()
