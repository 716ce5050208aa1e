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
3. *exhaustive*, on **the library's estimator**: ``ffcc.sketch.grid_crmm`` is run on every
   sampling outcome (every ordered draw of each output block, through a generator that
   returns prescribed draws and records the probabilities it is asked to draw with) on
   integer grids whose blocks have integer Frobenius norms; the exact mean of
   ``GridSketch.estimate`` equals :math:`C_{ij}` and its exact mean squared error equals the
   rational one (own enumeration with ``Fraction``), ``ffcc.sketch.expected_sq_error`` and is
   at most ``ffcc.sketch.lemma1_bound`` (float64 estimate: agreement to 1e-9 of the terms);
   the probabilities drawn with are the norm-proportional ones;
4. *statistical*: the average of many seeded ``grid_crmm`` sketches is within
   :math:`100\,\mathbb E/\text{runs}` of C in squared Frobenius norm (Markov: a false
   alarm has probability at most 1%).

Negative control, through the same code: ``GridSketch.estimate`` on the sketch with the
:math:`1/p` weights removed must be found biased (exhaustively and statistically), and the
bound divided by :math:`k_{ij}` once more (:math:`/k^2`) must be violated.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from fractions import Fraction

import numpy as np
import sympy as sp

from ffcc import sketch
from ffcc.sketch import lemma1_bound

from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C01",
    title="Lemma 1 (Grid CR-MM error)",
    where="Sec. IV-A, Lemma 1",
    paper="E[||C_ij - Ĉ_ij||_F^2] <= ||A_i||_F^2 ||B_j||_F^2 / k_ij for Grid CR-MM with "
    "p_iota ∝ ||A_i,iota||_F ||B_iota,j||_F (and the estimator is unbiased)",
    statement="E Ĉ = C and E||Ĉ-C||² = (Σ||A_ι B_ι||²/p_ι - ||C||²)/k identically in "
    "symbolic blocks and probabilities; bound - E = (Σ_{ι<ι'}(x_ι y_ι' - x_ι' y_ι)² + C²)/k "
    "for norm-proportional p; ffcc.sketch.grid_crmm run on every sampling outcome of "
    "integer grids (exact mean = C, exact E = sketch.expected_sq_error <= bound); seeded "
    "average of grid_crmm sketches",
    method="symbolic + exhaustive (library estimator, every outcome) + statistical",
    params_quick="symbolic in the blocks' entries and p for q<=3, k<=2 (scalar), q=k=2 "
    "(2x2); grid_crmm m=n=2, q<=3, k<=2, 2 seeds; 800 sketches",
    params_full="symbolic in the blocks' entries and p for q<=3, k<=3 (scalar), q=k=2 (2x2), "
    "SOS q<=4; grid_crmm m=n=2, q<=3, k<=3, 6 seeds; 20000 sketches",
    negative="grid_crmm's estimate without the 1/p weights (biased); bound /k_ij^2",
    symbolic="block entries and probabilities p, per fixed (q, k) listed; norms x, y in "
    "the SOS identity, per fixed q",
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


# ----------------------------------------------------------------------------- the library


class ScriptedDraws(np.random.Generator):
    """A ``numpy.random.Generator`` whose ``choice`` returns prescribed draws, one list per
    call in call order, and records the probabilities it was asked to draw with -- so that
    ``ffcc.sketch.grid_crmm`` can be run on every sampling outcome."""

    def __init__(self, draws):
        super().__init__(np.random.PCG64(0))
        self.draws = [list(d) for d in draws]
        self.asked: list[np.ndarray] = []

    def choice(self, a, size=None, replace=True, p=None, **kw):
        self.asked.append(np.array(p, dtype=float))
        return np.array(self.draws[len(self.asked) - 1], dtype=np.int64)


def _unweighted(sk):
    """The same sketch with the 1/p weights removed (count / k only): the negative control
    runs the library's own ``GridSketch.estimate`` on it."""
    w = {b: {t: c / int(sk.k[b]) for t, c in cnt.items()} for b, cnt in sk.multiplicities.items()}
    return dataclasses.replace(sk, weights=w)


