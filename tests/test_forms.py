"""One exact definition per construction (ffcc.codes._form): the numeric scheme is the form
evaluated over GF(p), checked here against plain Python-integer evaluation of the same
form (an independent path: no numpy, no kernels) up to the largest prime the field takes,
and the shared polynomial helpers against exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from ffcc import codes
from ffcc.codes import polyarith
from ffcc.codes._form import (
    CodeForm,
    FormPart,
    Gaussian,
    Term,
    lagrange_term,
    numeric,
    sqrt_minus_one,
    to_field,
)
from ffcc.field import MAX_PRIME, PrimeField
from ffcc.scheme import SchemeError

P1 = 65537  # = 1 mod 4
P3 = MAX_PRIME  # 2^63 - 25 = 3 mod 4: GF(p^2) for Gaussian forms, products beyond int64


def _gf2(v, p):
    g = v if isinstance(v, Gaussian) else Gaussian(v)
    return (to_field(g.re, p), to_field(g.im, p))


def _mul2(a, b, p):
    return ((a[0] * b[0] - a[1] * b[1]) % p, (a[0] * b[1] + a[1] * b[0]) % p)


def _oracle_entry(poly, a, b, deg, p):
    """a^deg poly(b/a) with Python ints in GF(p)[i] (i -> sqrt(-1) mod p for p = 1 mod 4)."""
    total = (0, 0)
    for t in poly:
        v = _gf2(t.coef, p)
        v = _mul2(v, (pow(b, t.shift, p) * pow(a, deg - t.degree, p) % p, 0), p)
        for r in t.roots:
            rr = _gf2(r, p)
            v = _mul2(v, ((b - rr[0] * a) % p, -rr[1] * a % p), p)
        total = ((total[0] + v[0]) % p, (total[1] + v[1]) % p)
    if total[1] and p % 4 == 1:
        return (total[0] + total[1] * sqrt_minus_one(p)) % p
    assert total[1] == 0, "an encoder entry is not in GF(p)"
    return total[0]


def _oracle_rows(form, p):
    rows = []
    for i, k in form.product_rows():
        pt = form.parts[i]
        a, b = (int(v) % p for v in pt.nodes[k])
        degs = pt.degrees()
        rows.append([[_oracle_entry(pt.polys[c].get(l, ()), a, b, degs[c], p)
                      for l in range(form.basis[c])] for c in range(len(form.basis))])  # fmt: skip
    return rows


BUILDS = [
    ("matdot", {"m": 5, "s": 2, "weights": "1,-1,2,-3,7"}),
    ("polydot", {"m": 2, "n": 2, "q": 2, "s": 1}),
    ("lagrange", {"k": 4, "s": 1, "d": 3}),
    ("locality-dependency", {"k": 5, "s": 2, "alphas": "1,-2,3,-4"}),
    ("locality-coordinates", {"samples": "0-0,0-1,1-1,2-0,2-2", "s": 1}),
    ("threem", {"K": 3, "s": 2, "layout": "global"}),
    ("threem", {"K": 2, "s": 1, "targets": "products", "layout": "global"}),
    ("threem", {"K": 2, "s": 2, "layout": "blocks"}),
    ("gasp-r", {"K": 3, "L": 2, "T": 2, "r": 1}),
    ("batch-mds", {"m": 3, "n": 2, "s": 1}),
]


@pytest.mark.parametrize("p", [P1, P3, 2**31 - 1])
@pytest.mark.parametrize("name, params", BUILDS, ids=[n for n, _ in BUILDS])
def test_numeric_scheme_is_the_form_at_its_nodes_by_python_ints(name, params, p):
    S = codes.build(name, **params, p=p)
    form = S.form
    want = _oracle_rows(form, p)
    got = [[S.E[c][r].tolist() for c in range(S.d)] for r in range(S.products)]
    assert got == want
    if p == P3 and name in ("matdot", "lagrange", "locality-dependency"):
        # negative weights and fractions: residues near p - 1, where int64 products overflow
        assert max(max(max(row) for row in prod) for prod in got) > p // 2


def test_gaussian_form_over_both_kinds_of_prime():
    """u(z) = i (z - i) = i z + 1 at x = 2: 1 + 2i, so GF(p) for p = 1 mod 4 (i = sqrt(-1))
    and not real for p = 3 mod 4 (refused)."""
    form = CodeForm("toy", (1, 1), (FormPart(({0: (Term(Gaussian(0, 1), 0, (Gaussian(0, 1),)),)},
                    {0: (Term(1),)}), ((1, 2),)),), ((0, ((1, "coeff", 0),)),))  # fmt: skip
    i = sqrt_minus_one(P1)
    assert i * i % P1 == P1 - 1
    enc, targets = numeric(form, PrimeField(P1))
    assert enc[0][0].tolist() == [(1 + 2 * i) % P1] and targets == [[((0, 0), 1)]]
    with pytest.raises(SchemeError, match="not real"):
        numeric(form, PrimeField(103))


def test_conjugate_pair_is_real_in_gf_p2():
    """l_beta + l_beta-bar over the conjugate nodes 1 +- i is real: at x, with beta = 1 + i,
    (x - beta-bar)/(beta - beta-bar) + (x - beta)/(beta-bar - beta) = 1."""
    betas = [Gaussian(1, 1), Gaussian(1, -1)]
    poly = (lagrange_term(betas, 0), lagrange_term(betas, 1))
    form = CodeForm("toy", (1, 1), (FormPart(({0: poly}, {0: (Term(1),)}),
                    tuple((1, x) for x in (0, 5, P3 - 1))),), ())  # fmt: skip
    enc, _ = numeric(form, PrimeField(P3))
    assert [row[0].tolist() for row in enc] == [[1], [1], [1]]


@pytest.mark.parametrize("p", [None, 101, P3])
def test_polyarith_against_exact_rationals(p):
    rng = np.random.default_rng(7)
    roots = [int(v) for v in rng.integers(-50, 50, 6)]
    a = polyarith.from_roots(roots, p)
    exact = polyarith.from_roots(roots, None)  # integer coefficients, no reduction
    red = (lambda v: v) if p is None else (lambda v: Fraction(v).numerator % p)
    assert a == [red(v) for v in exact]
    for z in (0, 3, -7):
        want = 1
        for r in roots:
            want *= z - r
        assert polyarith.poly_at(a, z, p) == red(want)
    betas = [1, 4, 9, 16]
    ell = polyarith.lagrange_basis(betas, p)
    for i, li in enumerate(ell):
        for j, b in enumerate(betas):
            assert polyarith.poly_at(li, b, p) == (1 if i == j else 0)
    prod = polyarith.poly_mul(a, polyarith.from_roots([2], p), p)
    assert prod == polyarith.from_roots([*roots, 2], p)


def test_every_catalog_scheme_keeps_its_form_and_show_renders_it():
    for name in codes.CATALOG:
        S = codes.build(name)
        assert S.form.basis == tuple(S.basis) and S.form.w == S.w, name
        assert codes.symbolic_form(name).check(S), name


def test_targets_are_the_functionals_of_h():
    """u1 = X0 + X1 z, u2 = Y0 + Y1 (z - 1): h = X0Y0 + X0Y1 (z - 1) + X1Y0 z + X1Y1 z(z - 1),
    so [z^1] h = X0Y1 + X1Y0 - X1Y1 and 3 [z^0] h + h(2) = 4 X0Y0 - 2 X0Y1 + 2 X1Y0 + 2 X1Y1
    (by hand); mod 7."""
    polys = ({0: (Term(1),), 1: (Term(1, 1),)}, {0: (Term(1),), 1: (Term(1, 0, (1,)),)})
    targets = ((0, ((1, "coeff", 1),)), (0, ((3, "coeff", 0), (1, "value", 2))))
    form = CodeForm("toy", (2, 2), (FormPart(polys, ((1, 3), (1, 4), (1, 5))),), targets)
    _, got = numeric(form, PrimeField(7))
    assert got == [[((0, 1), 1), ((1, 0), 1), ((1, 1), 6)],
                   [((0, 0), 4), ((0, 1), 5), ((1, 0), 2), ((1, 1), 2)]]  # fmt: skip
