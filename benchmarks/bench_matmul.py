"""Exact GF(p) matrix multiply: ffcc against float64 BLAS, galois and python-flint.

Run as ``python benchmarks/bench_matmul.py [n]`` (n = 1024 by default). Every ratio
compares timings taken side by side in this one run (best of several repeats, the
contenders interleaved so that background load hits them alike). ffcc's product is also
checked against flint's.

Physical limit: L float64 GEMMs for L limbs (the ``limbs`` column), i.e. ffcc/BLAS >= L.

Targets: within 2x of float64 BLAS for p < 2^25, within 6x for p < 2^31, and at least
100x faster than galois at p = 2^31 - 1. galois falls back to Python-object arithmetic
for large p (and to numpy int64 matmul once n (p-1)^2 > 2^53), so it is timed at a
smaller n where it would take too long, and compared with ffcc at that same n.
"""

from __future__ import annotations

import sys
import time

import _bench
import numpy as np  # after _bench pins the threads

from ffcc.field import PrimeField, _limb_plan

try:
    import flint
except ImportError:  # pragma: no cover - flint is a test dependency
    flint = None

P25 = 33554393  # the largest prime below 2^25
CASES = [
    # p, label, n for galois (None: the main n), target ratio to BLAS (None: no target)
    (65537, "65537", None, 2.0),
    (P25, "2^25-39", 512, 2.0),
    (2**31 - 1, "2^31-1", 256, 6.0),
    (2**61 - 1, "2^61-1", 256, None),
]
GALOIS_TARGET = 100.0  # at p = 2^31 - 1


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def flint_matmul(A, B, p):
    """flint product including both conversions (numpy -> flint -> numpy)."""
    fa = flint.nmod_mat(A.shape[0], A.shape[1], A.ravel().tolist(), p)
    fb = flint.nmod_mat(B.shape[0], B.shape[1], B.ravel().tolist(), p)
    C = fa * fb
    return np.array([int(x) for x in C.entries()], dtype=np.int64).reshape(A.shape[0], -1)


def bench_case(p: int, label: str, n: int, n_gal: int | None, rng) -> dict:
    """Time one prime: BLAS and ffcc at n, flint at n, galois (and ffcc again) at n_gal."""
    F = PrimeField(p)
    A, B = F.random((n, n), rng), F.random((n, n), rng)
    Af, Bf = A.astype(np.float64), B.astype(np.float64)
    F.matmul(A[:64, :64], B[:64, :64])  # load the compiled kernels
    t = _bench.interleave({"blas": lambda: Af @ Bf, "ffcc": lambda: F.matmul(A, B)}, 5)
    t_blas, t_ffcc = min(t["blas"]), min(t["ffcc"])
    C = F.matmul(A, B)
    out = {"label": label, "p": p, "n": n, "blas": t_blas, "ffcc": t_ffcc}
    out["ffcc_over_blas"] = _bench.ratio(t["ffcc"], t["blas"])
    out["limbs"] = _limb_plan(p, n)[0] if F.fast else -(-(p - 1).bit_length() // 16)
    out["flint"] = out["flint_ok"] = None
    if flint is not None:
        t = time.perf_counter()
        Cf = flint_matmul(A, B, p)
        out["flint"] = time.perf_counter() - t
        out["flint_ok"] = bool((C == Cf).all())
    # galois at a smaller n where its arithmetic is too slow for n; ffcc again at that n
    ng = n if n_gal is None else min(n, n_gal)
    GF = F.galois  # class construction (numba compilation) is not timed
    As, Bs = A[:ng, :ng], B[:ng, :ng]
    Ag, Bg = GF(As), GF(Bs)
    Ag[:8, :8] @ Bg[:8, :8]  # compile
    out["gal_n"] = ng
    out["galois"] = best(lambda: Ag @ Bg, 1 if ng >= 512 or not F.fast else 2)
    out["ffcc_gal_n"] = best(lambda: F.matmul(As, Bs), 5) if ng != n else t_ffcc
    out["gal_ok"] = bool((np.asarray(Ag @ Bg) == F.matmul(As, Bs)).all()) if ng <= 256 else None
    return out


def main(n: int = 1024) -> int:
    rng = np.random.default_rng(0)
    t_start = time.perf_counter()
    rows = [bench_case(p, label, n, n_gal, rng) for p, label, n_gal, _ in CASES]
    verdicts = []
    for (p, label, _, target), r in zip(CASES, rows, strict=True):
        ratio = r["ffcc"] / r["blas"]
        if target is not None:
            verdicts.append(
                (f"p = {label}: ffcc within {target:g}x of BLAS", f"{ratio:.2f}x", ratio <= target)
            )
        if p == 2**31 - 1:
            s = r["galois"] / r["ffcc_gal_n"]
            verdicts.append(
                (
                    f"p = {label}: >= {GALOIS_TARGET:g}x faster than galois (n = {r['gal_n']})",
                    f"{s:,.0f}x",
                    s >= GALOIS_TARGET,
                )
            )
        if r["gal_ok"] is False:
            verdicts.append((f"p = {label}: ffcc equals galois", "differs", False))

    print(f"GF(p) matmul, n = {n} (square), best of 5; galois at the n shown")
    print(
        f"{'p':>8} {'limbs':>5} {'BLAS s':>8} {'ffcc s':>8} {'ffcc/BLAS':>9} "
        f"{'gal n':>5} {'galois s':>9} {'gal/ffcc':>9} {'flint s':>8} {'flint/ffcc':>10} "
        f"{'=flint':>6}"
    )
    for r in rows:
        if r["flint"] is None:
            fl = f"{'-':>8} {'-':>10}"
        else:
            fl = f"{r['flint']:8.3f} {r['flint'] / r['ffcc']:10.1f}"
        print(
            f"{r['label']:>8} {r['limbs']:>5} {r['blas']:8.4f} {r['ffcc']:8.4f} "
            f"{r['ffcc'] / r['blas']:9.2f} {r['gal_n']:>5} {r['galois']:9.3f} "
            f"{r['galois'] / r['ffcc_gal_n']:9.0f} {fl} {r['flint_ok']!s:>6}"
        )
    print(
        "(limbs: one-sided float64 limbs for p < 2^31, two-sided 16-bit limbs above; "
        "gal/ffcc compares both at the galois n;\n flint times include the numpy <-> flint "
        "conversions)"
    )
    print()
    for what, value, passed in verdicts:
        print(f"{'PASS' if passed else 'MISS'}  {what}: {value}")
    bad = [r["label"] for r in rows if r["flint_ok"] is False]
    if bad:
        print(f"FAIL  ffcc and flint disagree at p = {', '.join(bad)}")
    print(f"total {time.perf_counter() - t_start:.1f} s")
    _bench.record("matmul", {"n": n, "rows": rows})
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024))
