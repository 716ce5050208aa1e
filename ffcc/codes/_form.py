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

import functools
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
    "I",
    "LagrangeTerm",
    "Term",
    "coefficients",
    "coefficients_mod",
    "exact",
    "functional_rows",
    "lagrange_term",
    "numeric",
    "numeric_targets",
    "outputs_per_worker",
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

    def __pow__(self, e: int):
        out = Gaussian(1)
        for _ in range(e):
            out = out * self
        return out

    def __eq__(self, o):
        if not isinstance(o, (int, Fraction, Gaussian)):
            return NotImplemented
        o = Gaussian._of(o)
        return self.re == o.re and self.im == o.im

    def __hash__(self):  # a real Gaussian hashes like its Fraction (they compare equal)
        return hash(self.re) if self.im == 0 else hash((self.re, self.im))

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


@functools.lru_cache(maxsize=64)
def sqrt_minus_one(p: int) -> int:
    """The square root of -1 in GF(p), p = 1 mod 4, that forms use for i: g^((p-1)/4) for
    the field's primitive element g."""
    if p % 4 != 1:
        raise SchemeError(f"GF({p}) has no square root of -1")
    return pow(int(PrimeField(p).primitive_element), (p - 1) // 4, p)


def to_field(v, p: int) -> int:
    """An exact number (int, Fraction, Gaussian) mod p; i is :func:`sqrt_minus_one`."""
    if type(v) is int:
        return v % p
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

    @functools.cached_property
    def root_set(self) -> frozenset:
        return frozenset(r if type(r) is int else exact(r) for r in self.roots)


Poly = tuple  # a tuple of Terms, summed; () is the zero polynomial


@dataclass(frozen=True)
class LagrangeTerm(Term):
    r"""A :class:`Term` that is :math:`\text{scale} \cdot \ell_i(z)` for the Lagrange basis
    of ``betas`` (so ``coef`` = scale / prod_(j != i) (beta_i - beta_j) and ``roots`` the
    other betas); the numeric evaluation uses the field's Lagrange kernel for it."""

    betas: tuple = ()
    index: int = 0
    scale: object = 1


def lagrange_term(betas: Sequence, i: int, scale=1) -> LagrangeTerm:
    r""":math:`\text{scale} \cdot \ell_i(z)` for the Lagrange basis of distinct ``betas``."""
    others = tuple(b for j, b in enumerate(betas) if j != i)
    den = 1
    for b in others:
        den = den * (betas[i] - b)
    coef = scale / den if isinstance(den, Gaussian) else scale / Fraction(den)
    return LagrangeTerm(exact(coef), 0, others, tuple(betas), i, scale)


def poly_degree(poly: Poly) -> int:
    """The largest degree of the terms (-1 for the zero polynomial)."""
    return max((t.degree for t in poly), default=-1)


def poly_value(poly: Poly, x):
    """The exact value at the number x (0 at once when x is a root of a term)."""
    total, key = 0, exact(x)
    for t in poly:
        if key in t.root_set:
            continue
        v = x**t.shift
        for r in t.roots:  # ints stay ints: one rational multiplication at the end
            v = v * (x - r)
        total = total + t.coef * v
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


def outputs_per_worker(parts_workers: Sequence[Sequence[int]]) -> tuple[int, ...]:
    """Products per worker, workers in increasing order, given each part's workers."""
    count = dict.fromkeys(sorted({j for ws in parts_workers for j in ws}), 0)
    for ws in parts_workers:
        for j in ws:
            count[j] += 1
    return tuple(count.values())


@dataclass(frozen=True)
class CodeForm:
    """A construction, exactly; see the module docstring. ``targets[t]`` is
    ``(part, ((weight, kind, at), ...))``; ``random[c]`` the basis indices of coordinate c that
    hold uniformly random masks and ``secrecy`` the X colluding workers they hide the data
    from; ``notes`` say in words how the encoders and targets are chosen; ``params`` holds
    exact quantities of the construction that its builder reports (e.g. the one-dependency
    code's rescalings :math:`c_i`, the 3M code's nodes :math:`\beta`)."""

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
        return len(outputs_per_worker([pt.worker_ids for pt in self.parts]))

    @property
    def outputs(self) -> tuple[int, ...]:
        """Products per worker (one part per output)."""
        return outputs_per_worker([pt.worker_ids for pt in self.parts])

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
        self.lagrange: dict = {}  # betas -> Lagrange matrix at this part's nodes

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
        if self.small:
            d = a + b
            return np.where(d >= self.p, d - self.p, d)
        return self.F.add(a, b)

    def _sub(self, a, b):
        if self.small:
            d = a - b
            return np.where(d < 0, d + self.p, d)
        return self.F.sub(a, b)

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


def _column_product(ring: _Ring, M):
    """The product of the columns of a (nodes x k) ring matrix, by pairwise halving."""
    while (M[0] if ring.pairs else M).shape[1] > 1:
        k = (M[0] if ring.pairs else M).shape[1]
        h = k // 2
        if ring.pairs:
            left, right, odd = (M[0][:, :h], M[1][:, :h]), (M[0][:, h:2 * h], M[1][:, h:2 * h]), \
                (M[0][:, 2 * h:], M[1][:, 2 * h:])  # fmt: skip
            prod = ring.mul(left, right)
            M = (np.hstack([prod[0], odd[0]]), np.hstack([prod[1], odd[1]]))
        else:
            M = np.hstack([ring.mul(M[:, :h], M[:, h : 2 * h]), M[:, 2 * h :]])
    return (M[0][:, 0], M[1][:, 0]) if ring.pairs else M[:, 0]


def _lagrange_columns(ring: _Ring, t: Term, b):
    """L[j, i] = l_i(b_j) for the Lagrange basis of t's betas, when t is an integer-node
    Lagrange term over GF(p) (cached per betas on the ring); None otherwise."""
    if ring.pairs or not isinstance(t, LagrangeTerm):
        return None
    if not all(type(x) is int for x in t.betas):
        return None
    if t.betas not in ring.lagrange:
        ring.lagrange[t.betas] = ring.F.lagrange_matrix([x % ring.p for x in t.betas], b)
    return ring.lagrange[t.betas]


def _evaluate(ring: _Ring, poly: Poly, a, b, deg: int, Va, Vb):
    """The homogenised a^deg poly(b / a) at every node, as field arrays."""
    p, n = ring.p, b.size
    acc = ring.lift(np.zeros(n, dtype=np.int64))
    for t in poly:
        L = _lagrange_columns(ring, t, b) if Va is None else None
        if L is not None:  # scale * l_i(b) from the field's compiled Lagrange kernel
            acc = ring.add(acc, ring._mul(L[:, t.index], np.int64(to_field(t.scale, p))))
            continue
        v = ring.const(t.coef, n)
        if t.shift:
            v = ring.mul(v, ring.lift(Vb[:, t.shift]))
        if t.roots:  # times prod_r (b - r a), all roots at once
            if ring.pairs and Va is not None:
                raise SchemeError("projective nodes with complex roots are not supported")
            if ring.pairs:
                gs = [r if isinstance(r, Gaussian) else Gaussian(r) for r in t.roots]
                re = np.array([to_field(g.re, p) for g in gs], dtype=np.int64)
                im = np.array([to_field(-g.im, p) for g in gs], dtype=np.int64)
            elif all(type(r) is int for r in t.roots):
                re = np.array([r % p for r in t.roots], dtype=np.int64)
            else:
                re = np.array([to_field(r, p) for r in t.roots], dtype=np.int64)
            R = np.broadcast_to(re[None, :], (n, re.size))
            if Va is not None:
                R = ring._mul(np.ascontiguousarray(np.broadcast_to(a[:, None], R.shape)),
                              np.ascontiguousarray(R))  # fmt: skip
            lin = ring._sub(np.ascontiguousarray(np.broadcast_to(b[:, None], R.shape)), R)
            if ring.pairs:
                lin = (lin, np.ascontiguousarray(np.broadcast_to(im[None, :], lin.shape)))
            v = ring.mul(v, _column_product(ring, lin))
        if Va is not None and deg > t.degree:
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


def _ring(v, p: int) -> tuple[int, int]:
    """An exact number as (re, im) in GF(p)[i]/(i^2 + 1) (a ring homomorphism from the
    Gaussian rationals whose denominators p does not divide)."""
    if type(v) is int:
        return v % p, 0
    g = v if isinstance(v, Gaussian) else Gaussian(v)
    return to_field(g.re, p), to_field(g.im, p)


def _ring_mul(a, b, p: int) -> tuple[int, int]:
    return (a[0] * b[0] - a[1] * b[1]) % p, (a[0] * b[1] + a[1] * b[0]) % p


def _ring_add(a, b, p: int) -> tuple[int, int]:
    return (a[0] + b[0]) % p, (a[1] + b[1]) % p


def _collapse(v: tuple[int, int], p: int, what: str) -> int:
    """(re, im) -> GF(p): i is :func:`sqrt_minus_one` for p = 1 mod 4; for p = 3 mod 4 the
    value must be real."""
    re, im = v
    if not im:
        return re
    if p % 4 == 3:
        raise SchemeError(f"{what} is not in GF({p})")
    return (re + im * sqrt_minus_one(p)) % p


class _PartFunctionals:
    """Functionals of one part's h = prod_c u_c over GF(p)[i], as {basis index tuple: (re,
    im)}, cached per node (values) and computed once for all exponents (coefficients)."""

    def __init__(self, part: FormPart, p: int):
        self.part, self.p = part, p
        self._values: dict = {}
        self._coeffs: dict | None = None

    def _vanishing(self) -> list[dict]:
        """Per coordinate: {root: basis indices whose polynomial has it in every term}."""
        if not hasattr(self, "_zero"):
            self._zero = []
            for pc in self.part.polys:
                zero: dict = {}
                for l, q in pc.items():
                    common = frozenset.intersection(*[t.root_set for t in q]) if q else ()
                    for r in common:
                        zero.setdefault(r, set()).add(l)
                self._zero.append(zero)
        return self._zero

    def _poly_value(self, poly: Poly, at) -> tuple[int, int]:
        p, x, key = self.p, _ring(at, self.p), exact(at)
        total = (0, 0)
        for t in poly:
            if key in t.root_set:
                continue
            if type(at) is int and all(type(r) is int for r in t.roots):
                prod = pow(at, t.shift, p)  # the common case: integer nodes, scalar loop
                for r in t.roots:
                    prod = prod * (at - r) % p
                total = _ring_add(total, _ring_mul(_ring(t.coef, p), (prod, 0), p), p)
                continue
            v = _ring(t.coef, p)
            for _ in range(t.shift):
                v = _ring_mul(v, x, p)
            for r in t.roots:
                rr = _ring(r, p)
                v = _ring_mul(v, ((x[0] - rr[0]) % p, (x[1] - rr[1]) % p), p)
            total = _ring_add(total, v, p)
        return total

    def value(self, at) -> dict[tuple, tuple[int, int]]:
        if at not in self._values:
            key = exact(at)
            vals = []
            for pc, zero in zip(self.part.polys, self._vanishing(), strict=True):
                skip = zero.get(key, ())  # vanish at the node
                vals.append([(l, self._poly_value(q, at)) for l, q in sorted(pc.items())
                             if l not in skip])  # fmt: skip
            vals = [[(l, v) for l, v in vc if v != (0, 0)] for vc in vals]
            out = {}
            for combo in itertools.product(*vals):
                v = (1, 0)
                for _, x in combo:
                    v = _ring_mul(v, x, self.p)
                out[tuple(l for l, _ in combo)] = v
            self._values[at] = out
        return self._values[at]

    def coeff(self, at: int, wanted: frozenset) -> dict[tuple, tuple[int, int]]:
        """The coefficient of z^at; computed, on first use, for every exponent in
        ``wanted``: partial products of all coordinates but the last, then one look-up per
        exponent in the last coordinate's exponent index."""
        p = self.p
        if self._coeffs is None:
            polys = [[(l, {e: _ring(c, p) for e, c in coefficients(q).items()})
                      for l, q in sorted(pc.items())] for pc in self.part.polys]  # fmt: skip
            top = max(wanted)
            partial: dict[tuple, dict[int, tuple[int, int]]] = {(): {0: (1, 0)}}
            for cs in polys[:-1]:
                nxt = {}
                for idx, cur in partial.items():
                    for l, poly in cs:
                        prod: dict[int, tuple[int, int]] = {}
                        for e1, c1 in cur.items():
                            for e2, c2 in poly.items():
                                if e1 + e2 <= top:
                                    v = _ring_mul(c1, c2, p)
                                    prod[e1 + e2] = _ring_add(prod.get(e1 + e2, (0, 0)), v, p)
                        if prod:
                            nxt[idx + (l,)] = prod
                partial = nxt
            last: dict[int, list] = {}  # exponent -> [(l, coefficient)] of the last coordinate
            for l, poly in polys[-1]:
                for e, c in poly.items():
                    last.setdefault(e, []).append((l, c))
            self._coeffs = {e: {} for e in wanted}
            for idx, cur in partial.items():
                for e1, c1 in cur.items():
                    for e in wanted:
                        for l, c2 in last.get(e - e1, ()):
                            row = self._coeffs[e]
                            key = idx + (l,)
                            row[key] = _ring_add(row.get(key, (0, 0)), _ring_mul(c1, c2, p), p)
        return self._coeffs[at]


def numeric_targets(form: CodeForm, p: int) -> list[list]:
    """The targets as lists of ``(basis index tuple, coefficient mod p)`` terms: each
    functional of h evaluated in GF(p) (in :math:`GF(p)[i]` where the form has Gaussian
    numbers), which is the exact multilinear target reduced mod p."""
    funcs = [_PartFunctionals(pt, p) for pt in form.parts]
    wanted = [frozenset(at for pt, ts in form.targets if pt == i for _, kind, at in ts
                        if kind == "coeff") for i in range(len(form.parts))]  # fmt: skip
    out = []
    for t, (part, terms) in enumerate(form.targets):
        acc: dict[tuple, tuple[int, int]] = {}
        for weight, kind, at in terms:
            if kind not in ("value", "coeff"):
                raise SchemeError(f"unknown functional {kind!r}")
            F = funcs[part].value(at) if kind == "value" else funcs[part].coeff(at, wanted[part])
            w = _ring(weight, p)
            for idx, v in F.items():
                acc[idx] = _ring_add(acc.get(idx, (0, 0)), _ring_mul(w, v, p), p)
        what = f"target {t} of {form.name}"
        tg = [(idx, _collapse(v, p, what)) for idx, v in sorted(acc.items())]
        out.append([(idx, c) for idx, c in tg if c])
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


def functional_rows(form: CodeForm, part: int, n: int, p: int) -> np.ndarray:
    """The targets of one part as rows on the n coefficients of h, mod p: a ``coeff`` at e
    contributes its weight at column e, a ``value`` at beta the weighted powers
    :math:`\beta^d`. Computed in :math:`GF(p)[i]`; a row must come out in GF(p) (real, for
    p = 3 mod 4; i mapped to :func:`sqrt_minus_one` for p = 1 mod 4)."""
    rows = []
    for pt, funcs in form.targets:
        if pt != part:
            continue
        row = [(0, 0)] * n
        for weight, kind, at in funcs:
            w = _ring(weight, p)
            if kind == "coeff":
                row[at] = ((row[at][0] + w[0]) % p, (row[at][1] + w[1]) % p)
                continue
            b, pw = _ring(at, p), (1, 0)
            for d in range(n):
                t = _ring_mul(w, pw, p)
                row[d] = ((row[d][0] + t[0]) % p, (row[d][1] + t[1]) % p)
                pw = _ring_mul(pw, b, p)
        rows.append([_collapse(v, p, f"a target row of {form.name}") for v in row])
    return np.array(rows, dtype=np.int64).reshape(len(rows), n)
