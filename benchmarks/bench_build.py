"""Building a catalog scheme from its exact form, against hand-written numpy encoders.

Every catalog construction is one exact definition (``ffcc.codes._form.CodeForm``) from
which the numeric scheme is evaluated (encoders vectorised over the nodes, targets in
GF(p)). Contenders, alternating round by round (BLAS and numba pinned to one thread):

* ``build``    -- ``ffcc.codes.build(name, ...)``: form, numeric evaluation, targets and the
  ``Scheme`` (its own checks included);
* ``scheme``   -- the baseline: what the hand-written builders did, i.e. the encoder matrix
  written by hand with the field's kernels (Vandermonde columns,
  ``PrimeField.lagrange_matrix``) plus the same ``Scheme`` object made from given
  encoders and targets.

The ratio build/scheme is the price of deriving everything from the single exact
definition; the target is that it stays small and that big parameters stay well below a
second of CPU (the ``ffcc export matdot --param m=400 --param s=1200`` case first).

Run: ``python benchmarks/bench_build.py`` (about half a minute).
"""

from __future__ import annotations

import argparse

import _bench
import numpy as np  # after _bench pins the threads

from ffcc import codes
from ffcc.field import PrimeField

P = 65537


def _matdot(m, s):
    F = PrimeField(P)
    x = F.nodes(2 * m - 1 + s)
    V = F.vandermonde(x, 2 * m - 1)
    return V[:, list(range(m))], V[:, [m - 1 - i for i in range(m)]]


def _lagrange(k, s):
    F = PrimeField(P)
    pts = F.nodes(k + 2 * k - 1 + s)
    return F.lagrange_matrix(pts[:k], pts[k:])


def _dependency(k, s):
    F = PrimeField(P)
    nodes = F.nodes(k + 2 * k - 3 + s)
    beta, x = nodes[:k], nodes[k:]
    lk = F.lagrange_matrix(beta[:-1], beta[-1:])[0]
    c = np.array([F.inv(int(v)) for v in lk], dtype=np.int64)
    return F.mul(F.lagrange_matrix(beta[:-1], x), c[None, :])


def _threem(K, s):
    F = PrimeField(P)
    i = pow(int(F.primitive_element), (P - 1) // 4, P)
    nodes = F.nodes(2 * K + 4 * K - 1 + s)
    L = F.lagrange_matrix(nodes[: 2 * K], nodes[2 * K :])
    E = np.zeros((L.shape[0], 2 * K), dtype=np.int64)
    E[:, 0::2] = F.add(L[:, 0::2], L[:, 1::2])
    E[:, 1::2] = F.mul(F.sub(L[:, 0::2], L[:, 1::2]), i)
    return E


CASES = {
    "matdot m=400 s=1200": (("matdot", {"m": 400, "s": 1200}), lambda: _matdot(400, 1200)),
    "lagrange k=200 s=10": (("lagrange", {"k": 200, "s": 10}), lambda: _lagrange(200, 10)),
    "dependency k=150 s=3": (
        ("locality-dependency", {"k": 150, "s": 3}),
        lambda: _dependency(150, 3),
    ),
    "threem K=100 s=3 (global)": (
        ("threem", {"K": 100, "s": 3, "layout": "global"}),
        lambda: _threem(100, 3),
    ),
}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cases", nargs="+", default=list(CASES))
    args = ap.parse_args(argv)
    hdr = f"{'case':<27} {'build s (min/med)':>19} {'scheme s':>9} {'build/scheme':>13}"
    print(hdr + "\n" + "-" * len(hdr))
    rows = []
    for name in args.cases:
        (code, params), encoders = CASES[name]
        S = codes.build(code, **params, p=P)
        rows_ = [[S.E[c][r] for c in range(S.d)] for r in range(S.products)]

        def scheme(S=S, rows_=rows_, encoders=encoders):
            encoders()  # the hand-written encoders, then the scheme from given numbers
            return type(S)(S.field, list(S.basis), rows_, S.targets, stragglers=S.stragglers,
                           byzantine=S.byzantine, name=S.name, params=S.params)  # fmt: skip

        def build(code=code, params=params):
            return codes.build(code, **params, p=P)

        _bench.interleave({"build": build, "scheme": scheme}, args.reps)
        b, e = _bench.CPU["build"], _bench.CPU["scheme"]
        ratio = min(b) / max(min(e), 1e-9)
        med = sorted(b)[len(b) // 2]
        print(f"{name:<27} {min(b):8.3f}/{med:<8.3f} {min(e):9.3f} {ratio:13.2f}")
        rows.append({"case": name, "build_s": min(b), "scheme_s": min(e), "ratio": ratio})
    print("(process CPU seconds, min over interleaved rounds; load average "
          f"{_bench.load_average()})")  # fmt: skip
    return {"rows": rows}


if __name__ == "__main__":
    main()
