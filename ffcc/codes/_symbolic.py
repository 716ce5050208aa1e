r"""Symbolic forms of the catalog's constructions (sympy), written from the papers' formulas.

Every catalogued construction is an *evaluation code*: basis input l of coordinate c gets a
polynomial :math:`a_{c,l}(z)`, the worker at node :math:`x` multiplies the encoders
:math:`u_c(x) = \sum_l a_{c,l}(x) X_{c,l}`, so it returns :math:`h(x)` for the product
polynomial :math:`h = \prod_c u_c`, and every target is a fixed linear functional of h (a
coefficient, or a value at a node :math:`\beta`, divided by a scale). The per-block 3M
layout is K such codes side by side, each on its own workers, with nodes on the projective
line (a worker at :math:`(a, b)` evaluates the homogenised polynomial). The secure codes
add uniformly random masks as their own inputs :math:`R_1, \dots` (of A) and
:math:`S_1, \dots` (of B); :meth:`SymbolicForm.mask_exponents` lists the coefficients of h
they reach, disjoint from the ones the targets read. A worker returning several products
(``batch-mds``) has one part per output, all at the same nodes.

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
>>> g = symbolic_form("secure-matdot", m=2, X=1)
>>> g.parts[0].encoders[0], g.mask_exponents()  # AB = [z^1] h, masks only at z^2..z^4
(R_1*z**2 + X0_0 + X0_1*z, [2, 3, 4])
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
    projective nodes (a, b) (affine node x is (1, x)); ``output`` is which of each worker's
    products it is (workers returning several products have one part per output)."""

    polys: tuple[dict, ...]
    workers: tuple[int, ...]
    nodes: tuple[tuple[int, int], ...]
    inputs: tuple[tuple[sp.Symbol, ...], ...]
    output: int = 0

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

    @property
    def support(self) -> list[int]:
        """The exponents of z that h can reach (non-zero coefficient): N = len(support)
        answers determine h, through a Vandermonde matrix with these columns."""
        return sorted(e for (e,), cf in sp.Poly(self.product, Z).terms() if cf != 0)


