r"""One exact definition per construction, from which the numeric scheme and the sympy form
are both derived.

Every catalogued construction is an *evaluation code*. A :class:`CodeForm` says, exactly and
independently of p where it can:

* per part (one evaluation code; several for per-block layouts or several outputs per
  worker) and per coordinate c, the encoder polynomial :math:`a_{c,l}(z)` of each basis
  input l, as a sum of :class:`Term` s :math:`\kappa z^e \prod_r (z - r)` with exact
  coefficients (ints, :class:`~fractions.Fraction`, or :class:`Gaussian` numbers
  :math:`x + i y` for the 3M codes);
* the worker nodes of each part, as projective points (a, b) (affine node x is (1, x); the
  worker evaluates the homogenised polynomial :math:`a^{D_c} a_{c,l}(b/a)`);
* the targets, as linear functionals of the product polynomial :math:`h = \prod_c u_c`:
  sums of ``(weight, "coeff", e)`` (the coefficient of :math:`z^e`) and
  ``(weight, "value", beta)`` (the value :math:`h(\beta)`);
* the masks (basis inputs that are uniformly random) and the secrecy X of secure codes.

:func:`numeric` evaluates a form over GF(p): the encoder rows (vectorised over the nodes,
exact for every p the field supports) and the targets as multilinear terms in the inputs,
computed exactly and reduced mod p. :mod:`ffcc.codes._symbolic` renders the same form with
sympy (lazily: neither ``import ffcc`` nor building a scheme imports sympy). The :math:`i`
of a Gaussian coefficient is, mod p = 1 (mod 4), the square root of -1 that
:func:`sqrt_minus_one` names; for p = 3 (mod 4) a part is evaluated in
:math:`GF(p^2) = GF(p)[i]` and must come out real.

>>> from ffcc.field import PrimeField
>>> form = CodeForm("toy", (2, 1), (FormPart(({0: (Term(1),), 1: (Term(1, 1),)},
...                 {0: (Term(1),)}), ((1, 1), (1, 2), (1, 3))),), ((0, ((1, "coeff", 1),)),))
>>> enc, targets = numeric(form, PrimeField(7))  # worker x: (1, x) and (1,); [z^1] h = X0_1 X1_0
>>> [[e.tolist() for e in row] for row in enc], targets
([[[1, 1], [1]], [[1, 2], [1]], [[1, 3], [1]]], [[((1, 0), 1)]])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..field import PrimeField
from ..scheme import SchemeError

__all__ = [
    "CodeForm",
    "build_scheme",
    "FormPart",
    "Gaussian",
    "Term",
    "coefficients",
    "coefficients_mod",
    "exact",
    "lagrange_term",
    "numeric",
    "numeric_targets",
    "poly_degree",
    "poly_value",
    "sqrt_minus_one",
    "to_field",
]


# ----------------------------------------------------------------------------- numbers


class Gaussian:
    """An exact Gaussian rational x + i y (Fractions); only what the 3M forms need."""

    __slots__ = ("re", "im")

    def __init__(self, re=0, im=0):
        self.re, self.im = Fraction(re), Fraction(im)

    @staticmethod
    def _of(v) -> Gaussian:
        return v if isinstance(v, Gaussian) else Gaussian(v)

    def __add__(self, o):
        o = Gaussian._of(o)
        return Gaussian(self.re + o.re, self.im + o.im)

    __radd__ = __add__

    def __neg__(self):
        return Gaussian(-self.re, -self.im)

    def __sub__(self, o):
        return self + (-Gaussian._of(o))

    def __rsub__(self, o):
        return Gaussian._of(o) - self

    def __mul__(self, o):
        o = Gaussian._of(o)
        return Gaussian(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = Gaussian._of(o)
        n = o.re * o.re + o.im * o.im
        return self * Gaussian(o.re / n, -o.im / n)

    def __rtruediv__(self, o):
        return Gaussian._of(o) / self

    def __eq__(self, o):
        o = Gaussian._of(o)
        return self.re == o.re and self.im == o.im

    def __hash__(self):
        return hash((self.re, self.im))

    def __bool__(self):
        return bool(self.re or self.im)

    def __repr__(self):
        return f"Gaussian({self.re}, {self.im})"


I = Gaussian(0, 1)


def exact(v):
    """v as an exact number: a real Gaussian becomes its Fraction."""
    if isinstance(v, Gaussian) and v.im == 0:
        return v.re
    return v


def sqrt_minus_one(p: int) -> int:
    """The square root of -1 in GF(p), p = 1 mod 4, that forms use for i: g^((p-1)/4) for
    the field's primitive element g."""
    if p % 4 != 1:
        raise SchemeError(f"GF({p}) has no square root of -1")
    return pow(int(PrimeField(p).primitive_element), (p - 1) // 4, p)


def to_field(v, p: int) -> int:
    """An exact number (int, Fraction, Gaussian) mod p; i is :func:`sqrt_minus_one`."""
    if isinstance(v, Gaussian):
        out = to_field(v.re, p)
        return (out + to_field(v.im, p) * sqrt_minus_one(p)) % p if v.im else out
    if isinstance(v, Fraction):
        return v.numerator % p * pow(v.denominator % p, -1, p) % p
    return int(v) % p


def _is_complex(v) -> bool:
    return isinstance(v, Gaussian) and v.im != 0


# ----------------------------------------------------------------------------- polynomials


@dataclass(frozen=True)
class Term:
    r""":math:`\kappa z^e \prod_{r \in \text{roots}} (z - r)`, exact :math:`\kappa` and roots."""

    coef: object = 1
    shift: int = 0
    roots: tuple = ()

    @property
    def degree(self) -> int:
        return self.shift + len(self.roots)


Poly = tuple  # a tuple of Terms, summed; () is the zero polynomial


def lagrange_term(betas: Sequence, i: int, scale=1) -> Term:
    r""":math:`\text{scale} \cdot \ell_i(z)` for the Lagrange basis of distinct ``betas``."""
    others = tuple(b for j, b in enumerate(betas) if j != i)
    den = 1
    for b in others:
        den = den * (betas[i] - b)
    return Term(exact(scale / Fraction(den) if not isinstance(den, Gaussian) else scale / den),
                0, others)  # fmt: skip


def poly_degree(poly: Poly) -> int:
    """The largest degree of the terms (-1 for the zero polynomial)."""
    return max((t.degree for t in poly), default=-1)


def poly_value(poly: Poly, x):
    """The exact value at the number x (0 at once when x is a root of a term)."""
    total = 0
    for t in poly:
        if x in t.roots:
            continue
        v = t.coef * x**t.shift
        for r in t.roots:
            v = v * (x - r)
        total = total + v
    return exact(total)


def coefficients(poly: Poly) -> dict[int, object]:
    """The exact expanded coefficients {exponent: coefficient}, zeros dropped."""
    from .polyarith import from_roots

    out: dict[int, object] = {}
    for t in poly:
        for e, c in enumerate(from_roots(t.roots, None)):
            if c:
                out[e + t.shift] = out.get(e + t.shift, 0) + t.coef * c
    return {e: exact(c) for e, c in sorted(out.items()) if c}


# ----------------------------------------------------------------------------- forms


@dataclass(frozen=True)
class FormPart:
    """One evaluation code: ``polys[c]`` maps basis index l of coordinate c to its
    polynomial (a tuple of :class:`Term`); ``nodes`` are the projective points (a, b) of its
    workers (``workers``: their indices in the scheme, default 0, 1, ...); ``output`` is which
    of each worker's products it is (one part per output for several-output workers)."""

    polys: tuple[dict, ...]
    nodes: tuple[tuple[int, int], ...]
    workers: tuple[int, ...] | None = None
    output: int = 0

    @property
    def worker_ids(self) -> tuple[int, ...]:
        return tuple(range(len(self.nodes))) if self.workers is None else self.workers

    def degrees(self) -> list[int]:
        """Per coordinate, the largest encoder degree (the homogenisation degree)."""
        return [max(poly_degree(q) for q in pc.values()) for pc in self.polys]


@dataclass(frozen=True)
class CodeForm:
    """A construction, exactly; see the module docstring. ``targets[t]`` is
    ``(part, ((weight, kind, at), ...))``; ``random[c]`` the basis indices of coordinate c that
    hold uniformly random masks and ``secrecy`` the X colluding workers they hide the data
    from; ``notes`` say in words how the encoders and targets are chosen."""

    name: str
    basis: tuple[int, ...]
    parts: tuple[FormPart, ...]
    targets: tuple
    stragglers: int = 0
    notes: tuple[str, ...] = ()
    random: tuple[tuple[int, ...], ...] = ()
    secrecy: int = 0
    params: dict = field(default_factory=dict)

    @property
    def w(self) -> int:
        return len({j for pt in self.parts for j in pt.worker_ids})

    @property
    def outputs(self) -> tuple[int, ...]:
        """Products per worker (one part per output)."""
        count = dict.fromkeys(sorted({j for pt in self.parts for j in pt.worker_ids}), 0)
        for pt in self.parts:
            for j in pt.worker_ids:
                count[j] += 1
        return tuple(count.values())

    def product_rows(self) -> list[tuple[int, int]]:
        """(part, position in the part) of every product, worker by worker, by output."""
        rows = []
        for j in sorted({j for pt in self.parts for j in pt.worker_ids}):
            here = [(pt.output, i, pt.worker_ids.index(j)) for i, pt in enumerate(self.parts)
                    if j in pt.worker_ids]  # fmt: skip
            rows += [(i, k) for _, i, k in sorted(here)]
        return rows


# ----------------------------------------------------------------------------- numeric


class _Ring:
    """Vectorised arithmetic over GF(p), or over GF(p^2) = GF(p)[i] as (re, im) pairs."""

    def __init__(self, F: PrimeField, pairs: bool):
        self.F, self.p, self.pairs = F, F.p, pairs
        self.small = F.p < (1 << 31)  # products of two residues fit in int64

    def mul(self, a, b):
        if self.pairs:
            (ar, ai), (br, bi) = a, b
            return (self._sub(self._mul(ar, br), self._mul(ai, bi)),
                    self._add(self._mul(ar, bi), self._mul(ai, br)))  # fmt: skip
        return self._mul(a, b)

    def _mul(self, a, b):
        if self.small:
            return a * b % self.p
        return self.F.mul(a, b)

    def _add(self, a, b):
        return (a + b) % self.p if self.small else self.F.add(a, b)

    def _sub(self, a, b):
        return (a - b) % self.p if self.small else self.F.sub(a, b)

    def add(self, a, b):
        if self.pairs:
            return (self._add(a[0], b[0]), self._add(a[1], b[1]))
        return self._add(a, b)

    def const(self, v, n: int):
        if self.pairs:
            g = v if isinstance(v, Gaussian) else Gaussian(v)
            return (np.full(n, to_field(g.re, self.p), dtype=np.int64),
                    np.full(n, to_field(g.im, self.p), dtype=np.int64))  # fmt: skip
        return np.full(n, to_field(v, self.p), dtype=np.int64)

    def lift(self, x):
        return (x, np.zeros_like(x)) if self.pairs else x


def _evaluate(ring: _Ring, poly: Poly, a, b, deg: int, Va, Vb):
    """The homogenised a^deg poly(b / a) at every node, as field arrays."""
    n = b.size
    acc = ring.lift(np.zeros(n, dtype=np.int64))
    for t in poly:
        v = ring.const(t.coef, n)
        v = ring.mul(v, ring.lift(Vb[:, t.shift]))
        for r in t.roots:  # (b - r a)
            ra = ring.const(-r, n)
            if Va is not None:
                ra = ring.mul(ra, ring.lift(a))
            v = ring.mul(v, ring.add(ring.lift(b), ra))
        if Va is not None:
            v = ring.mul(v, ring.lift(Va[:, deg - t.degree]))
        acc = ring.add(acc, v)
    if ring.pairs:
        if acc[1].any():
            raise SchemeError("an encoder is not real at a real node: the form is not conjugate-"
                              "symmetric")  # fmt: skip
        return acc[0]
    return acc


def _encoders(form: CodeForm, F: PrimeField) -> list[list[np.ndarray]]:
    p = F.p
    per_part = []
    for pt in form.parts:
        a = np.array([int(u) % p for u, _ in pt.nodes], dtype=np.int64)
        b = np.array([int(v) % p for _, v in pt.nodes], dtype=np.int64)
        affine = bool((a == 1).all())
        pairs = p % 4 == 3 and any(
            _is_complex(t.coef) or any(_is_complex(r) for r in t.roots)
            for pc in pt.polys for q in pc.values() for t in q
        )  # fmt: skip
        ring = _Ring(F, pairs)
        coords = []
        for c, deg in enumerate(pt.degrees()):
            Vb = F.vandermonde(b, deg + 1)
            Va = None if affine else F.vandermonde(a, deg + 1)
            E = np.zeros((b.size, form.basis[c]), dtype=np.int64)
            for l, poly in pt.polys[c].items():
                if len(poly) == 1 and not poly[0].roots and affine:  # a monomial: one column
                    col = Vb[:, poly[0].shift]
                    k = to_field(poly[0].coef, p)
                    E[:, l] = col if k == 1 else ring._mul(col, np.int64(k))
                else:
                    E[:, l] = _evaluate(ring, poly, a, b, deg, Va, Vb)
            coords.append(E)
        per_part.append(coords)
    return [[per_part[i][c][k] for c in range(len(form.basis))] for i, k in form.product_rows()]


def _functional(part: FormPart, kind: str, at) -> dict[tuple, object]:
    """{basis index tuple: exact coefficient} of one functional of h = prod_c u_c."""
    if kind == "value":
        vals = [[(l, poly_value(q, at)) for l, q in sorted(pc.items())] for pc in part.polys]
        vals = [[(l, v) for l, v in vc if v] for vc in vals]
        out = {}
        for combo in itertools.product(*vals):
            v = 1
            for _, x in combo:
                v = v * x
            out[tuple(l for l, _ in combo)] = v
        return out
    if kind != "coeff":
        raise SchemeError(f"unknown functional {kind!r}")
    coeffs = [{l: coefficients(q) for l, q in pc.items()} for pc in part.polys]
    # all but the last coordinate: partial products up to exponent `at`
    partial: dict[tuple, dict[int, object]] = {(): {0: 1}}
    for pc in coeffs[:-1]:
        nxt: dict[tuple, dict[int, object]] = {}
        for idx, cur in partial.items():
            for l in sorted(pc):
                prod: dict[int, object] = {}
                for e1, c1 in cur.items():
                    for e2, c2 in pc[l].items():
                        if e1 + e2 <= at:
                            prod[e1 + e2] = prod.get(e1 + e2, 0) + c1 * c2
                if prod:
                    nxt[idx + (l,)] = prod
        partial = nxt
    last: dict[int, list] = {}  # exponent -> [(l, coefficient)] of the last coordinate
    for l in sorted(coeffs[-1]):
        for e, c in coeffs[-1][l].items():
            last.setdefault(e, []).append((l, c))
    out = {}
    for idx, cur in partial.items():
        for e1, c1 in cur.items():
            for l, c2 in last.get(at - e1, ()):
                key = idx + (l,)
                out[key] = out.get(key, 0) + c1 * c2
    return out


def numeric_targets(form: CodeForm, p: int) -> list[list]:
    """The targets as lists of ``(basis index tuple, coefficient mod p)`` terms."""
    out = []
    for part, funcs in form.targets:
        acc: dict[tuple, object] = {}
        for weight, kind, at in funcs:
            for idx, v in _functional(form.parts[part], kind, at).items():
                acc[idx] = acc.get(idx, 0) + weight * v
        terms = [(idx, to_field(exact(v), p)) for idx, v in sorted(acc.items())]
        out.append([(idx, c) for idx, c in terms if c])
    return out


def numeric(form: CodeForm, F: PrimeField) -> tuple[list[list[np.ndarray]], list[list]]:
    """The form over GF(p): (encoder rows, one list of per-coordinate arrays per product,
    worker by worker; targets as lists of ``(basis index tuple, coefficient)`` terms)."""
    return _encoders(form, F), numeric_targets(form, F.p)


def build_scheme(form: CodeForm, F: PrimeField, cls, **kwargs):
    """The numeric scheme of ``form`` over ``F``: ``cls(F, basis, encoders, targets, ...)``
    with the form's stragglers, outputs, masks and secrecy, plus ``kwargs`` (name, params,
    nodes, ...). The form is kept as ``scheme.form`` (what ``ffcc show`` renders)."""
    encoders, targets = numeric(form, F)
    extra = {}
    if max(form.outputs) > 1:
        extra["outputs"] = list(form.outputs)
    if any(form.random):
        extra["random"] = [list(r) for r in form.random]
    if form.secrecy:
        extra["secrecy"] = form.secrecy
    kwargs.setdefault("stragglers", form.stragglers)
    S = cls(F, list(form.basis), encoders, targets, **extra, **kwargs)
    S.form = form
    return S


def coefficients_mod(poly: Poly, p: int) -> list[int]:
    """The dense coefficient list (lowest degree first, length degree + 1) mod p, expanded
    mod p (the exact coefficients of a high-degree product can be huge); i maps to
    :func:`sqrt_minus_one`."""
    from .polyarith import from_roots

    out = [0] * (poly_degree(poly) + 1)
    for t in poly:
        k = to_field(t.coef, p)
        for e, c in enumerate(from_roots([to_field(r, p) for r in t.roots], p)):
            out[e + t.shift] = (out[e + t.shift] + k * c) % p
    return out
