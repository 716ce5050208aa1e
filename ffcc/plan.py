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

import json
import math
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .structure import SampleGraph

__all__ = ["Group", "Candidate", "Plan", "plan", "group_cost", "scheme_for_group"]

Pair = tuple[Hashable, Hashable]

# exhaustive verification of a group is attempted up to this many subsets
VERIFY_LIMIT = 3_000_000


@dataclass
class Group:
    """Products coded together by one construction."""

    products: tuple[int, ...]  # indices into Plan.products
    construction: str
    workers: int
    k: int
    u: tuple[int, int]
    formula: str
    verified: bool | None = None  # None: not checked (too large, or verification off)
    trim: int | None = None  # keep only the first `trim` workers (measured threshold + s + 2b)
    verify_note: str = ""
    # a scheme found by ffcc.optimize for this group (construction "optimized")
    scheme: object = None
    lower_bound: int | None = None  # workers any linear scheme needs for this group (optimize)


@dataclass
class Candidate:
    """One way of coding all the products."""

    name: str
    groups: list[Group]
    tolerates: bool = True  # False for "uncoded" when s + b > 0
    note: str = ""

    @property
    def workers(self) -> int:
        return sum(g.workers for g in self.groups)


@dataclass
class Plan:
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
        return self.baseline_workers - self.chosen.workers

    def overhead_reduction(self) -> float:
        """Relative fall of the coding overhead w - k against the MatDot baseline."""
        base = self.baseline_workers - self.k
        return (base - (self.chosen.workers - self.k)) / base if base else 0.0

    def table(self) -> list[dict]:
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
        return json.dumps(self.to_dict())

    def group_pairs(self, g: Group) -> list[Pair]:
        return [self.products[i] for i in g.products]


def _jsonable(x):
    return list(x) if isinstance(x, tuple) else x


def _u(pairs: Sequence[Pair]) -> tuple[int, int]:
    cl = Counter(l for l, _ in pairs)
    cr = Counter(r for _, r in pairs)
    return min(cl.values()), min(cr.values())


def _is_complete_grid(pairs: Sequence[Pair]) -> bool:
    if len(set(pairs)) != len(pairs):
        return False
    lefts = {l for l, _ in pairs}
    rights = {r for _, r in pairs}
    return len(pairs) == len(lefts) * len(rights)


def group_cost(pairs: Sequence[Pair], stragglers: int, byzantine: int = 0) -> Group:
    """The cheapest construction for one group of products (see the module table)."""
    k = len(pairs)
    t = stragglers + 2 * byzantine
    tail = f" + {t}" if t else ""
    u = _u(pairs)
    options = [("lagrange", 2 * k - 1 + t, f"2k - 1{tail}")]
    if k == 1:
        options.append(("replication", 1 + t, f"1{tail}"))
    if u[0] + u[1] > 2:
        options.append(("theorem1", 2 * k - u[0] - u[1] + 1 + t, f"2k - u1 - u2 + 1{tail}"))
    if k > 1 and _is_complete_grid(pairs):
        options.append(("polynomial", k + t, f"k{tail}"))
    name, workers, formula = min(options, key=lambda o: o[1])
    return Group(tuple(range(k)), name, workers, k, u, f"{formula} (k = {k})")


