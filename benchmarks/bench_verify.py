"""Exhaustive verification speed: ffcc ``verify`` against Python loops of galois and flint.

Run as ``python benchmarks/bench_verify.py``. The scheme is a polynomial code over
GF(2^31 - 1): A split into 4 row blocks, B into 5 column blocks, worker at x in 1..26
gets e_A = (x^i)_i and e_B = (x^(4 j))_j, the targets are all 20 products, and
s = 6 stragglers, so R = 20 and there are C(26, 20) = 230,230 subsets to check.

* ffcc: full exhaustive ``verify`` runs (best of 3; lexicographic walk in compiled code).
* galois: a Python loop of ``np.linalg.matrix_rank`` over the first N subsets.
* flint: a Python loop of ``nmod_mat(...).rank()`` over the first N subsets.

Both baselines rank the same 20 x 20 matrices: the subset's worker tensors in reduced
coordinates (``scheme.reduced.G``; the target space is all of it, so a subset decodes
iff that matrix has rank 20), converted from pre-built Python-int rows. All numbers are
measured side by side in this one run.

Targets: >= 100,000 subsets/s, >= 300x the galois loop, >= 20x the flint loop.
"""

from __future__ import annotations

import itertools
import math
import sys
import time

import numpy as np

from ffcc.scheme import Scheme
from ffcc.verify import verify

P = 2**31 - 1
M, N, W = 4, 5, 26
N_GALOIS = 300
N_FLINT = 20_000
TARGETS = {"rate": 100_000, "galois": 300, "flint": 20}


def polynomial_code() -> Scheme:
    workers = [
        [[pow(x, i, P) for i in range(M)], [pow(x, M * j, P) for j in range(N)]]
        for x in range(1, W + 1)
    ]
    targets = [[((i, j), 1)] for i in range(M) for j in range(N)]
    return Scheme(P, [M, N], workers, targets, stragglers=W - M * N, name="polycode-4x5")


def main() -> int:
    t_start = time.perf_counter()
    S = polynomial_code()
    R = S.R
    G = S.reduced.G  # (26, 20) worker coordinates
    assert G.shape == (W, M * N)
    total = math.comb(W, R)

    # ffcc: warm up (loads the compiled walk), then full exhaustive runs (best of 3)
    verify(S, ranks=(0, 1000))
    t_ffcc = math.inf
    for _ in range(3):
        t = time.perf_counter()
        rep = verify(S)
        t_ffcc = min(t_ffcc, time.perf_counter() - t)
        assert rep.holds is True and rep.checked == total
    rate_ffcc = rep.checked / t_ffcc

    rows = [[int(v) for v in row] for row in G]

    # flint loop over the first N_FLINT subsets
    import flint

    subsets = itertools.islice(itertools.combinations(range(W), R), N_FLINT)
    t = time.perf_counter()
    ranks = [flint.nmod_mat([rows[j] for j in sub], P).rank() for sub in subsets]
    t_flint = time.perf_counter() - t
    assert ranks == [R] * N_FLINT
    rate_flint = N_FLINT / t_flint

    # galois loop over the first N_GALOIS subsets (field class built outside the timing)
    GF = S.field.galois
    Gg = GF(G)
    np.linalg.matrix_rank(Gg[:R])  # compile
    subsets = itertools.islice(itertools.combinations(range(W), R), N_GALOIS)
    t = time.perf_counter()
    granks = [int(np.linalg.matrix_rank(GF([rows[j] for j in sub]))) for sub in subsets]
    t_gal = time.perf_counter() - t
    assert granks == [R] * N_GALOIS
    rate_gal = N_GALOIS / t_gal

    print(
        f"verify: polynomial code 4 x 5 over GF(2^31-1), w = {W}, R = {R}, "
        f"C({W},{R}) = {total:,} subsets"
    )
    print(f"{'method':<34} {'subsets':>9} {'seconds':>8} {'subsets/s':>11} {'ffcc x':>8}")
    print(f"{'ffcc verify (exhaustive)':<34} {total:>9,} {t_ffcc:8.3f} {rate_ffcc:11,.0f} {1:8.0f}")
    for name, n, tt, rate in (
        ("flint nmod_mat.rank loop", N_FLINT, t_flint, rate_flint),
        ("galois np.linalg.matrix_rank loop", N_GALOIS, t_gal, rate_gal),
    ):
        print(f"{name:<34} {n:>9,} {tt:8.3f} {rate:11,.0f} {rate_ffcc / rate:8.1f}")
    print()
    checks = [
        (f">= {TARGETS['rate']:,} subsets/s", f"{rate_ffcc:,.0f}/s", rate_ffcc >= TARGETS["rate"]),
        (
            f">= {TARGETS['galois']}x the galois loop",
            f"{rate_ffcc / rate_gal:,.0f}x",
            rate_ffcc / rate_gal >= TARGETS["galois"],
        ),
        (
            f">= {TARGETS['flint']}x the flint loop",
            f"{rate_ffcc / rate_flint:,.1f}x",
            rate_ffcc / rate_flint >= TARGETS["flint"],
        ),
    ]
    for what, value, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {what}: {value}")
    print(f"total {time.perf_counter() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
