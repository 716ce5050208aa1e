r"""C12 -- Section IV-B: sparse and two-stage matrix multiplication, worked examples.

Paper (Section IV-B): "Sparse matrix multiplication. ... dividing :math:`X^{(1)}` and
:math:`X^{(2)}` into grids of m x p and p x n equal-size submatrices ... and considering all
mnp pairwise products of nonzero pairs. The sparsity leads to many pairs where at least one
element (thus, the product) is zero; so Theorem 1 is suitable." "Two-stage matrix
multiplication. ... No coded computing is used in the first stage ... Second, copies of the
pairs of matrices that had been sent to stragglers are sent to new workers, this time using
coded computing ... The matrix products in the second stage can have linear dependencies
that can be exploited using Theorem 1."

These are suggestions, not quantitative claims; checked here is that the
dependency-aware plan (``ffcc.plan``: Theorem 1, polynomial codes on complete grids,
replication, MatDot/Lagrange per group) is valid and how many workers it saves:

1. *sparse*: block-sparsity patterns (a structured 3x3x3 one and random ones); the
   products of non-zero pairs are planned, the chosen plan is built here group by group and
   verified exhaustively as one scheme; its workers are compared with MatDot on all
   products (:math:`w_{k,s}`) and with the entangled polynomial code on the dense product
   (mnq + q - 1 + s, which ignores sparsity);
2. *two-stage*: C = AB with A cut in 3 row blocks and B in 3 column blocks (9 products,
   stage one uncoded); for **every** set of t stage-one stragglers (t = 3, 4; full also
   2, 5) the t products are re-sent with s' stragglers tolerated, planned and verified
   exhaustively; the saving against MatDot (2t - 1 + s') is tallied.

Negative control: the worked examples with one worker fewer must fail verification (the
sweep also counts where one fewer still works, i.e. where the plan is not tight).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter

from ffcc.plan import plan
from ffcc.verify import verify

from ._build import group_code, groups_scheme, plan_scheme
from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C12",
    title="IV-B: sparse and two-stage",
    where="Sec. IV-B",
    paper="sparse products of non-zero block pairs, and the stragglers' products re-sent "
    "coded in a second stage, have linear dependencies Theorem 1 can exploit",
    statement="dependency-aware plans for sparse block patterns and for every set of stage-one "
    "stragglers are valid (exhaustive verification of the whole scheme) and their worker "
    "counts against MatDot (and the entangled code for the dense product)",
    method="exhaustive (worked examples)",
    params_quick="sparse: 3x3x3 structured + 3 random 3x3x3, s=1,2; two-stage: 3x3 grid, all "
    "straggler sets t=3,4, s'=1",
    params_full="sparse: 3x3x3 structured + 10 random (3x3x3, 4x4x2), s=1,2; two-stage: all "
    "straggler sets t=2..5, s'=1,2",
    negative="each worked example's plan with one worker fewer",
)


def _sparse_products(Amask, Bmask) -> list[tuple]:
    m, q, n = len(Amask), len(Bmask), len(Bmask[0])
    return [
        (("A", i, t), ("B", t, j))
        for t in range(q)
        for i in range(m)
        for j in range(n)
        if Amask[i][t] and Bmask[t][j]
    ]


def _how(P) -> str:
    kinds = Counter(g.construction for g in P.chosen.groups)
    return "+".join(f"{v}x{k}" if v > 1 else k for k, v in kinds.items())


def _minus_one(P):
    """The chosen plan's scheme with one worker removed from its first coded group."""
    parts = []
    removed = False
    for g in P.chosen.groups:
        pairs = P.group_pairs(g)
        if g.construction in ("uncoded", "replication"):
            each = [g.workers // len(pairs)] * len(pairs)
            codes = [group_code([x], "replication") for x in pairs]
        else:
            each, codes = [g.workers], [group_code(pairs, g.construction)]
        for code, w in zip(codes, each, strict=True):
            if not removed and w > P.stragglers + 2 * P.byzantine:
                w -= 1  # one worker fewer: the group keeps w - s - 2b >= ... or fails
                removed = True
            parts.append((code, w))
    return groups_scheme(parts, P.stragglers, P.byzantine) if removed else None


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        ck = Check()
        neg = Check()
        # ---- sparse
        structured = ([[1, 1, 0], [0, 1, 1], [1, 0, 1]], [[1, 0, 1], [1, 1, 0], [0, 1, 1]])
        rng = random.Random(12)
        patterns = [("structured 3x3x3", *structured)]
        shapes = [(3, 3, 3)] * (3 if quick else 6) + ([] if quick else [(4, 4, 2)] * 4)
        for idx, (m, n, q) in enumerate(shapes):
            A = [[int(rng.random() < 0.5) for _ in range(q)] for _ in range(m)]
            B = [[int(rng.random() < 0.5) for _ in range(n)] for _ in range(q)]
            patterns.append((f"random {m}x{n}x{q} #{idx}", A, B))
        for name, A, B in patterns:
            prods = _sparse_products(A, B)
            if not prods:
                continue
            m, q, n = len(A), len(B), len(B[0])
            for s in (1, 2):
                P = plan(prods, stragglers=s, verify=False)
                rep = verify(plan_scheme(P))
                ck.require(rep.holds, f"sparse {name} s={s}: {rep.first_failure}")
                ep = m * n * q + q - 1 + s
                cands = {c.name: c.workers for c in P.candidates}
                if name.startswith("structured") or s == 1:
                    details.append(
                        f"sparse {name}, s={s}: k={P.k} non-zero products; plan "
                        f"'{P.chosen.name}' ({_how(P)}) {P.chosen.workers} workers (verified) vs "
                        f"MatDot "
                        f"{P.baseline_workers}, one Theorem 1 code {cands['theorem1-all']}, "
                        f"dense entangled code {ep}"
                    )
                if name.startswith("structured"):
                    fewer = _minus_one(P)
                    neg.require(fewer is not None and not verify(fewer).holds, f"{name} s={s}")

        # ---- two-stage: 3 x 3 grid of products A_i B_j, stage one uncoded
        grid = [(("A", i), ("B", j)) for i in range(3) for j in range(3)]
        ts = (3, 4) if quick else (2, 3, 4, 5)
        sps = (1,) if quick else (1, 2)
        for sp in sps:
            for t in ts:
                savings = Counter()
                not_tight = 0
                total = 0
                for strag in itertools.combinations(range(9), t):
                    prods = [grid[x] for x in strag]
                    P = plan(prods, stragglers=sp, verify=False)
                    rep = verify(plan_scheme(P))
                    ck.require(rep.holds, f"two-stage t={t} s'={sp} {strag}: fails")
                    savings[P.saving] += 1
                    total += 1
                    fewer = _minus_one(P)
                    if fewer is not None and verify(fewer).holds:
                        not_tight += 1
                mean = sum(k * v for k, v in savings.items()) / total
                details.append(
                    f"two-stage, t={t} stragglers of 9, s'={sp}: all {total} straggler sets "
                    f"verified; saving vs MatDot ({2 * t - 1 + sp}) "
                    + ", ".join(f"{k}: {v}" for k, v in sorted(savings.items()))
                    + f" (mean {mean:.2f}); one worker fewer still works in {not_tight}"
                )
        # the worked two-stage example: the stragglers held A1B1, A1B2, A2B1, A2B2
        ex = [grid[0], grid[1], grid[3], grid[4]]
        for sp in (1, 2):
            P = plan(ex, stragglers=sp, verify=False)
            ck.require(verify(plan_scheme(P)).holds, f"worked two-stage s'={sp}")
            fewer = _minus_one(P)
            neg.require(fewer is not None and not verify(fewer).holds, f"two-stage s'={sp}")
            details.append(
                f"worked two-stage example, stragglers held a 2x2 sub-grid, s'={sp}: "
                f"'{P.chosen.name}' ({_how(P)}) {P.chosen.workers} workers vs MatDot "
                f"{P.baseline_workers} "
                f"(Theorem 1: {2 * 4 + 1 + sp - 4})"
            )
        details.insert(0, f"all plans verified exhaustively: {ck.summary()}")
    return Result(
        CLAIM,
        "holds" if ck.ok else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if ck.ok else "; ".join(ck.failures),
        f"worked examples with one worker fewer: {neg.summary()}",
        neg.checked > 0 and neg.ok,
        tm.seconds,
    )
