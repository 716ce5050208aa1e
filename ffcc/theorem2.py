r"""Theorem 2: how likely :math:`k` random samples give every basis element :math:`v` uses.

A sketch draws :math:`k` i.i.d. pairs :math:`(X^{(1)}_r, X^{(2)}_r)` (an A-block and a B-block)
from a pair distribution. Theorem 2 of the paper bounds the probability that every basis element
that can be drawn is drawn at least :math:`v` times on both sides,
:math:`\mathbb P[u_1 \ge v, u_2 \ge v]` with :math:`u_j` of eq. (3) (see
:mod:`ffcc.structure`), a double coupon-collector event: after
:math:`k' = v\gamma r\ln r` samples it is at least :math:`1 - v / r^{\gamma - 1}`.

* :func:`prob_u_at_least`: the probability itself, exact (a rational number, by a dynamic
  programme over count vectors) or by Monte Carlo with a 99% Wilson score interval
  (:class:`UProbability`).
* :func:`theorem2_bound` and :func:`theorem2_parameters`: the theorem's :math:`\delta`,
  :math:`r`, :math:`k'` and bound (:class:`Theorem2Parameters`).

Example (4 equally likely pairs on 2 + 2 blocks; the bound is vacuous at this size, the exact
value is not):

    >>> from fractions import Fraction as F
    >>> from ffcc.theorem2 import prob_u_at_least, theorem2_parameters
    >>> P = [[F(1, 4), F(1, 4)], [F(1, 4), F(1, 4)]]
    >>> prob_u_at_least(P, k=4, v=1).value
    Fraction(49, 64)
    >>> t = theorem2_parameters(P, v=1, gamma=2)
    >>> t.r, t.k, t.bound
    (4.0, 12, 0.75)
    >>> prob_u_at_least(P, k=t.k, v=1).value >= t.bound
    True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

__all__ = [
    "Theorem2Parameters",
    "UProbability",
    "prob_u_at_least",
    "theorem2_bound",
    "theorem2_parameters",
]

# Two-sided 99% normal quantile, Phi^{-1}(0.995), for the Wilson score interval.
Z99 = 2.5758293035489004


@dataclass(frozen=True)
class UProbability:
    r""":math:`\mathbb P[u_1 \ge v, u_2 \ge v]`.

    ``value`` is an exact ``Fraction`` when ``method == "exact"``; for ``"monte-carlo"`` it is
    the empirical frequency over ``n_samples`` runs and ``ci`` is the 99% Wilson score interval.

    Example (one pair of probability 1: after 2 draws it has been drawn twice, surely):

        >>> from ffcc.theorem2 import prob_u_at_least
        >>> prob_u_at_least({("a", "x"): 1}, k=2, v=2)
        UProbability(value=Fraction(1, 1), method='exact', ci=None, n_samples=None)
        >>> mc = prob_u_at_least({("a", "x"): 1}, k=2, v=2, method="monte-carlo", mc_samples=10)
        >>> mc.value, mc.n_samples
        (1.0, 10)
    """

    value: Fraction | float
    method: str
    ci: tuple[float, float] | None = None
    n_samples: int | None = None


def _to_fraction(x) -> Fraction:
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"probability {x!r} is not a real number")
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"probability {x!r} is not finite")
    return Fraction(x)


def _pair_distribution(pair_probs) -> tuple[list[tuple[Hashable, Hashable]], list[Fraction]]:
    """Pairs with positive probability and their exact (normalised) probabilities."""
    if isinstance(pair_probs, Mapping):
        items = list(pair_probs.items())
    else:
        arr = np.asarray(pair_probs, dtype=object)
        if arr.ndim != 2:
            raise ValueError("pair_probs must be a mapping {(l, r): p} or a 2-D matrix")
        items = [((i, j), arr[i, j]) for i in range(arr.shape[0]) for j in range(arr.shape[1])]
    pairs, probs = [], []
    for key, p in items:
        fp = _to_fraction(p)
        if fp < 0:
            raise ValueError(f"negative probability {p!r} for pair {key!r}")
        if fp > 0:
            pairs.append(key)
            probs.append(fp)
    total = sum(probs, Fraction(0))
    if total == 0:
        raise ValueError("pair_probs has no positive probability")
    return pairs, [p / total for p in probs]


def prob_u_at_least(
    pair_probs,
    k: int,
    v: int,
    *,
    method: str = "auto",
    exact_limit: int = 2_000_000,
    mc_samples: int = 20_000,
    rng=0,
) -> UProbability:
    r""":math:`\mathbb P[u_1 \ge v \text{ and } u_2 \ge v]` after ``k`` i.i.d. samples of pairs.

    Reading of Theorem 2: :math:`u_j` is taken over the basis elements that *can* be sampled
    (those with positive marginal probability), so the event is that every such left element
    and every such right element is sampled at least ``v`` times -- a double coupon-collector
    event. (Over only the elements actually drawn, :math:`u_j` could be large by luck while some
    element is never seen; the theorem's union bound is over all elements.)

    ``pair_probs`` is a mapping ``{(l, r): p}`` or a 2-D matrix ``P[l, r]``; entries may be
    ints, ``Fraction`` or floats (floats are taken at their exact binary value) and are
    normalised by their total. Zero entries are pairs that cannot be drawn.

    Exact method (rational arithmetic): with :math:`p_e = a_e/D`, the probability is
    :math:`D^{-k}\sum_c \binom{k}{c}\prod_e a_e^{c_e}` over count vectors :math:`c` of the pairs
    (multinomial) that meet the event. The sum is a dynamic programme over pairs, ordered so
    that vertices finish early; a state is (samples still to place, counts per open vertex
    capped at ``v``), so equal states merge, and a vertex is checked and dropped as soon as its
    last pair is processed. States that can no longer reach ``v`` everywhere are pruned. If the
    programme needs more than ``exact_limit`` state transitions (about a second per million)
    and ``method="auto"``, it is abandoned and Monte Carlo is used instead:
    ``mc_samples`` runs with a numpy ``Generator`` seeded by ``rng`` and a 99% Wilson score
    interval.

    Args:
        pair_probs: the pair distribution.
        k: number of samples, ``k >= 0``.
        v: threshold, ``v >= 0`` (``v = 0`` gives probability 1).
        method: ``"auto"``, ``"exact"`` (never falls back) or ``"monte-carlo"``.

    Example:
        >>> from fractions import Fraction as F
        >>> from ffcc.theorem2 import prob_u_at_least
        >>> prob_u_at_least({("a", "x"): F(1, 2), ("b", "y"): F(1, 2)}, k=2, v=1).value
        Fraction(1, 2)
    """
    if method not in ("auto", "exact", "monte-carlo"):
        raise ValueError(f"method must be 'auto', 'exact' or 'monte-carlo', got {method!r}")
    for val, name in ((k, "k"), (v, "v")):
        if not isinstance(val, Integral) or isinstance(val, bool) or val < 0:
            raise ValueError(f"{name} must be a non-negative int, got {val!r}")
    k, v = int(k), int(v)
    pairs, probs = _pair_distribution(pair_probs)
    lefts = list(dict.fromkeys(l for l, _ in pairs))
    rights = list(dict.fromkeys(r for _, r in pairs))
    if method == "monte-carlo":
        return _mc(pairs, probs, lefts, rights, k, v, mc_samples, rng)
    if v == 0:
        return UProbability(Fraction(1), "exact")
    if k < v * max(len(lefts), len(rights)):
        return UProbability(Fraction(0), "exact")  # each sample feeds one vertex per side
    value = _exact(pairs, probs, lefts, rights, k, v, None if method == "exact" else exact_limit)
    if value is None:
        return _mc(pairs, probs, lefts, rights, k, v, mc_samples, rng)
    return UProbability(value, "exact")


def _exact(pairs, probs, lefts, rights, k, v, max_work):
    D = math.lcm(*(p.denominator for p in probs))
    nl = len(lefts)
    lid = {l: i for i, l in enumerate(lefts)}
    rid = {r: nl + i for i, r in enumerate(rights)}
    # Go through the larger side's vertices one at a time so they close early; the smaller
    # side stays open throughout.
    edges = [(lid[l], rid[r], int(p * D)) for (l, r), p in zip(pairs, probs, strict=True)]
    edges.sort(key=(lambda e: (e[0], e[1])) if nl >= len(rights) else (lambda e: (e[1], e[0])))
    nv = nl + len(rights)
    last = {}
    for pos, (a, b, _) in enumerate(edges):
        last[a] = last[b] = pos
    closing = [[x for x in (a, b) if last[x] == pos] for pos, (a, b, _) in enumerate(edges)]
    left_ids, right_ids = range(nl), range(nl, nv)

    def feasible(rem: int, cnt: tuple[int, ...]) -> bool:
        return rem >= sum(v - cnt[x] for x in left_ids) and rem >= sum(
            v - cnt[x] for x in right_ids
        )

    # Closed vertices are parked at count v so that states merge.
    states: dict[tuple[int, tuple[int, ...]], int] = {(k, (0,) * nv): 1}
    work = 0
    for pos, (a, b, w) in enumerate(edges):
        powers = [w**c for c in range(k + 1)]
        new: dict[tuple[int, tuple[int, ...]], int] = {}
        final = pos == len(edges) - 1
        for (rem, cnt), weight in states.items():
            work += rem + 1
            if max_work is not None and work > max_work:
                return None
            for c in range(rem if final else 0, rem + 1):
                lst = list(cnt)
                lst[a] = min(v, lst[a] + c)
                lst[b] = min(v, lst[b] + c)
                if any(lst[x] < v for x in closing[pos]):
                    continue
                nrem = rem - c
                nc = tuple(lst)
                if not feasible(nrem, nc):
                    continue
                s = (nrem, nc)
                new[s] = new.get(s, 0) + weight * math.comb(rem, c) * powers[c]
        states = new
    total = sum(w for (rem, _), w in states.items() if rem == 0)
    return Fraction(total, D**k)


def _wilson(successes: int, n: int, z: float = Z99) -> tuple[float, float]:
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def _mc(pairs, probs, lefts, rights, k, v, n, rng) -> UProbability:
    if not isinstance(n, Integral) or n < 1:
        raise ValueError(f"mc_samples must be a positive int, got {n!r}")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    lid = {l: i for i, l in enumerate(lefts)}
    rid = {r: i for i, r in enumerate(rights)}
    pl = np.array([lid[l] for l, _ in pairs])
    pr = np.array([rid[r] for _, r in pairs])
    p = np.array([float(x) for x in probs])
    p /= p.sum()
    nl, nr = len(lefts), len(rights)
    hits = 0
    chunk = max(1, 1_000_000 // max(k, 1))
    done = 0
    while done < n:
        b = min(chunk, n - done)
        draws = gen.choice(len(pairs), size=(b, k), p=p)
        rows = np.arange(b)[:, None]
        cl = np.bincount((rows * nl + pl[draws]).ravel(), minlength=b * nl).reshape(b, nl)
        cr = np.bincount((rows * nr + pr[draws]).ravel(), minlength=b * nr).reshape(b, nr)
        hits += int(np.count_nonzero((cl >= v).all(axis=1) & (cr >= v).all(axis=1)))
        done += b
    return UProbability(hits / n, "monte-carlo", _wilson(hits, n), n)


def theorem2_bound(delta: float, r: float, v: int, gamma: float) -> float:
    r"""Theorem 2's bound :math:`1 - v / r^{\gamma-1} \le \mathbb P[u_1\ge v,u_2\ge v]`.

    Valid after :math:`k' = v\gamma r\ln r` samples (see :func:`theorem2_parameters`). ``delta``
    is accepted for symmetry with the theorem's statement and checked (``r >= 1/delta``); the
    bound itself depends on ``r``, ``v`` and ``gamma`` only. It may be negative (vacuous).

    Example (:math:`1 - 2 / 10^{2-1}`):

        >>> from ffcc.theorem2 import theorem2_bound
        >>> round(theorem2_bound(delta=0.1, r=10, v=2, gamma=2), 12)
        0.8
    """
    if not 0 < delta <= 1:
        raise ValueError(f"delta must be in (0, 1], got {delta!r}")
    if r < 1 / delta * (1 - 1e-12):
        raise ValueError(f"r must be at least 1/delta = {1 / delta}, got {r!r}")
    if not isinstance(v, Integral) or v < 1:
        raise ValueError(f"v must be a positive int, got {v!r}")
    if not gamma > 1:
        raise ValueError(f"gamma must be > 1, got {gamma!r}")
    return 1.0 - v / float(r) ** (gamma - 1)


class Theorem2Parameters(NamedTuple):
    r"""What :func:`theorem2_parameters` returns: the smallest nonzero pair probability
    ``delta``, ``r``, the sample count ``k_prime`` :math:`= v\gamma r\ln r`, ``k`` its
    ceiling, and the lower ``bound`` on :math:`\mathbb P[u_1 \ge v, u_2 \ge v]`.

    Example:

        >>> from ffcc.theorem2 import theorem2_parameters
        >>> theorem2_parameters({(0, 0): 1, (1, 1): 1}, v=1, gamma=2).k  # r = 4: 8 ln 4 = 11.09
        12
    """

    delta: Fraction
    r: float
    k_prime: float
    k: int
    bound: float


def theorem2_parameters(
    pair_probs,
    v: int,
    gamma: float,
    *,
    m: int | None = None,
    n: int | None = None,
    q: int | None = None,
) -> Theorem2Parameters:
    r"""Theorem 2's :math:`\delta`, :math:`r`, :math:`k' = v\gamma r\ln r`, ``ceil(k')``, bound.

    The logarithm is natural (coupon-collector tail :math:`(1-1/r)^{\gamma r\ln r}\le r^{-\gamma}`).

    Reading of the paper: :math:`\delta` is the smallest *nonzero* pair probability and
    :math:`r = \max(1/\delta, (m+n)q)`; the paper's ":math:`(m+n)p`" is read as
    :math:`(m+n)q`, the largest possible number of basis elements (:math:`mq` A-blocks and
    :math:`qn` B-blocks). Each element then has marginal probability at least
    :math:`\delta \ge 1/r` and there are at most :math:`r` of them, which is what the
    coupon-collector union bound needs. Without ``m, n, q`` the actual number of basis
    elements with positive probability is used in place of :math:`(m+n)q`.

    Example (uniform over the 4 pairs of a 2 x 2 grid: :math:`\delta = 1/4`, :math:`r = 4`):

        >>> from fractions import Fraction as F
        >>> from ffcc.theorem2 import theorem2_parameters
        >>> t = theorem2_parameters([[F(1, 4)] * 2] * 2, v=1, gamma=2)
        >>> t.delta, t.r, round(t.k_prime, 4), t.k, t.bound  # k' = 8 ln 4
        (Fraction(1, 4), 4.0, 11.0904, 12, 0.75)
    """
    pairs, probs = _pair_distribution(pair_probs)
    delta = min(probs)
    if m is None and n is None and q is None:
        nvert = len({l for l, _ in pairs}) + len({r for _, r in pairs})
    elif None in (m, n, q):
        raise ValueError("give all of m, n, q or none of them")
    else:
        nvert = (m + n) * q
    r = max(float(1 / delta), float(nvert))
    k_prime = v * gamma * r * math.log(r)
    return Theorem2Parameters(
        delta, r, k_prime, math.ceil(k_prime), theorem2_bound(float(delta), r, v, gamma)
    )