def library_moments(A, B, m: int, n: int, q: int, k: int, estimator=None):
    """Exact mean and mean squared error of the estimate of ``ffcc.sketch.grid_crmm``, block
    by block, by running it on every ordered draw (q^k per block, the other blocks' draws
    fixed: a block's estimate depends on its own draws only, which is checked) and weighting
    each outcome with the probabilities ``grid_crmm`` passed to ``Generator.choice``.

    Returns ``(mean, mse, asked)``: ``L x M`` mean, ``m x n`` MSE (floats: the estimate is
    float64) and the probabilities asked for, per block. ``estimator(sk)`` defaults to
    ``sk.estimate()``."""
    est_of = estimator or (lambda sk: sk.estimate())
    C = np.asarray(A, dtype=float) @ np.asarray(B, dtype=float)
    Lb, Mb = C.shape[0] // m, C.shape[1] // n
    mean = np.zeros_like(C)
    mse = np.zeros((m, n))
    asked = {}
    base = [[0] * k for _ in range(m * n)]
    ref = est_of(sketch.grid_crmm(A, B, m, n, q, k, rng=ScriptedDraws(base)))
    for b in range(m * n):
        i, j = divmod(b, n)
        rows, cols = slice(i * Lb, (i + 1) * Lb), slice(j * Mb, (j + 1) * Mb)
        for draw in itertools.product(range(q), repeat=k):
            draws = [list(d) for d in base]
            draws[b] = list(draw)
            gen = ScriptedDraws(draws)
            est = est_of(sketch.grid_crmm(A, B, m, n, q, k, rng=gen))
            p = gen.asked[b]
            asked[(i, j)] = p
            prob = math.prod(float(p[t]) for t in draw)
            blk = est[rows, cols]
            mean[rows, cols] += prob * blk
            mse[i, j] += prob * float(((blk - C[rows, cols]) ** 2).sum())
            other = np.ones(C.shape, dtype=bool)
            other[rows, cols] = False
            if not np.array_equal(est[other], ref[other]):
                raise AssertionError("a block's estimate depends on another block's draws")
    return mean, mse, asked


def _library_exhaustive(seeds, ks, estimator=None):
    """Yield one dict per (instance, output block, k): the library's exact moments next to
    the exact rational ones."""
    for seed, q, A, B in _grid_instances(seeds, (2, 3)):
        m, n = len(A), len(B[0])
        Af, Bf = np.block(A).astype(float), np.block(B).astype(float)
        C = Af @ Bf
        Lb, Mb = C.shape[0] // m, C.shape[1] // n
        for k in ks:
            mean, mse, asked = library_moments(Af, Bf, m, n, q, k, estimator)
            for i in range(m):
                for j in range(n):
                    Ab = [A[i][t] for t in range(q)]
                    Bb = [B[t][j] for t in range(q)]
                    _, p, _, exact_mse = _exact_block(Ab, Bb, k)
                    blk = (slice(i * Lb, (i + 1) * Lb), slice(j * Mb, (j + 1) * Mb))
                    yield {
                        "where": f"seed {seed}, q={q}, block ({i},{j}), k={k}",
                        "k": k,
                        "C": C[blk],
                        "mean": mean[blk],
                        "mse": float(mse[i, j]),
                        "exact_mse": exact_mse,
                        "library_formula": sketch.expected_sq_error(Ab, Bb, p, k),
                        "bound": lemma1_bound(Ab, Bb, k),
                        "p": p,
                        "asked": asked[(i, j)],
                    }


def _close(x, y, scale) -> bool:
    """Equal up to float64 rounding of the library's estimate: 1e-9 relative to the size of
    the terms summed (the estimate is a float; the exact values are rationals)."""
    return bool(np.all(np.abs(np.asarray(x, float) - np.asarray(y, float)) <= 1e-9 * scale))


