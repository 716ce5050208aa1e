r"""Independent constructions for the proofs, built directly from the papers' definitions.

Every code here is an *evaluation code* for a bilinear map: basis element l of coordinate c
carries a polynomial :math:`a_{c,l}(z)`, the worker at node :math:`\alpha` receives
:math:`\sum_l a_{c,l}(\alpha) X_{c,l}` in each coordinate and returns the product, so its
answer is :math:`h(\alpha)` for :math:`h(z) = u_1(z) u_2(z)` of degree at most D. Any D + 1
distinct nodes determine h (Vandermonde), which is why D + 1 + s workers tolerate s
stragglers. The constructions are written without ``ffcc.codes`` so that they check the
library's codes independently; they are turned into :class:`ffcc.Scheme` objects and
verified exhaustively with :func:`ffcc.verify.verify`.

Basis elements are arbitrary hashable ids (e.g. ``("A", i, iota)``); a *sample* is a pair
``(left id, right id)``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from ffcc import PrimeField, Scheme
from ffcc.codes import polyarith

P = 65537  # the field of every exhaustive check unless stated otherwise

Poly = list[int]  # coefficients, lowest degree first
Term = tuple[tuple[Hashable, Hashable], int]


# ----------------------------------------------------------------------------- polynomials


# The generic helpers come from the one shared module (ffcc.codes.polyarith); the codes
# below are still built here, from the papers' definitions, independently of ffcc.codes'
# constructions. These names bind the proofs' default field P.


def pmul(a: Poly, b: Poly, p: int = P) -> Poly:
    return polyarith.poly_mul(a, b, p)


def padd(a: Poly, b: Poly, p: int = P) -> Poly:
    return polyarith.poly_add(a, b, p)


def pscale(a: Poly, c: int, p: int = P) -> Poly:
    return polyarith.poly_scale(a, c, p)


def peval(a: Poly, x: int, p: int = P) -> int:
    return polyarith.poly_at(a, x, p)


pdeg = polyarith.poly_degree


def from_roots(roots: Sequence[int], p: int = P) -> Poly:
    return polyarith.from_roots(roots, p)


def lagrange_basis(betas: Sequence[int], p: int = P) -> list[Poly]:
    """:math:`\\ell_i(z) = \\prod_{j \\ne i} (z - \\beta_j) / (\\beta_i - \\beta_j)`."""
    return polyarith.lagrange_basis(betas, p)


# ----------------------------------------------------------------------------- codes


@dataclass
class Code:
    """An evaluation code: ``polys[c][id]`` is basis element ``id``'s polynomial in
    coordinate c; ``targets`` are lists of ``((left id, right id), coeff)`` terms; D bounds
    the degree of the product polynomial, so D + 1 nodes suffice."""

    name: str
    polys: tuple[dict, dict]
    targets: list[list[Term]]
    D: int
    p: int = P

    @property
    def threshold(self) -> int:
        return self.D + 1

    def span_dimension(self) -> int:
        """dim V, V = span of the products a_l b_l' (polynomials of degree <= D): when it is
        D + 1 no D workers ever decode a target (they span a hyperplane of V avoiding
        every evaluation at a sample node)."""
        rows = []
        for a in self.polys[0].values():
            for b in self.polys[1].values():
                c = pmul(a, b, self.p)
                rows.append((c + [0] * (self.D + 1))[: self.D + 1])
        return PrimeField(self.p).rank(rows)

    def workers(self, nodes: Sequence[int]) -> list[tuple[dict, dict]]:
        return [
            tuple({l: peval(a, x, self.p) for l, a in self.polys[c].items()} for c in (0, 1))
            for x in nodes
        ]

    def scheme(self, w: int, s: int = 0, b: int = 0, start: int | None = None) -> Scheme:
        """The code at ``w`` nodes ``start, start + 1, ...`` (default: after every node
        used to build it, 1000)."""
        start = 1000 if start is None else start
        nodes = list(range(start, start + w))
        return make_scheme(self.workers(nodes), self.targets, s, b, self.p, self.name)


def make_scheme(
    workers: Sequence[tuple[dict, dict]],
    targets: Sequence[Sequence[Term]],
    s: int = 0,
    b: int = 0,
    p: int = P,
    name: str = "proof",
) -> Scheme:
    """A :class:`~ffcc.Scheme` from id-keyed worker encoders and targets."""
    left: dict = {}
    right: dict = {}
    for t in targets:
        for (l, r), _ in t:
            left.setdefault(l, len(left))
            right.setdefault(r, len(right))
    for wl, wr in workers:
        for l in wl:
            left.setdefault(l, len(left))
        for r in wr:
            right.setdefault(r, len(right))
    enc = []
    for wl, wr in workers:
        el = [0] * len(left)
        er = [0] * len(right)
        for l, c in wl.items():
            el[left[l]] = c % p
        for r, c in wr.items():
            er[right[r]] = c % p
        enc.append([el, er])
    tg = [[((left[l], right[r]), c % p) for (l, r), c in t] for t in targets]
    return Scheme(p, [len(left), len(right)], enc, tg, stragglers=s, byzantine=b, name=name)


def u_counts(pairs: Sequence[tuple]) -> tuple[int, int]:
    """(u1, u2) of eq. (3): the fewest samples sharing one basis element, per side."""
    cl = Counter(l for l, _ in pairs)
    cr = Counter(r for _, r in pairs)
    return min(cl.values()), min(cr.values())


def default_betas(k: int) -> list[int]:
    return list(range(1, k + 1))


def vanishing_code(pairs: Sequence[tuple], betas=None, p: int = P) -> Code:
    r"""Theorem 1's code (vanishing products): sample r gets node :math:`\beta_r` and

    .. math:: a_l(z) = \prod_{r:\, l_r \ne l} (z - \beta_r), \qquad
              b_{l'}(z) = \prod_{r:\, l'_r \ne l'} (z - \beta_r).

    :math:`\deg a_l = k - (\text{uses of } l) \le k - u_1`, so
    :math:`D = 2k - u_1 - u_2`, and
    :math:`h(\beta_r) = a_{l_r}(\beta_r) b_{l'_r}(\beta_r) X_{l_r} Y_{l'_r}` with a non-zero
    factor: every sample is decoded from any D + 1 evaluations, i.e.
    :math:`w_{k,s} + 2 - u_1 - u_2` workers."""
    k = len(pairs)
    betas = default_betas(k) if betas is None else list(betas)
    polys: tuple[dict, dict] = ({}, {})
    for c in (0, 1):
        for l in dict.fromkeys(x[c] for x in pairs):
            polys[c][l] = from_roots([betas[r] for r in range(k) if pairs[r][c] != l], p)
    targets = [[((l, r), 1)] for l, r in pairs]
    u1, u2 = u_counts(pairs)
    return Code("theorem1-vanishing", polys, targets, 2 * k - u1 - u2, p)


def lagrange_code(pairs: Sequence[tuple], betas=None, p: int = P) -> Code:
    r"""Lagrange coded computing on k samples: :math:`u(\beta_r) = X_r`, so
    :math:`a_l = \sum_{r: l_r = l} \ell_r`, D = 2(k - 1), every sample a target."""
    k = len(pairs)
    betas = default_betas(k) if betas is None else list(betas)
    ell = lagrange_basis(betas, p)
    polys: tuple[dict, dict] = ({}, {})
    for r, pair in enumerate(pairs):
        for c in (0, 1):
            polys[c][pair[c]] = padd(polys[c].get(pair[c], [0]), ell[r], p)
    targets = [[((l, r), 1)] for l, r in pairs]
    return Code("lagrange", polys, targets, 2 * (k - 1), p)


def matdot_code(pairs: Sequence[tuple], weights=None, p: int = P) -> Code:
    r"""MatDot on k pairs: :math:`u = \sum_r c_r X_r z^{r}`, :math:`v = \sum_r Y_r z^{k-1-r}`;
    the coefficient of :math:`z^{k-1}` is the one target :math:`\sum_r c_r X_r Y_r`."""
    k = len(pairs)
    c = [1] * k if weights is None else [int(x) % p for x in weights]
    polys: tuple[dict, dict] = ({}, {})
    for r, (l, rr) in enumerate(pairs):
        mono = [0] * r + [c[r]]
        polys[0][l] = padd(polys[0].get(l, [0]), mono, p)
        polys[1][rr] = padd(polys[1].get(rr, [0]), [0] * (k - 1 - r) + [1], p)
    target = [((l, rr), c[r]) for r, (l, rr) in enumerate(pairs)]
    return Code("matdot", polys, [target], 2 * (k - 1), p)


def polynomial_grid_code(lefts: Sequence, rights: Sequence, p: int = P) -> Code:
    r"""Polynomial code (Yu et al.) on the complete a x b grid: :math:`A_i \mapsto z^i`,
    :math:`B_j \mapsto z^{aj}`; every :math:`A_i B_j` is one coefficient, D = ab - 1."""
    a = len(lefts)
    polys = (
        {l: [0] * i + [1] for i, l in enumerate(lefts)},
        {r: [0] * (a * j) + [1] for j, r in enumerate(rights)},
    )
    targets = [[((l, r), 1)] for l in lefts for r in rights]
    return Code("polynomial", polys, targets, a * len(rights) - 1, p)


def entangled_code(m: int, n: int, q: int, p: int = P) -> Code:
    r"""Entangled polynomial code (Yu, Maddah-Ali, Avestimehr 2020) for C = AB with A cut
    m x q and B cut q x n: :math:`A_{i,\iota} \mapsto z^{\iota + qi}`,
    :math:`B_{\iota,j} \mapsto z^{q-1-\iota+qmj}`; :math:`C_{i,j}` is the coefficient of
    :math:`z^{q-1+qi+qmj}`, D = mnq + q - 2, threshold mnq + q - 1."""
    polys = (
        {("A", i, t): [0] * (t + q * i) + [1] for i in range(m) for t in range(q)},
        {("B", t, j): [0] * (q - 1 - t + q * m * j) + [1] for t in range(q) for j in range(n)},
    )
    targets = [
        [((("A", i, t), ("B", t, j)), 1) for t in range(q)] for i in range(m) for j in range(n)
    ]
    return Code("entangled", polys, targets, m * n * q + q - 2, p)


def one_dependency_code(coeffs: Sequence[int], betas=None, p: int = P) -> Code:
    r"""Rudow et al. (2021) for k inputs with one dependency
    :math:`X_k = \sum_{i<k} c_i X_i` (both coordinates, all :math:`c_i \ne 0`).

    With :math:`\ell_i` the Lagrange basis on :math:`\beta_1..\beta_{k-1}` (degree k - 2) and
    :math:`\gamma_i = c_i / \ell_i(\beta_k)`, the encoder :math:`u(z) = \sum_{i<k} \gamma_i
    X_i \ell_i(z)` has :math:`u(\beta_i) = \gamma_i X_i` and
    :math:`u(\beta_k) = \sum_i c_i X_i = X_k`; :math:`\deg u_1 u_2 = 2k - 4`, so
    :math:`2k - 3 + s = w_{k,s} - 2` workers. Basis ids are 0..k-2 in both coordinates;
    target i < k-1 is :math:`X_iY_i`, the last is :math:`X_kY_k = \sum c_i c_j X_i Y_j`.
    A zero :math:`c_i` makes :math:`\gamma_i = 0` and the construction fails."""
    k = len(coeffs) + 1
    betas = default_betas(k) if betas is None else list(betas)
    ell = lagrange_basis(betas[: k - 1], p)
    gam = []
    for i in range(k - 1):
        li = peval(ell[i], betas[k - 1], p)
        gam.append(int(coeffs[i]) % p * pow(li, -1, p) % p)
    polys = tuple({i: pscale(ell[i], gam[i], p) for i in range(k - 1)} for _ in (0, 1))
    targets = [[((i, i), 1)] for i in range(k - 1)]
    targets.append(
        [((i, j), int(coeffs[i]) * int(coeffs[j])) for i in range(k - 1) for j in range(k - 1)]
    )
    return Code("one-dependency", polys, targets, 2 * (k - 2), p)


# ----------------------------------------------------------------------------- the catalog


def catalog_agrees(name: str, params: dict, own: Scheme) -> str | None:
    """None when the catalog's construction ``name`` verifies like ``own`` (the proof's
    independent code with the same workers and s): same worker count, same verdict, same
    smallest R (computed exhaustively), and the numeric scheme was built from its exact form
    (``scheme.form``) and is, checked independently with sympy, that form
    (``ffcc.codes.symbolic_form``) at its nodes. Otherwise what differs."""
    from ffcc import codes
    from ffcc.verify import recovery_threshold, verify

    S = codes.build(name, **params)
    if S.w != own.w:
        return f"{name} {params}: {S.w} workers, the independent code {own.w}"
    entry = codes.CATALOG[name]
    promised = entry.workers(**{**entry.defaults, **params})
    if promised != S.w:
        return f"{name} {params}: the catalog's formula promises {promised} workers, built {S.w}"
    mine, theirs = verify(own).holds, verify(S).holds
    if mine != theirs:
        return f"{name} {params}: verdict {theirs}, the independent code {mine}"
    rm, rt = recovery_threshold(own), recovery_threshold(S)
    if rm != rt:
        return f"{name} {params}: smallest R {rt}, the independent code {rm}"
    if getattr(S, "form", None) is None:
        return f"{name} {params}: the catalog's scheme was not built from its construction's form"
    if not codes.symbolic_form(name, **params).check(S):
        return f"{name} {params}: the numeric scheme is not its symbolic form at its nodes"
    return None


# ----------------------------------------------------------------------------- groups


def group_code(pairs: Sequence[tuple], construction: str, p: int = P) -> Code:
    """The code for one group of a plan, by the planner's construction name."""
    if construction in ("lagrange", "matdot"):
        return lagrange_code(pairs, p=p)
    if construction == "theorem1":
        return vanishing_code(pairs, p=p)
    if construction == "polynomial":
        lefts = list(dict.fromkeys(l for l, _ in pairs))
        rights = list(dict.fromkeys(r for _, r in pairs))
        return polynomial_grid_code(lefts, rights, p)
    if construction == "replication":
        if len(set(pairs)) != 1:
            raise ValueError("replication codes one product; give one pair")
        pair = pairs[0]
        return Code(construction, ({pair[0]: [1]}, {pair[1]: [1]}), [[(pair, 1)]], 0, p)
    raise ValueError(f"no independent construction for {construction!r}")


