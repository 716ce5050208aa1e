r"""The fewest workers a linear scheme needs for a sample structure, and a scheme that
reaches it.

A sketch asks for the products :math:`A_l B_r` of its sampled pairs (l, r) (a repeated
sample is one product). In a linear scheme worker j receives one combination
:math:`\sum_l e_j[l] A_l` and one :math:`\sum_r f_j[r] B_r` and returns their product,
the rank-one tensor :math:`e_j \otimes f_j` applied to the blocks; w workers tolerate s
stragglers when every (w - s)-subset spans every target :math:`E_{lr}`
(:mod:`ffcc.scheme`). :func:`optimize` searches for a small such scheme, verifies it
exhaustively with :func:`ffcc.verify.verify`, and puts a lower bound beside it that holds
for **every** linear scheme.

**Lower bound** (:func:`lower_bound`). With t distinct sampled pairs the targets are t
independent tensors, so R = w - s >= t (*target span*). If R = t, every t-subset spans a
t-dimensional space containing the targets, i.e. exactly their span T, so every worker
lies in T: :math:`e_j \otimes f_j` is supported on a *biclique*
:math:`\mathrm{supp}(e_j) \times \mathrm{supp}(f_j)` of the sample graph. A pair covered
by at most s workers is lost when those straggle, so every pair is covered at least s + 1
times by t + s bicliques. Three counts must then fit into t + s, per connected component
c (a biclique never leaves one): its own :math:`t_c + s` workers (s of them may straggle);
:math:`(s + 1) I_c`, with :math:`I_c` pairs no two of which share a biclique (each worker
covers at most one of them); and :math:`(s + 1) \sum_{e} 1/m(e)` with m(e) the largest
biclique through e (any biclique B has :math:`\sum_{e \in B} 1/m(e) \le 1`). When
they do not fit, R >= t + 1 (*biclique cover*). On Figure 2's 8-cycle (every biclique is
a path of two samples; the four samples :math:`(A_i, B_i)` share none) this gives 8 + s
for s <= 1 and 9 + s for s >= 2.

**Search strategies** (every result verified exhaustively before it counts):

* ``catalog``: replication, MatDot/Lagrange, Theorem 1 and the polynomial code on
  complete grids; when time remains, the best few schemes found are trimmed to their
  measured (span-aware) threshold, verified;
* ``local``: *biclique frame codes*. Choose a set P of pairs (the samples, plus
  ``extra`` unsampled pairs) and t' + s workers, each a random rank-one tensor supported
  on a biclique of P, picked greedily so that every pair of P is covered s + 1 times; then
  every t'-subset should span all of span{E_e : e in P}, t' = |P|. For the 8-cycle with
  s = 1 the 8 two-edge paths plus one more give 9 workers: the workers form a cycle of
  "edges" between consecutive samples, a frame (gain-graph) matroid in which a cycle with
  generic coefficients is independent, so every 8 of the 9 are a basis;
* ``exponents``: monomial evaluation codes :math:`A_l \mapsto z^{a_l}`,
  :math:`B_r \mapsto z^{b_r}`: the coefficient of :math:`z^{a_l + b_r}` in the product is
  :math:`A_l B_r` exactly when no other pair (sampled or not) has the same exponent sum.
  A depth-first search finds the exponents of least degree D (threshold D + 1 with any
  distinct nodes; exhaustive within that family when it finishes), then random nodes are
  tried for the *support-sized* threshold (the number of distinct sums) and the measured
  threshold, both verified;
* ``support``: sparse monomial codes, univariate or bivariate (:math:`A_l \mapsto
  x^{a_l} y^{a'_l}`): a randomised hill climb keeps every sampled sum unique while making
  the non-sampled sums collide, so the product has few monomials; at random points every
  support-sized set of evaluations is then invertible with high probability, which the
  exhaustive check confirms (node choice for support-sized thresholds);
* ``components``: a disconnected sample graph coded per component (each paying s) is
  compared with one code over all of it.

The best scheme is **closed** when its worker count equals the lower bound.

Example
-------
>>> from ffcc.optimize import optimize
>>> cycle8 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]
>>> res = optimize(cycle8, stragglers=1, time_limit=5, seed=0)
>>> res.workers, res.lower_bound, res.closed       # Theorem 1 needs 13 + 1
(9, 9, True)
>>> res.report.holds
True
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ._errors import InputError
from ._progress import Progress
from .field import PrimeField
from .scheme import Scheme, from_dict
from .structure import SampleGraph
from .verify import VerifyReport, verify

__all__ = ["Found", "LowerBound", "OptimizeResult", "lower_bound", "optimize"]

Pair = tuple[Hashable, Hashable]

#: exhaustive verification is attempted up to this many subsets
VERIFY_LIMIT = 2_000_000
#: trimming to a measured threshold checks at most this many subsets per step
TRIM_LIMIT = 300_000
#: maximal bicliques are enumerated exactly up to this many vertices on the smaller side
BICLIQUE_SIDE = 14


@dataclass(frozen=True)
class LowerBound:
    r"""Workers every linear scheme needs (s included), the threshold behind it and how it
    was obtained.

    The simplest bound: a threshold R must cover the dimension of the target span (t
    independent products need t results), so :math:`w \ge t + s`; covering arguments
    over bicliques of the sample graph can raise it (see the module notes).

    >>> LowerBound(workers=4, threshold=3, method="target span: 3 independent products")
    LowerBound(workers=4, threshold=3, method='target span: 3 independent products')
    """

    workers: int
    threshold: int
    method: str


@dataclass
class Found:
    """One verified scheme from one strategy: its ``method`` name, the :class:`Scheme`
    and ``why`` it works (one line, shown by :meth:`OptimizeResult.summary`).

    >>> from ffcc.scheme import Scheme
    >>> S = Scheme(65537, [1, 1], [[[1], [1]], [[1], [1]]], [[((0, 0), 1)]], stragglers=1)
    >>> f = Found("replication", S, "both workers compute A0 B0")
    >>> f.workers, f.threshold
    (2, 1)
    """

    method: str
    scheme: Scheme
    why: str

    @property
    def workers(self) -> int:
        """w, the scheme's worker count (stragglers included)."""
        return self.scheme.w

    @property
    def threshold(self) -> int:
        """R = w - s - 2b: the results every decoding may rely on."""
        return self.scheme.R