def _statistical(runs: int, seed: int, estimator=None):
    """Average of ``runs`` library sketches vs C. E||avg - C||^2 = sum_ij E_ij / runs exactly
    (independent runs), so by Markov's inequality ||avg - C||^2 > 100 E/runs has probability
    <= 1%; the seed is fixed. Returns (||avg - C||^2, the 100 E/runs tolerance)."""
    est_of = estimator or (lambda sk: sk.estimate())
    rng = random.Random(11)
    pool = _nice_blocks()
    A = np.block([[pool[rng.randrange(len(pool))] for _ in range(3)] for _ in range(2)])
    B = np.block([[pool[rng.randrange(len(pool))] for _ in range(2)] for _ in range(3)])
    A, B = A.astype(float), B.astype(float)
    gen = np.random.default_rng(seed)
    acc = np.zeros((A.shape[0], B.shape[1]))
    for _ in range(runs):
        sk = sketch.grid_crmm(A, B, 2, 2, 3, 2, rng=gen)
        acc += est_of(sk)
    E = 0.0
    for i in range(2):
        for j in range(2):
            Ab = [A[2 * i : 2 * i + 2, 2 * t : 2 * t + 2].astype(np.int64) for t in range(3)]
            Bb = [B[2 * t : 2 * t + 2, 2 * j : 2 * j + 2].astype(np.int64) for t in range(3)]
            E += float(_exact_block(Ab, Bb, 2)[3])
    err = float(((acc / runs - A @ B) ** 2).sum())
    return err, 100 * E / runs


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

        # the library's estimator on every sampling outcome, against the exact rationals
        ex = Check()
        neg_bias = Check()
        neg_k2 = Check()
        seeds = range(2) if quick else range(6)
        ks = (1, 2) if quick else (1, 2, 3)
        n_blocks = 0
        worst = 0.0
        for c in _library_exhaustive(seeds, ks):
            n_blocks += 1
            where, bound, mse = c["where"], float(c["bound"]), c["mse"]
            scale = float(np.abs(c["C"]).max()) + bound + 1.0
            p = [float(x) for x in c["p"]]
            ex.require(
                _close(c["asked"], p, 1.0), f"grid_crmm samples with {c['asked']} at {where}"
            )
            ex.require(_close(c["mean"], c["C"], scale), f"grid_crmm is biased at {where}")
            ex.require(
                _close(mse, c["exact_mse"], scale),
                f"E = {mse} != {c['exact_mse']}, {where}",
            )
            ex.require(mse <= bound * (1 + 1e-12), f"E||.||^2 = {mse} > bound {bound} at {where}")
            ex.require(
                c["library_formula"] == c["exact_mse"],
                f"sketch.expected_sq_error = {c['library_formula']} != {c['exact_mse']} at {where}",
            )
            worst = max(worst, mse / bound if bound else 0.0)
            neg_k2.require(mse <= bound / c["k"] * (1 + 1e-12), where)
        for c in _library_exhaustive(seeds, ks, lambda sk: _unweighted(sk).estimate()):
            neg_bias.require(
                _close(c["mean"], c["C"], float(np.abs(c["C"]).max()) + 1.0), c["where"]
            )
        details.append(
            f"ffcc.sketch.grid_crmm run on every sampling outcome, {n_blocks} (instance, block, "
            f"k) cases: {ex.summary()} (exact mean = C_ij, exact E||.||^2 = the rational one = "
            f"sketch.expected_sq_error <= lemma1_bound; sampled with the norm-proportional p); "
            f"largest E/bound = {worst:.3f} (1.000 is the Cauchy-Schwarz-tight case)"
        )
        runs = 800 if quick else 20000
        err, tol = _statistical(runs, seed=5)
        ex.require(err <= tol, f"statistical: ||avg - C||^2 = {err:.4g} > {tol:.4g}")
        details.append(
            f"statistical: average of {runs} grid_crmm sketches (2x2 output blocks, q=3, k=2, "
            f"seed 5): ||avg - C||_F^2 = {err:.4g} <= 100 E/runs = {tol:.4g} (Markov: a "
            "false alarm has probability <= 1%)"
        )
        nerr, ntol = _statistical(runs, 5, lambda sk: _unweighted(sk).estimate())
        rejected = (not neg_bias.ok) and (not neg_k2.ok) and nerr > ntol
        neg = (
            f"grid_crmm's estimate without the 1/p weights found biased in {neg_bias.failed}/"
            f"{neg_bias.checked} cases and by the statistical check ({nerr:.4g} > {ntol:.4g}); "
            f"bound/k_ij^2 violated in {neg_k2.failed}/{neg_k2.checked} cases"
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
        {"worst_ratio": worst, "cases": n_blocks},
    )