def groups_scheme(
    groups: Sequence[tuple[Code, int]], s: int = 0, b: int = 0, p: int = P, name: str = "plan"
) -> Scheme:
    """The direct sum of several codes, code i at ``w_i`` nodes of its own. Every group
    tolerating s stragglers and b liars on its own, the sum tolerates them in total."""
    workers: list = []
    targets: list = []
    for code, w in groups:
        workers += code.workers(list(range(1000, 1000 + w)))
        targets += code.targets
    return make_scheme(workers, targets, s, b, p, name)


def plan_scheme(P, candidate=None, p: int = P) -> Scheme:
    """The scheme of a :func:`ffcc.plan.plan` candidate (default: the chosen one), every
    group built here from its construction name with the planner's worker count."""
    cand = P.chosen if candidate is None else candidate
    return groups_scheme(plan_parts(P, cand, p), P.stragglers, P.byzantine, p, name=cand.name)


def plan_parts(P, cand, p: int = P) -> list[tuple[Code, int]]:
    """(independent code, the planner's worker count) for every group of a candidate."""
    parts = []
    for g in cand.groups:
        pairs = P.group_pairs(g)
        if g.construction in ("uncoded", "replication"):  # every product on its own
            each = g.workers // len(pairs)
            assert each * len(pairs) == g.workers
            parts += [(group_code([x], "replication", p), each) for x in pairs]
        else:
            parts.append((group_code(pairs, g.construction, p), g.workers))
    return parts


