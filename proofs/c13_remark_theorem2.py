r"""C13 -- The remark after Theorem 2: when s = 1, sampling leads Theorem 1 to at most
:math:`w_{k,s} - 2(v - 1)` workers.

Paper (Section IV-A, after Theorem 2): "For concreteness, we note that when s=1, Theorem 2
shows that with high probability sampling leads to Theorem 1 showing at most
:math:`(w_{k,s}-2(\upsilon-1))` workers are needed."

Reading: Theorem 2 gives :math:`u_1, u_2 \ge v` with high probability; Theorem 1 then needs
:math:`w_{k,s} + 2 - u_1 - u_2 \le w_{k,s} - 2(v - 1)` workers. The probability part is C07;
here the deterministic step is checked, for every sample multiset with
:math:`u_1, u_2 \ge v`, and on the library's own pipeline output.

Checked:

1. *symbolic* (sympy, k, v, u1, u2 symbols): :math:`w_{k,1} + 2 - u_1 - u_2 -
   (w_{k,1} - 2(v-1)) = (v - u_1) + (v - u_2) \le 0` when :math:`u_j \ge v`;
2. *exhaustive* over GF(65537): for every bipartite multigraph of at most 6 samples (quick:
   5) on at most 3 + 3 blocks, up to isomorphism, with :math:`u_1, u_2 \ge v` (v = 1, 2, 3):
   the independent vanishing-product code with :math:`w_{k,1} - 2(v-1)` workers and s = 1
   verifies (every (w - 1)-subset), and so does the catalog's Theorem 1 code
   (``ffcc.codes.locality.coordinate_code``, s = 1), with at most that many workers;
3. *the library's pipeline*: ``ffcc.sketch.grid_crmm`` samples (seeded, several grids), the
   library's ``SampleGraph.u()`` reads :math:`u_1, u_2`, and the catalog's Theorem 1 code
   for those samples at s = 1 verifies with at most :math:`w_{k,1} - 2(\min(u_1,u_2) - 1)`
   workers.

Negative control: the same codes with one worker fewer (s = 1) must fail wherever
:math:`u_1 = u_2 = v` and the products span all D + 1 coefficients (then no D workers
decode); the remark's count is then exact.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ffcc import sketch
from ffcc.codes import locality
from ffcc.structure import SampleGraph
from ffcc.verify import verify

from ._build import describe, multigraphs, pairs_of, u_counts, vanishing_code
from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C13",
    title="Remark after Thm. 2: w_{k,s}-2(v-1)",
    where="Sec. IV-A, after Thm. 2",
    paper="when s = 1, with high probability sampling leads to Theorem 1 showing at most "
    "w_{k,s} - 2(v-1) workers are needed",
    statement="u1, u2 >= v => the Theorem 1 code with w_{k,1} - 2(v-1) workers tolerates "
    "s = 1 (independent code and catalog code, every multigraph <= 6 samples on <= 3+3 "
    "blocks); on grid_crmm's samples the catalog code needs <= w_{k,1} - 2(min u - 1)",
    method="symbolic + exhaustive",
    params_quick="symbolic in k, v, u1, u2; multigraphs <= 5 samples on <= 3+3, v <= 3; "
    "grid_crmm (1,1,3), (1,2,2), (2,2,2), 4 seeds",
    params_full="symbolic in k, v, u1, u2; multigraphs <= 6 samples on <= 3+3, v <= 3; "
    "grid_crmm (1,1,3), (1,2,2), (2,2,2), (2,2,3), 12 seeds",
    negative="one worker fewer (s = 1) where u1 = u2 = v and dim V = D+1",
    symbolic="k, v, u1, u2 (the arithmetic step, all values)",
)


def _symbolic() -> bool:
    k, v, u1, u2 = sp.symbols("k v u1 u2", integer=True, positive=True)
    w = 2 * k - 1 + 1
    gap = sp.expand((w + 2 - u1 - u2) - (w - 2 * (v - 1)))
    return sp.expand(gap - ((v - u1) + (v - u2))) == 0


def _library_code(pairs, s: int):
    ids: list[dict] = [{}, {}]
    smp = [(ids[0].setdefault(l, len(ids[0])), ids[1].setdefault(r, len(ids[1]))) for l, r in pairs]
    return locality.coordinate_code(smp, s=s, merge=False)


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        ck = Check()
        neg = Check()
        ck.require(_symbolic(), "w_{k,1} + 2 - u1 - u2 - (w_{k,1} - 2(v-1)) != (v-u1) + (v-u2)")
        details.append("symbolic: Theorem 1's count minus the remark's = (v - u1) + (v - u2)")
        counts = {1: 0, 2: 0, 3: 0}
        for flat in multigraphs(5 if quick else 6, 3, 3):
            pairs = pairs_of(flat, 3, 3)
            k = len(pairs)
            u1, u2 = u_counts(pairs)
            code = vanishing_code(pairs)
            for v in (1, 2, 3):
                if min(u1, u2) < v:
                    continue
                counts[v] += 1
                w = 2 * k - 2 * (v - 1)  # w_{k,1} - 2(v - 1), w_{k,1} = 2k
                rep = verify(code.scheme(w, s=1))
                ck.require(rep.holds, f"v={v}: {describe(pairs)} fails with {w} workers")
                L = _library_code(pairs, 1)
                lrep = verify(L)
                ck.require(lrep.holds and L.w <= w, f"v={v}: catalog code on {describe(pairs)}")
                if u1 == u2 == v and w >= 3 and code.span_dimension() == code.D + 1:
                    fewer = verify(code.scheme(w - 1, s=1))
                    neg.require(not fewer.holds, f"v={v}: {describe(pairs)}, {w - 1} workers")
                    lfew = verify(L, R=L.R - 1)
                    neg.require(not lfew.holds, f"v={v}: catalog code on {describe(pairs)} at R-1")
        details.append(
            f"exhaustive, multigraphs with u1, u2 >= v (v=1: {counts[1]}, v=2: {counts[2]}, "
            f"v=3: {counts[3]} classes), s = 1, own and catalog code: {ck.summary()}"
        )
        pipe = Check()
        grids = [(1, 1, 3), (1, 2, 2), (2, 2, 2)] + ([] if quick else [(2, 2, 3)])
        seeds = range(4 if quick else 12)
        seen_u = []
        for m, n, q in grids:
            for seed in seeds:
                rng = np.random.default_rng(100 + seed)
                A = rng.integers(1, 4, size=(2 * m, 2 * q)).astype(float)
                B = rng.integers(1, 4, size=(2 * q, 2 * n)).astype(float)
                sk = sketch.grid_crmm(A, B, m, n, q, 3, rng=seed)
                samples = list(sk.samples)
                u = min(SampleGraph(samples).u())
                k = len(samples)
                L = _library_code(samples, 1)
                rep = verify(L)
                bound = 2 * k - 2 * (u - 1)
                seen_u.append(u)
                pipe.require(
                    rep.holds and L.w <= bound,
                    f"grid ({m},{n},{q}) seed {seed}: w={L.w} > {bound} or fails",
                )
        ck.require(pipe.ok, "; ".join(pipe.failures))
        details.append(
            f"pipeline: grid_crmm samples ({len(seen_u)} sketches, min(u1, u2) in "
            f"{sorted(set(seen_u))}) -> SampleGraph.u -> catalog Theorem 1 code, s = 1: "
            f"{pipe.summary()}"
        )
    return Result(
        CLAIM,
        "holds" if ck.ok else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if ck.ok else "; ".join(ck.failures),
        f"one worker fewer where u1 = u2 = v and dim V = D+1 (own and catalog code, s = 1): "
        f"{neg.checked - neg.failed} of {neg.checked} fail as they must",
        neg.checked > 0 and neg.ok,
        tm.seconds,
    )
