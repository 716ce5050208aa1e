r"""Symbolic forms of the catalog's constructions (sympy), rendered from their one definition.

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
exact rationals (with :math:`i = \sqrt{-1}` for 3M).

There is one definition per construction: the exact :class:`~ffcc.codes._form.CodeForm`
written in the construction's module (``block_form`` for the exponent codes,
``lagrange_form``, ``dependency_form``, ``coordinates_form``, the 3M forms, the masked
forms of :mod:`ffcc.codes.secure`, ``batch_mds``). The catalog's numeric
:class:`~ffcc.scheme.Scheme` is that form evaluated over GF(p)
(:func:`ffcc.codes._form.numeric`, numpy, no sympy) and keeps it as ``scheme.form``;
:func:`symbolic_form` renders the same form with sympy (:func:`from_form`).
:meth:`SymbolicForm.check` still confirms, by an independent route (sympy expansion and
homogeneous evaluation instead of the numeric evaluator), that the scheme is the form at its
nodes and that h's functionals are its targets; it rejects any scheme changed afterwards.

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
from fractions import Fraction

import sympy as sp

from ..scheme import Scheme, SchemeError
from ._catalog import CATALOG, build
from ._form import CodeForm, Gaussian, outputs_per_worker, to_field

__all__ = ["Part", "SymbolicForm", "from_form", "symbolic_form"]

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
    from.

    >>> f = symbolic_form("matdot", m=3, s=1)
    >>> f.w, f.parts[0].product.as_poly(f.z).degree()  # 2m - 1 + s workers; deg h = 2m - 2
    (6, 4)
    """

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
        """The variable z of every encoder and of h (one sympy symbol)."""
        return Z

    @property
    def w(self) -> int:
        """Workers: one per node (a worker with several outputs counts once)."""
        return len(self.outputs)

    @property
    def outputs(self) -> tuple[int, ...]:
        """Products per worker (one part per output)."""
        return outputs_per_worker([pt.workers for pt in self.parts])

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
    """A sympy rational (possibly with I, mapped to :func:`~ffcc.codes._form.sqrt_minus_one`)
    mod p, through the form's own reduction :func:`~ffcc.codes._form.to_field`."""
    re, im = sp.expand(q).as_real_imag()
    re, im = sp.Rational(re), sp.Rational(im)
    return to_field(Gaussian(Fraction(int(re.p), int(re.q)), Fraction(int(im.p), int(im.q))), p)


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
    """v = c u mod p for some non-zero c; two zero rows count as proportional (both sides of
    an encoder may leave a coordinate out), a zero and a non-zero row do not."""
    iu = next((i for i, x in enumerate(u) if x), None)
    iv = next((i for i, x in enumerate(v) if x), None)
    if iu is None or iu != iv:
        return iu is None and iv is None
    c = v[iv] * pow(u[iu], -1, p) % p
    return all(x * c % p == y % p for x, y in zip(u, v, strict=True))


def _inputs(basis: Sequence[int], random: Sequence[Sequence[int]] = ()):
    """Symbols X0_0.. (coordinate 0), X1_0.. (coordinate 1), ...; the mask inputs of a secure
    code (its last X per coordinate) are R_1.. (of A) and S_1.. (of B)."""
    out = []
    for c, n in enumerate(basis):
        masks = list(random[c]) if random else []
        data = [l for l in range(n) if l not in masks]
        sym = dict(zip(data, sp.symbols(f"X{c}_0:{len(data)}"), strict=True)) if data else {}
        if masks:
            letter = "RS"[c] if c < 2 else f"M{c}_"
            sym |= dict(zip(masks, sp.symbols(f"{letter}_1:{len(masks) + 1}"), strict=True))
        out.append(tuple(sym[l] for l in range(n)))
    return tuple(out)


def _number(v):
    """An exact number of a form (int, Fraction, Gaussian) as a sympy number."""
    if isinstance(v, Gaussian):
        return sp.Rational(v.re.numerator, v.re.denominator) + sp.I * sp.Rational(
            v.im.numerator, v.im.denominator
        )
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    return sp.Integer(int(v))


def _poly(poly) -> sp.Expr:
    """A form's polynomial (a tuple of Terms) as a sympy expression in z."""
    return sp.Add(*[_number(t.coef) * Z**t.shift * sp.Mul(*[Z - _number(r) for r in t.roots])
                    for t in poly])  # fmt: skip


def from_form(form: CodeForm, params: dict) -> SymbolicForm:
    """Render a construction's exact :class:`~ffcc.codes._form.CodeForm` with sympy."""
    X = _inputs(form.basis, form.random)
    parts = tuple(
        Part(tuple({l: _poly(q) for l, q in sorted(pc.items())} for pc in pt.polys),
             pt.worker_ids, tuple(pt.nodes), X, pt.output)
        for pt in form.parts
    )  # fmt: skip
    targets = tuple((part, tuple((_number(w), kind, _number(at)) for w, kind, at in terms))
                    for part, terms in form.targets)  # fmt: skip
    return SymbolicForm(
        form.name, dict(params), tuple(form.basis), parts, targets, form.stragglers,
        tuple(form.notes), tuple(form.random), form.secrecy,
    )  # fmt: skip


def symbolic_form(name: str, **params) -> SymbolicForm:
    """The symbolic form of catalog construction ``name`` with the catalog's parameters
    (defaults filled in, unknown ones refused as by :func:`ffcc.codes.build`): the exact
    form the catalog builds its numeric scheme from (``build(name, ...).form``), in sympy.

    >>> f = symbolic_form("polynomial", m=2, n=2, s=0)  # h = p_A p_B of degree mn - 1
    >>> f.w, f.parts[0].product.as_poly(f.z).degree()
    (4, 3)
    """
    if name not in CATALOG:
        raise KeyError(f"unknown construction {name!r}; known: {', '.join(sorted(CATALOG))}")
    entry = CATALOG[name]
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise SchemeError(
            f"{name} takes parameters {sorted(entry.defaults)}, not {sorted(unknown)}"
        )
    scheme = build(name, **params)
    form = getattr(scheme, "form", None)
    if form is None:
        raise SchemeError(f"no symbolic form for {name!r}")
    return from_form(form, {**entry.defaults, **params})
