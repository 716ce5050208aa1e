r"""The sample graph of a sketch and the dependency counts :math:`u_1, u_2` (paper Section IV-A).

A sketch such as Grid CR-MM produces samples :math:`X_r = (X^{(1)}_r, X^{(2)}_r)`,
:math:`r \in [k]`, each a pair of basis elements (an A-block and a B-block). Viewing basis
elements of coordinate 1 and 2 as the two sides of a bipartite multigraph and every sample as an
edge gives the *sample graph*. Eq. (3) of the paper defines, for coordinate :math:`j`,

.. math:: u_j = \min_{l}\ \sum_{r} \mathbb{1}[X^{(j)}_r = \mathcal B^{(j)}_l],

the fewest samples sharing one basis element, i.e. the minimum degree on side :math:`j` of the
(sub)graph. Theorem 1 turns :math:`u_1, u_2` into saved workers, Theorem 3 says
:math:`k \ge (m+n)q` samples always contain a subset with :math:`u_1, u_2 \ge 2` (a cycle), and
Theorem 2 bounds :math:`\mathbb P[u_1 \ge v, u_2 \ge v]` via coupon collecting.

This module provides :class:`SampleGraph` (multiplicities, components, :math:`u`, cycles,
covers by groups with :math:`u \ge 2`), :func:`prob_u_at_least` (exact rational probability or a
Monte Carlo estimate with a 99% Wilson interval) and the Theorem 2 helpers
:func:`theorem2_bound` and :func:`theorem2_parameters`.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

__all__ = [
    "Component",
    "Cover",
    "SampleGraph",
    "Theorem2Parameters",
    "UProbability",
    "prob_u_at_least",
    "theorem2_bound",
    "theorem2_parameters",
]

# Two-sided 99% normal quantile, Phi^{-1}(0.995), for the Wilson score interval.
Z99 = 2.5758293035489004


class Component(NamedTuple):
    """A connected component: its sample indices and its left/right basis elements."""

    samples: tuple[int, ...]
    left: tuple
    right: tuple


class Cover(NamedTuple):
    """Disjoint groups of sample indices, each with ``u1, u2 >= v``, and the samples left over."""

    groups: tuple[tuple[int, ...], ...]
    leftover: tuple[int, ...]


class SampleGraph:
    r"""Bipartite multigraph of samples ``(l, r)``; ``l`` and ``r`` are hashable basis ids.

    Left and right ids live in separate namespaces (``l == r`` is allowed and means nothing).
    Samples are indexed ``0..k-1`` in the given order; repeats are parallel edges.

    Example (Figure 2 of the paper, 0-based):

        >>> from ffcc.structure import SampleGraph
        >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)])
        >>> g.u()
        (2, 2)
        >>> sorted(g.find_cycle())
        [0, 1, 2, 3, 4, 5, 6, 7]
        >>> SampleGraph([("a", "x"), ("b", "x"), ("a", "x")]).find_cycle()  # a repeated pair
        (0, 2)
    """

    def __init__(self, samples: Iterable[tuple[Hashable, Hashable]]):
        pairs = []
        for t, s in enumerate(samples):
            try:
                l, r = s
                hash(l), hash(r)
            except (TypeError, ValueError):
                raise TypeError(f"sample {t} is not a pair of hashable ids: {s!r}") from None
            pairs.append((l, r))
        self._samples = tuple(pairs)
        self._left = tuple(dict.fromkeys(l for l, _ in pairs))
        self._right = tuple(dict.fromkeys(r for _, r in pairs))
        lid = {l: i for i, l in enumerate(self._left)}
        nl = len(self._left)
        rid = {r: nl + i for i, r in enumerate(self._right)}
        # Vertex ints: left ids 0..nl-1, right ids nl..; samples as (u, v) vertex pairs.
        self._ends = tuple((lid[l], rid[r]) for l, r in pairs)

    # -- basic reports ---------------------------------------------------------------------

    @property
    def samples(self) -> tuple[tuple[Hashable, Hashable], ...]:
        return self._samples

    @property
    def k(self) -> int:
        """Number of samples (edges counted with multiplicity)."""
        return len(self._samples)

    @property
    def left(self) -> tuple:
        """Basis elements of coordinate 1, in first-appearance order."""
        return self._left

    @property
    def right(self) -> tuple:
        """Basis elements of coordinate 2, in first-appearance order."""
        return self._right

    @property
    def multiplicities(self) -> Counter:
        """``Counter`` of sampled pairs."""
        return Counter(self._samples)

    @property
    def edges(self) -> tuple[tuple[Hashable, Hashable], ...]:
        """Distinct sampled pairs, in first-appearance order."""
        return tuple(dict.fromkeys(self._samples))

    def __len__(self) -> int:
        return len(self._samples)

    def __repr__(self) -> str:
        return (
            f"SampleGraph(k={self.k}, edges={len(self.edges)}, left={len(self._left)}, "
            f"right={len(self._right)})"
        )

    def _subset(self, subset) -> list[int]:
        if subset is None:
            return list(range(self.k))
        idx = []
        for t in subset:
            if not isinstance(t, Integral) or isinstance(t, bool) or not 0 <= t < self.k:
                raise ValueError(f"subset entry {t!r} is not a sample index in 0..{self.k - 1}")
            idx.append(int(t))
        if len(set(idx)) != len(idx):
            raise ValueError("subset contains a repeated sample index")
        return sorted(idx)

    def _vertex_id(self, v: int):
        nl = len(self._left)
        return self._left[v] if v < nl else self._right[v - nl]

    def u(self, subset: Iterable[int] | None = None) -> tuple[int, int]:
        r"""``(u1, u2)`` of eq. (3) over all samples or over the sample indices in ``subset``.

        :math:`u_j` is the minimum, over the basis elements of coordinate :math:`j` *used by
        the considered samples*, of how many of those samples use it. An empty subset gives
        ``(0, 0)``.
        """
        idx = self._subset(subset)
        if not idx:
            return (0, 0)
        cl = Counter(self._ends[t][0] for t in idx)
        cr = Counter(self._ends[t][1] for t in idx)
        return (min(cl.values()), min(cr.values()))

    def components(self, subset: Iterable[int] | None = None) -> list[Component]:
        """Connected components of the (sub)graph, ordered by their smallest sample index."""
        idx = self._subset(subset)
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for t in idx:
            a, b = (find(v) for v in self._ends[t])
            if a != b:
                parent[max(a, b)] = min(a, b)
        groups: dict[int, list[int]] = {}
        for t in idx:
            groups.setdefault(find(self._ends[t][0]), []).append(t)
        out = []
        for members in groups.values():
            lv = dict.fromkeys(self._ends[t][0] for t in members)
            rv = dict.fromkeys(self._ends[t][1] for t in members)
            out.append(
                Component(
                    tuple(members),
                    tuple(self._vertex_id(v) for v in lv),
                    tuple(self._vertex_id(v) for v in rv),
                )
            )
        return sorted(out, key=lambda c: c.samples[0])

    # -- Theorem 3 ---------------------------------------------------------------------------

    def find_cycle(self, subset: Iterable[int] | None = None) -> tuple[int, ...] | None:
        r"""Sample indices of a shortest cycle of the (sub)graph, or ``None`` for a forest.

        A pair sampled twice is a 2-cycle and is returned first (the two earliest samples of
        the first pair to repeat): those two samples already have :math:`u_1 = u_2 = 2`.
        Otherwise the graph is simple and a shortest cycle is returned in cycle order: ``2t``
        samples on ``t >= 2`` distinct left and ``t`` distinct right elements, each used exactly
        twice, so again :math:`u_1 = u_2 = 2`. Theorem 3: if the number of distinct pairs is at
        least the number of vertices, a forest is impossible and a cycle is always found.
        """
        idx = self._subset(subset)
        first: dict[tuple[int, int], int] = {}
        for t in idx:
            e = self._ends[t]
            if e in first:
                return (first[e], t)
            first[e] = t
        adj: dict[int, list[tuple[int, int]]] = {}
        for t in idx:
            a, b = self._ends[t]
            adj.setdefault(a, []).append((b, t))
            adj.setdefault(b, []).append((a, t))
        best = None  # (length, root, x, y, edge, parent-edge map)
        for root in sorted(adj):
            found = _bfs_cycle(adj, root, None if best is None else best[0])
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], root, *found[1:])
                if best[0] == 4:  # the shortest possible cycle in a simple bipartite graph
                    break
        if best is None:
            return None
        _, root, x, y, e, pedge = best

        def path_to_root(v: int) -> list[int]:
            edges = []
            while v != root:
                t, v = pedge[v]
                edges.append(t)
            return edges

        px, py = path_to_root(x), path_to_root(y)
        return tuple(reversed(px)) + (e,) + tuple(py)

    def dense_cover(self) -> Cover:
        r"""Greedy cover by disjoint groups, each with :math:`u_1 \ge 2` and :math:`u_2 \ge 2`.

        1. Repeatedly remove a shortest cycle (:meth:`find_cycle`, multi-edges first) and make it
           a group; afterwards the leftover samples form a simple forest.
        2. For each group in turn, absorb every leftover path whose two ends are vertices of the
           group (its inner vertices get degree 2, the ends only gain): prune from the leftover
           forest all leaves that are not vertices of the group and absorb what remains.

        Many small groups suit few stragglers; :meth:`k_core_groups` gives maximal coverage with
        few large groups instead. Groups are sorted tuples of sample indices, ordered by
        discovery.
        """
        remaining = set(range(self.k))
        groups: list[list[int]] = []
        while True:
            cyc = self.find_cycle(remaining)
            if cyc is None:
                break
            groups.append(list(cyc))
            remaining.difference_update(cyc)
        for g in groups:
            gverts = {v for t in g for v in self._ends[t]}
            absorbed = _prune_to_terminals([(t, *self._ends[t]) for t in sorted(remaining)], gverts)
            g.extend(absorbed)
            remaining.difference_update(absorbed)
        return Cover(tuple(tuple(sorted(g)) for g in groups), tuple(sorted(remaining)))

    def cycle_packing(self, subset: Iterable[int] | None = None) -> Cover:
        r"""Many disjoint short cycles, found greedily in near-linear time.

        The groups are repeated pairs (2-cycles), then 4-cycles (found by intersecting
        neighbourhoods), then fundamental cycles of breadth-first spanning forests, round
        after round until what is left is a forest. Each group has :math:`u_1 = u_2 = 2`.
        Unlike :meth:`dense_cover` it does not absorb leftover paths (which never changes a
        worker count) and does not insist on a globally shortest cycle, so it scales to
        tens of thousands of samples.
        """
        idx = self._subset(subset)
        groups: list[tuple[int, ...]] = []
        leftover: list[int] = []
        first: dict[tuple[int, int], int] = {}
        for t in idx:
            e = self._ends[t]
            if e in first:
                groups.append((first.pop(e), t))
            else:
                first[e] = t
        emap = dict(first)  # simple graph left: (a, b) -> sample
        adj: dict[int, set[int]] = {}
        for a, b in emap:
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set()).add(a)

        def take(edges: list[tuple[int, int]]) -> None:
            groups.append(tuple(sorted(emap.pop(e) for e in edges)))
            for a, b in edges:
                adj[a].discard(b)
                adj[b].discard(a)

        for a, b in sorted(emap, key=emap.get):  # a is a left vertex, b a right one
            if (a, b) not in emap:
                continue
            for x in adj[a] - {b}:
                common = (adj[x] & adj[b]) - {a}
                if common:
                    y = min(common)
                    take([(a, b), (y, b), (y, x), (a, x)])
                    break
        while True:
            # vertices of degree <= 1 lie on no cycle: peel them to the 2-core first
            queue = deque(x for x in adj if len(adj[x]) == 1)
            while queue:
                x = queue.popleft()
                if len(adj[x]) != 1:
                    continue
                y = adj[x].pop()
                adj[y].discard(x)
                leftover.append(emap.pop((min(x, y), max(x, y))))
                if len(adj[y]) == 1:
                    queue.append(y)
            adj = {x: nb for x, nb in adj.items() if nb}
            parent: dict[int, int] = {}
            depth: dict[int, int] = {}
            tree: set[tuple[int, int]] = set()
            for root in sorted(adj):
                if root in depth or not adj[root]:
                    continue
                depth[root] = 0
                queue = deque([root])
                while queue:
                    x = queue.popleft()
                    for y in adj[x]:  # int sets iterate deterministically
                        if y not in depth:
                            depth[y], parent[y] = depth[x] + 1, x
                            tree.add((min(x, y), max(x, y)))  # (left, right)
                            queue.append(y)
            taken = set()
            took = 0
            for e in sorted((e for e in emap if e not in tree), key=emap.get):
                path, x, y = [e], e[0], e[1]
                while x != y:  # climb to the lowest common ancestor
                    if depth[x] < depth[y]:
                        x, y = y, x
                    px = parent[x]
                    edge = (x, px) if x < px else (px, x)
                    if edge in taken:  # overlaps a cycle taken this round
                        break
                    path.append(edge)
                    x = px
                if x == y:
                    taken.update(path)
                    take(path)
                    took += 1
            if not took:
                break
        return Cover(tuple(groups), tuple(sorted(leftover + list(emap.values()))))

    def k_core_groups(self, v: int = 2) -> Cover:
        r"""Connected components of the ``v``-core: every group has :math:`u_1, u_2 \ge v`.

        The ``v``-core (repeatedly drop samples touching a basis element used fewer than ``v``
        times) is the largest set of samples with minimum degree ``v``; any set with
        :math:`u_1, u_2 \ge v` lies inside it, so this covers as many samples as possible.
        """
        if not isinstance(v, Integral) or isinstance(v, bool) or v < 1:
            raise ValueError(f"v must be a positive int, got {v!r}")
        alive = set(range(self.k))
        deg = Counter(x for t in alive for x in self._ends[t])
        inc: dict[int, list[int]] = {}
        for t in alive:
            for x in self._ends[t]:
                inc.setdefault(x, []).append(t)
        queue = deque(x for x in deg if deg[x] < v)
        while queue:
            x = queue.popleft()
            for t in inc[x]:
                if t in alive:
                    alive.discard(t)
                    for y in self._ends[t]:
                        deg[y] -= 1
                        if deg[y] == v - 1:
                            queue.append(y)
        groups = tuple(c.samples for c in self.components(alive)) if alive else ()
        return Cover(groups, tuple(sorted(set(range(self.k)) - alive)))

    # -- picture -------------------------------------------------------------------------------

    def draw(self, path=None, ax=None, highlight: Iterable[int] | None = None):
        """Draw the bipartite multigraph with matplotlib (left ids at x=0, right ids at x=1).

        Parallel edges are drawn as one line labelled with its multiplicity; samples in
        ``highlight`` are drawn in red. Without ``ax`` a new ``Figure`` is made (no pyplot, so
        no GUI backend is needed). If ``path`` is given the figure is saved there. Returns the
        axes.
        """
        try:
            from matplotlib.figure import Figure
        except ImportError as exc:  # pragma: no cover - matplotlib is an optional extra
            raise ImportError(
                "SampleGraph.draw needs matplotlib: pip install matplotlib (or ffcc[plot])"
            ) from exc
        if ax is None:
            fig = Figure(figsize=(4, 0.6 * max(len(self._left), len(self._right), 2) + 1))
            ax = fig.subplots()
        hl = set(self._subset(highlight)) if highlight is not None else set()
        nl, nr = len(self._left), len(self._right)
        ly = {i: (nl - 1 - i) - (nl - 1) / 2 for i in range(nl)}
        ry = {i: (nr - 1 - i) - (nr - 1) / 2 for i in range(nr)}
        seen: dict[tuple[int, int], list[int]] = {}
        for t, e in enumerate(self._ends):
            seen.setdefault(e, []).append(t)
        for (a, b), ts in seen.items():
            y0, y1 = ly[a], ry[b - nl]
            color = "tab:red" if hl.intersection(ts) else "0.4"
            ax.plot([0, 1], [y0, y1], color=color, lw=1 + 0.8 * (len(ts) - 1), zorder=1)
            if len(ts) > 1:
                ax.text(0.5, (y0 + y1) / 2, f"x{len(ts)}", ha="center", va="bottom", fontsize=8)
        ax.scatter([0] * nl, list(ly.values()), s=250, color="tab:blue", zorder=2)
        ax.scatter([1] * nr, list(ry.values()), s=250, color="tab:orange", zorder=2)
        for i, lab in enumerate(self._left):
            ax.text(-0.08, ly[i], str(lab), ha="right", va="center", fontsize=9)
        for i, lab in enumerate(self._right):
            ax.text(1.08, ry[i], str(lab), ha="left", va="center", fontsize=9)
        ax.set_xlim(-0.6, 1.6)
        ax.set_axis_off()
        ax.set_title(f"k={self.k}, (u1, u2)={self.u()}")
        if path is not None:
            ax.figure.savefig(path, bbox_inches="tight")
        return ax


def _bfs_cycle(adj: dict[int, list[tuple[int, int]]], root: int, limit: int | None):
    """BFS from ``root`` in a simple graph; shortest closed walk root->x, x-y, y->root through a
    non-tree edge. Returns ``(length, x, y, edge, parent_edges)`` or ``None``. Search stops once
    no cycle shorter than ``limit`` can be found from this root."""
    dist = {root: 0}
    pedge: dict[int, tuple[int, int]] = {}
    queue = deque([root])
    best = None
    while queue:
        x = queue.popleft()
        bound = best[0] if best is not None else limit
        if bound is not None and 2 * dist[x] >= bound:  # no shorter cycle reachable
            break
        for y, t in adj[x]:
            if y not in dist:
                dist[y] = dist[x] + 1
                pedge[y] = (t, x)
                queue.append(y)
            elif pedge.get(x, (None,))[0] != t:
                length = dist[x] + dist[y] + 1
                if (best is None or length < best[0]) and (limit is None or length < limit):
                    best = (length, x, y, t)
    return None if best is None else (*best, pedge)


def _prune_to_terminals(edges: list[tuple[int, int, int]], terminals: set[int]) -> list[int]:
    """In a forest given as ``(sample, a, b)`` edges, repeatedly drop leaves that are not
    terminals; return the samples that survive (trees whose every leaf is a terminal)."""
    inc: dict[int, list[int]] = {}
    for i, (_, a, b) in enumerate(edges):
        inc.setdefault(a, []).append(i)
        inc.setdefault(b, []).append(i)
    alive = [True] * len(edges)
    deg = {x: len(v) for x, v in inc.items()}
    queue = deque(x for x, d in deg.items() if d == 1 and x not in terminals)
    while queue:
        x = queue.popleft()
        if deg[x] != 1:
            continue
        for i in inc[x]:
            if alive[i]:
                alive[i] = False
                _, a, b = edges[i]
                y = b if a == x else a
                deg[x] -= 1
                deg[y] -= 1
                if deg[y] == 1 and y not in terminals:
                    queue.append(y)
    return [edges[i][0] for i in range(len(edges)) if alive[i]]


# ----------------------------------------------------------------------------- Theorem 2


@dataclass(frozen=True)
class UProbability:
    r""":math:`\mathbb P[u_1 \ge v, u_2 \ge v]`.

    ``value`` is an exact ``Fraction`` when ``method == "exact"``; for ``"monte-carlo"`` it is
    the empirical frequency over ``n_samples`` runs and ``ci`` is the 99% Wilson score interval.
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
        >>> from ffcc.structure import prob_u_at_least
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
