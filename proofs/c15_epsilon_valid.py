r"""C15 -- Section III: the compression, reconstruction, encoding and decoding quadruple of the
pipeline is :math:`\epsilon`-valid.

Paper (Section III): ":math:`\{c, r, e, d\}` is deemed valid if for any
:math:`\mathcal N \subseteq [w]` of size (w - s),
:math:`\mathbb E\|f^{(*)}(X) - r(d_{\mathcal N}(\{f(e(c(f^{(*)}, X)))_i\}_{i \in
\mathcal N}))\|_F < \epsilon`." Here c is Grid CR-MM, r the weighted sum, e and d the
planner's codes, all as ``ffcc.run.run_sketched`` runs them.

Reading: for every straggler set the decoding is exact, so the pipeline's output is the
sketch's estimate whichever w - s workers answer; then, by Jensen and Lemma 1,
:math:`\mathbb E\|C - \hat C\|_F \le \sqrt{\mathbb E\|C - \hat C\|_F^2} \le
\sqrt{\sum_{ij}\|A_i\|_F^2\|B_j\|_F^2/k_{ij}}`, so the quadruple is
:math:`\epsilon`-valid for every :math:`\epsilon` above that square root.

Checked, on the pipeline's actual output (``run_sketched``, inline executor, integer
inputs, so no quantization):

1. *exhaustive over the sampling*: every outcome of Grid CR-MM's draws (the pipeline is run
   with a generator that returns prescribed draws) and, for each, every single straggler
   (each worker index made to fail in every group, s = 1): the output equals the float
   sketch's estimate of that outcome (to 1e-12 relative);
2. the exact expectation :math:`\mathbb E\|C - \hat C\|_F` over the outcomes is at most
   :math:`\sqrt{\sum \text{bound}}` -- hence below every larger :math:`\epsilon`;
3. every group's scheme verifies exhaustively (``plan(verify=True)`` inside the pipeline).

Negative controls, through the same pipeline: s + 1 stragglers in one group must make the
run fail (``TooManyFaults``: the decoding is not valid beyond s); and
":math:`\epsilon`-valid with :math:`\epsilon = \sqrt{\sum\text{bound}}`" (the strict
inequality at the bound itself) must be refuted by the Cauchy-Schwarz-tight instance (a =
(1, 1), b = (1, -1), k = 1, where :math:`\|C - \hat C\|_F = 2` for every outcome).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np

from ffcc import sketch
from ffcc._errors import FailureError
from ffcc.run import Faults, run_sketched
from ffcc.run._errors import TooManyFaults

from ._framework import Check, Claim, Result, timer
from .c01_lemma1 import ScriptedDraws

CLAIM = Claim(
    id="C15",
    title="Sec. III: the quadruple is eps-valid",
    where="Sec. III (compression-informed coded computing)",
    paper="{c, r, e, d} is valid if for any N of size w - s, E||f*(X) - r(d_N(...))||_F < eps",
    statement="run_sketched's output equals the sketch estimate for every sampling outcome "
    "and every single straggler; exact E||C - C^||_F <= sqrt(sum of Lemma 1 bounds), so the "
    "quadruple is eps-valid for every eps above it",
    method="exhaustive (every sampling outcome, every straggler)",
    params_quick="numeric: grids (1,1,2) and (1,1,3), k=2, s=1, integer 2x2 blocks, every "
    "outcome and straggler; tight instance k=1",
    params_full="numeric: grids (1,1,2), (1,1,3) k<=3 and (1,2,2) k=2, s=1; tight instance",
    negative="s+1 stragglers in a group; eps = sqrt(bound) itself (strict inequality)",
)


def _instances(quick: bool):
    rng = np.random.default_rng(15)
    out = []
    for q in (2, 3):
        A = rng.integers(-3, 4, size=(2, 2 * q))
        B = rng.integers(-3, 4, size=(2 * q, 2))
        for k in (2,) if quick else (2, 3):
            out.append((f"(1,1,{q}) k={k}", A, B, (1, 1, q), k))
    if not quick:
        A = rng.integers(-3, 4, size=(2, 4))
        B = rng.integers(-3, 4, size=(4, 4))
        out.append(("(1,2,2) k=2", A, B, (1, 2, 2), 2))
    return out


def _outcomes(m: int, n: int, q: int, k: int):
    """Every joint draw of the m n blocks (q^(k m n) outcomes)."""
    per = list(itertools.product(range(q), repeat=k))
    return itertools.product(per, repeat=m * n)


def _pipeline(A, B, grid, k, draws, faults=None):
    gen = ScriptedDraws([list(d) for d in draws])
    est, rep, P = run_sketched(
        A, B, grid=grid, k=k, stragglers=1, seed=gen, executor="inline", progress=False,
        faults=faults,
    )  # fmt: skip
    return est, P, gen


def _exact_bound(A, B, grid, k: int) -> Fraction:
    """sum_ij ||A_i||_F^2 ||B_j||_F^2 / k, exactly (integer inputs)."""
    m, n, _ = grid
    A, B = np.asarray(A, dtype=object), np.asarray(B, dtype=object)
    rows = [int((A[i * A.shape[0] // m : (i + 1) * A.shape[0] // m] ** 2).sum()) for i in range(m)]
    cols = [
        int((B[:, j * B.shape[1] // n : (j + 1) * B.shape[1] // n] ** 2).sum()) for j in range(n)
    ]
    return Fraction(sum(a * b for a in rows for b in cols), k)


def _expectation(A, B, grid, k, ck: Check, where: str, every_straggler: bool = True):
    """Exact E||C - C^||_F over the outcomes, and the Lemma 1 root; checks exact decoding."""
    m, n, q = grid
    C = A.astype(float) @ B.astype(float)
    mean_norm = 0.0
    total_prob = 0.0
    bound = None
    runs = 0
    for draws in _outcomes(m, n, q, k):
        try:
            est, P, gen = _pipeline(A, B, grid, k, draws)
        except FailureError as e:
            ck.require(False, f"{where} {draws}: the pipeline fails: {e}")
            continue
        runs += 1
        prob = math.prod(float(gen.asked[b][t]) for b, d in enumerate(draws) for t in d)
        if prob == 0:
            continue
        sk = sketch.grid_crmm(A.astype(float), B.astype(float), m, n, q, k,
                              rng=ScriptedDraws([list(d) for d in draws]))  # fmt: skip
        ref = sk.estimate()
        scale = 1e-12 * (1 + float(np.abs(ref).max()))
        ck.require(bool(np.all(np.abs(est - ref) <= scale)), f"{where} {draws}: output != sketch")
        if every_straggler:
            wmax = max(g.workers for g in P.chosen.groups)
            for j in range(wmax):
                try:
                    e2, _, _ = _pipeline(A, B, grid, k, draws, Faults(raises=[j]))
                except FailureError as e:
                    ck.require(False, f"{where} {draws}: straggler {j}: the pipeline fails: {e}")
                    continue
                runs += 1
                ck.require(
                    bool(np.all(np.abs(e2 - ref) <= scale)), f"{where} {draws}: straggler {j}"
                )
        bound = _exact_bound(A, B, grid, k)
        total_prob += prob
        mean_norm += prob * float(np.linalg.norm(C - est))
    if bound is None:
        return math.inf, 0.0, runs
    ck.require(abs(total_prob - 1) < 1e-9, f"{where}: outcome probabilities sum to {total_prob}")
    return mean_norm, math.sqrt(bound), runs  # sqrt of the exact bound, rounded once


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        ck = Check()
        runs = 0
        rows = []
        for where, A, B, grid, k in _instances(quick):
            mean_norm, root, n = _expectation(A, B, grid, k, ck, where)
            runs += n
            ck.require(mean_norm <= root * (1 + 1e-12), f"{where}: E||.|| {mean_norm} > {root}")
            rows.append(f"{where}: E||C - C^||_F = {mean_norm:.4g} <= {root:.4g}")
        details.append(
            f"run_sketched on every sampling outcome and every single straggler ({runs} "
            f"pipeline runs): output = sketch estimate, {ck.summary()}; " + "; ".join(rows)
        )
        # negative (a): s + 1 = 2 stragglers in group 0 must make the same pipeline fail
        where, A, B, grid, k = _instances(True)[1]
        draws = next(iter(_outcomes(*grid, k)))
        try:
            _pipeline(A, B, grid, k, draws, Faults(raises=[(0, 0), (0, 1)]))
            too_many = False
        except TooManyFaults:
            too_many = True
        # negative (b): eps = sqrt(bound) itself, on the Cauchy-Schwarz-tight instance
        tight = Check()
        A = np.array([[1, 1]])
        B = np.array([[1], [-1]])
        mean_norm, root, _ = _expectation(A, B, (1, 1, 2), 1, tight, "tight", False)
        ck.require(tight.ok, "; ".join(tight.failures))
        at_bound_refuted = not mean_norm < root
        details.append(
            f"tight instance a=(1,1), b=(1,-1), k=1: E||C - C^||_F = {mean_norm:.6g} = "
            f"sqrt(bound) = {root:.6g}: eps-valid exactly for eps > sqrt(bound)"
        )
    return Result(
        CLAIM,
        "holds" if ck.ok else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if ck.ok else "; ".join(ck.failures),
        f"s+1 stragglers in one group: the pipeline "
        f"{'fails (TooManyFaults)' if too_many else 'DOES NOT FAIL'}; eps = sqrt(bound) on the "
        f"tight instance: {'refuted' if at_bound_refuted else 'NOT refuted'}",
        too_many and at_bound_refuted,
        tm.seconds,
    )
