"""Cost of checking secrecy per prime in ``ffcc run`` (:mod:`ffcc.run._fieldcheck`).

1. The main job (``make run``): its schemes are recorded from one in-process run, then the
   field check of all of them (cache cleared before each call) is timed as ``ffcc run``
   does it now (decodability, plus secrecy when a scheme claims it) against the
   decodability check alone (the check before secrecy was added). The main job's schemes
   claim no secrecy, so the difference is the cost of asking.
2. A secure group: secure MatDot (m = 4, X = 2, s = 1; w = 12) over the two primes below
   2^31 that a 20-fraction-bit run uses: the decodability check against the secrecy check
   of every X-subset, per prime.

Contenders interleaved, BLAS threads pinned, min and median printed with their ratio.

Run: ``python benchmarks/bench_secrecy_check.py [--reps 15]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io

import _bench  # pins BLAS threads (before numpy)

from ffcc._certificate import scheme_digest
from ffcc.cli import main as ffcc_main
from ffcc.codes.secure import secure_matdot
from ffcc.run import _fieldcheck, choose_primes

MAIN_JOB = "run --sketch --graph karate --grid 2,2,17 --k 8 -s 1 --model exp:0.02,50".split()


def main_job_schemes() -> list:
    """Every scheme (one per group and prime) that the main job checks."""
    seen, real = [], _fieldcheck.check_schemes

    def record(schemes, gi, name):
        seen.extend(schemes)
        return real(schemes, gi, name)

    _fieldcheck.check_schemes = record
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            ffcc_main([*MAIN_JOB, "--executor", "inline", "--json"])
    finally:
        _fieldcheck.check_schemes = real
    return seen


def with_secrecy(schemes):
    def f():
        _fieldcheck.clear_cache()
        _fieldcheck.check_schemes(schemes, 0, "bench")

    return f


def decodability_only(schemes):
    """check_schemes as it was before secrecy: digest, cache look-up, decodability."""

    def f():
        _fieldcheck.clear_cache()
        for s in schemes:
            _fieldcheck._cached((scheme_digest(s), s.R), lambda s=s: _fieldcheck._verdict(s))

    return f


def line(name, ts) -> str:
    st = _bench.stats(ts)
    return f"  {name:<36} min {st['min'] * 1e3:8.2f} ms   median {st['median'] * 1e3:8.2f} ms"


def show(title, times, num, den) -> None:
    print(title)
    for name, ts in times.items():
        print(line(name, ts))
    r = _bench.ratio(times[num], times[den])
    print(f"  ratio {num} / {den}: {r['min']:.3f} (min), {r['median']:.3f} (median)")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    reps = ap.parse_args(argv).reps

    schemes = main_job_schemes()
    secure = sum(1 for s in schemes if s.secrecy)
    primes = sorted({s.p for s in schemes})
    print(f"main job: {len(schemes)} (group, prime) schemes in GF{primes}, {secure} claim secrecy")
    t = _bench.interleave(
        {"check now (with secrecy)": with_secrecy(schemes),
         "decodability only (before)": decodability_only(schemes)}, reps)  # fmt: skip
    show("field check of the main job", t, "check now (with secrecy)", "decodability only (before)")

    qs = choose_primes(1 << 45)  # a range beyond one 31-bit prime: two primes below 2^31
    sec = [secure_matdot(4, X=2, s=1, p=q) for q in qs]
    print(f"secure MatDot m=4, X=2, s=1: w = {sec[0].w}, R = {sec[0].R}, primes {list(qs)}")
    t = _bench.interleave(
        {"secrecy check (C(w, X) subsets)": lambda: [_fieldcheck._secrecy_verdict(s) for s in sec],
         "decodability check (C(w, R))": lambda: [_fieldcheck._verdict(s) for s in sec]},
        reps,
    )  # fmt: skip
    show("a secure group, both primes", t, "secrecy check (C(w, X) subsets)",
         "decodability check (C(w, R))")  # fmt: skip


if __name__ == "__main__":
    main()