@dataclass(frozen=True)
class SymbolicForm:
    """A construction written symbolically; see the module docstring.

    ``targets[t]`` is ``(part, ((weight, kind, at), ...))``: target t is
    :math:`\\sum \\text{weight} \\cdot F(h)` with F the coefficient of :math:`z^{at}`
    (``kind = "coeff"``) or the value :math:`h(at)` (``kind = "value"``). ``random[c]`` are
    the basis indices of coordinate c that hold uniformly random masks (their symbols are
    ``R_1..`` and ``S_1..``), and ``secrecy`` the X colluding workers they hide the data
    from."""

    name: str
    params: dict
    basis: tuple[int, ...]
    parts: tuple[Part, ...]
    targets: tuple
    stragglers: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    random: tuple[tuple[int, ...], ...] = ()
    secrecy: int = 0

    @property
    def z(self):
        return Z

    @property
    def w(self) -> int:
        return len({j for pt in self.parts for j in pt.workers})

    @property
    def outputs(self) -> tuple[int, ...]:
        """Products per worker (one part per output)."""
        count = dict.fromkeys(sorted({j for pt in self.parts for j in pt.workers}), 0)
        for pt in self.parts:
            for j in pt.workers:
                count[j] += 1
        return tuple(count.values())

    @property
    def masks(self) -> list:
        """The mask symbols (R_1.., S_1..)."""
        X = self.parts[0].inputs
        return [X[c][l] for c, r in enumerate(self.random) for l in r]

    def mask_exponents(self, part: int = 0) -> list[int]:
        """The exponents of h whose coefficient involves a mask: the targets' coefficients
        must lie elsewhere (``check`` confirms the targets are mask-free)."""
        masks = set(self.masks)
        P = sp.Poly(self.parts[part].product, Z)
        return sorted(e for (e,), cf in P.terms() if cf.free_symbols & masks)

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
        """The decoding map of one part from any N answers: (alpha symbols, one
        expression per target of that part in the answers ``h_1..h_N`` and the node
        symbols). When h reaches every exponent 0..D (N = D + 1) it is Lagrange
        interpolation; when its support has gaps (GASP) it is Cramer's rule on the
        generalised Vandermonde matrix :math:`(\\alpha_k^e)_{k, e \\in \\text{support}}`,
        returned as unevaluated determinants (``.doit()`` after substituting nodes)."""
        D = self.parts[part].degree
        support = self.parts[part].support
        coeffs_only = all(k == "coeff" for pt, ts in self.targets if pt == part for _, k, _ in ts)
        if support != list(range(D + 1)) and coeffs_only:
            return self._cramer(part, support)
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

    def _cramer(self, part: int, support: list[int]) -> tuple[tuple, list]:
        N = len(support)
        al = sp.symbols(f"alpha1:{N + 1}")
        hv = sp.Matrix(sp.symbols(f"h1:{N + 1}"))
        V = sp.Matrix(N, N, lambda k, e: al[k] ** support[e])
        out = []
        for pt, terms in self.targets:
            if pt != part:
                continue
            expr = 0
            for weight, kind, at in terms:
                if kind != "coeff":
                    raise SchemeError("a gapped support is decoded for coefficient targets only")
                col = support.index(at)
                Vh = V.copy()
                Vh[:, col] = hv
                expr += weight * sp.Determinant(sp.ImmutableMatrix(Vh))
            out.append(expr / sp.Determinant(sp.ImmutableMatrix(V)))
        return al, out

    def check(self, scheme: Scheme) -> bool:
        """True when ``scheme`` is this form evaluated at its nodes (every worker's
        coefficients, up to one non-zero scale per worker and coordinate) and h's
        functionals are exactly its targets, all mod p; also that the scheme declares the
        same outputs per worker, mask inputs and secrecy X."""
        p = scheme.p
        if tuple(scheme.basis) != self.basis or scheme.w != self.w:
            return False
        if len(scheme.targets) != len(self.targets):
            return False
        if tuple(scheme.outputs or (1,) * scheme.w) != self.outputs:
            return False
        if tuple(scheme.random) != (self.random or ((),) * len(self.basis)):
            return False
        if scheme.secrecy != self.secrecy:
            return False
        for pt in self.parts:
            degs = pt.degrees()
            coeffs = [{l: _coeffs_mod(poly, p) for l, poly in pc.items()} for pc in pt.polys]
            for j, (a, b) in zip(pt.workers, pt.nodes, strict=True):
                row = scheme.output_rows([j])[pt.output]
                for c, pc in enumerate(coeffs):
                    want = [0] * self.basis[c]
                    for l, cs in pc.items():
                        want[l] = _homogeneous(cs, a, b, degs[c], p)
                    got = [int(v) % p for v in scheme.E[c][row]]
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
        several = max(self.outputs) > 1
        for i, pt in enumerate(self.parts):
            head = (
                f"output {pt.output}: " if several else f"part {i}: " if len(self.parts) > 1 else ""
            )
            for c, u in enumerate(pt.encoders):
                lines.append(f"  {head}u{c + 1}(z) = {u}")
            prod = "*".join(f"u{c + 1}(z)" for c in range(len(pt.encoders)))
            h = f"h_{pt.output}" if several else "h"
            lines.append(f"  {head}{h}(z) = {prod}, degree {pt.degree}")
            nodes = [b if a == 1 else ("oo" if a == 0 else f"{b}/{a}") for a, b in pt.nodes]
            lines.append(f"  {head}worker nodes: {nodes}")
        if several:
            lines.append(f"  each worker returns {max(self.outputs)} products (one per output), "
                         "and fails as a unit")  # fmt: skip
        for t, ((part, terms), val) in enumerate(
            zip(self.targets, self.target_values(), strict=True)
        ):
            h = f"h_{self.parts[part].output}" if several else "h"
            func = " + ".join(
                f"({w})*" + (f"[z^{at}]{h}" if kind == "coeff" else f"{h}({at})")
                for w, kind, at in terms
            )
            where = ""
            if len(self.parts) > 1:
                where = f" (output {self.parts[part].output})" if several else f" (part {part})"
            lines.append(f"  target {t}{where}: {func} = {val}")
        if self.masks:
            carry = sorted({at for pt, ts in self.targets if pt == 0 for _, k, at in ts})
            touched = self.mask_exponents(0)
            lines.append(
                f"  masks {', '.join(map(str, self.masks))} (uniformly random) reach h at "
                f"z^{touched}; the targets read z^{carry}: "
                + ("disjoint" if not set(carry) & set(touched) else "NOT disjoint")
            )
            lines.append(
                f"  {self.secrecy}-security: for any {self.secrecy} workers, the matrices "
                "(x_k^e) (k over them, e over one side's mask exponents) must be invertible; "
                "then their shares are uniform (`ffcc verify` checks every subset)"
            )
        pt0 = self.parts[0]
        D, support = pt0.degree, pt0.support
        if support == list(range(D + 1)):
            of = "workers, per output h = h_o (below: output 0)," if several else "answers"
            lines.append(
                f"  decoding: from any {D + 1} {of} h(alpha_1..alpha_{D + 1}) of a part, "
                "h = sum_j h(alpha_j) prod_(i != j) (z - alpha_i)/(alpha_j - alpha_i) and each "
                "target is its functional of h"
            )
        else:
            N = len(support)
            lines.append(
                f"  decoding: h reaches the N = {N} exponents {support} only; from any {N} "
                f"answers h(alpha_1..alpha_{N}), the coefficients are V^-1 (h(alpha_k))_k with "
                "the generalised Vandermonde V = (alpha_k^e), e over those exponents (Cramer's "
                "rule in decoder(); V can be singular at particular nodes mod p)"
            )
        if D + 1 <= 3 and all(a == 1 for pt in self.parts for a, _ in pt.nodes):
            al, exprs = self.decoder(0)
            ids = [t for t, (pt, _) in enumerate(self.targets) if pt == 0]
            for t, e in zip(ids, exprs, strict=True):
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


