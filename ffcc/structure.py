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
covers by groups with :math:`u \ge 2`, a picture). Theorem 2's probabilities live in
:mod:`ffcc.theorem2`; their names are re-exported here for older code.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Hashable, Iterable, Mapping
from numbers import Integral
from typing import NamedTuple

# Compatibility: Theorem 2's probabilities moved to ffcc.theorem2; import them from there.
from .theorem2 import (
    Theorem2Parameters,
    UProbability,
    prob_u_at_least,
    theorem2_bound,
    theorem2_parameters,
)

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


class Component(NamedTuple):
    """A connected component: its sample indices and its left/right basis elements.

    Example:

        >>> from ffcc.structure import SampleGraph
        >>> SampleGraph([(0, 0), (1, 0), (5, 7)]).components()[0]
        Component(samples=(0, 1), left=(0, 1), right=(0,))
    """

    samples: tuple[int, ...]
    left: tuple
    right: tuple


class Cover(NamedTuple):
    """Disjoint groups of sample indices, each with ``u1, u2 >= v``, and the samples left over.

    Example (a repeated pair is a group; the lone sample is left over):

        >>> from ffcc.structure import SampleGraph
        >>> SampleGraph([(0, 0), (0, 0), (1, 1)]).dense_cover()
        Cover(groups=((0, 1),), leftover=(2,))
    """

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
        """The samples as given: ``(left id, right id)`` pairs, repeats kept, in order.

        Example (the graph used in the examples below: a 4-cycle, a repeated pair and a
        pendant sample):

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> g.samples[4:]
            ((2, 2), (2, 2), (3, 2))
            >>> g.k, g.left, g.right, len(g.edges), g.multiplicities[(2, 2)]
            (7, (0, 1, 2, 3), (0, 1, 2), 6, 2)
        """
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

        Example (left block 3 is used once; the 4-cycle alone has every block used twice):

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> g.u(), g.u([0, 1, 2, 3]), g.u([])
            ((1, 2), (2, 2), (0, 0))
        """
        idx = self._subset(subset)
        if not idx:
            return (0, 0)
        cl = Counter(self._ends[t][0] for t in idx)
        cr = Counter(self._ends[t][1] for t in idx)
        return (min(cl.values()), min(cr.values()))

    def components(self, subset: Iterable[int] | None = None) -> list[Component]:
        """Connected components of the (sub)graph, ordered by their smallest sample index.

        Example:

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> [c.samples for c in g.components()]
            [(0, 1, 2, 3), (4, 5, 6)]
            >>> g.components([4, 6])[0].left
            (2, 3)
        """
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

        Ties are broken deterministically: the cycle goes through the first vertex (left
        elements in order of first appearance, then right ones) that lies on a shortest
        cycle, and it is the first one a breadth-first search from that vertex closes
        (neighbours in sample order).

        Example:

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> g.find_cycle()  # the repeated pair
            (4, 5)
            >>> sorted(g.find_cycle([0, 1, 2, 3])), g.find_cycle([0, 1, 6])
            ([0, 1, 2, 3], None)
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

        Example (shortest cycle first: the repeated pair, then the 4-cycle):

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> g.dense_cover()
            Cover(groups=((4, 5), (0, 1, 2, 3)), leftover=(6,))
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

        Example:

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> g.cycle_packing()
            Cover(groups=((4, 5), (0, 1, 2, 3)), leftover=(6,))
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

        Example (sample 6 touches left block 3 only once, so it leaves the 2-core):

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
            >>> g.k_core_groups(2)
            Cover(groups=((0, 1, 2, 3), (4, 5)), leftover=(6,))
            >>> g.k_core_groups(3).groups
            ()
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

    def draw(
        self,
        path=None,
        ax=None,
        highlight: Iterable[int] | None = None,
        groups: Mapping[str, Iterable[int]] | Iterable[Iterable[int]] | None = None,
    ):
        """Draw the sample graph: A blocks in the top row, B blocks in the bottom row.

        Every distinct sampled pair is a line from its A block down to its B block; a pair
        sampled ``t > 1`` times is drawn thicker and labelled ``×t``. ``groups`` colours groups
        of samples (e.g. the groups a plan codes together): a mapping ``{name: sample
        indices}``, or a sequence of index collections named ``group 0``, ``group 1``, ...
        Each group gets a colour and a legend entry; samples in no group are grey.
        ``highlight`` (the older keyword) adds one group, drawn in red. A sample in several
        groups takes the first one's colour. Blocks are ordered so that each group's blocks
        sit together, then by a few barycentre sweeps, which remove most crossings.

        Without ``ax`` a new ``Figure`` is made (no pyplot, so no GUI backend is needed). If
        ``path`` is given the figure is saved there. Returns the axes.

        Example:

            >>> from ffcc.structure import SampleGraph
            >>> g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2)])
            >>> ax = g.draw(groups={"4-cycle": [0, 1, 2, 3], "repeat": [4, 5]})
            >>> [t.get_text() for t in ax.get_legend().get_texts()]
            ['4-cycle (4 samples)', 'repeat (2 samples)']
            >>> len(ax.lines), [t.get_text() for t in ax.get_yticklabels()]
            (5, ['B blocks (3)', 'A blocks (3)'])
        """
        try:  # optional dependency (ffcc[plot])
            from matplotlib.figure import Figure
            from matplotlib.lines import Line2D
        except ImportError as exc:  # pragma: no cover - matplotlib is an optional extra
            raise ImportError(
                "SampleGraph.draw needs matplotlib: pip install matplotlib (or ffcc[plot])"
            ) from exc
        named = self._named_groups(groups, highlight)
        palette = [
            "tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink",
            "tab:olive", "tab:cyan", "navy", "darkgoldenrod", "teal", "indigo",
        ]  # fmt: skip
        colors = [
            "tab:red" if name == "highlight" else palette[i % len(palette)]
            for i, (name, _) in enumerate(named)
        ]
        group_of: dict[int, int] = {}
        for gi, (_, members) in enumerate(named):
            for t in members:
                group_of.setdefault(t, gi)
        nl, nr = len(self._left), len(self._right)
        N = max(nl, nr, 1)
        xl, xr = self._draw_order(group_of, len(named))
        # stretch the shorter row to the full width so lines stay near vertical
        xl = {v: (i + 0.5) * N / max(nl, 1) for v, i in xl.items()}
        xr = {v: (i + 0.5) * N / max(nr, 1) for v, i in xr.items()}
        if ax is None:
            legend_rows = -(-len(named) // 3) if named else 0
            fig = Figure(figsize=(min(max(6.0, 0.3 * N + 1.5), 40.0), 3.6 + 0.25 * legend_rows))
            ax = fig.subplots()
        seen: dict[tuple[int, int], list[int]] = {}
        for t, e in enumerate(self._ends):
            seen.setdefault(e, []).append(t)
        for (a, b), ts in seen.items():
            gis = [group_of[t] for t in ts if t in group_of]
            color = colors[min(gis)] if gis else ("0.75" if named else "0.35")
            ax.plot(
                [xl[a], xr[b]],
                [1, 0],
                color=color,
                lw=1.2 + 1.0 * (len(ts) - 1),
                zorder=2 if gis else 1,
            )
            if len(ts) > 1:
                ax.text(0.7 * xl[a] + 0.3 * xr[b], 0.7, f"×{len(ts)}", ha="center", fontsize=7)
        ax.scatter(list(xl.values()), [1] * nl, s=36, marker="s", color="0.2", zorder=3)
        ax.scatter(list(xr.values()), [0] * nr, s=40, marker="o", color="0.2", zorder=3)
        if N <= 200:  # beyond that labels would overlap; the rows still show the structure
            rot = 90 if N > 12 else 0
            for v, x in xl.items():
                lab = _block_label(self._left[v])
                ax.text(x, 1.06, lab, ha="center", va="bottom", rotation=rot, fontsize=7)
            for v, x in xr.items():
                lab = _block_label(self._right[v - nl])
                ax.text(x, -0.06, lab, ha="center", va="top", rotation=rot, fontsize=7)
        ax.set_xlim(0, N)
        ax.set_ylim(-0.35, 1.35)
        ax.set_yticks([0, 1], [f"B blocks ({nr})", f"A blocks ({nl})"])
        ax.set_xticks([])
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        u1, u2 = self.u()
        ax.set_title(
            f"sample graph: {self.k} samples, {len(seen)} distinct pairs, (u1, u2) = ({u1}, {u2})",
            fontsize=10,
        )
        if named:
            handles = [
                Line2D([], [], color=c, lw=2, label=f"{name} ({len(members)} samples)")
                for c, (name, members) in zip(colors, named, strict=True)
            ]
            rest = self.k - len(group_of)
            if rest:
                handles.append(
                    Line2D([], [], color="0.75", lw=2, label=f"in no group ({rest} samples)")
                )
            ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.02),
                ncol=min(3, len(handles)),
                fontsize=8,
                frameon=False,
            )
        if path is not None:
            ax.figure.savefig(path, bbox_inches="tight", dpi=100)
        return ax

    def _named_groups(self, groups, highlight) -> list[tuple[str, list[int]]]:
        """``groups`` (mapping or sequence) and ``highlight`` as ``[(name, indices)]``."""
        if groups is None:
            named = []
        elif isinstance(groups, Mapping):
            named = [(str(name), self._subset(m)) for name, m in groups.items()]
        else:
            named = [(f"group {i}", self._subset(m)) for i, m in enumerate(groups)]
        if highlight is not None:
            named.append(("highlight", self._subset(highlight)))
        return named

    def _draw_order(self, group_of: dict[int, int], n_groups: int):
        """Column of every left and right vertex: grouped blocks together (groups in order,
        then the remaining components), within a block by barycentre sweeps."""
        block: dict[int, int] = {}  # vertex -> smallest block key of its samples
        for ci, comp in enumerate(self.components()):
            for t in comp.samples:
                key = group_of.get(t, n_groups + ci)
                for x in self._ends[t]:
                    block[x] = min(block.get(x, key), key)
        nl = len(self._left)
        nb: dict[int, set[int]] = {}
        for a, b in self._ends:
            nb.setdefault(a, set()).add(b)
            nb.setdefault(b, set()).add(a)
        # start from breadth-first order inside each block, from a vertex of least degree:
        # a path or a tree then starts untangled; the sweeps improve on the rest
        found: dict[int, int] = {}
        for x in sorted(block, key=lambda x: (block[x], len(nb[x]), x)):
            if x in found:
                continue
            found[x] = len(found)
            queue = deque([x])
            while queue:
                y = queue.popleft()
                for z in sorted(nb[y]):
                    if z not in found and block[z] == block[x]:
                        found[z] = len(found)
                        queue.append(z)
        left = sorted(range(nl), key=lambda x: (block[x], found[x]))
        right = sorted(range(nl, nl + len(self._right)), key=lambda x: (block[x], found[x]))
        pos = {x: i for i, x in enumerate(left)} | {x: i for i, x in enumerate(right)}
        for _ in range(4):  # a few sweeps settle the order; more rarely change it
            for side in (left, right):
                bary = {x: sum(pos[y] for y in nb[x]) / len(nb[x]) for x in side}
                side.sort(key=lambda x: (block[x], bary[x], found[x]))
                pos.update({x: i for i, x in enumerate(side)})
        return {x: pos[x] for x in left}, {x: pos[x] for x in right}


def _block_label(v) -> str:
    """A basis id as a short label: ``(0, 10)`` becomes ``0,10``."""
    if isinstance(v, tuple):
        return ",".join(str(x) for x in v)
    return str(v)


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