@dataclass
class OptimizeResult:
    """What :func:`optimize` found; ``scheme`` is the best verified scheme.

    ``best`` is the winning :class:`Found`, ``report`` its exhaustive
    :class:`~ffcc.verify.VerifyReport`, ``bound`` the :class:`LowerBound` on the workers of
    every linear scheme for these samples (s included), ``theorem1`` the paper's Theorem 1
    bound and its measured value, ``candidates`` every strategy's result and ``family`` the
    optimum within a searched family. The result is **closed** when the best scheme meets
    the lower bound. The module example runs :func:`optimize`; by hand:

    >>> from ffcc.scheme import Scheme
    >>> from ffcc.verify import verify
    >>> S = Scheme(65537, [1, 1], [[[1], [1]], [[1], [1]]], [[((0, 0), 1)]], stragglers=1)
    >>> res = OptimizeResult([(0, 0)], 1, Found("replication", S, "both compute A0 B0"),
    ...                      verify(S, progress=False), LowerBound(2, 1, "1 product + s"),
    ...                      {"bound_workers": 2}, [])
    >>> res.workers, res.threshold, res.lower_bound, res.closed
    (2, 1, 2, True)
    >>> res.to_dict()["verified"], res.to_dict()["verified_subsets"]
    (True, 2)
    >>> print(res.summary().splitlines()[4])
    CLOSED: optimal among all linear schemes
    """

    pairs: list[Pair]
    stragglers: int
    best: Found
    report: VerifyReport
    bound: LowerBound
    theorem1: dict
    candidates: list[dict]
    family: dict | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def scheme(self) -> Scheme:
        """The best verified scheme (``best.scheme``)."""
        return self.best.scheme

    @property
    def workers(self) -> int:
        """Workers of the best scheme."""
        return self.best.workers

    @property
    def threshold(self) -> int:
        """Recovery threshold R of the best scheme."""
        return self.best.threshold

    @property
    def lower_bound(self) -> int:
        """Workers that every linear scheme for these samples needs (s included)."""
        return self.bound.workers

    @property
    def closed(self) -> bool:
        """True when the best scheme meets the lower bound: optimal among linear schemes."""
        return self.workers == self.bound.workers

    def to_dict(self) -> dict:
        """The result as JSON-ready data (what ``ffcc optimize --json`` prints): samples,
        workers, threshold, lower bound and method, closed, verification, Theorem 1,
        family optimum, every candidate, seconds and notes."""
        return {
            "samples": [[_jsonable(l), _jsonable(r)] for l, r in self.pairs],
            "products": len(self.pairs),
            "stragglers": self.stragglers,
            "workers": self.workers,
            "threshold": self.threshold,
            "lower_bound": self.bound.workers,
            "lower_bound_threshold": self.bound.threshold,
            "lower_bound_method": self.bound.method,
            "closed": self.closed,
            "method": self.best.method,
            "why": self.best.why,
            "verified": self.report.holds,
            "verified_subsets": self.report.checked,
            "theorem1": self.theorem1,
            "family_optimum": self.family,
            "candidates": self.candidates,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as one line of JSON."""
        return json.dumps(self.to_dict())

    def summary(self) -> str:
        """A few lines for people: best scheme and why, its verification, the lower bound
        (CLOSED or the gap), Theorem 1 against MatDot, every strategy's worker count."""
        t1 = self.theorem1
        meas = t1.get("measured_workers")
        lines = [
            f"{len(self.pairs)} products, s = {self.stragglers}",
            f"best: {self.workers} workers (threshold {self.threshold}) by {self.best.method}: "
            f"{self.best.why}",
            f"verified: every {self.threshold}-subset of the {self.workers} workers decodes "
            f"({self.report.checked:,} subsets)",
            f"lower bound: {self.bound.workers} workers ({self.bound.method})",
            "CLOSED: optimal among all linear schemes"
            if self.closed
            else f"open: gap {self.workers - self.bound.workers}",
            f"Theorem 1: bound {t1['bound_workers']} workers, measured "
            f"{'-' if meas is None else meas}; MatDot {2 * len(self.pairs) - 1 + self.stragglers}",
        ]
        if self.family:
            lines.append(
                f"family optimum ({self.family['family']}): {self.family['workers']} workers"
                + ("" if self.family["exhaustive"] else " (search not finished)")
            )
        lines.append(f"{'strategy':<28}{'workers':>8}{'threshold':>10}")
        for c in self.candidates:
            lines.append(f"  {c['method']:<26}{c['workers']:>8}{c['threshold']:>10}")
        lines.extend(self.notes)
        lines.append(f"{self.seconds:.2f} s")
        return "\n".join(lines)


def _jsonable(x):
    if isinstance(x, tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    return x


# -- the sample structure ---------------------------------------------------------------
@dataclass(frozen=True)
class _Structure:
    """Distinct pairs in local indices: lefts/rights are the block ids in first-appearance
    order, ``pairs[i] = (l, r)`` indices into them."""

    lefts: tuple
    rights: tuple
    pairs: tuple[tuple[int, int], ...]

    @property
    def t(self) -> int:
        return len(self.pairs)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.lefts), len(self.rights)


def _structure(samples) -> _Structure:
    g = samples if isinstance(samples, SampleGraph) else SampleGraph(samples)
    if g.k == 0:
        raise InputError("optimize: no samples given; pass (A-block, B-block) pairs")
    edges = list(g.edges)
    li = {l: i for i, l in enumerate(dict.fromkeys(l for l, _ in edges))}
    ri = {r: i for i, r in enumerate(dict.fromkeys(r for _, r in edges))}
    return _Structure(tuple(li), tuple(ri), tuple((li[l], ri[r]) for l, r in edges))


def _bicliques(pairs, nl: int, nr: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The maximal bicliques (L', R') of the bipartite graph ``pairs``, enumerated by
    closing every subset of the smaller side (exact up to ``BICLIQUE_SIDE`` vertices);
    beyond that, the vertex stars only."""
    nbr_l = [set() for _ in range(nl)]
    nbr_r = [set() for _ in range(nr)]
    for l, r in pairs:
        nbr_l[l].add(r)
        nbr_r[r].add(l)
    flip = nr < nl
    A, B = (nbr_r, nbr_l) if flip else (nbr_l, nbr_r)
    out = set()
    if len(A) <= BICLIQUE_SIDE:
        for mask in range(1, 1 << len(A)):
            X = [i for i in range(len(A)) if mask >> i & 1]
            common = set.intersection(*(A[i] for i in X))
            if not common:
                continue
            closure = set.intersection(*(B[j] for j in common))
            out.add((tuple(sorted(closure)), tuple(sorted(common))))
    else:
        out |= {((i,), tuple(sorted(A[i]))) for i in range(len(A)) if A[i]}
        out |= {(tuple(sorted(B[j])), (j,)) for j in range(len(B)) if B[j]}
    if flip:
        out = {(y, x) for x, y in out}
    return sorted(out)


def _largest_biclique_through(pairs, nl, nr) -> dict[tuple[int, int], int]:
    """m(e): the size of the largest biclique containing pair e (an upper bound,
    deg(l) deg(r), when the graph is too large to enumerate)."""
    deg_l = Counter(l for l, _ in pairs)
    deg_r = Counter(r for _, r in pairs)
    m = {e: 0 for e in pairs}
    if min(nl, nr) > BICLIQUE_SIDE:
        return {(l, r): deg_l[l] * deg_r[r] for l, r in pairs}
    for L, R in _bicliques(pairs, nl, nr):
        size = len(L) * len(R)
        for l in L:
            for r in R:
                m[(l, r)] = max(m[(l, r)], size)
    return m


def _independent_pairs(pairs: Sequence[tuple[int, int]], budget: int = 200_000) -> int:
    """The most sampled pairs no two of which lie in one biclique ((l, r) and (l', r')
    share one iff (l, r') and (l', r) are sampled too); exact by branch and bound while
    ``budget`` nodes last, else the best found (still a valid bound: any such set works)."""
    ps = set(pairs)
    n = len(pairs)
    nb = [0] * n
    for i, (l, r) in enumerate(pairs):
        for j, (l2, r2) in enumerate(pairs):
            if i != j and (l, r2) in ps and (l2, r) in ps:
                nb[i] |= 1 << j
    best = [0]
    nodes = [0]

    def rec(cand: int, size: int) -> None:
        nodes[0] += 1
        if size + cand.bit_count() <= best[0] or nodes[0] > budget:
            return
        if not cand:
            best[0] = size
            return
        v = (cand & -cand).bit_length() - 1
        rec(cand & ~nb[v] & ~(1 << v), size + 1)  # take v
        rec(cand & ~(1 << v), size)  # leave v

    rec((1 << n) - 1, 0)
    return best[0]


def lower_bound(samples, stragglers: int = 0) -> LowerBound:
    r"""Workers that every linear scheme for these samples needs (see the module text).

    Threshold t (the number of distinct pairs) forces every worker into the span T of the
    products, supported on a biclique; then, per connected component c (bicliques never
    leave one) the workers there number at least
    :math:`\max(t_c + s,\ (s + 1) \sum_{e \in c} 1/m(e),\ (s + 1)\, I_c)`, with m(e)
    the largest biclique through e and :math:`I_c` the most pairs no two in one biclique.
    When these add up to more than t + s, the threshold is at least t + 1.

    >>> lower_bound([(i, j) for i in range(3) for j in range(3)], 2)  # K_{3,3}
    LowerBound(workers=11, threshold=9, method='target span: 9 independent products')
    >>> lower_bound([(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)], 2).workers
    11
    """
    from .codes.parsing import check_int  # here: ffcc.codes loads numba (see _catalog)

    st = _structure(samples)
    s = check_int(stragglers, "lower_bound: stragglers", lowest=0)
    t = st.t
    method = f"target span: {t} independent products"
    if s == 0:
        return LowerBound(t, t, method)
    m = _largest_biclique_through(st.pairs, *st.shape)
    comps = SampleGraph(st.pairs).components()
    need = 0
    why = []
    for c in comps:
        cp = [st.pairs[i] for i in c.samples]
        frac = (s + 1) * sum((Fraction(1, m[e]) for e in cp), Fraction(0))
        indep = _independent_pairs(cp) if len(cp) <= 64 else 0
        opts = {
            "t_c + s": len(cp) + s,
            "sum 1/m(e)": math.ceil(frac),
            "independent": (s + 1) * indep,
        }
        key = max(opts, key=opts.get)
        need += opts[key]
        why.append(f"{opts[key]} ({key})")
    if need > t + s:
        method = (
            f"biclique cover: threshold {t} would put every worker on a biclique of the "
            f"samples with each product covered s + 1 = {s + 1} times, needing "
            f"{' + '.join(why)} = {need} > t + s = {t + s} workers; so threshold >= {t + 1}"
        )
        return LowerBound(t + 1 + s, t + 1, method)
    return LowerBound(t + s, t, method)


# -- verification helpers ---------------------------------------------------------------
def _holds(scheme: Scheme, R: int | None = None, limit: int = VERIFY_LIMIT) -> bool | None:
    """True/False by exhaustive check; None when there are more than ``limit`` subsets."""
    R = scheme.R if R is None else R
    if math.comb(scheme.w, R) > limit:
        return None
    return verify(scheme, R, secrecy=0, progress=False).holds


def _trim(scheme: Scheme, deadline: float) -> Scheme:
    """The first R* + s workers, R* the smallest threshold verified (walking down from R
    while every subset decodes and the count stays affordable)."""
    s = scheme.stragglers
    R = scheme.R
    while R > 1 and time.perf_counter() < deadline:
        if _holds(scheme, R - 1, TRIM_LIMIT) is not True:
            break
        R -= 1
    if R == scheme.R:
        return scheme
    out = scheme.subset(range(R + s), s)
    out.name, out.params = scheme.name, dict(scheme.params)
    return out


def _scheme(F: PrimeField, st: _Structure, E1, E2, s: int, name: str, params: dict) -> Scheme:
    enc = [[E1[j], E2[j]] for j in range(len(E1))]
    targets = [[(pr, 1)] for pr in st.pairs]
    return Scheme(F, list(st.shape), enc, targets, stragglers=s, name=name, params=params)


# -- strategy: the catalog ----------------------------------------------------------------
def _catalog(st: _Structure, s: int, F: PrimeField, deadline: float):
    """The catalog's constructions for these pairs, cheapest formula first."""
    # measured: ffcc.codes loads numba, +0.8 s on `ffcc optimize --help` at module top
    from .codes.lagrange import lagrange
    from .codes.locality import coordinate_code
    from .codes.polynomial import polynomial_code

    t = st.t
    nl, nr = st.shape
    maps = [[l for l, _ in st.pairs], [r for _, r in st.pairs]]
    if t > 1 and t == nl * nr:
        pc = polynomial_code(nl, nr, s, p=F.p).to_dict()
        by_pair = {tuple(x[0][:2]): x for x in pc["targets"]}
        pc["targets"] = [by_pair[x] for x in st.pairs]
        yield "polynomial", from_dict(pc), "complete grid: A_i z^i, B_j z^(a j), k + s"
    t1 = coordinate_code(st.pairs, s, p=F.p)
    yield "theorem1", t1, "Theorem 1's vanishing products, 2k - u1 - u2 + 1 + s"
    if t > 1:
        lag = lagrange(t, s, p=F.p).relabel(maps, st.shape, "matdot/lagrange")
        yield "matdot/lagrange", lag, "2k - 1 + s: one curve through every product"
    eye = np.eye(t, dtype=np.int64)
    rep = Scheme(F, [t, t], [[eye[i], eye[i]] for i in range(t) for _ in range(s + 1)],
                 [[((i, i), 1)] for i in range(t)], s, name="replication")  # fmt: skip
    yield "replication", rep.relabel(maps, st.shape), f"every product on 1 + s = {s + 1} workers"


# -- strategy: biclique frame codes ---------------------------------------------------------
def _local(st: _Structure, s: int, F: PrimeField, rng, deadline: float, best=None):
    """Frame codes on the samples plus ``extra`` unsampled pairs, for extra = 0, 1, ...
    while t + extra + s stays below ``best()``; yields the first verified scheme."""
    nl, nr = st.shape
    base = set(st.pairs)
    nbr_l = [{r for l2, r in st.pairs if l2 == l} for l in range(nl)]
    nbr_r = [{l for l, r2 in st.pairs if r2 == r} for r in range(nr)]
    non_edges = [(l, r) for l in range(nl) for r in range(nr) if (l, r) not in base]
    # a non-edge closing many 4-cycles makes big bicliques: prefer it
    weight = np.array(
        [1 + sum(len(nbr_r[r] & nbr_l_x) for nbr_l_x in ([nbr_r[r2] for r2 in nbr_l[l]]))
         for l, r in non_edges], dtype=float)  # fmt: skip
    comps = SampleGraph(st.pairs).components()
    index = {e: i for i, e in enumerate(non_edges)}

    def connected(extra: int) -> tuple[int, ...]:
        """Extra pairs joining the components in a random tree, the rest by weight."""
        add = set()
        order = rng.permutation(len(comps)).tolist()
        for i in range(1, len(order)):
            a, b = comps[order[i]], comps[order[int(rng.integers(i))]]
            if rng.random() < 0.5:
                a, b = b, a
            add.add(index[(int(rng.choice(a.left)), int(rng.choice(b.right)))])
        free = [i for i in range(len(non_edges)) if i not in add]
        pr = weight[free] / weight[free].sum()
        more = rng.choice(free, extra - len(add), replace=False, p=pr).tolist() if free else []
        return tuple(sorted(add | set(more)))

    # a frame code on a disconnected pair set pays s per component: join them first
    for extra in range(len(comps) - 1, len(non_edges) + 1):
        if best is not None and st.t + extra + s >= best():
            return
        total = math.comb(len(non_edges), extra)
        if len(comps) == 1 and total <= 40:  # every choice of extra pairs
            choices = list(itertools.combinations(range(len(non_edges)), extra))
            rng.shuffle(choices)
        elif len(comps) == 1:
            pr = weight / weight.sum()
            choices = {tuple(sorted(rng.choice(len(non_edges), extra, replace=False, p=pr)))
                       for _ in range(16)}  # fmt: skip
        else:
            choices = {connected(extra) for _ in range(16)}
        for add in choices:
            if time.perf_counter() > deadline:
                return
            P = list(st.pairs) + [non_edges[i] for i in add]
            sch = _frame_code(st, P, s, F, rng, deadline)
            if sch is not None:
                yield (
                    f"local(extra={extra})",
                    sch,
                    f"frame code: {len(P) + s} rank-one workers on bicliques of the "
                    f"{st.t} samples"
                    + (f" + {extra} unsampled pairs" if extra else "")
                    + f", each pair covered s + 1 = {s + 1} times; threshold {len(P)}",
                )
                return  # more extra pairs only cost more workers


def _frame_code(st, P, s, F, rng, deadline, attempts: int = 8) -> Scheme | None:
    nl, nr = st.shape
    bic = _bicliques(P, nl, nr)
    cells = [[(l, r) for l in L for r in R] for L, R in bic]
    n = len(P)
    w = n + s
    for _ in range(attempts):
        if time.perf_counter() > deadline:
            return None
        cov = Counter()
        picks = []
        for _j in range(w):
            score = [sum(max(0, s + 1 - cov[e]) for e in cs) + rng.random() * 0.5 for cs in cells]
            b = int(np.argmax(score))
            picks.append(b)
            cov.update(cells[b])
        if any(cov[e] < s + 1 for e in P):
            continue
        E1 = np.zeros((w, nl), dtype=np.int64)
        E2 = np.zeros((w, nr), dtype=np.int64)
        for j, b in enumerate(picks):
            L, R = bic[b]
            E1[j, list(L)] = rng.integers(1, F.p, len(L))
            E2[j, list(R)] = rng.integers(1, F.p, len(R))
        sch = _scheme(F, st, E1, E2, s, "local", {"bicliques": [bic[b] for b in picks]})
        if _holds(sch):
            return sch
    return None


# -- strategy: monomial exponents -----------------------------------------------------------
def _exponent_order(st: _Structure) -> list[tuple[int, int]]:
    """Variables (side, index) in breadth-first order, so constraints close early."""
    nl, nr = st.shape
    adj = {(0, l): [] for l in range(nl)} | {(1, r): [] for r in range(nr)}
    for l, r in st.pairs:
        adj[(0, l)].append((1, r))
        adj[(1, r)].append((0, l))
    order, seen = [], set()
    for v in sorted(adj, key=lambda v: -len(adj[v])):
        if v in seen:
            continue
        queue = [v]
        seen.add(v)
        while queue:
            x = queue.pop(0)
            order.append(x)
            for y in sorted(adj[x], key=lambda y: -len(adj[y])):
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
    return order


def exponent_search(st: _Structure, D: int, deadline: float, limit: int = 8):
    """Exponent assignments with max(a) + max(b) <= D, min a = min b = 0, in which every
    sampled pair's sum a_l + b_r differs from every other pair's sum. Returns (solutions,
    finished): up to ``limit`` solutions, and whether the search space was exhausted."""
    nl, nr = st.shape
    order = _exponent_order(st)
    target = set(st.pairs)
    a = [-1] * nl
    b = [-1] * nr
    count: Counter = Counter()  # sum -> pairs with it (among assigned)
    tsum: Counter = Counter()  # sum -> sampled pairs with it
    sols = []
    steps = [0]
    state = {"finished": True}

    def place(side, i, v):
        """Assign and return the sums added, or None if a sampled sum collides."""
        added = []
        ok = True
        other = b if side == 0 else a
        for j, x in enumerate(other):
            if x < 0:
                continue
            pr = (i, j) if side == 0 else (j, i)
            sm = v + x
            count[sm] += 1
            added.append((sm, pr in target))
            if pr in target:
                tsum[sm] += 1
        for sm, _ in added:
            if tsum[sm] and count[sm] > 1:
                ok = False
        return added, ok

    def undo(added):
        for sm, is_t in added:
            count[sm] -= 1
            if is_t:
                tsum[sm] -= 1

    def rec(pos, maxa, maxb):
        steps[0] += 1
        if steps[0] % 4096 == 0 and time.perf_counter() > deadline:
            state["finished"] = False
            return True
        if pos == len(order):
            if min(a) == 0 and min(b) == 0:
                sols.append((tuple(a), tuple(b)))
                return len(sols) >= limit
            return False
        side, i = order[pos]
        arr = a if side == 0 else b
        cap = D - (maxb if side == 0 else maxa)
        for v in range(0, cap + 1):
            arr[i] = v
            added, ok = place(side, i, v)
            if ok:
                na, nb = (max(maxa, v), maxb) if side == 0 else (maxa, max(maxb, v))
                if rec(pos + 1, na, nb):
                    undo(added)
                    arr[i] = -1
                    return True
            undo(added)
        arr[i] = -1
        return False

    rec(0, 0, 0)
    return sols, state["finished"] and len(sols) < limit


def _monomial_scheme(st, F, a, b, nodes, s, name, why) -> Scheme:
    x = np.asarray(nodes, dtype=np.int64)
    E1 = F.vandermonde(x, max(a) + 1)[:, list(a)]
    E2 = F.vandermonde(x, max(b) + 1)[:, list(b)]
    return _scheme(F, st, E1, E2, s, name, {"a_exponents": list(a), "b_exponents": list(b),
                                            "nodes": x.tolist(), "why": why})  # fmt: skip


def _exponents(st: _Structure, s: int, F: PrimeField, rng, deadline: float, info: dict):
    """Descend from the polynomial code's exponents (a_l = l, b_r = |lefts| r, always
    valid) to the least degree D the search can reach; exhaustive when the search at
    D - 1 finishes without a solution."""
    nl, nr = st.shape
    best = ((tuple(range(nl)), tuple(nl * r for r in range(nr))),)
    D = nl * nr - 1
    exhaustive = False
    while D > st.t - 1 and time.perf_counter() < deadline:
        sols, finished = exponent_search(st, D - 1, deadline, limit=1)
        if sols:
            best = sols
            D = max(sols[0][0]) + max(sols[0][1])
        else:
            exhaustive = finished
            break
    exhaustive = exhaustive or D == st.t - 1  # t distinct sums need degree >= t - 1
    more, _ = exponent_search(st, D, deadline, limit=6)
    sols = more or list(best)
    info.update(
        family="univariate monomial exponents A_l z^a_l, B_r z^b_r, interpolating the "
        "whole product (threshold deg + 1)",
        degree=D,
        workers=D + 1 + s,
        exhaustive=exhaustive,
    )
    a, b = sols[0]
    yield (
        "exponents(degree)",
        _monomial_scheme(st, F, a, b, F.nodes(D + 1 + s), s, "exponents",
                         f"degree {D}"),
        f"A-exponents {list(a)}, B-exponents {list(b)}: every sampled sum is unique, product "
        f"degree {D}, so any {D + 1} distinct nodes interpolate it",
    )  # fmt: skip
    # support-sized and measured thresholds need the right nodes: random ones, verified
    best = None
    for a, b in sols:
        sums = {x + y for x in a for y in b}
        for _ in range(3):
            if time.perf_counter() > deadline:
                break
            nodes = rng.choice(np.arange(1, F.p), D + 1 + s, replace=False)
            sch = _monomial_scheme(st, F, a, b, nodes, s, "exponents", "")
            sch = _trim(sch, deadline)
            if best is None or sch.w < best[0].w:
                best = (sch, a, b, len(sums))
    if best is not None and best[0].w < D + 1 + s:
        sch, a, b, support = best
        yield (
            "exponents(nodes)",
            sch,
            f"A-exponents {list(a)}, B-exponents {list(b)}: the product has {support} "
            f"monomials (degree {D}); with these nodes every {sch.R}-subset recovers the "
            "sampled coefficients (verified)",
        )


# -- strategy: sparse (support-sized) monomial codes, univariate and bivariate ---------------
def support_search(
    st: _Structure, dims: int, deadline: float, rng, moves: int = 20_000, restarts: int = 1000
):
    r"""Exponent vectors in :math:`\{0..M\}^{dims}` with every sampled sum unique and as
    few distinct sums (monomials of the product) as a randomised hill climb finds.
    Stops at ``deadline`` or after ``restarts`` climbs of ``moves`` steps. Returns
    ``(support, a, b)`` with a, b lists of exponent tuples, or None."""
    nl, nr = st.shape
    target = set(st.pairs)
    M = 2 * st.t if dims == 1 else st.t
    cells = [(l, r) for l in range(nl) for r in range(nr)]

    def cost(a, b):
        sums = Counter(tuple(x + y for x, y in zip(a[l], b[r], strict=True)) for l, r in cells)
        bad = sum(
            sums[tuple(x + y for x, y in zip(a[l], b[r], strict=True))] > 1 for l, r in target
        )
        return 1000 * bad + len(sums)

    best = None
    for _ in range(restarts):
        if time.perf_counter() > deadline:
            break
        a = [tuple(int(v) for v in rng.integers(0, M + 1, dims)) for _ in range(nl)]
        b = [tuple(int(v) for v in rng.integers(0, M + 1, dims)) for _ in range(nr)]
        c = cost(a, b)
        for step in range(moves):
            if step % 512 == 0 and time.perf_counter() > deadline:
                break
            side = a if rng.random() < nl / (nl + nr) else b
            i = int(rng.integers(len(side)))
            old = side[i]
            side[i] = tuple(int(v) for v in rng.integers(0, M + 1, dims))
            c2 = cost(a, b)
            if c2 <= c:
                c = c2
            else:
                side[i] = old
        if c < 1000 and (best is None or c < best[0]):
            best = (c, list(a), list(b))
            if c == st.t + (1 if len(cells) > st.t else 0):
                break  # every non-sampled sum on one monomial: nothing smaller exists
    return best


def _sparse_scheme(st, F, a, b, points, s) -> Scheme:
    r"""Worker j at point ``points[j]`` (one coordinate per dimension) gets
    :math:`\prod_d x_{j,d}^{a_l[d]}` for block l (likewise B)."""
    pts = [[int(v) for v in pt] for pt in points]

    def mono(e, pt):
        out = 1
        for x, k in zip(pt, e, strict=True):
            out = out * pow(x, int(k), F.p) % F.p
        return out

    E1 = [[mono(e, pt) for e in a] for pt in pts]
    E2 = [[mono(e, pt) for e in b] for pt in pts]
    return _scheme(F, st, E1, E2, s, "sparse", {"a_exponents": [list(e) for e in a],
                                               "b_exponents": [list(e) for e in b],
                                               "points": pts})  # fmt: skip


def _support(st: _Structure, s: int, F: PrimeField, rng, deadline: float, best=None):
    """Few monomials instead of low degree: the product lies in the span of its distinct
    sums, so with points where every support-sized set of evaluations is invertible (random,
    verified) the threshold is the support size."""
    for dims in (1, 2):
        share = time.perf_counter() + 0.5 * max(deadline - time.perf_counter(), 0.0)
        found = support_search(st, dims, share, rng)
        if found is None:
            continue
        support, a, b = found
        if best is not None and support + s >= best():
            continue
        for _ in range(4):
            if time.perf_counter() > deadline:
                return
            pts = rng.integers(1, F.p, (support + s, dims))
            sch = _sparse_scheme(st, F, a, b, pts, s)
            if _holds(sch):
                kind = "univariate" if dims == 1 else "bivariate"
                yield (
                    f"support({kind})",
                    sch,
                    f"{kind} monomials A-exponents {[list(e) for e in a]}, B-exponents "
                    f"{[list(e) for e in b]}: every sampled sum unique, {support} distinct "
                    f"sums, so the product has {support} monomials; at these random points "
                    f"every {support}-subset of evaluations is invertible (verified)",
                )
                break


# -- strategy: components -----------------------------------------------------------------
def _direct_sum(parts: list[Scheme], st: _Structure, sub: list[_Structure], s: int, F) -> Scheme:
    nl, nr = st.shape
    rows1, rows2 = [], []
    for sch, part in zip(parts, sub, strict=True):
        gl = [st.lefts.index(x) for x in part.lefts]
        gr = [st.rights.index(x) for x in part.rights]
        for j in range(sch.w):
            e1 = np.zeros(nl, dtype=np.int64)
            e2 = np.zeros(nr, dtype=np.int64)
            e1[gl] = sch.E[0][j]
            e2[gr] = sch.E[1][j]
            rows1.append(e1)
            rows2.append(e2)
    return _scheme(F, st, rows1, rows2, s, "components", {})


# -- the search -----------------------------------------------------------------------------
def optimize(
    samples,
    stragglers: int = 1,
    *,
    time_limit: float = 10.0,
    p: int = 65537,
    seed: int = 0,
    strategies: Sequence[str] | None = None,
    progress: bool | None = None,
) -> OptimizeResult:
    """Search for a scheme with few workers for the sampled products; verify it; bound it.

    Parameters
    ----------
    samples:
        (A-block, B-block) pairs or a :class:`~ffcc.structure.SampleGraph`; a repeated
        pair is one product.
    stragglers:
        s, tolerated by the scheme as a whole.
    time_limit:
        Seconds for the search (the catalog baseline always runs; verification of the
        result is not counted).
    strategies:
        Any of ``"catalog"``, ``"local"``, ``"exponents"``, ``"support"``, ``"components"``
        (default all).

    Example
    -------
    Two disjoint products :math:`A_0B_0, A_1B_1` with s = 1: the catalog alone (no timed
    search, so the result does not depend on the machine) finds 4 workers, and the lower
    bound shows that no linear scheme does with fewer.

    >>> res = optimize([(0, 0), (1, 1)], stragglers=1, strategies=["catalog"])
    >>> res.workers, res.threshold, res.lower_bound, res.closed, res.report.holds
    (4, 3, 4, True, True)
    """
    from .codes.parsing import check_int  # here: ffcc.codes loads numba (see _catalog)

    t0 = time.perf_counter()
    s = check_int(stragglers, "optimize: stragglers", lowest=0)
    if not time_limit > 0:
        raise InputError(f"optimize: time limit must be positive, got {time_limit}")
    known = ("catalog", "local", "exponents", "support", "components")
    use = known if strategies is None else tuple(strategies)
    bad = [x for x in use if x not in known]
    if bad:
        raise InputError(f"optimize: unknown strategy {bad[0]!r}; choose from {', '.join(known)}")
    F = PrimeField(p)
    st = _structure(samples)
    rng = np.random.default_rng(seed)
    deadline = t0 + time_limit
    bound = lower_bound([(st.lefts[l], st.rights[r]) for l, r in st.pairs], s)
    found: list[Found] = []
    family: dict = {}
    cand_rows = []

    bar = Progress(int(10 * time_limit) + 1, "optimize: search time (0.1 s steps)", progress)

    def tick() -> None:  # the bar shows the time spent against the limit
        bar.update(min(int(10 * (time.perf_counter() - t0)), bar.total) - bar.done)

    def consider(method, sch, why) -> None:
        tick()
        row = {"method": method, "workers": sch.w, "threshold": sch.R, "verified": None}
        cand_rows.append(row)
        if found and sch.w >= min(f.workers for f in found):
            return  # not better than what is verified already: not worth checking
        row["verified"] = ok = _holds(sch)
        if ok:
            sch.params = {**sch.params, "method": method, "why": why}
            found.append(Found(method, sch, why))

    def best_workers() -> int:
        return min((f.workers for f in found), default=10**9)

    def share(frac: float) -> float:  # a strategy's deadline: a share of the time left
        now = time.perf_counter()
        return now + frac * max(deadline - now, 0.0)

    gens = []
    if "catalog" in use:
        gens.append(("catalog", lambda: _catalog(st, s, F, deadline)))
    if "local" in use:
        gens.append(("local", lambda: _local(st, s, F, rng, share(0.5), best_workers)))
    if "exponents" in use:
        gens.append(("exponents", lambda: _exponents(st, s, F, rng, share(0.4), family)))
    if "support" in use:
        gens.append(("support", lambda: _support(st, s, F, rng, share(0.7), best_workers)))
    with bar:
        for _name, gen in gens:
            for method, sch, why in gen():
                consider(method, sch, why)
                if best_workers() == bound.workers:
                    break
            tick()
            if best_workers() == bound.workers:
                break
        # measured thresholds: keep the first R* + s workers of what was found
        for f in sorted(found, key=lambda f: f.workers)[:3]:
            if time.perf_counter() > deadline or f.workers == bound.workers:
                break
            if f.method.startswith(("theorem1", "exponents", "matdot")):
                sch = _trim(f.scheme, deadline)
                if sch.w < f.workers:
                    consider(f"{f.method.split('(')[0]}(measured)", sch,
                             f"{f.why}; span-aware: every {sch.R}-subset of the first "
                             f"{sch.w} workers decodes (verified)")  # fmt: skip
        comps = SampleGraph([(st.lefts[l], st.rights[r]) for l, r in st.pairs]).components()
        if "components" in use and len(comps) > 1 and best_workers() > bound.workers:
            parts, subs = [], []
            left = max(deadline - time.perf_counter(), 0.5)
            for c in comps:
                pairs = [(st.lefts[st.pairs[i][0]], st.rights[st.pairs[i][1]]) for i in c.samples]
                sub = optimize(
                    pairs,
                    s,
                    time_limit=left / len(comps),
                    p=p,
                    seed=seed,
                    strategies=[x for x in use if x != "components"],
                    progress=False,
                )
                parts.append(sub.scheme)
                subs.append(_structure(pairs))
            sch = _direct_sum(parts, st, subs, s, F)
            consider("components", sch, f"{len(comps)} components coded apart, each "
                     f"tolerating s = {s}: " + " + ".join(str(x.w) for x in parts))  # fmt: skip
        bar.update(bar.total - bar.done)
    if not found:
        raise InputError("optimize: no strategy produced a verifiable scheme; allow 'catalog'")
    order = {m: i for i, m in enumerate(known)}
    best = min(found, key=lambda f: (f.workers, order.get(f.method.split("(")[0], 9)))
    best.scheme.params = {
        **best.scheme.params,
        "a_blocks": [_jsonable(x) for x in st.lefts],
        "b_blocks": [_jsonable(x) for x in st.rights],
        "lower_bound": bound.workers,
        "lower_bound_method": bound.method,
    }
    best.scheme.name = f"optimize({best.method})"
    report = verify(best.scheme, progress=progress)
    if not report.holds:  # cannot happen: every candidate was checked the same way
        raise RuntimeError(f"optimize: the best scheme failed verification: {report.summary()}")
    res = OptimizeResult(
        [(st.lefts[l], st.rights[r]) for l, r in st.pairs],
        s,
        best,
        report,
        bound,
        _theorem1_columns(st, s, samples, p),
        cand_rows,
        family or None,
    )
    res.seconds = time.perf_counter() - t0
    return res


def _theorem1_columns(st: _Structure, s: int, samples, p: int) -> dict:
    """Theorem 1's bound as the paper counts (repeats kept) and the threshold the verifier
    measures for that encoder (None when too many subsets)."""
    from .codes.locality import theorem1_bound, theorem1_report  # numba: see _catalog

    raw = list(samples.samples) if isinstance(samples, SampleGraph) else list(samples)
    li = {x: i for i, x in enumerate(st.lefts)}
    ri = {x: i for i, x in enumerate(st.rights)}
    local = [(li[l], ri[r]) for l, r in raw]
    b = theorem1_bound(local, s, merge=False)
    w = b["workers"]
    measured = None
    if sum(math.comb(w, r) for r in range(st.t, w - s + 1)) <= VERIFY_LIMIT:
        measured = theorem1_report(local, s, merge=False, p=p).measured_workers
    return {"bound_workers": w, "measured_workers": measured, "k": b["k"], "u": [b["u1"], b["u2"]]}