def _masked(name, params, alpha, beta, X, targets, s, p, nodes, note):
    """A secure code: A's data blocks X0_i then masks R_1..R_X at exponents ``alpha``, B's
    data X1_j then masks S_1..S_X at ``beta``; ``targets`` are exponents of h (or lists
    of them, summed); w = N + s workers at nodes 1..w, or at the given ``nodes``."""
    kA, kB = len(alpha) - X, len(beta) - X
    ins = (
        tuple(sp.symbols(f"X0_0:{kA}")) + tuple(sp.symbols(f"R_1:{X + 1}")),
        tuple(sp.symbols(f"X1_0:{kB}")) + tuple(sp.symbols(f"S_1:{X + 1}")),
    )
    polys = ({l: Z**e for l, e in enumerate(alpha)}, {l: Z**e for l, e in enumerate(beta)})
    N = len(Part(polys, (), (), ins).support)
    if nodes is None:
        xs = list(range(1, N + (s or 0) + 1))
    else:
        if isinstance(nodes, str):
            nodes = [v for v in nodes.replace(" ", "").split(",") if v]
        xs = [int(v) % p for v in nodes]
        if len(set(xs)) != len(xs) or 0 in xs or len(xs) < N:
            raise SchemeError(f"{name}: needs >= N = {N} distinct non-zero nodes, got {xs}")
        if s is not None and s != len(xs) - N:
            raise SchemeError(f"{name}: {len(xs)} nodes for N = {N} workers give s = "
                              f"{len(xs) - N}, not {s}")  # fmt: skip
    part = Part(polys, tuple(range(len(xs))), tuple((1, x) for x in xs), ins)
    tg = tuple((0, ((1, "coeff", e),)) for e in targets)
    random = (tuple(range(kA, kA + X)), tuple(range(kB, kB + X)))
    return SymbolicForm(name, params, (kA + X, kB + X), (part,), tg, len(xs) - N, (note,),
                        random, X)  # fmt: skip