# ----------------------------------------------------------------------------- graphs


def canonical(M: Sequence[Sequence[int]], swap_sides: bool = True) -> tuple:
    """Canonical form of a bipartite multigraph given by its multiplicity matrix, under
    permutations of rows and of columns (and exchanging the sides when square and
    ``swap_sides``): for each row order, sorting the columns as vectors gives the
    lexicographically least row-major flattening, so the minimum over row orders is
    canonical."""
    best = None
    mats = [tuple(map(tuple, M))]
    if swap_sides and len(M) == len(M[0]):
        mats.append(tuple(zip(*M, strict=True)))
    for A in mats:
        for perm in itertools.permutations(range(len(A))):
            rows = [A[i] for i in perm]
            cols = sorted(zip(*rows, strict=True))
            flat = tuple(x for row in zip(*cols, strict=True) for x in row)
            if best is None or flat < best:
                best = flat
    return best


def multigraphs(max_edges: int, nl: int, nr: int, min_edges: int = 1) -> list[tuple]:
    """One representative (row-major multiplicity tuple on nl x nr) of every bipartite
    multigraph with ``min_edges..max_edges`` edges on at most nl + nr vertices, up to
    isomorphism (sides may be exchanged when nl = nr)."""
    seen = set()
    out = []
    cells = nl * nr
    for k in range(min_edges, max_edges + 1):
        for combo in itertools.combinations_with_replacement(range(cells), k):
            cnt = [0] * cells
            for c in combo:
                cnt[c] += 1
            M = [cnt[i * nr : (i + 1) * nr] for i in range(nl)]
            key = canonical(M)
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def even_multigraphs(edges: int, nl: int, nr: int) -> list[tuple]:
    """Every bipartite multigraph with exactly ``edges`` edges on at most nl + nr vertices
    in which every vertex has even degree -- the edge-disjoint unions of cycles (a doubled
    sample is a 2-cycle) -- up to isomorphism."""
    rows = [
        r
        for tot in range(0, edges + 1, 2)
        for r in itertools.product(range(tot + 1), repeat=nr)
        if sum(r) == tot
    ]
    seen = set()
    out = []

    def rec(chosen, left):
        if len(chosen) == nl:
            if left == 0 and all(sum(col) % 2 == 0 for col in zip(*chosen, strict=True)):
                key = canonical(chosen)
                if key not in seen:
                    seen.add(key)
                    out.append(key)
            return
        for r in rows:
            if sum(r) <= left and (not chosen or r >= chosen[-1]):  # rows sorted: fewer repeats
                rec(chosen + [r], left - sum(r))

    rec([], edges)
    return out


def pairs_of(flat: Sequence[int], nl: int, nr: int) -> list[tuple]:
    """The samples of a multiplicity matrix (row-major), as (("A", i), ("B", j)) pairs."""
    out = []
    for i in range(nl):
        for j in range(nr):
            out += [(("A", i), ("B", j))] * flat[i * nr + j]
    return out


def describe(pairs: Sequence[tuple]) -> str:
    """Compact text for a list of samples: ``A0-B1 A0-B1 A1-B0``."""

    def name(x):
        return "".join(str(v) for v in x) if isinstance(x, tuple) else str(x)

    return " ".join(f"{name(l)}-{name(r)}" for l, r in pairs)
