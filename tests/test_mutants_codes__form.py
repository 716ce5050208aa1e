"""Tests that kill mutants of ffcc/codes/_form.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Expected values are worked out by hand in comments."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from ffcc.codes._form import (
    CodeForm,
    FormPart,
    Gaussian,
    I,
    LagrangeTerm,
    Term,
    build_scheme,
    coefficients,
    coefficients_mod,
    exact,
    functional_rows,
    lagrange_term,
    numeric,
    numeric_targets,
    poly_degree,
    poly_value,
    sqrt_minus_one,
    to_field,
)
from ffcc.field import PrimeField
from ffcc.scheme import Scheme, SchemeError


def _one_coordinate_form(poly, xs, targets=()):
    """Basis (1, 1): u_1 = poly(z) X0_0, u_2 = X1_0, affine workers at xs."""
    part = FormPart(({0: poly}, {0: (Term(1),)}), tuple((1, x) for x in xs))
    return CodeForm("toy", (1, 1), (part,), targets)


def _encoder_column(poly, xs, p):
    enc, _ = numeric(_one_coordinate_form(poly, xs), PrimeField(p))
    return [int(row[0][0]) for row in enc]


def test_gaussian_defaults_equality_hash_and_powers():
    assert Gaussian() == 0 and not Gaussian()  # 0 + 0i
    assert (Gaussian(5).re, Gaussian(5).im) == (5, 0)
    assert Gaussian(1, 2) == Gaussian(1, 2)
    assert Gaussian(1, 2) != Gaussian(1, 3) and Gaussian(1, 2) != Gaussian(0, 2)
    assert Gaussian(3) == 3 and Gaussian(3) == Fraction(3)
    assert (Gaussian(3) == "3") is False  # not a number: not equal
    # a real Gaussian is the same dict key as its Fraction and int (equal, so equal hashes)
    assert hash(Gaussian(Fraction(7, 2))) == hash(Fraction(7, 2))
    assert {Gaussian(3): "x"}[3] == "x"
    # (1 + i)^0 = 1, (1 + i)^2 = 2i, (1 + i)^3 = 2i (1 + i) = -2 + 2i
    one_i = Gaussian(1, 1)
    assert one_i**0 == 1 and one_i**2 == Gaussian(0, 2) and one_i**3 == Gaussian(-2, 2)


def test_exact_turns_only_real_gaussians_into_fractions():
    assert type(exact(Gaussian(3))) is Fraction and exact(Gaussian(3)) == 3
    assert exact(Gaussian(2, 1)) == Gaussian(2, 1)  # i stays
    assert isinstance(exact(Gaussian(2, 1)), Gaussian)


@pytest.mark.parametrize("p", [5, 13, 17, 101, 65537])
def test_sqrt_minus_one_squares_to_minus_one(p):
    r = sqrt_minus_one(p)
    assert 0 < r < p and r * r % p == p - 1


def test_to_field_of_a_numpy_integer():
    assert to_field(np.int64(-3), 7) == 4  # -3 = 4 mod 7
    assert to_field(Fraction(1, 2), 7) == 4  # 2 * 4 = 8 = 1 mod 7


def test_term_defaults_are_the_monomial_one():
    # Term() is 1; Term(shift=2) is z^2
    assert coefficients((Term(shift=2),)) == {2: 1}
    assert poly_value((Term(shift=2),), 3) == 9
    assert poly_value((Term(),), 5) == 1


def test_lagrange_term_defaults_are_the_first_basis_polynomial():
    # betas (5, 6): l_0(z) = (z - 6)/(5 - 6) = 6 - z; default index 0 and scale 1
    t = LagrangeTerm(Fraction(-1), 0, (6,), (5, 6))
    assert (t.index, t.scale) == (0, 1)
    p, xs = 11, [1, 2, 7]
    assert _encoder_column((t,), xs, p) == [(6 - x) % p for x in xs]  # 5, 4, 10


def test_lagrange_term_with_fraction_nodes_is_evaluated_exactly():
    # betas (1/2, 3): l_0(z) = (z - 3)/(1/2 - 3) = -2 (z - 3)/5, over GF(11)
    t = lagrange_term([Fraction(1, 2), 3], 0)
    p, xs = 11, [1, 2, 4, 10]
    want = [to_field(Fraction(-2 * (x - 3), 5), p) for x in xs]
    assert _encoder_column((t,), xs, p) == want


def test_affine_sum_of_terms_of_different_degrees():
    # 3 + (z - 2) = z + 1: the constant term has degree 0 < 1 at affine nodes
    p, xs = 13, [0, 4, 12]
    assert _encoder_column((Term(3), Term(1, 0, (2,))), xs, p) == [1, 5, 0]


def test_forms_are_frozen_and_default_to_no_stragglers():
    form = _one_coordinate_form((Term(1),), [1, 2])
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.parts[0].nodes = ()
    assert form.stragglers == 0 and form.parts[0].output == 0
    S = build_scheme(_one_coordinate_form((Term(1),), [1, 2], ((0, ((1, "coeff", 0),)),)),
                     PrimeField(7), Scheme)  # fmt: skip
    assert S.stragglers == 0


def test_a_complex_target_at_p_3_mod_4_is_refused_by_name():
    # [z^0] h times i is not in GF(7): i does not exist there
    form = _one_coordinate_form((Term(1),), [1, 2], ((0, ((Gaussian(0, 1), "coeff", 0),)),))
    with pytest.raises(SchemeError, match="target 0 of toy is not in GF"):
        numeric_targets(form, 7)
    with pytest.raises(SchemeError, match="a target row of toy is not in GF"):
        functional_rows(form, 0, 2, 7)


def test_functional_rows_of_coefficient_targets():
    # p = 13: i = sqrt_minus_one(13) with 8^2 = 64 = -1 (mod 13), by hand 8 or 5
    i13 = sqrt_minus_one(13)
    assert i13 * i13 % 13 == 12
    targets = (
        (0, ((12, "coeff", 1), (5, "coeff", 1))),  # 17 = 4 at column 1
        (0, ((Gaussian(0, 1), "coeff", 2), (Gaussian(2, 1), "coeff", 2))),  # 2 + 2i at 2
    )
    form = _one_coordinate_form((Term(1),), [1, 2], targets)
    rows = functional_rows(form, 0, 4, 13)
    assert rows.tolist() == [[0, 4, 0, 0], [0, 0, (2 + 2 * i13) % 13, 0]]
    # p = 7 (3 mod 4): (1 + 3i) + (1 + 4i) = 2 + 7i = 2, real
    real = ((0, ((Gaussian(1, 3), "coeff", 0), (Gaussian(1, 4), "coeff", 0))),)
    rows = functional_rows(_one_coordinate_form((Term(1),), [1, 2], real), 0, 2, 7)
    assert rows.tolist() == [[2, 0]]


def test_value_target_at_an_integer_node_with_a_fraction_root():
    # u_1 = (z - 1/2) X0_0, u_2 = X1_0: h(3) = (5/2) X0_0 X1_0 = 5 * 4 = 20 = 6 (mod 7)
    form = _one_coordinate_form((Term(1, 0, (Fraction(1, 2),)),), [1, 2],
                                ((0, ((1, "value", 3),)),))  # fmt: skip
    assert numeric_targets(form, 7) == [[((0, 0), 6)]]


def test_degree_and_coefficients_of_overlapping_terms():
    assert poly_degree(()) == -1  # the zero polynomial
    # 2 z (z - 3) + 5 z^2 = 7 z^2 - 6 z
    poly = (Term(2, 1, (3,)), Term(5, 2))
    assert poly_degree(poly) == 2
    assert coefficients(poly) == {1: -6, 2: 7}
    assert coefficients_mod(poly, 11) == [0, 5, 7]  # -6 = 5 (mod 11)


def test_roots_vanish_at_their_nodes():
    # (z - 2)(z - 5) at 2, 5, 3 over GF(13): 0, 0, (1)(-2) = 11
    assert _encoder_column((Term(1, 0, (2, 5)),), [2, 5, 3], 13) == [0, 0, 11]


def test_products_of_residues_beyond_two_to_the_31():
    # p = 2^32 - 5: a product of two residues exceeds int64, Python ints are the oracle
    # (x - r1)(x - r2) with both factors about p: at x = 1, (p - 1)(p - 2) ~ 2^64 > 2^63
    p = 4294967291
    r1, r2, xs = 2, 3, [1, 0, (1 << 31) + 7]
    want = [(x - r1) * (x - r2) % p for x in xs]
    assert want[:2] == [2, 6]
    assert _encoder_column((Term(1, 0, (r1, r2)),), xs, p) == want


def test_projective_nodes_homogenise_lower_degree_terms():
    # coordinate 0: z (degree 1) and z^2 (degree 2), so D = 2: at (a, b) a^2 (b/a) = ab and b^2
    nodes = ((1, 0), (0, 1), (2, 3), (5, 4))
    part = FormPart(({0: (Term(1, 1),), 1: (Term(1, 2),)}, {0: (Term(1),)}), nodes)
    enc, _ = numeric(CodeForm("toy", (2, 1), (part,), ()), PrimeField(13))
    assert [row[0].tolist() for row in enc] == [[0, 0], [0, 1], [6, 9], [7, 3]]  # 20, 16 mod 13


@pytest.mark.parametrize(
    ("poly", "want"),
    [
        ((Term(Gaussian(2, 1)), Term(-I)), [2, 2, 2]),  # (2 + i) - i = 2: complex coefficients
        ((Term(1, 0, (I,)), Term(1, 0, (-I,))), [2, 6, 5]),  # (z - i) + (z + i) = 2z: roots
    ],
)
def test_complex_coefficients_or_roots_alone_take_gf_p2(poly, want):
    # real polynomials, evaluated in GF(7^2) at the real nodes 1, 3, 6 (i is not in GF(7))
    assert _encoder_column(poly, [1, 3, 6], 7) == want


def test_coefficient_targets_of_three_coordinates():
    # u_1 = u_2 = (1 + z) X, u_3 = X2_0: h = (1 + 2z + z^2) X0_0 X1_0 X2_0, over GF(11)
    one_z = {0: (Term(1), Term(1, 1))}
    part = FormPart((one_z, dict(one_z), {0: (Term(1),)}), ((1, 1), (1, 2), (1, 3)))
    targets = tuple((0, ((1, "coeff", e),)) for e in range(3))
    form = CodeForm("toy3", (1, 1, 1), (part,), targets)
    assert numeric_targets(form, 11) == [[((0, 0, 0), c)] for c in (1, 2, 1)]
