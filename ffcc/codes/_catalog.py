r"""The catalog of constructions, in the manner of Sage's ``codes.`` catalogs.

Each construction module registers itself with :func:`register`; ``ffcc codes`` and
``ffcc export NAME`` read :data:`CATALOG`.

An entry that can code one group of a compression-informed plan also carries a
:class:`GroupRule`: the sample structures it applies to, its worker formula (threshold
plus :math:`t = s + 2b`) and a builder taking a :class:`GroupSpec`. The planner
(:func:`ffcc.plan.plan`) asks :func:`group_rules` for every rule that applies to a group
and keeps the cheapest; nothing in the planner names a construction.

Example
-------
>>> from ffcc.codes import GroupSpec, group_rules
>>> cycle4 = GroupSpec.of([(0, 0), (0, 1), (1, 1), (1, 0)], stragglers=1)
>>> [(r.name, r.workers(cycle4)) for r in group_rules() if r.applies(cycle4)]
[('lagrange', 8), ('theorem1', 6), ('polynomial', 5)]
>>> S = cycle4.build("polynomial", 65537)
>>> S.w, S.R, S.basis
(5, 4, (2, 2))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..scheme import Scheme, from_dict
from .parsing import check_int

__all__ = [
    "Construction",
    "CATALOG",
    "register",
    "build",
    "GroupSpec",
    "GroupRule",
    "group_rules",
    "group_rule",
]


@dataclass(frozen=True)
class GroupSpec:
    r"""One group of products of a plan, as the constructions see it.

    ``pairs[i] = (l, r)``: product i multiplies A-block l by B-block r, both numbered
    locally in first-appearance order (``a_ids``, ``b_ids`` keep the plan's block ids).
    Every group tolerates ``stragglers`` s and ``byzantine`` b on its own
    (:math:`t = s + 2b`); ``merge`` says repeated samples were merged into one product.
    A pure description: :meth:`build` makes the group's scheme over any prime.

    >>> spec = GroupSpec.of([(0, 0), (0, 1), (1, 1)], stragglers=1, byzantine=1)  # a path
    >>> spec.k, spec.t, spec.u, spec.blocks, spec.is_complete_grid()  # t = s + 2b
    (3, 3, (1, 1), (2, 2), False)
    """

    pairs: tuple[tuple[int, int], ...]
    a_ids: tuple = ()
    b_ids: tuple = ()
    stragglers: int = 0
    byzantine: int = 0
    merge: bool = True

    @classmethod
    def of(cls, pairs: Sequence[tuple[Hashable, Hashable]], stragglers: int = 0,
           byzantine: int = 0, merge: bool = True) -> GroupSpec:  # fmt: skip
        """The spec of products given by (A-block id, B-block id) pairs.

        >>> GroupSpec.of([("x", 5), ("y", 5)]).pairs
        ((0, 0), (1, 0))
        """
        lefts = tuple(dict.fromkeys(l for l, _ in pairs))
        rights = tuple(dict.fromkeys(r for _, r in pairs))
        li = {l: i for i, l in enumerate(lefts)}
        ri = {r: i for i, r in enumerate(rights)}
        local = tuple((li[l], ri[r]) for l, r in pairs)
        s = check_int(stragglers, "group: stragglers", lowest=0)
        b = check_int(byzantine, "group: byzantine", lowest=0)
        return cls(local, lefts, rights, s, b, bool(merge))

    @property
    def k(self) -> int:
        """Number of products."""
        return len(self.pairs)

    @property
    def t(self) -> int:
        """Workers paid for faults: s + 2b."""
        return self.stragglers + 2 * self.byzantine

    @cached_property  # the rules ask for it several times
    def u(self) -> tuple[int, int]:
        """:math:`(u_1, u_2)`: the fewest uses of any A-block and of any B-block."""
        return (min(Counter(l for l, _ in self.pairs).values()),
                min(Counter(r for _, r in self.pairs).values()))  # fmt: skip

    @property
    def blocks(self) -> tuple[int, int]:
        """Distinct A-blocks and B-blocks."""
        return 1 + max(l for l, _ in self.pairs), 1 + max(r for _, r in self.pairs)

    def is_complete_grid(self) -> bool:
        """Every (A-block, B-block) pair exactly once: the products form an a x c grid."""
        a, c = self.blocks
        return len(set(self.pairs)) == self.k == a * c

    def relabel(self, base: Scheme) -> Scheme:
        """A code for k independent pairs (basis (k, k), product i = input i times input
        i) moved onto the group's blocks: products sharing a block use one input."""
        return base.relabel(
            [[l for l, _ in self.pairs], [r for _, r in self.pairs]], list(self.blocks)
        )

    def in_product_order(self, grid: Scheme) -> Scheme:
        """A code whose targets are the single products (l, r) of every pair, its targets
        put in the spec's product order and its faults set to the spec's s and b."""
        d = grid.to_dict()
        by_pair = {tuple(t[0][:2]): t for t in d["targets"]}
        d["targets"] = [by_pair[x] for x in self.pairs]
        d["stragglers"], d["byzantine"] = self.stragglers, self.byzantine
        return from_dict(d)

    def with_faults(self, code: Scheme) -> Scheme:
        """A code built for t = s + 2b stragglers, asked to tolerate s and b instead: the
        same workers, and w - s - 2b = R corrects b liars (generic codes)."""
        return code.with_faults(self.stragglers, self.byzantine) if self.byzantine else code

    def build(self, construction: str, p: int) -> Scheme:
        """The scheme of :func:`group_rule` ``(construction)`` for this group over GF(p)."""
        return group_rule(construction).build(self, int(p))


@dataclass(frozen=True)
class GroupRule:
    """How the planner may code one group of products with a construction.

    ``applies(spec)`` says which sample structures it codes; ``workers(spec)`` is its
    worker count (threshold formula plus s + 2b), stated in words by ``formula``;
    ``build(spec, p)`` makes its scheme over GF(p), targets in the spec's product order.
    Ties in workers go to the lower ``rank``.

    >>> rule = group_rule("polynomial")
    >>> grid = GroupSpec.of([(0, 0), (0, 1), (1, 0), (1, 1)], stragglers=1)  # a 2 x 2 grid
    >>> rule.applies(grid), rule.workers(grid)  # mn + s
    (True, 5)
    >>> rule.applies(GroupSpec.of([(0, 0), (0, 1), (1, 1)]))  # not a complete grid
    False
    """

    name: str
    applies: Callable[[GroupSpec], bool]
    workers: Callable[[GroupSpec], int]
    formula: str
    build: Callable[[GroupSpec, int], Scheme]
    rank: int = 0


@dataclass(frozen=True)
class Construction:
    """One entry of the catalog.

    ``build(**params)`` returns a :class:`~ffcc.scheme.Scheme`; ``defaults`` are the
    sensible default parameters (every parameter ``build`` accepts, with its default);
    ``workers(**params)`` is the worker count the threshold formula promises, given the
    same parameters; ``threshold`` states that formula in words. ``plan``: the entry's
    :class:`GroupRule` when the planner may use it on a group of products.

    >>> c = CATALOG["matdot"]
    >>> c.workers(m=3, s=1), c.build(m=3, s=1).w  # 2m - 1 + s, promised and built
    (6, 6)
    """

    name: str
    build: Callable[..., Scheme]
    defaults: dict
    threshold: str
    workers: Callable[..., int]
    reference: str
    summary: str
    param_help: dict = field(default_factory=dict)
    plan: GroupRule | dict | None = None

    def __post_init__(self):
        if isinstance(self.plan, dict):  # register(..., plan=dict(...)) needs no import
            object.__setattr__(self, "plan", GroupRule(**self.plan))


CATALOG: dict[str, Construction] = {}


def register(entry: Construction) -> Construction:
    """Add a construction to :data:`CATALOG` (each module calls it once per entry).

    >>> register(CATALOG["matdot"])
    Traceback (most recent call last):
    ...
    ValueError: construction 'matdot' registered twice
    """
    if entry.name in CATALOG:
        raise ValueError(f"construction {entry.name!r} registered twice")
    CATALOG[entry.name] = entry
    return entry


def build(name: str, **params) -> Scheme:
    """Build a catalogued construction by name, unknown names and parameters refused.

    >>> S = build("matdot", m=3, s=0)  # 2m - 1 workers, all needed
    >>> S.w, S.R
    (5, 5)
    >>> build("matdot", k=3)
    Traceback (most recent call last):
    ...
    ValueError: matdot takes parameters ['m', 'p', 's', 'weights'], not ['k']
    """
    if name not in CATALOG:
        raise KeyError(f"unknown construction {name!r}; known: {', '.join(sorted(CATALOG))}")
    entry = CATALOG[name]
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise ValueError(f"{name} takes parameters {sorted(entry.defaults)}, not {sorted(unknown)}")
    return entry.build(**{**entry.defaults, **params})


def _identity_code(spec: GroupSpec, p: int, copies: int, name: str) -> Scheme:
    """Product i on ``copies`` workers of its own (uncoded: 1, replication: 1 + s + 2b)."""
    k = spec.k
    eye = np.eye(k, dtype=np.int64)
    workers = [[eye[i], eye[i]] for i in range(k) for _ in range(copies)]
    s, b = (spec.stragglers, spec.byzantine) if copies > 1 else (0, 0)
    base = Scheme(p, [k, k], workers, [[((i, i), 1)] for i in range(k)], s, b, name)
    return spec.relabel(base)


# Codes that are no catalog entry (every product on workers of its own), and the rules of
# the whole-plan baselines; the catalog's entries add theirs with ``register(..., plan=)``.
REPLICATION = GroupRule(
    "replication",
    applies=lambda spec: spec.k == 1,
    workers=lambda spec: 1 + spec.t,
    formula="1",
    build=lambda spec, p: _identity_code(spec, p, 1 + spec.t, "replication"),
    rank=1,
)
UNCODED = GroupRule(
    "uncoded",
    applies=lambda spec: spec.t == 0,
    workers=lambda spec: spec.k,
    formula="k",
    build=lambda spec, p: _identity_code(spec, p, 1, "uncoded"),
    rank=99,
)
_EXTRA = {"replication": REPLICATION, "uncoded": UNCODED}


def group_rules() -> list[GroupRule]:
    """Every rule the planner weighs for a group, by rank: the catalog's entries that
    declare one, and replication (one product on 1 + s + 2b workers).

    >>> rules = group_rules()
    >>> {"polynomial", "replication"} <= {r.name for r in rules}
    True
    >>> [r.rank for r in rules] == sorted(r.rank for r in rules)
    True
    """
    rules = [c.plan for c in CATALOG.values() if c.plan is not None] + [REPLICATION]
    return sorted(rules, key=lambda r: r.rank)


def group_rule(name: str) -> GroupRule:
    """The rule named ``name`` (a group's ``construction``): a catalog entry's or one of
    ``replication``, ``uncoded``.

    >>> one = GroupSpec.of([("a", "b")], stragglers=1, byzantine=1)
    >>> group_rule("replication").workers(one)  # 1 + s + 2b copies of the product
    4
    """
    for c in CATALOG.values():
        if c.plan is not None and c.plan.name == name:
            return c.plan
    if name in _EXTRA:
        return _EXTRA[name]
    known = sorted({r.name for r in group_rules()} | set(_EXTRA))
    raise KeyError(f"no construction codes plan groups as {name!r}; known: {', '.join(known)}")
