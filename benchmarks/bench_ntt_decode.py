"""NTT erasure decoding (``ffcc.codes.ntt.ntt_decode``) against the structured decoder
(``Scheme.decode`` of the evaluation codes: a (targets x K) matrix applied by
``ffcc._combine.combine``), on the same code at roots of unity and the same answers.

For each case: polynomial code m x n (T = K = mn targets) with w workers at the N-th
roots of unity (N = w, a power of two), of which exactly K answer (the worst case: d = w - K
erased positions); result blocks of b x b. The two contenders alternate within
each repetition; min and median over ``--reps``. The ratio is matrix / NTT (> 1: NTT wins).
BLAS threads are pinned to 1. Run: ``python benchmarks/bench_ntt_decode.py``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from ffcc.codes.ntt import at_roots_of_unity, ntt_decode  # noqa: E402
from ffcc.codes.polynomial import polynomial_code  # noqa: E402

CASES = [(4, 4, 16), (8, 8, 64), (15, 15, 256), (16, 16, 256)]  # m, n, w


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--b", type=int, nargs="+", default=[16, 64])
    ap.add_argument("--p", type=int, default=65537)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"{'m x n':>7} {'K':>4} {'w':>4} {'d':>3} {'b':>4} {'matrix ms (min/med)':>20} "
          f"{'NTT ms (min/med)':>18} {'matrix/NTT':>10}")  # fmt: skip
    rng = np.random.default_rng(0)
    for m, n, w in CASES:
        S = at_roots_of_unity(polynomial_code(m, n, s=w - m * n, p=args.p))
        K = S.threshold
        alive = sorted(rng.choice(w, size=K, replace=False).tolist())
        for b in args.b:
            res = {j: S.field.random((b, b), rng) for j in alive}
            a = ntt_decode(S, res)  # compile, and check the contenders agree
            c = S.decode(res)
            assert all((x == y).all() for x, y in zip(a, c, strict=True))
            tm, tn = [], []
            for _ in range(args.reps):
                t0 = time.perf_counter()
                S.decode(res)
                tm.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                ntt_decode(S, res)
                tn.append(time.perf_counter() - t0)
            ms = [1e3 * min(tm), 1e3 * statistics.median(tm)]
            ns = [1e3 * min(tn), 1e3 * statistics.median(tn)]
            print(f"{m:>3} x {n:<3} {K:>4} {w:>4} {w - K:>3} {b:>4} "
                  f"{ms[0]:>9.2f} / {ms[1]:>8.2f} {ns[0]:>8.2f} / {ns[1]:>7.2f} "
                  f"{min(tm) / min(tn):>10.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