def _costs(pairs: list[Pair], s: int, b: int):
    """Memoised cost of a group given by sorted product indices (candidates share groups)."""
    memo: dict[tuple[int, ...], Group] = {}

    def cost(idx) -> Group:
        key = tuple(idx)
        if key not in memo:
            g = group_cost([pairs[i] for i in key], s, b)
            g.products = key
            memo[key] = g
        h = memo[key]
        return Group(h.products, h.construction, h.workers, h.k, h.u, h.formula)

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
    """Plan the coding of a sketch's products.

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
    """
    t0 = time.perf_counter()
    s, b = int(stragglers), int(byzantine)
    if s < 0 or b < 0:
        raise ValueError("stragglers and byzantine must be non-negative")
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
    cost = _costs(pairs, s, b)
    cands = [
        Candidate(
            "uncoded",
            [Group(tuple(every), "uncoded", k, k, _u(pairs), "k")],
            tolerates=t == 0,
        ),
        Candidate(
            "replication",
            [Group(tuple(every), "replication", k * (1 + t), k, _u(pairs), "k(1 + s + 2b)")],
        ),
        Candidate(
            "matdot",
            [Group(tuple(every), "lagrange", 2 * k - 1 + t, k, _u(pairs), "2k - 1 + s + 2b")],
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


def scheme_for_group(P: Plan, g: Group, p: int = 65537):
    """The :class:`~ffcc.scheme.Scheme` that codes one group of a plan.

    Its basis is the group's distinct A-blocks (coordinate 1) and B-blocks (coordinate 2),
    numbered in first-appearance order (``params["a_blocks"]``, ``params["b_blocks"]``
    keep the ids); its targets are the group's products in order.
    """
    from .codes.lagrange import lagrange
    from .codes.polynomial import polynomial_code
    from .scheme import Scheme, from_dict

    pairs = P.group_pairs(g)
    lefts = list(dict.fromkeys(l for l, _ in pairs))
    rights = list(dict.fromkeys(r for _, r in pairs))
    li = {l: i for i, l in enumerate(lefts)}
    ri = {r: i for i, r in enumerate(rights)}
    local = [(li[l], ri[r]) for l, r in pairs]
    s, b = P.stragglers, P.byzantine
    k = len(pairs)
    if g.scheme is not None:  # found by ffcc.optimize, blocks in the same order
        sch = g.scheme
    elif g.construction == "replication":  # product i on 1 + s + 2b workers
        eye = np.eye(k, dtype=np.int64)
        copies = [i for i in range(k) for _ in range(1 + s + 2 * b)]
        base = Scheme(p, [k, k], [[eye[i], eye[i]] for i in copies],
                      [[((i, i), 1)] for i in range(k)], s, b, "replication")  # fmt: skip
        sch = base.relabel(
            [[l for l, _ in local], [r for _, r in local]], [len(lefts), len(rights)]
        )
    elif g.construction == "lagrange":
        base = lagrange(k, s, b, p=p)
        sch = base.relabel(
            [[l for l, _ in local], [r for _, r in local]], [len(lefts), len(rights)]
        )
    elif g.construction == "polynomial":
        base = polynomial_code(len(lefts), len(rights), s + 2 * b, p=p).to_dict()
        by_pair = {tuple(t[0][:2]): t for t in base["targets"]}
        base["targets"] = [by_pair[x] for x in local]  # the group's product order
        base["stragglers"], base["byzantine"] = s, b
        sch = from_dict(base)
    elif g.construction == "theorem1":
        from .codes.locality import coordinate_code

        sch = coordinate_code(local, s + 2 * b, merge=P.merge, p=p)
        if b:  # same code, w - s - 2b = threshold: corrects b liars generically
            sch = sch.with_faults(s, b)
    elif g.construction == "uncoded":
        eye = np.eye(k, dtype=np.int64)
        sch = Scheme(
            p, [k, k], [[eye[i], eye[i]] for i in range(k)], [[((i, i), 1)] for i in range(k)]
        ).relabel([[l for l, _ in local], [r for _, r in local]], [len(lefts), len(rights)])
    else:
        raise ValueError(f"unknown construction {g.construction!r}")
    if g.trim is not None:
        sch = sch.subset(range(g.trim), s, b)
    sch.params = {
        **sch.params,
        "group_construction": g.construction,
        "a_blocks": [_jsonable(x) for x in lefts],
        "b_blocks": [_jsonable(x) for x in rights],
    }
    return sch


def _measure_groups(P: Plan, p: int) -> None:
    from .verify import VerifyReport, _run_walk, prepare

    t = P.stragglers + 2 * P.byzantine
    for g in P.chosen.groups:
        if g.construction == "uncoded" or g.workers - t <= 1:
            continue
        scheme = scheme_for_group(P, g, p)
        prep = prepare(scheme)
        R = g.workers - t
        while R > 1 and math.comb(scheme.w, R - 1) <= VERIFY_LIMIT:
            rep = VerifyReport("", p, scheme.w, R - 1, 0, 0, "exhaustive", 0, 0, 0, None)
            _run_walk(prep, R - 1, scheme.w, 0, math.comb(scheme.w, R - 1), False, False,
                      rep, "")  # fmt: skip
            if rep.failed:
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
    from .optimize import optimize

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
        res = optimize(P.group_pairs(g), P.stragglers, time_limit=share, p=p, progress=False)
        if res.workers < g.workers:
            ng = Group(g.products, "optimized", res.workers, g.k, g.u,
                       f"{res.best.method}, threshold {res.threshold} (k = {g.k})")  # fmt: skip
            ng.scheme = res.scheme
        else:
            ng = Group(g.products, g.construction, g.workers, g.k, g.u, g.formula, trim=g.trim)
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
    res = optimize(P.products, P.stragglers, time_limit=left, p=p, progress=False)
    one = Group(tuple(range(P.k)), "optimized", res.workers, P.k, _u(P.products),
                f"{res.best.method}, threshold {res.threshold} (k = {P.k})")  # fmt: skip
    one.scheme, one.lower_bound = res.scheme, res.lower_bound
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
    from .verify import verify

    for g in P.chosen.groups:
        R = g.workers - P.stragglers - 2 * P.byzantine
        n = math.comb(g.workers, R)
        if n > VERIFY_LIMIT:
            g.verify_note = f"C({g.workers}, {R}) = {n:,} subsets: too many to check here"
            continue
        scheme = scheme_for_group(P, g, p)
        rep = verify(scheme, progress=False)
        g.verified = bool(rep.holds)
        g.verify_note = f"{rep.checked:,} subsets"


def compare(samples, stragglers: int = 1, *, merge: bool = True, p: int = 65537) -> list[dict]:
    """Worker counts of every applicable construction for one sample structure: the
    formula, and the value the verifier measures (smallest R at which every R-subset of
    the construction's workers decodes, plus s). ``measured`` is None where the count of
    subsets is too large to check here.
    """
    from .codes.lagrange import lagrange
    from .codes.locality import theorem1_report
    from .codes.polynomial import polynomial_code
    from .verify import recovery_threshold

    s = int(stragglers)
    g = samples if isinstance(samples, SampleGraph) else SampleGraph(samples)
    pairs = list(g.edges) if merge else list(g.samples)
    k = len(pairs)
    lefts = list(dict.fromkeys(l for l, _ in pairs))
    rights = list(dict.fromkeys(r for _, r in pairs))
    li = {l: i for i, l in enumerate(lefts)}
    ri = {r: i for i, r in enumerate(rights)}
    local = [(li[l], ri[r]) for l, r in pairs]
    maps = [[l for l, _ in local], [r for _, r in local]]
    u1, u2 = _u(pairs)

    def small(w: int, R: int) -> bool:
        return sum(math.comb(w, r) for r in range(R, w + 1)) <= VERIFY_LIMIT

    rows = [
        {"construction": "uncoded", "formula": k, "measured": k, "note": "tolerates s = 0 only"},
        {"construction": "replication", "formula": k * (1 + s), "measured": k * (1 + s)},
    ]
    w = 2 * k - 1 + s
    measured = None
    if small(w, 2 * k - 1):
        sch = lagrange(k, s, p=p).relabel(maps, [len(lefts), len(rights)])
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
    if k > 1 and _is_complete_grid(pairs):
        sch = polynomial_code(len(lefts), len(rights), s, p=p)
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
