r"""Symbolic forms of the catalog's constructions (sympy), written from the papers' formulas.

Every catalogued construction is an *evaluation code*: basis input l of coordinate c gets a
polynomial :math:`a_{c,l}(z)`, the worker at node :math:`x` multiplies the encoders
:math:`u_c(x) = \sum_l a_{c,l}(x) X_{c,l}`, so it returns :math:`h(x)` for the product
polynomial :math:`h = \prod_c u_c`, and every target is a fixed linear functional of h (a
coefficient, or a value at a node :math:`\beta`, divided by a scale). The per-block 3M
layout is K such codes side by side, each on its own workers, with nodes on the projective
line (a worker at :math:`(a, b)` evaluates the homogenised polynomial).

:func:`symbolic_form` returns a :class:`SymbolicForm`: the encoder polynomials, the product
polynomial, the targets as functionals of h, the worker nodes, and
:meth:`SymbolicForm.decoder`, the decoding map from any D + 1 answers as expressions in node
symbols :math:`\alpha_1, \dots, \alpha_{D+1}` (Lagrange interpolation). Coefficients are
exact rationals (with :math:`i = \sqrt{-1}` for 3M); :meth:`SymbolicForm.check` confirms
that the numeric :class:`~ffcc.scheme.Scheme` the catalog builds is this form evaluated at
its nodes, and that h's functionals are the scheme's targets. The numeric builders (numpy,
in the construction modules) are a separate implementation, not generated from this form;
``check`` and ``tests/test_symbolic.py`` tie the two together over a grid of parameters.

>>> from ffcc.codes import symbolic_form
>>> f = symbolic_form("matdot", m=2, s=1)
>>> f.parts[0].encoders
(X0_0 + X0_1*z, X1_0*z + X1_1)
>>> f.parts[0].product.coeff(f.z, 1)  # MatDot's target A_0 B_0 + A_1 B_1
X0_0*X1_0 + X0_1*X1_1
>>> f.check(f.scheme())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from ..scheme import Scheme, SchemeError

__all__ = ["SymbolicForm", "Part", "symbolic_form"]

Z = sp.Symbol("z")


@dataclass(frozen=True)
class Part:
    """One evaluation code: ``polys[c]`` maps basis index l of coordinate c to
    :math:`a_{c,l}(z)`; ``workers`` are its worker indices in the scheme and ``nodes`` their
    projective nodes (a, b) (affine node x is (1, x))."""

    polys: tuple[dict, ...]
    workers: tuple[int, ...]
    nodes: tuple[tuple[int, int], ...]
    inputs: tuple[tuple[sp.Symbol, ...], ...]

    @property
    def encoders(self) -> tuple:
        return tuple(
            sp.expand(sum(a * self.inputs[c][l] for l, a in sorted(self.polys[c].items())))
            for c in range(len(self.polys))
        )

    @property
    def product(self):
        """h(z) = prod_c u_c(z), expanded."""
        return sp.expand(sp.Mul(*self.encoders))

    @property
    def degree(self) -> int:
        return sp.Poly(self.product, Z).degree()

    def degrees(self) -> list[int]:
        return [max(sp.Poly(a, Z).degree() for a in pc.values()) for pc in self.polys]


@dataclass(frozen=True)
class SymbolicForm:
    """A construction written symbolically; see the module docstring.

    ``targets[t]`` is ``(part, ((weight, kind, at), ...))``: target t is
    :math:`\\sum \\text{weight} \\cdot F(h)` with F the coefficient of :math:`z^{at}`
    (``kind = "coeff"``) or the value :math:`h(at)` (``kind = "value"``)."""

    name: str
    params: dict
    basis: tuple[int, ...]
    parts: tuple[Part, ...]
    targets: tuple
    stragglers: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def z(self):
        return Z

    @property
    def w(self) -> int:
        return sum(len(pt.workers) for pt in self.parts)

    def scheme(self) -> Scheme:
        """The numeric scheme the catalog builds for the same parameters."""
        from ._catalog import build

        return build(self.name, **self.params)

    def target_values(self) -> list:
        """Each target as a multilinear expression in the inputs, read off h."""
        out = []
        for part, terms in self.targets:
            h = self.parts[part].product
            val = 0
            for weight, kind, at in terms:
                val += weight * (h.coeff(Z, at) if kind == "coeff" else h.subs(Z, at))
            out.append(sp.expand(val))
        return out

    def decoder(self, part: int = 0) -> tuple[tuple, list]:
        """The decoding map of one part from any D + 1 answers: (alpha symbols, one
        expression per target of that part in the answers ``h_1..h_{D+1}`` and the node
        symbols), by Lagrange interpolation of h."""
        D = self.parts[part].degree
        al = sp.symbols(f"alpha1:{D + 2}")
        hv = sp.symbols(f"h1:{D + 2}")
        num = [
            sp.Poly(sp.Mul(*[Z - al[i] for i in range(D + 1) if i != j]), Z) for j in range(D + 1)
        ]
        den = [sp.Mul(*[al[j] - al[i] for i in range(D + 1) if i != j]) for j in range(D + 1)]
        out = []
        for pt, terms in self.targets:
            if pt != part:
                continue
            expr = 0
            for weight, kind, at in terms:
                for j in range(D + 1):
                    f = num[j].coeff_monomial(Z**at) if kind == "coeff" else num[j].eval(at)
                    expr += weight * f / den[j] * hv[j]
            out.append(expr)
        return al, out

    def check(self, scheme: Scheme) -> bool:
        """True when ``scheme`` is this form evaluated at its nodes (every worker's
        coefficients, up to one non-zero scale per worker and coordinate) and h's
        functionals are exactly its targets, all mod p."""
        p = scheme.p
        if tuple(scheme.basis) != self.basis or scheme.w != self.w:
            return False
        if len(scheme.targets) != len(self.targets):
            return False
        for pt in self.parts:
            degs = pt.degrees()
            coeffs = [{l: _coeffs_mod(poly, p) for l, poly in pc.items()} for pc in pt.polys]
            for j, (a, b) in zip(pt.workers, pt.nodes, strict=True):
                for c, pc in enumerate(coeffs):
                    want = [0] * self.basis[c]
                    for l, cs in pc.items():
                        want[l] = _homogeneous(cs, a, b, degs[c], p)
                    got = [int(v) % p for v in scheme.E[c][j]]
                    if not _proportional(want, got, p):
                        return False
        X = self.parts[0].inputs
        for t, val in enumerate(self.target_values()):
            ref = sum(
                int(coef) * sp.Mul(*[X[c][i] for c, i in enumerate(idx)])
                for idx, coef in scheme.targets[t]
            )
            diff = sp.Poly(sp.expand(val - ref), *[x for xs in X for x in xs])
            if any(_mod(cf, p) for cf in diff.coeffs()):
                return False
        return True

    def __str__(self) -> str:
        lines = [f"{self.name} {self.params}: {self.w} workers, s = {self.stragglers}"]
        lines += [f"  {n}" for n in self.notes]
        for i, pt in enumerate(self.parts):
            head = f"part {i}: " if len(self.parts) > 1 else ""
            for c, u in enumerate(pt.encoders):
                lines.append(f"  {head}u{c + 1}(z) = {u}")
            prod = "*".join(f"u{c + 1}(z)" for c in range(len(pt.encoders)))
            lines.append(f"  {head}h(z) = {prod}, degree {pt.degree}")
            nodes = [b if a == 1 else ("oo" if a == 0 else f"{b}/{a}") for a, b in pt.nodes]
            lines.append(f"  {head}worker nodes: {nodes}")
        for t, ((part, terms), val) in enumerate(
            zip(self.targets, self.target_values(), strict=True)
        ):
            func = " + ".join(
                f"({w})*" + (f"[z^{at}]h" if kind == "coeff" else f"h({at})")
                for w, kind, at in terms
            )
            where = f" (part {part})" if len(self.parts) > 1 else ""
            lines.append(f"  target {t}{where}: {func} = {val}")
        D = self.parts[0].degree
        lines.append(
            f"  decoding: from any {D + 1} answers h(alpha_1..alpha_{D + 1}) of a part, "
            "h = sum_j h(alpha_j) prod_(i != j) (z - alpha_i)/(alpha_j - alpha_i) and each "
            "target is its functional of h"
        )
        if D + 1 <= 3 and all(a == 1 for pt in self.parts for a, _ in pt.nodes):
            al, exprs = self.decoder(0)
            for t, e in enumerate(exprs):
                lines.append(f"    target {t} = {sp.simplify(e)}")
        return "\n".join(lines)


def _mod(q, p: int) -> int:
    """A rational (possibly with sympy's I, mapped to a root of -1 mod p) mod p."""
    q = sp.expand(q)
    if q.is_Rational:
        return _ratmod(q, p)
    re, im = q.as_real_imag()
    out = _ratmod(sp.Rational(re), p)
    if im != 0:
        out = (out + _ratmod(sp.Rational(im), p) * _sqrt_minus_one(p)) % p
    return out


def _ratmod(r: sp.Rational, p: int) -> int:
    return int(r.p) % p * pow(int(r.q) % p, -1, p) % p


def _sqrt_minus_one(p: int) -> int:
    from ..field import PrimeField

    if p % 4 != 1:
        raise SchemeError(f"GF({p}) has no square root of -1")
    return pow(int(PrimeField(p).primitive_element), (p - 1) // 4, p)


def _coeffs_mod(poly, p: int) -> list[int]:
    """Coefficients (lowest degree first) of a polynomial in z, mod p."""
    P = sp.Poly(sp.expand(poly), Z)
    out = [0] * (P.degree() + 1)
    for (e,), cf in P.terms():
        out[e] = _mod(cf, p)
    return out


def _homogeneous(coeffs: Sequence[int], a: int, b: int, deg: int, p: int) -> int:
    """a^deg poly(b / a) from the coefficients mod p (works at a = 0, the point at infinity)."""
    return sum(c * pow(a, deg - e, p) * pow(b, e, p) for e, c in enumerate(coeffs)) % p


def _proportional(u: Sequence[int], v: Sequence[int], p: int) -> bool:
    """u = c v for a non-zero c mod p (both non-zero)."""
    iu = next((i for i, x in enumerate(u) if x), None)
    iv = next((i for i, x in enumerate(v) if x), None)
    if iu is None or iu != iv:
        return iu is None and iv is None
    c = v[iv] * pow(u[iu], -1, p) % p
    return all(x * c % p == y % p for x, y in zip(u, v, strict=True))


def _inputs(basis: Sequence[int]):
    return tuple(tuple(sp.symbols(f"X{c}_0:{n}")) for c, n in enumerate(basis))


def _lagrange(betas: Sequence, i: int):
    return sp.Mul(*[(Z - b) / (betas[i] - b) for j, b in enumerate(betas) if j != i])


def _roots(roots: Sequence) -> sp.Expr:
    return sp.Mul(*[Z - r for r in roots])


# ----------------------------------------------------------------------------- families


def _exponent_code(name, params, basis, a_exp, b_exp, targets, w, s, a_scale=None, notes=()):
    X = _inputs(basis)
    sc = a_scale or [1] * basis[0]
    polys = ({l: sc[l] * Z**e for l, e in enumerate(a_exp)}, {l: Z**e for l, e in enumerate(b_exp)})
    nodes = tuple((1, x) for x in range(1, w + 1))
    part = Part(polys, tuple(range(w)), nodes, X)
    tg = tuple((0, ((1, "coeff", e),)) for e in targets)
    return SymbolicForm(name, params, tuple(basis), (part,), tg, s, tuple(notes))


def _matdot(m, s, p, weights):
    c = None
    if weights is not None:
        if isinstance(weights, str):
            weights = [int(v) for v in weights.replace(" ", "").split(",") if v]
        c = [int(v) for v in weights]
    params = {"m": m, "s": s, "p": p, "weights": weights}
    note = "A_i -> c_i z^i, B_i -> z^(m-1-i); target: [z^(m-1)] h = sum_i c_i A_i B_i"
    return _exponent_code("matdot", params, [m, m], range(m), [m - 1 - i for i in range(m)],
                          [m - 1], 2 * m - 1 + s, s, c, (note,))  # fmt: skip


def _polynomial(m, n, s, p):
    params = {"m": m, "n": n, "s": s, "p": p}
    tg = [i + m * j for i in range(m) for j in range(n)]
    note = "A_i -> z^i, B_j -> z^(m j); target C_ij = [z^(i + m j)] h"
    return _exponent_code("polynomial", params, [m, n], range(m), [m * j for j in range(n)], tg,
                          m * n + s, s, None, (note,))  # fmt: skip


def _entangled(m, n, q, s, p):
    params = {"m": m, "n": n, "q": q, "s": s, "p": p}
    a = [t + q * i for i in range(m) for t in range(q)]
    b = [q - 1 - t + q * m * j for t in range(q) for j in range(n)]
    tg = [q - 1 + q * i + q * m * j for i in range(m) for j in range(n)]
    note = "A_(i,t) -> z^(t + q i), B_(t,j) -> z^(q-1-t + q m j); C_ij = [z^(q-1 + q i + q m j)] h"
    return _exponent_code("entangled-polynomial", params, [m * q, q * n], a, b, tg,
                          m * n * q + q - 1 + s, s, None, (note,))  # fmt: skip


def _polydot(m, n, q, s, p):
    params = {"m": m, "n": n, "q": q, "s": s, "p": p}
    a = [i + m * t for i in range(m) for t in range(q)]
    b = [m * (q - 1 - t) + m * (2 * q - 1) * j for t in range(q) for j in range(n)]
    tg = [i + m * (q - 1) + m * (2 * q - 1) * j for i in range(m) for j in range(n)]
    note = "A_(i,t) -> z^(i + m t), B_(t,j) -> z^(m(q-1-t) + m(2q-1) j)"
    deg = max(a) + max(b)
    R = deg + 1
    return _exponent_code("polydot", params, [m * q, q * n], a, b, tg, R + s, s, None, (note,))


def _lagrange_code(k, s, b, d, p, systematic):
    from .lagrange import lagrange_threshold

    params = {"k": k, "s": s, "b": b, "d": d, "p": p, "systematic": systematic}
    systematic = str(systematic).strip().lower() in ("1", "true", "yes", "on")
    w = lagrange_threshold(k, d) + s + 2 * b
    betas = list(range(1, k + 1))
    xs = list(range(1, w + 1)) if systematic else list(range(k + 1, k + w + 1))
    X = _inputs([k] * d)
    polys = tuple({i: _lagrange(betas, i) for i in range(k)} for _ in range(d))
    part = Part(polys, tuple(range(w)), tuple((1, x) for x in xs), X)
    tg = tuple((0, ((1, "value", betas[i]),)) for i in range(k))
    note = "X_i -> l_i(z), the Lagrange basis on beta_i = i; target i = h(beta_i)"
    return SymbolicForm("lagrange", params, (k,) * d, (part,), tg, s, (note,))


def _dependency(k, s, alphas, p):
    params = {"k": k, "s": s, "alphas": alphas, "p": p}
    blank = alphas is None or (isinstance(alphas, str) and not alphas.strip())
    if blank:
        a = [1] * (k - 1)
    elif isinstance(alphas, str):
        a = [int(v) for v in alphas.replace(" ", "").split(",") if v]
    else:
        a = [int(v) for v in alphas]
    w = 2 * k - 3 + s
    beta = list(range(1, k + 1))
    ell = [_lagrange(beta[:-1], i) for i in range(k - 1)]
    c = [sp.Rational(a[i]) / ell[i].subs(Z, beta[-1]) for i in range(k - 1)]
    X = _inputs([k - 1, k - 1])
    poly = {i: c[i] * ell[i] for i in range(k - 1)}
    part = Part(
        (poly, dict(poly)), tuple(range(w)), tuple((1, x) for x in range(k + 1, k + w + 1)), X
    )
    tg = [(0, ((1 / c[i] ** 2, "value", beta[i]),)) for i in range(k - 1)]
    tg.append((0, ((1, "value", beta[-1]),)))
    note = (
        "X_k = sum_i alpha_i X_i; X_i -> c_i l_i(z) (Lagrange basis on beta_1..beta_(k-1)), "
        "c_i = alpha_i / l_i(beta_k), so u(beta_k) = X_k; target i = h(beta_i)/c_i^2"
    )
    return SymbolicForm(
        "locality-dependency", params, (k - 1, k - 1), (part,), tuple(tg), s, (note,)
    )


def _coordinates(samples, s, merge, span_aware, p):
    from .locality import _flag, parse_samples

    params = {"samples": samples, "s": s, "merge": merge, "span_aware": span_aware, "p": p}
    if _flag(span_aware):
        raise SchemeError("the symbolic form covers span_aware=0 (the degree-bound code)")
    raw = parse_samples(samples)
    smp = list(dict.fromkeys(raw)) if _flag(merge) else raw
    left = sorted({l for l, _ in smp})
    right = sorted({r for _, r in smp})
    idx = [(left.index(l), right.index(r)) for l, r in smp]
    k = len(idx)
    S1 = [[i for i, (l, _) in enumerate(idx) if l == a] for a in range(len(left))]
    S2 = [[i for i, (_, r) in enumerate(idx) if r == b] for b in range(len(right))]
    u1, u2 = min(map(len, S1)), min(map(len, S2))
    npad = max(max(map(len, S1)) - u1, max(map(len, S2)) - u2)
    w = 2 * k - u1 - u2 + 1 + s
    beta = list(range(1, k + 1))
    gamma = list(range(k + 1, k + npad + 1))

    def locator(S, u):
        return _roots([beta[i] for i in range(k) if i not in set(S)] + gamma[: len(S) - u])

    X = _inputs([len(left), len(right)])
    polys = (
        {a: locator(S, u1) for a, S in enumerate(S1)},
        {b: locator(S, u2) for b, S in enumerate(S2)},
    )
    xs = range(k + npad + 1, k + npad + w + 1)
    part = Part(polys, tuple(range(w)), tuple((1, x) for x in xs), X)
    tg = []
    for pr in dict.fromkeys(idx):
        i = idx.index(pr)
        scale = polys[0][pr[0]].subs(Z, beta[i]) * polys[1][pr[1]].subs(Z, beta[i])
        tg.append((0, ((1 / scale, "value", beta[i]),)))
    note = (
        "sample r at beta_r = r; a_l(z) = prod_(r: l_r != l) (z - beta_r) (padded with "
        "gamma roots to a common degree); target (l, l') = h(beta_r)/(a_l(beta_r) b_l'(beta_r))"
    )
    return SymbolicForm("locality-coordinates", params, (len(left), len(right)), (part,),
                        tuple(tg), s, (note,))  # fmt: skip


def _threem(K, s, targets, layout, p):
    from .threem import _layout

    params = {"K": K, "s": s, "targets": targets, "layout": layout, "p": p}
    lay = _layout(K, s, targets, layout)
    X = _inputs([2 * K, 2 * K])
    if lay == "blocks":
        q = 3 + s
        pts = [(1, 0), (0, 1), (1, 1)] + [(1, t) for t in range(2, max(q - 1, 2))]
        parts = []
        for m in range(K):
            poly = {2 * m: sp.Integer(1), 2 * m + 1: Z}
            parts.append(Part((poly, dict(poly)), tuple(range(m * q, (m + 1) * q)),
                              tuple(pts[:q]), X))  # fmt: skip
        tg = []
        for m in range(K):
            if targets == "complex":
                tg += [(m, ((1, "coeff", 0), (-1, "coeff", 2))), (m, ((1, "coeff", 1),))]
            else:
                tg += [(m, ((1, "coeff", 0),)), (m, ((1, "coeff", 2),)), (m, ((1, "value", 1),))]
        note = "block m: u(z) = A_r + z A_i at pencil points (a, b) -> a A_r + b A_i"
        return SymbolicForm("threem", params, (2 * K, 2 * K), tuple(parts), tuple(tg), s, (note,))
    if targets == "complex":
        w = 4 * K - 1 + s
        if p % 4 == 1:
            nb = [(b, b + 1) for b in range(1, 2 * K + 1, 2)]
        else:
            nb = [(m + 1 + sp.I, m + 1 - sp.I) for m in range(K)]
        betas = [x for pr in nb for x in pr]
        ell = [_lagrange(betas, i) for i in range(2 * K)]
        poly = {}
        for m in range(K):
            poly[2 * m] = sp.expand(ell[2 * m] + ell[2 * m + 1])
            poly[2 * m + 1] = sp.expand(sp.I * (ell[2 * m] - ell[2 * m + 1]))
        xs = range(2 * K + 1, 2 * K + w + 1) if p % 4 == 1 else range(1, w + 1)
        part = Part((poly, dict(poly)), tuple(range(w)), tuple((1, x) for x in xs), X)
        tg = []
        for b1, b2 in nb:
            half = sp.Rational(1, 2)
            tg.append((0, ((half, "value", b1), (half, "value", b2))))
            tg.append((0, ((-sp.I * half, "value", b1), (sp.I * half, "value", b2))))
        note = (
            "A' = A_r + i A_i at beta_2m, A'' = A_r - i A_i at beta_2m+1; "
            "Re = (U + V)/2, Im = (U - V)/2i"
        )
        return SymbolicForm("threem", params, (2 * K, 2 * K), (part,), tuple(tg), s, (note,))
    w = 6 * K - 3 + s
    beta = [[3 * m + j + 1 for j in range(3)] for m in range(K)]
    poly, tg = {}, []
    for m, (b1, b2, b3) in enumerate(beta):
        P = _roots([v for mm in range(K) if mm != m for v in beta[mm]])
        kappa = sp.Rational(b3 - b1, b3 - b2)
        a, b = P * kappa * (Z - b2), P * (Z - b1)
        poly[2 * m], poly[2 * m + 1] = sp.expand(a), sp.expand(b)
        for node, c in ((b1, a.subs(Z, b1)), (b2, b.subs(Z, b2)), (b3, a.subs(Z, b3))):
            tg.append((0, ((1 / c**2, "value", node),)))
    xs = range(3 * K + 1, 3 * K + w + 1)
    part = Part((poly, dict(poly)), tuple(range(w)), tuple((1, x) for x in xs), X)
    note = "block-local curve through X_1, X_2, X_1 + X_2 of every block (nodes beta_m,1..3)"
    return SymbolicForm("threem", params, (2 * K, 2 * K), (part,), tuple(tg), s, (note,))


_FORMS = {
    "matdot": _matdot,
    "polynomial": _polynomial,
    "entangled-polynomial": _entangled,
    "polydot": _polydot,
    "lagrange": _lagrange_code,
    "locality-dependency": _dependency,
    "locality-coordinates": _coordinates,
    "threem": _threem,
}


def symbolic_form(name: str, **params) -> SymbolicForm:
    """The symbolic form of catalog construction ``name`` with the catalog's parameters
    (defaults filled in, unknown ones refused as by :func:`ffcc.codes.build`)."""
    from ._catalog import CATALOG

    if name not in CATALOG:
        raise KeyError(f"unknown construction {name!r}; known: {', '.join(sorted(CATALOG))}")
    entry = CATALOG[name]
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise SchemeError(
            f"{name} takes parameters {sorted(entry.defaults)}, not {sorted(unknown)}"
        )
    if name not in _FORMS:
        raise SchemeError(f"no symbolic form for {name!r}")
    full = {**entry.defaults, **params}
    return _FORMS[name](**full)
