"""Verification speed: the minors fast path, the general walk and certificates, against
Python loops of python-flint (and galois) over the same subsets, interleaved.

* **MDS fast path** -- ``ffcc export matdot --param m=12 --param s=7`` (w = 30, R = 23,
  C(30, 23) = 2,035,800 subsets): full ``verify`` against a loop of
  ``flint.nmod_mat(rows).rank()`` over the first subsets. Target >= 10M subsets/s.
  Physical limit: the cofactor expansion costs k multiply-adds for a subset that swaps k
  workers (k <= w - R), i.e. a few nanoseconds per subset.
* **General walk** -- polynomial code 4 x 5 over GF(2^31 - 1), w = 26, R = 20
  (230,230 subsets), with ``mds=False`` so that the lexicographic walk runs; against the
  flint and galois loops. Target >= 600k subsets/s. Limit: a few short fraction-free row
  operations per subset (levels of reduced rows, :mod:`ffcc._subsets`); before them, one
  full row insertion (about R * D / 2 multiply-adds) per subset.
* **Certificate** -- ``ffcc export matdot --param m=400 --param s=1200`` (w = 1,999) and
  ``ffcc verify`` of the file, wall time of both commands. Target < 10 s.

Contenders alternate round by round (BLAS and numba pinned to one thread); min and median
of the rounds. Run: ``python benchmarks/bench_verify.py`` (about a minute).
"""

from __future__ import annotations

import argparse
import itertools
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _bench
import numpy as np  # noqa: E402  (after _bench pins the threads)

from ffcc.codes import build  # noqa: E402
from ffcc.scheme import Scheme  # noqa: E402
from ffcc.verify import prepare, verify  # noqa: E402

P31 = 2**31 - 1


def polynomial_4x5(w: int = 26) -> Scheme:
    """Polynomial code A (4 blocks) x B (5 blocks) at nodes 1..w: R = 20, s = w - 20."""
    workers = [
        [[pow(x, i, P31) for i in range(4)], [pow(x, 4 * j, P31) for j in range(5)]]
        for x in range(1, w + 1)
    ]
    targets = [[((i, j), 1)] for i in range(4) for j in range(5)]
    return Scheme(P31, [4, 5], workers, targets, stragglers=w - 20, name=f"polycode-4x5-w{w}")


def flint_loop(S: Scheme, n: int):
    import flint

    G = prepare(S).G
    rows = [[int(v) for v in row] for row in G]
    R, w, p = S.R, S.w, S.p

    def run():
        for sub in itertools.islice(itertools.combinations(range(w), R), n):
            assert flint.nmod_mat([rows[j] for j in sub], p).rank() == R

    return run


def galois_loop(S: Scheme, n: int):
    GF = S.field.galois
    G = prepare(S).G
    rows = [[int(v) for v in row] for row in G]
    R, w = S.R, S.w

    def run():
        for sub in itertools.islice(itertools.combinations(range(w), R), n):
            assert int(np.linalg.matrix_rank(GF([rows[j] for j in sub]))) == R

    return run


def rates(times: list[float], count: int, cpu: list[float] | None = None) -> dict:
    med = float(np.median(times))
    out = {"min_s": min(times), "median_s": med,
           "best_rate": count / min(times), "median_rate": count / med}  # fmt: skip
    if cpu:  # single-threaded: the rate one idle core gives, whatever the load
        out["cpu_rate"] = count / max(min(cpu), 1e-9)
    return out


def bench_mds(reps: int, n_flint: int) -> dict:
    S = build("matdot", m=12, s=7)
    total = math.comb(S.w, S.R)

    def ffcc_run():
        rep = verify(S, certificate=False, progress=False)
        assert rep.holds is True and rep.checked == total

    t = _bench.interleave({"ffcc": ffcc_run, "flint": flint_loop(S, n_flint)}, reps)
    ff, fl = rates(t["ffcc"], total, _bench.CPU["ffcc"]), rates(t["flint"], n_flint)
    return {"subsets": total, "ffcc": ff, "flint": fl,
            "ratio_min": ff["best_rate"] / fl["best_rate"],
            "ratio_median": ff["median_rate"] / fl["median_rate"],
            "target_rate": 10_000_000}  # fmt: skip