def _secure_matdot(m, X, s, p, nodes):
    params = {"m": m, "X": X, "s": s, "p": p, "nodes": nodes}
    note = ("A_i -> z^i, R_t -> z^(m+t-1); B_i -> z^(m-1-i), S_t -> z^(m+t-1) (t = 1..X); "
            "AB = sum_i A_i B_i = [z^(m-1)] h, masks reach only z^m and above")  # fmt: skip
    alpha = [*range(m), *(m + t for t in range(X))]
    beta = [*(m - 1 - i for i in range(m)), *(m + t for t in range(X))]
    return _masked("secure-matdot", params, alpha, beta, X, [m - 1], s, p, nodes, note)


def _gasp(K, L, T, s, p, nodes, r=None):
    params = {"K": K, "L": L, "T": T, "s": s, "p": p, "nodes": nodes}
    if r is None:
        name, masks_a, where = "gasp-big", [K * L + t for t in range(T)], "KL + t - 1"
    else:
        if not 1 <= r <= min(K, T):
            raise SchemeError(f"gasp-r: r must lie in [1, min(K, T) = {min(K, T)}], got {r}")
        params = {"K": K, "L": L, "T": T, "s": s, "r": r, "p": p, "nodes": nodes}
        name, where = "gasp-r", "KL + rK floor((t-1)/r) + (t-1) mod r"
        masks_a = [K * L + (t // r) * r * K + t % r for t in range(T)]
    alpha = [*range(K), *masks_a]
    beta = [*(K * l for l in range(L)), *(K * L + t for t in range(T))]
    note = (f"A_k -> z^k, R_t -> z^({where}); B_l -> z^(K l), S_t -> z^(KL + t - 1); "
            "A_k B_l = [z^(k + K l)] h, an exponent below KL that no mask reaches")  # fmt: skip
    tg = [k + K * l for k in range(K) for l in range(L)]
    return _masked(name, params, alpha, beta, T, tg, s, p, nodes, note)


def _gasp_r(K, L, T, s, r, p, nodes):
    return _gasp(K, L, T, s, p, nodes, r=r)


def _polynomial_sharing(m, n, X, s, p, nodes):
    params = {"m": m, "n": n, "X": X, "s": s, "p": p, "nodes": nodes}
    q = m + X
    alpha = [*range(m), *(m + t for t in range(X))]
    beta = [*(q * j for j in range(n)), *(n * q + t for t in range(X))]
    note = (f"q = m + X = {q}: A_i -> z^i, R_t -> z^(m+t-1); B_j -> z^(q j), "
            "S_t -> z^(nq+t-1); A_i B_j = [z^(i + q j)] h (residue i < m mod q), R_t B_j at "
            "residues >= m, S_t terms at nq and above")  # fmt: skip
    tg = [i + q * j for i in range(m) for j in range(n)]
    return _masked("polynomial-sharing", params, alpha, beta, X, tg, s, p, nodes, note)


def _batch_mds(m, n, s, p):
    params = {"m": m, "n": n, "s": s, "p": p}
    X = _inputs([m, n])
    w = m + s
    nodes = tuple((1, x) for x in range(1, w + 1))
    coded = {i: Z**i for i in range(m)}
    parts = tuple(Part((coded, {j: sp.Integer(1)}), tuple(range(w)), nodes, X, j) for j in range(n))
    tg = tuple((j, ((1, "coeff", i),)) for i in range(m) for j in range(n))
    note = ("A_i -> z^i (MDS code of A); output j of every worker multiplies by B_j: "
            "h_j = u1 B_j, A_i B_j = [z^i] h_j; any m workers interpolate every h_j")  # fmt: skip
    return SymbolicForm("batch-mds", params, (m, n), parts, tg, s, (note,))


_FORMS = {
    "matdot": _matdot,
    "polynomial": _polynomial,
    "entangled-polynomial": _entangled,
    "polydot": _polydot,
    "lagrange": _lagrange_code,
    "locality-dependency": _dependency,
    "locality-coordinates": _coordinates,
    "threem": _threem,
    "secure-matdot": _secure_matdot,
    "gasp-big": _gasp,
    "gasp-r": _gasp_r,
    "polynomial-sharing": _polynomial_sharing,
    "batch-mds": _batch_mds,
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
