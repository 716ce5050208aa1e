r"""The compression-informed planner: choose codes for the products a sketch asks for.

Given a sample graph (the (A-block, B-block) pairs of a sketch), the number of stragglers
s and of Byzantine workers b, the planner partitions the products into groups, picks one
construction per group and counts the workers.

Cost of one group of k products whose blocks are used at least :math:`u_1, u_2` times
(eq. (3) of the paper), with :math:`t = s + 2b`:

========================  ===========================================  =====================
construction              workers                                      when
========================  ===========================================  =====================
replication               :math:`1 + t`                                k = 1
Lagrange / MatDot         :math:`w_{k,s} = 2k - 1 + t`                 always
Theorem 1 (locality)      :math:`2k - u_1 - u_2 + 1 + t`               always
Polynomial code           :math:`k + t`                                complete a×c grid
========================  ===========================================  =====================

The table is the catalog's: every construction of :data:`ffcc.codes.CATALOG` that can
code a group declares a :class:`~ffcc.codes.GroupRule` (the structures it applies to, its
worker formula, its builder), and :func:`group_cost` keeps the cheapest rule that applies
(:func:`ffcc.codes.group_rules`); a new entry is weighed without a change here. Each
chosen :class:`Group` carries a pure description of its code (:class:`~ffcc.codes.GroupSpec`
and the rule's name) and builds its scheme over any prime (:meth:`Group.build`): the run
(:func:`ffcc.run.pipeline`) builds and checks it in the primes it computes in.

**Stragglers are paid per group**, as in the paper: the s slow workers may all belong to
one group, so every group must tolerate s on its own (and b liars). Splitting a group off
therefore pays off only when its own saving beats the extra s + 2b; for Theorem 1 groups
the rule is :math:`u_1 + u_2 > s + 2b + 1`, which is why the paper's Figure 2 saves
:math:`3 - s` workers only for s < 3.

Example
-------
>>> from ffcc.plan import plan
>>> cycle8 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]
>>> P = plan(cycle8, stragglers=1, verify=False)
>>> P.chosen.workers, P.baseline_workers    # Figure 2: 13 + s against MatDot's 15 + s
(14, 16)
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ._errors import InputError
from .codes import GroupSpec, group_rules, polynomial_code
from .codes.lagrange import lagrange
from .codes.locality import theorem1_report
from .codes.parsing import check_int
from .optimize import optimize as search_schemes
from .scheme import Scheme, SchemeError
from .structure import SampleGraph
from .verify import recovery_threshold
from .verify import verify as verify_scheme

__all__ = ["Group", "Candidate", "Plan", "plan", "group_cost", "scheme_for_group", "over_prime"]

Pair = tuple[Hashable, Hashable]

# exhaustive verification of a group is attempted up to this many subsets
VERIFY_LIMIT = 3_000_000


@dataclass(eq=False)  # a group is itself: its inputs are arrays, its scheme a Scheme
class Group:
    r"""Products coded together by one code: one concept from the plan to the run.

    The planner (:func:`plan`) fills the *plan* fields: which products, the construction
    chosen for them and its worker count, and a pure description of the code (``spec``,
    a :class:`~ffcc.codes.GroupSpec`) from which :meth:`build` makes the scheme over any
    prime, so the run (:func:`ffcc.run.run_plan`) builds and checks it in exactly the
    primes it computes in. The run needs a scheme source and the *run* fields: the
    integer ``inputs`` and where the targets go (``place``).

    Run fields
    ----------
    scheme:
        A :class:`~ffcc.scheme.Scheme` (a code found by :mod:`ffcc.optimize`, or any fixed
        code), a factory ``p -> Scheme``, or None when ``spec`` and ``construction``
        describe the code.
    inputs:
        ``inputs[c][l]``: the integer blocks (int64 or Python-int object arrays) of
        coordinate c, as :meth:`Scheme.encode` takes them (signed; reduced mod p by the run).
    place:
        Where the targets go in the result: None (the group's single target is the whole
        result), a list of ``(t, (row, col))`` or ``(t, (row, col), coeff)`` adding
        ``coeff * target_t`` at that offset, or a callable ``place(C, t, value)``.
    name:
        Shown in reports (default: the scheme's name).
    bound, primes:
        Override of the bound on |target entries| (derived from the inputs for d = 2), and
        primes to use instead of the automatic choice (checked to suffice).

    Plan fields
    -----------
    spec, construction:
        The products in local block numbers with s and b, and the name of the
        :class:`~ffcc.codes.GroupRule` that codes them (``"theorem1"``, ``"lagrange"``,
        ... or ``"optimized"`` with ``scheme`` the code found).
    products, workers, formula:
        Indices into :attr:`Plan.products`, the worker count and its formula.
    verified, verify_note, trim, lower_bound:
        The verifier's verdict (None: not checked), keep only the first ``trim`` workers
        (measured threshold + s + 2b), and the workers any linear scheme needs (optimize).

    Example
    -------
    >>> from ffcc.codes import GroupSpec
    >>> g = Group(spec=GroupSpec.of([(0, 0), (0, 1), (1, 1), (1, 0)], 1),
    ...           construction="polynomial", workers=5)
    >>> [(S.p, S.w) for S in (g.build(65537), g.build(2**31 - 1))]
    [(65537, 5), (2147483647, 5)]
    """

    scheme: Scheme | Callable[[int], Scheme] | None = None
    inputs: Sequence[Sequence[np.ndarray]] = ()
    place: Sequence | Callable | None = None
    name: str = ""
    bound: int | None = None
    primes: Sequence[int] | None = None
    spec: GroupSpec | None = None
    construction: str = ""
    products: tuple[int, ...] = ()  # indices into Plan.products
    workers: int = 0
    formula: str = ""
    verified: bool | None = None  # None: not checked (too large, or verification off)
    trim: int | None = None
    verify_note: str = ""
    lower_bound: int | None = None

    @property
    def k(self) -> int:
        """Number of products."""
        return self.spec.k if self.spec is not None else len(self.products)

    @property
    def u(self) -> tuple[int, int]:
        """:math:`(u_1, u_2)`, the fewest uses of an A-block and of a B-block."""
        if self.spec is None:
            raise InputError("this group has no products described (spec=None): no u")
        return self.spec.u

    @property
    def described(self) -> bool:
        """True when the group can build its scheme over any prime (:meth:`build`)."""
        return (
            self.spec is not None or callable(self.scheme) and not isinstance(self.scheme, Scheme)
        )

    def build(self, p: int = 65537) -> Scheme:
        """The group's scheme over GF(p).

        From a factory, or from ``construction`` applied to ``spec`` (then trimmed to
        ``trim`` workers); a fixed scheme over another prime is moved there with
        :func:`over_prime`. Its basis is the group's distinct A-blocks (coordinate 1) and
        B-blocks (coordinate 2) in first-appearance order (``params["a_blocks"]``,
        ``params["b_blocks"]`` keep the ids); its targets are the products in order.
        """
        p = int(p)
        if isinstance(self.scheme, Scheme):
            sch = self.scheme if self.scheme.p == p else over_prime(self.scheme, p)
        elif callable(self.scheme):
            return self.scheme(p)
        elif self.spec is not None:
            sch = self.spec.build(self.construction, p)
        else:
            raise InputError("the group has no scheme: give scheme= or spec= and construction=")
        if self.spec is None:
            return sch
        spec = self.spec
        if self.trim is not None:
            sch = sch.subset(range(self.trim), spec.stragglers, spec.byzantine)
        sch = copy.copy(sch)
        sch.params = {
            **sch.params,
            "group_construction": self.construction,
            "a_blocks": [_jsonable(x) for x in spec.a_ids],
            "b_blocks": [_jsonable(x) for x in spec.b_ids],
        }
        return sch


def over_prime(scheme: Scheme, p: int) -> Scheme:
    r"""The same integer code over GF(p): every coefficient is lifted to its signed
    representative in :math:`(-p_0/2, p_0/2]` and reduced mod p.

    The targets keep their integer coefficients, so results over several primes combine
    by CRT; whether every R-subset still decodes depends on the field (a minor that is
    non-zero over GF(p_0) may vanish mod p), so check the result with
    :func:`ffcc.verify.verify` (``ffcc.run`` checks every prime it uses).

    >>> from ffcc.codes.matdot import matdot
    >>> S = over_prime(matdot(2, 1, p=65537), 101)
    >>> S.p, S.w, verify_scheme(S, progress=False).holds
    (101, 4, True)
    """
    if any(scheme.random) or scheme.outputs is not None:
        raise SchemeError("over_prime: masks and several outputs per worker are not moved")
    p0, h = scheme.p, scheme.p // 2

    def lift(v) -> int:
        v = int(v)
        return (v - p0 if v > h else v) % p

    workers = [
        [[lift(v) for v in scheme.E[c][j]] for c in range(scheme.d)] for j in range(scheme.w)
    ]
    targets = [[(idx, lift(c)) for idx, c in t] for t in scheme.targets]
    return Scheme(p, scheme.basis, workers, targets, scheme.stragglers, scheme.byzantine,
                  scheme.name, dict(scheme.params), scheme.product)  # fmt: skip


@dataclass
class Candidate:
    """One way of coding all the products: its groups (each product in exactly one),
    whether it tolerates the faults asked for, and a note; ``workers`` is their sum.

    >>> P = plan([(0, 0), (0, 1)], 1, verify=False)
    >>> [(c.name, c.workers) for c in P.candidates][:3]
    [('uncoded', 2), ('replication', 4), ('matdot', 4)]
    """

    name: str
    groups: list[Group]
    tolerates: bool = True  # False for "uncoded" when s + b > 0
    note: str = ""

    @property
    def workers(self) -> int:
        """Workers of every group together."""
        return sum(g.workers for g in self.groups)


@dataclass
class Plan:
    """What :func:`plan` decided: the distinct products (or every sample, without
    merging) with their multiplicities, s and b, every candidate grouping and the chosen
    one; :meth:`summary` and :meth:`to_dict` report it.

    >>> P = plan([(0, 0), (0, 1), (1, 1), (1, 0)], 1)
    >>> P.k, P.chosen.name, [(g.construction, g.workers, g.verified) for g in P.chosen.groups]
    (4, 'theorem1-all', [('polynomial', 5, True)])
    """

    products: list[Pair]
    multiplicity: list[int]
    samples: int
    stragglers: int
    byzantine: int
    merge: bool
    candidates: list[Candidate]
    chosen: Candidate
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        """Number of products planned."""
        return len(self.products)

    @property
    def baseline_workers(self) -> int:
        """One MatDot/Lagrange code over every product: w_{k,s} (+2b)."""
        return 2 * self.k - 1 + self.stragglers + 2 * self.byzantine

    @property
    def paper_workers(self) -> int | None:
        """The paper's plan: cycles by Theorem 1, the rest by MatDot ("paper-split")."""
        return next((c.workers for c in self.candidates if c.name == "paper-split"), None)

    @property
    def saving(self) -> int:
        """Workers saved against the MatDot baseline."""
        return self.baseline_workers - self.chosen.workers

    def overhead_reduction(self) -> float:
        """Relative fall of the coding overhead w - k against the MatDot baseline."""
        base = self.baseline_workers - self.k
        return (base - (self.chosen.workers - self.k)) / base if base else 0.0

    def table(self) -> list[dict]:
        """One row per candidate: name, workers, groups, tolerates, chosen, note."""
        return [
            {
                "candidate": c.name,
                "workers": c.workers,
                "groups": len(c.groups),
                "tolerates": c.tolerates,
                "chosen": c is self.chosen,
                "note": c.note,
            }
            for c in self.candidates
        ]

    def summary(self) -> str:
        """The plan in words: every candidate, the chosen groups and their verdicts."""
        s, b = self.stragglers, self.byzantine
        lines = [
            f"{self.samples} samples -> {self.k} products "
            f"({'repeats merged' if self.merge else 'repeats kept'}), s = {s}, b = {b}",
            f"{'candidate':<28}{'workers':>8}{'groups':>8}",
        ]
        for row in self.table():
            mark = "*" if row["chosen"] else " "
            tol = "" if row["tolerates"] else "  (tolerates no faults)"
            lines.append(
                f"{mark} {row['candidate']:<26}{row['workers']:>8}{row['groups']:>8}{tol}"
                + (f"  {row['note']}" if row["note"] else "")
            )
        pct = 100 * self.saving / self.baseline_workers
        lines.append(
            f"chosen: {self.chosen.name}, {self.chosen.workers} workers against MatDot's "
            f"{self.baseline_workers}: saves {self.saving} ({pct:.1f}%); coding overhead "
            f"w - k falls by {100 * self.overhead_reduction():.1f}%"
        )
        if self.paper_workers is not None:
            lines.append(
                f"the paper's plan (cycles by Theorem 1, rest by MatDot): {self.paper_workers} "
                f"workers; the chosen plan saves {self.paper_workers - self.chosen.workers}"
            )
        lines.append(
            f"stragglers are paid per group: each of the {len(self.chosen.groups)} groups "
            f"tolerates s = {s} stragglers and b = {b} liars on its own"
        )
        for g in self.chosen.groups[:12]:
            v = {True: "verified", False: "FAILED verification", None: "not verified"}[g.verified]
            if g.verify_note:
                v += f", {g.verify_note}"
            lines.append(
                f"  group of {g.k:>3} products, u = {g.u}: {g.construction:<12} "
                f"{g.workers:>4} workers = {g.formula}  [{v}]"
            )
        if len(self.chosen.groups) > 12:
            lines.append(f"  ... {len(self.chosen.groups) - 12} more groups")
        lines.extend(self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The plan as JSON-ready data (``ffcc plan --json``)."""
        return {
            "samples": self.samples,
            "products": len(self.products),
            "merge": self.merge,
            "stragglers": self.stragglers,
            "byzantine": self.byzantine,
            "baseline_workers": self.baseline_workers,
            "chosen": self.chosen.name,
            "workers": self.chosen.workers,
            "saving": self.saving,
            "saving_percent": 100 * self.saving / self.baseline_workers,
            "paper_workers": self.paper_workers,
            "overhead_reduction_percent": 100 * self.overhead_reduction(),
            "candidates": self.table(),
            "groups": [
                {
                    "products": [list(map(_jsonable, self.products[i])) for i in g.products],
                    "construction": g.construction,
                    "workers": g.workers,
                    "u": list(g.u),
                    "formula": g.formula,
                    "verified": g.verified,
                    "lower_bound": g.lower_bound,
                }
                for g in self.chosen.groups
            ],
            "seconds": self.seconds,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict())

    def group_pairs(self, g: Group) -> list[Pair]:
        """The (A-block, B-block) pairs of one of the plan's groups, in product order."""
        return [self.products[i] for i in g.products]


def _jsonable(x):
    return list(x) if isinstance(x, tuple) else x


def group_cost(
    pairs: Sequence[Pair], stragglers: int, byzantine: int = 0, *, merge: bool = True
) -> Group:
    """The cheapest construction for one group of products: every
    :class:`~ffcc.codes.GroupRule` of the catalog that applies to its sample structure
    (:func:`ffcc.codes.group_rules`), the fewest workers winning (ties: lower rank).

    >>> g = group_cost([(0, 0), (0, 1), (1, 1), (1, 0)], 1)
    >>> g.construction, g.workers, g.formula
    ('polynomial', 5, 'k + 1 (k = 4)')
    """
    spec = GroupSpec.of(pairs, stragglers, byzantine, merge)
    workers, rule = min(
        ((r.workers(spec), r) for r in group_rules() if r.applies(spec)), key=lambda o: o[0]
    )
    return _group(spec, tuple(range(spec.k)), rule.name, workers, rule.formula)


def _group(spec: GroupSpec, products, construction: str, workers: int, formula: str) -> Group:
    tail = f" + {spec.t}" if spec.t else ""
    return Group(spec=spec, construction=construction, products=tuple(products),
                 workers=workers, formula=f"{formula}{tail} (k = {spec.k})")  # fmt: skip


def _costs(pairs: list[Pair], s: int, b: int, merge: bool):
    """Memoised cost of a group given by sorted product indices (candidates share groups)."""
    memo: dict[tuple[int, ...], Group] = {}

    def cost(idx) -> Group:
        key = tuple(idx)
        if key not in memo:
            g = group_cost([pairs[i] for i in key], s, b, merge=merge)
            g.products = key
            memo[key] = g
        return copy.copy(memo[key])  # candidates share groups; each gets its own verdicts

    return cost


def _split(cost, groups, leftover, name, note, keep_all=False) -> Candidate:
    """Dense groups coded apart, the rest by one code; a group stays apart only if that is
    cheaper than adding its products to the rest (unless ``keep_all``)."""
    out, rest = [], list(leftover)
    for idx in groups:
        g = cost(idx)
        if keep_all or g.workers < 2 * len(idx):
            out.append(g)
        else:
            rest.extend(idx)
    if rest:
        out.append(cost(sorted(rest)))
    return Candidate(name, out, note=note)


def plan(
    samples,
    stragglers: int = 1,
    byzantine: int = 0,
    *,
    merge: bool = True,
    verify: bool = True,
    measure: bool = False,
    optimize: float = 0.0,
    p: int = 65537,
) -> Plan:
    r"""Plan the coding of a sketch's products.

    Parameters
    ----------
    samples:
        A :class:`~ffcc.structure.SampleGraph` or a list of (A-block, B-block) pairs.
    stragglers, byzantine:
        s and b, tolerated by every group.
    merge:
        Compute each distinct pair once (default; a repeated sample is one product
        weighted by its multiplicity), or keep repeats as the paper counts them.
    verify:
        Check every group of the chosen plan exhaustively with :func:`ffcc.verify.verify`
        when it has at most ``VERIFY_LIMIT`` subsets.
    measure:
        Span-aware trimming: measure each small group's true recovery threshold R* with the
        verifier (decoding exploits every linear dependency among its blocks, often below
        the formula) and keep only its first R* + s + 2b workers. Every R*-subset of all
        the construction's workers decodes, so every R*-subset of the kept ones does too.
    optimize:
        Seconds for :func:`ffcc.optimize.optimize` (0: off). It searches every group of
        the chosen plan (candidate ``"optimized"``: a group whose search beats its
        construction gets the verified scheme found, stragglers paid per group) and all
        products as one code (candidate ``"optimized-shared"``: one budget of s
        stragglers anywhere); the cheaper is chosen if it beats the plan. Needs merged
        repeats and b = 0. The budget is split, not a hard limit (verification is extra).

    Returns
    -------
    Plan
        Every candidate partition with its worker count; ``chosen`` is the cheapest that
        tolerates s stragglers and b liars, ``baseline_workers`` MatDot's :math:`2k - 1 + t`.

    Example
    -------
    Figure 2's 8-cycle with s = 1 and b = 1 (t = s + 2b = 3): every block is used twice
    (:math:`u_1 = u_2 = 2`), so Theorem 1 needs :math:`2\cdot 8 - 2 - 2 + 1 + 3 = 16`
    workers against MatDot's :math:`2\cdot 8 - 1 + 3 = 18`; splitting a cycle off would
    need :math:`u_1 + u_2 > t + 1`, so the plan keeps one group, and checks every
    13-subset of its 16 workers:

    >>> cycle8 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]
    >>> P = plan(cycle8, stragglers=1, byzantine=1)
    >>> P.chosen.workers, P.baseline_workers
    (16, 18)
    >>> [(g.construction, g.u, g.verified) for g in P.chosen.groups]
    [('theorem1', (2, 2), True)]
    """
    t0 = time.perf_counter()
    s = check_int(stragglers, "plan: stragglers", lowest=0)
    b = check_int(byzantine, "plan: byzantine", lowest=0)
    g = samples if isinstance(samples, SampleGraph) else SampleGraph(samples)
    if g.k == 0:
        raise ValueError("no samples to plan for")
    mult = g.multiplicities
    pairs = list(g.edges) if merge else list(g.samples)
    multiplicity = [mult[x] for x in pairs] if merge else [1] * len(pairs)
    G = SampleGraph(pairs) if merge else g
    k = len(pairs)
    t = s + 2 * b
    every = list(range(k))
    cost = _costs(pairs, s, b, merge)
    spec = GroupSpec.of(pairs, s, b, merge)

    def whole(construction: str, workers: int, formula: str) -> list[Group]:
        g = Group(spec=spec, construction=construction, products=tuple(every), workers=workers)
        g.formula = formula
        return [g]

    cands = [
        Candidate("uncoded", whole("uncoded", k, "k"), tolerates=t == 0),
        Candidate("replication", whole("replication", k * (1 + t), "k(1 + s + 2b)")),
        Candidate(
            "matdot",
            whole("lagrange", 2 * k - 1 + t, "2k - 1 + s + 2b"),
            note="separate compression and coding",
        ),
        Candidate("theorem1-all", [cost(every)], note="one code, u over all"),
    ]
    cover = G.cycle_packing()
    cands.append(
        _split(cost, cover.groups, cover.leftover, "paper-split",
               "cycles by Theorem 1, rest by MatDot", keep_all=True)
    )  # fmt: skip
    cands.append(
        _split(cost, cover.groups, cover.leftover, "cycles-when-cheaper",
               "cycle groups kept apart only when that saves workers")
    )  # fmt: skip
    core = G.k_core_groups(2)
    cands.append(
        _split(cost, core.groups, core.leftover, "2-core-components",
               "components of the 2-core, rest by MatDot")
    )  # fmt: skip
    comps = [c.samples for c in G.components()]
    cands.append(_split(cost, comps, [], "components", "each connected component"))
    eligible = [c for c in cands if c.tolerates]
    # ties: fewer groups, then a code over replication (its threshold may measure lower)
    chosen = min(eligible, key=lambda c: (c.workers, len(c.groups), c.name == "replication"))
    P = Plan(pairs, multiplicity, g.k, s, b, merge, cands, chosen)
    if measure:
        _measure_groups(P, p)
    if optimize:
        _optimize_groups(P, float(optimize), p)
    if verify:
        _verify_groups(P, p)
    P.seconds = time.perf_counter() - t0
    return P


def scheme_for_group(P: Plan, g: Group, p: int = 65537) -> Scheme:
    """The :class:`~ffcc.scheme.Scheme` that codes one group of a plan over GF(p):
    ``g.build(p)`` (see :meth:`Group.build`), kept for callers that hold the plan.

    >>> P = plan([(0, 0), (0, 1), (1, 1), (1, 0)], 1, verify=False)
    >>> scheme_for_group(P, P.chosen.groups[0], 101).p
    101
    """
    return g.build(p)


def _measure_groups(P: Plan, p: int) -> None:
    t = P.stragglers + 2 * P.byzantine
    for g in P.chosen.groups:
        if g.construction == "uncoded" or g.workers - t <= 1:
            continue
        scheme = g.build(p)
        R = g.workers - t
        # every (R - 1)-subset decodes? (exhaustive; stops at the first that does not)
        while R > 1 and math.comb(scheme.w, R - 1) <= VERIFY_LIMIT:
            if not verify_scheme(scheme, R - 1, secrecy=0, progress=False).holds:
                break
            R -= 1
        if R + t < g.workers:
            g.formula += f", measured R* = {R}"
            g.workers, g.trim = R + t, R + t


def _optimize_groups(P: Plan, budget: float, p: int) -> None:
    """Search with :func:`ffcc.optimize.optimize`: every distinct group of every candidate
    grouping (per-group straggler budgets; 60% of the time, smallest groups first), and all
    products as one code (one shared budget of s stragglers anywhere; the rest). The best
    grouping after the search and the shared code become candidates ``"optimized"`` and
    ``"optimized-shared"``; the cheaper is chosen if it beats the plan."""
    if P.byzantine or not P.merge:
        P.notes.append("optimize: skipped (needs merged repeats and no Byzantine workers)")
        return
    t0 = time.perf_counter()
    groupings = [c for c in P.candidates if c.tolerates and len(c.groups) > 1]
    if P.chosen not in groupings:
        groupings.append(P.chosen)
    todo = {g.products: g for c in groupings for g in c.groups if g.construction != "uncoded"}
    found: dict[tuple[int, ...], Group] = {}
    order = sorted(todo, key=len)
    for i, key in enumerate(order):
        g = todo[key]
        left = 0.6 * budget - (time.perf_counter() - t0)
        share = max(left / (len(order) - i), 0.05)
        res = search_schemes(P.group_pairs(g), P.stragglers, time_limit=share, p=p, progress=False)
        if res.workers < g.workers:
            how = f"{res.best.method}, threshold {res.threshold} (k = {g.k})"
            ng = Group(scheme=res.scheme, spec=g.spec, construction="optimized",
                       products=g.products, workers=res.workers, formula=how)  # fmt: skip
        else:
            ng = replace(g, verified=None, verify_note="")
        ng.lower_bound = res.lower_bound
        found[key] = ng

    def improved(c: Candidate) -> Candidate:
        groups = [found.get(g.products, g) for g in c.groups]
        return Candidate("optimized", groups, note=f"ffcc.optimize per group of {c.name}")

    src, per_group = min(
        ((c.name, improved(c)) for c in groupings), key=lambda x: (x[1].workers, len(x[1].groups))
    )
    P.candidates.append(per_group)
    bound = sum(g.lower_bound if g.lower_bound is not None else g.workers for g in per_group.groups)
    left = max(budget - (time.perf_counter() - t0), 0.05)
    res = search_schemes(P.products, P.stragglers, time_limit=left, p=p, progress=False)
    one = Group(scheme=res.scheme, spec=GroupSpec.of(P.products, P.stragglers, 0, P.merge),
                construction="optimized", products=tuple(range(P.k)), workers=res.workers,
                formula=f"{res.best.method}, threshold {res.threshold} (k = {P.k})",
                lower_bound=res.lower_bound)  # fmt: skip
    shared = Candidate("optimized-shared", [one], note="ffcc.optimize on all products: one "
                       "code, s stragglers anywhere")  # fmt: skip
    P.candidates.append(shared)
    P.notes.append(
        f"optimize ({budget:g} s, {len(found)} groups searched): per-group budgets "
        f"{P.chosen.name} {P.chosen.workers} -> {src} {per_group.workers} workers (that "
        f"grouping needs >= {bound}); one shared budget "
        f"(one code for all {P.k} products) {shared.workers} (any scheme needs >= "
        f"{res.lower_bound})"
    )
    best = min((per_group, shared), key=lambda c: (c.workers, len(c.groups)))
    if best.workers < P.chosen.workers:
        P.chosen = best


def _verify_groups(P: Plan, p: int) -> None:
    for g in P.chosen.groups:
        R = g.workers - P.stragglers - 2 * P.byzantine
        n = math.comb(g.workers, R)
        if n > VERIFY_LIMIT:
            g.verify_note = f"C({g.workers}, {R}) = {n:,} subsets: too many to check here"
            continue
        rep = verify_scheme(g.build(p), progress=False)
        g.verified = bool(rep.holds)
        g.verify_note = f"{rep.checked:,} subsets"


def compare(samples, stragglers: int = 1, *, merge: bool = True, p: int = 65537) -> list[dict]:
    """Worker counts of every applicable construction for one sample structure: the
    formula, and the value the verifier measures (smallest R at which every R-subset of
    the construction's workers decodes, plus s). ``measured`` is None where the count of
    subsets is too large to check here.
    """
    s = check_int(stragglers, "compare: stragglers", lowest=0)
    g = samples if isinstance(samples, SampleGraph) else SampleGraph(samples)
    pairs = list(g.edges) if merge else list(g.samples)
    k = len(pairs)
    spec = GroupSpec.of(pairs, s, 0, merge)
    local = list(spec.pairs)
    u1, u2 = spec.u

    def small(w: int, R: int) -> bool:
        return sum(math.comb(w, r) for r in range(R, w + 1)) <= VERIFY_LIMIT

    rows = [
        {"construction": "uncoded", "formula": k, "measured": k, "note": "tolerates s = 0 only"},
        {"construction": "replication", "formula": k * (1 + s), "measured": k * (1 + s)},
    ]
    w = 2 * k - 1 + s
    measured = None
    if small(w, 2 * k - 1):
        sch = spec.relabel(lagrange(k, s, p=p))
        measured = recovery_threshold(sch) + s
    rows.append({"construction": "matdot/lagrange", "formula": w, "measured": measured,
                 "note": "2k - 1 + s; measured on the folded blocks"})  # fmt: skip
    w = 2 * k - u1 - u2 + 1 + s
    measured = None
    if small(w, w - s):
        rep = theorem1_report(pairs and local, s, merge=merge, p=p)
        measured = rep.measured_workers
    rows.append({"construction": "theorem1 (locality-coordinates)", "formula": w,
                 "measured": measured,
                 "note": f"2k - u1 - u2 + 1 + s, u = ({u1}, {u2}); span-aware"})  # fmt: skip
    if k > 1 and spec.is_complete_grid():
        sch = polynomial_code(*spec.blocks, s, p=p)
        rows.append({"construction": "polynomial", "formula": k + s,
                     "measured": recovery_threshold(sch) + s, "note": "complete grid"})  # fmt: skip
    P = plan(g, s, merge=merge, verify=False, p=p)
    note = f"{len(P.chosen.groups)} groups, s paid per group"
    rows.append({"construction": f"planner ({P.chosen.name})", "formula": P.chosen.workers,
                 "measured": None, "note": note})  # fmt: skip
    for r in rows:
        r.setdefault("note", "")
        r.update({"k": k, "stragglers": s})
    return rows
