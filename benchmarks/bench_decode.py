"""Decode time relative to one worker's block multiply, contenders interleaved.

For each prime p and block size b, one worker's job is an exact b x b by b x b product
(``PrimeField.matmul``). Decoding applies a (targets x R) matrix to R result blocks of
b x b. Contenders, alternating round by round (BLAS and numba pinned to one thread):

* ``mult``     -- one worker's multiply (the denominator of every ratio);
* ``decode``   -- ``Scheme.decode`` (the fused decoder ``ffcc._combine.combine``);
* ``run path`` -- what ``ffcc run`` does: ``ffcc.run._kernels.lincomb_many``, every
  target in one pass over the results;
* ``read``     -- summing every result block once: the memory-bandwidth floor of any
  decoder, which must read all R * b^2 results (8 bytes each);
* ``write``    -- allocating the T output blocks, one array each as the decoder does,
  and writing each entry once (``np.full``): the other floor of any decoder that returns
  fresh int64 arrays.

Each ratio is printed in wall time and, for ``decode``, also in process CPU time (every
contender is single-threaded here, so on an idle machine the two agree; on a shared one
the CPU ratio is the steadier).

Targets at b = 1024, p = 2^31 - 1: MatDot m = 16 decode/mult <= 0.10, polynomial 4x4
<= 0.25. Structural limit: T targets x R results x L limbs multiply-adds per entry against
the worker's ~3 L b (L float64 GEMMs); at p = 2^31 - 1 the decoder multiplies in integers
instead (one vpmuludq multiply-add per coefficient, T R per entry, plus a fold every four
rows), on the int64 results where they lie (no staged copy). MatDot's R = 31 results of
8 MiB each make the read alone ~0.05 of the multiply on this machine; polynomial 4x4 writes
T = 16 outputs of 8 MiB.

Run: ``python benchmarks/bench_decode.py`` (about a minute).
"""

from __future__ import annotations

import argparse

import _bench
import numpy as np  # after _bench pins the threads

from ffcc.codes.lagrange import lagrange
from ffcc.codes.matdot import matdot
from ffcc.codes.polynomial import polynomial_code
from ffcc.field import PrimeField
from ffcc.run._kernels import lincomb_many

CODES = {
    "MatDot m=16": lambda p: matdot(16, p=p),
    "Polynomial 4x4": lambda p: polynomial_code(4, 4, p=p),
    "Polynomial 4x8": lambda p: polynomial_code(4, 8, p=p),
    "Lagrange k=16": lambda p: lagrange(16, p=p),
}
TARGETS = {"MatDot m=16": 0.10, "Polynomial 4x4": 0.25}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1024])
    ap.add_argument("--primes", type=int, nargs="+", default=[2**31 - 1, 65537])
    ap.add_argument("--codes", nargs="+", default=list(CODES))
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    hdr = (
        f"{'p':>10} {'b':>5} {'code':<15} {'T':>3} {'R':>3} {'mult ms':>8} {'decode ms':>9} "
        f"{'decode/mult':>17} {'run path/mult':>13} {'read/mult':>9} {'write/mult':>10} "
        f"{'CPU decode/mult':>15}"
    )
    print(hdr + "\n" + "-" * len(hdr))
    rng = np.random.default_rng(0)
    rows = []
    for p in args.primes:
        F = PrimeField(p)
        for b in args.sizes:
            A, B = F.random((b, b), rng), F.random((b, b), rng)
            for label in args.codes:
                S = CODES[label](p)
                R = S.threshold
                results = {j: F.random((b, b), rng) for j in range(R)}
                D = S.decoder(list(range(R)))
                ys = [results[j].reshape(-1) for j in range(R)]
                out_shape = (len(S.targets),)
                t = _bench.interleave(
                    {
                        "mult": lambda F=F, A=A, B=B: F.matmul(A, B),
                        "decode": lambda S=S, r=results: S.decode(r),
                        "run": lambda D=D, ys=ys, p=p, n=b * b: lincomb_many(p, D, ys, n),
                        "read": lambda r=results: [y.sum() for y in r.values()],
                        "write": lambda T=out_shape[0], n=b * b: [np.full(n, 1) for _ in range(T)],
                    },
                    args.reps,
                )
                rd = _bench.ratio(t["decode"], t["mult"])
                rr = _bench.ratio(t["run"], t["mult"])
                re = _bench.ratio(t["read"], t["mult"])
                rw = _bench.ratio(t["write"], t["mult"])
                rc = _bench.ratio(_bench.CPU["decode"], _bench.CPU["mult"])
                row = {"p": p, "b": b, "code": label, "T": len(S.targets), "R": R,
                       "mult_ms": 1e3 * min(t["mult"]), "decode_ms": 1e3 * min(t["decode"]),
                       "decode_over_mult": rd, "run_over_mult": rr, "read_over_mult": re,
                       "write_over_mult": rw,
                       "decode_over_mult_cpu": rc,
                       "target": TARGETS.get(label) if p == 2**31 - 1 else None}  # fmt: skip
                rows.append(row)
                print(
                    f"{p:>10} {b:>5} {label:<15} {row['T']:>3} {R:>3} {row['mult_ms']:8.1f} "
                    f"{row['decode_ms']:9.1f} {rd['min']:8.3f}/{rd['median']:.3f} "
                    f"{rr['median']:13.3f} {re['median']:9.3f} {rw['median']:10.3f} "
                    f"{rc['min']:7.3f}/{rc['median']:.3f}",
                    flush=True,
                )
                del results, ys
    print("(decode/mult: min/median of interleaved rounds; the others median; CPU: the same")
    print(" ratio in process CPU time, what an idle core takes: robust on a shared machine)")
    _bench.record("decode", {"rows": rows, "reps": args.reps})
    return {"rows": rows}


if __name__ == "__main__":
    main()
