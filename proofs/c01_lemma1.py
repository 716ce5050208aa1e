r"""C01 -- Lemma 1: Grid CR-MM is unbiased and :math:`\mathbb E\|C_{ij}-\hat C_{ij}\|_F^2 \le
\|A_i\|_F^2\|B_j\|_F^2/k_{ij}`.

Paper (Section IV-A, Lemma 1): "If Grid CR-MM outputs :math:`\langle \mathcal C_{i,j}\rangle`
to approximate :math:`\langle C_{i,j} = A_i B_j\rangle` then for all i, j
:math:`\mathbb E[\|C_{i,j} - \mathcal C_{i,j}\|_F^2] \le \|A_i\|_F^2\|B_j\|_F^2/k_{i,j}`",
with :math:`k_{i,j}` pairs drawn with replacement, pair :math:`\iota` with probability
:math:`p_\iota \propto \|A_{i,\iota}\|_F\|B_{\iota,j}\|_F`, and (as in [9])
:math:`\hat C_{ij} = \frac1{k}\sum_t A_{i,\iota_t}B_{\iota_t,j}/p_{\iota_t}`.

Checked:

1. *symbolic* (sympy, exact rational functions): for any probabilities,
   :math:`\mathbb E\hat C = C` and :math:`\mathbb E\|\hat C-C\|_F^2 = \frac1k(\sum_\iota
   \|A_\iota B_\iota\|_F^2/p_\iota - \|C\|_F^2)`, by summing over all :math:`q^k` outcomes
   (scalar blocks, and symbolic 2x2 matrix blocks);
2. *symbolic*: with :math:`p_\iota = x_\iota y_\iota/\sum x y` (:math:`x = \|A_\iota\|,
   y = \|B_\iota\|`), :math:`k(\text{bound} - \mathbb E\|\cdot\|^2) = \sum_{\iota<\iota'}
   (x_\iota y_{\iota'} - x_{\iota'} y_\iota)^2 + C^2` for scalar blocks, a sum of squares
   (for matrix blocks :math:`\|A_\iota B_\iota\| \le \|A_\iota\|\|B_\iota\|` reduces to it);
3. *exhaustive* (exact ``Fraction``): on integer grids whose blocks have integer Frobenius
   norms, every outcome of every :math:`k_{ij}` draws is enumerated; the exact mean equals
   :math:`C_{ij}`, the exact mean squared error equals ``ffcc.sketch.expected_sq_error`` and
   is at most ``ffcc.sketch.lemma1_bound``.

Negative control: the estimator without the :math:`1/p` weights must be found biased, and
the bound divided by :math:`k_{ij}` once more (:math:`/k^2`) must be violated.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import sympy as sp

from ffcc.sketch import expected_sq_error, grid_crmm, lemma1_bound

from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C01",
    title="Lemma 1 (Grid CR-MM error)",
    where="Sec. IV-A, Lemma 1",
    paper="E[||C_ij - Ĉ_ij||_F^2] <= ||A_i||_F^2 ||B_j||_F^2 / k_ij for Grid CR-MM with "
    "p_iota ∝ ||A_i,iota||_F ||B_iota,j||_F (and the estimator is unbiased)",
    statement="E Ĉ = C and E||Ĉ-C||² = (Σ||A_ι B_ι||²/p_ι - ||C||²)/k identically in "
    "symbolic blocks and probabilities; bound - E = (Σ_{ι<ι'}(x_ι y_ι' - x_ι' y_ι)² + C²)/k "
    "for norm-proportional p; exact enumeration of all draws on integer grids",
    method="symbolic + exhaustive (exact rationals)",
    params_quick="symbolic q<=3, k<=2 (scalar), q=k=2 (2x2); grids m=n=2, q<=3, k<=2",
    params_full="symbolic q<=3, k<=3 (scalar), q=k=2 (2x2), SOS q<=4; grids m=n=2, q<=3, "
    "k<=4, 6 seeds",
    negative="estimator without 1/p weights (biased); bound /k_ij^2",
)


# ----------------------------------------------------------------------------- symbolic


def _symbolic_identities(q: int, k: int, matrix: bool) -> tuple[bool, bool]:
    """(unbiased, variance identity) over all q^k outcomes, symbolic blocks and p."""
    ps = list(sp.symbols(f"p0:{q - 1}", positive=True))
    ps.append(1 - sum(ps))
    if matrix:
        A = [sp.Matrix(2, 2, sp.symbols(f"a{t}_0:4")) for t in range(q)]
        B = [sp.Matrix(2, 2, sp.symbols(f"b{t}_0:4")) for t in range(q)]
    else:
        A = [sp.Matrix([[s]]) for s in sp.symbols(f"a0:{q}")]
        B = [sp.Matrix([[s]]) for s in sp.symbols(f"b0:{q}")]
    Pm = [A[t] * B[t] for t in range(q)]
    C = sum(Pm[1:], Pm[0])

    def sq(M):
        return sum(x**2 for x in M)

    mean = sp.zeros(*C.shape)
    mse = 0
    for draw in itertools.product(range(q), repeat=k):
        prob = sp.Mul(*[ps[t] for t in draw])
        est = sum((Pm[t] / ps[t] for t in draw), sp.zeros(*C.shape)) / k
        mean += prob * est
        mse += prob * sq(est - C)
    unbiased = all(sp.cancel(x) == 0 for x in (mean - C))
    formula = (sum(sq(Pm[t]) / ps[t] for t in range(q)) - sq(C)) / k
    variance = sp.cancel(mse - formula) == 0
    return unbiased, variance


def _symbolic_sos(q: int) -> bool:
    """k (bound - E) equals a sum of squares, for norm-proportional p (scalar blocks)."""
    x = sp.symbols(f"x0:{q}", positive=True)
    y = sp.symbols(f"y0:{q}", positive=True)
    sg = sp.symbols(f"s0:{q}")  # signs: C = sum s x y with s = +-1, only C^2 >= 0 is used
    S = sum(x[t] * y[t] for t in range(q))
    p = [x[t] * y[t] / S for t in range(q)]
    C = sum(sg[t] * x[t] * y[t] for t in range(q))
    # with |a b| = x y: k E = sum (x y)^2 / p - C^2 ; k bound = (sum x^2)(sum y^2)
    kE = sum((x[t] * y[t]) ** 2 / p[t] for t in range(q)) - C**2
    kbound = sum(v**2 for v in x) * sum(v**2 for v in y)
    sos = sum((x[i] * y[j] - x[j] * y[i]) ** 2 for i in range(q) for j in range(i + 1, q))
    return sp.cancel(kbound - kE - (sos + C**2)) == 0


# ----------------------------------------------------------------------------- exhaustive


def _nice_blocks(lim: int = 5) -> list[np.ndarray]:
    """2x2 integer matrices with an integer Frobenius norm (so p is rational)."""
    out = []
    for e in itertools.product(range(-lim, lim + 1), repeat=4):
        s = sum(v * v for v in e)
        if s and math.isqrt(s) ** 2 == s:
            out.append(np.array(e, dtype=np.int64).reshape(2, 2))
    return out


def _fnorm(M) -> int:
    return math.isqrt(int((np.asarray(M, dtype=object) ** 2).sum()))


def _exact_block(Ab, Bb, k: int, weighted: bool = True):
    """Exact (mean, mse) of block CR-MM by enumerating every multiset of k draws."""
    q = len(Ab)
    obj = [
        (np.asarray(a, dtype=object), np.asarray(b, dtype=object))
        for a, b in zip(Ab, Bb, strict=True)
    ]
    P = [a @ b for a, b in obj]
    C = sum(P[1:], P[0])
    w = [Fraction(_fnorm(a) * _fnorm(b)) for a, b in zip(Ab, Bb, strict=True)]
    tot = sum(w)
    p = [x / tot for x in w]
    mean = np.zeros(C.shape, dtype=object) + Fraction(0)
    mse = Fraction(0)
    for counts in _compositions(k, q):
        prob = Fraction(math.factorial(k))
        for t, c in enumerate(counts):
            prob *= p[t] ** c / math.factorial(c)
        if prob == 0:
            continue
        est = np.zeros(C.shape, dtype=object) + Fraction(0)
        for t, c in enumerate(counts):
            if c:
                est = est + P[t] * (Fraction(c, k) / (p[t] if weighted else 1))
        mean = mean + est * prob
        mse += prob * sum((v * v for v in (est - C).flat), Fraction(0))
    return C, p, mean, mse


def _compositions(k: int, q: int):
    if q == 1:
        yield (k,)
        return
    for c in range(k + 1):
        for rest in _compositions(k - c, q - 1):
            yield (c,) + rest


def _grid_instances(seeds, qs, m: int = 2, n: int = 2):
    pool = _nice_blocks()
    for seed in seeds:
        rng = random.Random(seed)
        for q in qs:
            A = [[pool[rng.randrange(len(pool))] for _ in range(q)] for _ in range(m)]
            B = [[pool[rng.randrange(len(pool))] for _ in range(n)] for _ in range(q)]
            yield seed, q, A, B
    # Cauchy-Schwarz tight and C = 0: E = bound exactly (a = (1, 1), b = (1, -1))
    yield "tight", 2, [[np.array([[1]]), np.array([[1]])]], [[np.array([[1]])], [np.array([[-1]])]]


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        sym = Check()
        cases = [(2, 1, False), (2, 2, False), (3, 2, False), (2, 2, True)]
        if not quick:
            cases += [(2, 3, False), (3, 3, False)]
        for q, k, matrix in cases:
            unb, var = _symbolic_identities(q, k, matrix)
            label = f"q={q}, k={k}, {'2x2' if matrix else 'scalar'} blocks"
            sym.require(unb, f"not unbiased: {label}")
            sym.require(var, f"variance identity fails: {label}")
        for q in (2, 3) if quick else (2, 3, 4):
            sym.require(_symbolic_sos(q), f"bound - E is not the sum of squares, q={q}")
        details.append(f"symbolic identities ({len(cases)} block cases, SOS): {sym.summary()}")

        ex = Check()
        neg_bias = Check()
        neg_k2 = Check()
        seeds = range(2) if quick else range(6)
        ks = (1, 2) if quick else (1, 2, 3, 4)
        n_blocks = 0
        worst = Fraction(0)
        for seed, q, A, B in _grid_instances(seeds, (2, 3)):
            m, n = len(A), len(B[0])
            for i in range(m):
                for j in range(n):
                    Ab = [A[i][t] for t in range(q)]
                    Bb = [B[t][j] for t in range(q)]
                    for k in ks:
                        n_blocks += 1
                        C, p, mean, mse = _exact_block(Ab, Bb, k)
                        bound = lemma1_bound(Ab, Bb, k)
                        where = f"seed {seed}, q={q}, block ({i},{j}), k={k}"
                        ex.require(bool((mean == C).all()), f"biased at {where}")
                        lib = expected_sq_error(Ab, Bb, p, k)
                        ex.require(mse == lib, f"E||.||^2 = {mse} but the library says {lib}")
                        ex.require(mse <= bound, f"E||.||^2 = {mse} > bound {bound} at {where}")
                        worst = max(worst, mse / bound if bound else Fraction(0))
                        _, _, mean0, _ = _exact_block(Ab, Bb, k, weighted=False)
                        neg_bias.require(bool((mean0 == C).all()), where)
                        neg_k2.require(mse <= bound / k, where)
        details.append(
            f"exhaustive over all draws, {n_blocks} (instance, block, k) cases: {ex.summary()}; "
            f"largest E/bound = {float(worst):.3f} (1.000 is the Cauchy-Schwarz-tight case)"
        )
        # the library's sampler uses the same probabilities (floats)
        rng = random.Random(7)
        pool = _nice_blocks()
        Af = np.block([[pool[rng.randrange(len(pool))] for _ in range(3)] for _ in range(2)])
        Bf = np.block([[pool[rng.randrange(len(pool))] for _ in range(2)] for _ in range(3)])
        sk = grid_crmm(Af.astype(float), Bf.astype(float), 2, 2, 3, 2, rng=0)
        lib_ok = True
        for i in range(2):
            for j in range(2):
                Ab = [Af[2 * i : 2 * i + 2, 2 * t : 2 * t + 2] for t in range(3)]
                Bb = [Bf[2 * t : 2 * t + 2, 2 * j : 2 * j + 2] for t in range(3)]
                _, p, _, _ = _exact_block(Ab, Bb, 1)
                lib_ok &= np.allclose(sk.probabilities[i, j], [float(x) for x in p], atol=1e-12)
        ex.require(lib_ok, "grid_crmm's probabilities differ from the exact ones")
        details.append(f"grid_crmm sampling probabilities match the exact ones: {lib_ok}")
        rejected = (not neg_bias.ok) and (not neg_k2.ok)
        neg = (
            f"unweighted estimator found biased in {neg_bias.failed}/{neg_bias.checked} "
            f"cases; bound/k_ij^2 violated in {neg_k2.failed}/{neg_k2.checked} cases"
        )
        holds = sym.ok and ex.ok
    return Result(
        CLAIM,
        "holds" if holds else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if holds else "; ".join(sym.failures + ex.failures),
        neg,
        rejected,
        tm.seconds,
        {"worst_ratio": float(worst), "cases": n_blocks},
    )