def bench_walk(reps: int, n_flint: int, n_galois: int) -> dict:
    S = polynomial_4x5()
    total = math.comb(S.w, S.R)

    def walk():
        rep = verify(S, certificate=False, mds=False, progress=False)
        assert rep.holds is True and rep.checked == total

    def mds():
        assert verify(S, certificate=False, progress=False).holds is True

    contenders = {"walk": walk, "mds": mds, "flint": flint_loop(S, n_flint)}
    if n_galois:
        contenders["galois"] = galois_loop(S, n_galois)
    t = _bench.interleave(contenders, reps)
    cpu = _bench.CPU
    out = {"subsets": total, "walk": rates(t["walk"], total, cpu["walk"]),
           "mds": rates(t["mds"], total, cpu["mds"]),
           "flint": rates(t["flint"], n_flint), "target_rate": 600_000}  # fmt: skip
    if n_galois:
        out["galois"] = rates(t["galois"], n_galois)
    for k in ("flint", "galois"):
        if k in out:
            out[f"walk_vs_{k}_median"] = out["walk"]["median_rate"] / out[k]["median_rate"]
    return out


def bench_certificate() -> dict:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "matdot400.json"
        cmd = [sys.executable, "-m", "ffcc.cli"]
        t0 = time.perf_counter()
        subprocess.run(cmd + ["export", "matdot", "--param", "m=400", "--param", "s=1200",
                              "-o", str(f)], check=True, stderr=subprocess.DEVNULL)  # fmt: skip
        t1 = time.perf_counter()
        out = subprocess.run(cmd + ["verify", str(f)], check=True, capture_output=True, text=True)
        t2 = time.perf_counter()
        assert "HOLDS (certificate)" in out.stdout, out.stdout
    return {"export_s": t1 - t0, "verify_s": t2 - t1, "w": 1999, "target_s": 10}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--flint", type=int, default=20_000, help="subsets in the flint loop")
    ap.add_argument("--galois", type=int, default=200, help="subsets in the galois loop (0: skip)")
    args = ap.parse_args(argv)
    res = {"mds": bench_mds(args.reps, args.flint)}
    m = res["mds"]
    print(f"MDS fast path, matdot m=12 s=7 (w = 30, R = 23, {m['subsets']:,} subsets)")
    print(
        f"  ffcc verify   {m['ffcc']['best_rate']:>14,.0f} /s best  "
        f"{m['ffcc']['median_rate']:>14,.0f} /s median   target >= 10,000,000"
        f"  ({m['ffcc']['cpu_rate']:,.0f} /s per CPU second)"
    )
    print(
        f"  flint loop    {m['flint']['best_rate']:>14,.0f} /s best  "
        f"{m['flint']['median_rate']:>14,.0f} /s median"
    )
    print(f"  ffcc / flint  {m['ratio_min']:.0f}x (best)  {m['ratio_median']:.0f}x (median)")
    res["walk"] = w = bench_walk(args.reps, args.flint, args.galois)
    print(f"general walk, polynomial 4x5 over GF(2^31-1) (w = 26, R = 20, {w['subsets']:,})")
    for k in ("walk", "mds", "flint", "galois"):
        if k in w:
            cpu = f"  ({w[k]['cpu_rate']:,.0f} /s per CPU second)" if "cpu_rate" in w[k] else ""
            print(
                f"  {k:<12}{w[k]['best_rate']:>14,.0f} /s best  {w[k]['median_rate']:>14,.0f}"
                " /s median" + ("   target >= 600,000" if k == "walk" else "") + cpu
            )
    print(
        f"  walk / flint {w['walk_vs_flint_median']:.1f}x (median)"
        + (f", walk / galois {w['walk_vs_galois_median']:.0f}x" if "galois" in w else "")
    )
    res["certificate"] = c = bench_certificate()
    print(
        f"certificate, matdot m=400 s=1200 (w = 1,999): export {c['export_s']:.1f} s, "
        f"verify {c['verify_s']:.1f} s   target verify < 10 s"
    )
    _bench.record("verify", res)
    return res


if __name__ == "__main__":
    main()
