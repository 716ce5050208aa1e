"""Tests that kill mutants of ffcc/sketch.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Expected values are worked out by hand in comments."""

import dataclasses
import warnings
from fractions import Fraction

import numpy as np
import pytest

from ffcc.sketch import expected_sq_error, grid_crmm, lemma1_bound


def _sketch():
    A = np.arange(1.0, 17.0).reshape(4, 4)
    B = np.arange(1.0, 17.0).reshape(4, 4).T
    return grid_crmm(A, B, 2, 2, 2, 3, 0)


def test_grid_sketch_arrays_are_read_only():
    g = _sketch()
    for name in ("A", "B", "k", "lemma1_bound", "probabilities"):
        assert getattr(g, name).flags.writeable is False, name
    assert g.expected_sq_error.flags.writeable is False


def test_grid_sketch_is_frozen_hashable_and_compared_by_identity():
    g, h = _sketch(), _sketch()
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.m = 3
    assert hash(g) == hash(g)  # eq=False keeps object.__hash__
    assert g == g and g != h  # identity, not a field-wise (array) comparison


def test_zero_block_row_gives_no_division_warning():
    # A's first block row is zero: its probabilities are all 0 and the block is skipped,
    # without ever dividing by a zero maximum or total (no RuntimeWarning).
    A = np.vstack([np.zeros((2, 4)), np.ones((2, 4))])
    B = np.ones((4, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = grid_crmm(A, B, 2, 1, 2, 2, 0)
    assert g.skipped == {(0, 0)}
    assert np.array_equal(g.probabilities[0, 0], [0.0, 0.0])
    assert np.array_equal(g.probabilities[1, 0], [0.5, 0.5])


def test_lemma1_bound_float_and_mixed_input_stay_float():
    # ||[3 4]||^2 = 25, ||[1]||^2 + ||[2]||^2 = 5, k = 5: 25 * 5 / 5 = 25
    A = np.array([[3.0, 4.0]])
    Bs = [np.array([[1.0]]), np.array([[2.0]])]
    got = lemma1_bound(A, Bs, 5)
    assert isinstance(got, float) and got == 25.0
    mixed = lemma1_bound(np.array([[3, 4]]), Bs, 5)  # integer A, float B: not exact
    assert isinstance(mixed, float) and mixed == 25.0


def test_expected_sq_error_exact_with_float_and_fraction_blocks():
    # P_1 = 1 * 1, P_2 = 1/2 * 1, C = 3/2, p = (1/2, 1/2), k = 1:
    # 1/2 (2 - 3/2)^2 + 1/2 (1 - 3/2)^2 = 1/4, exactly (the probabilities are Fractions)
    p = [Fraction(1, 2), Fraction(1, 2)]
    Bs = [np.array([[1]]), np.array([[1]])]
    floats = [np.array([[1.0]]), np.array([[0.5]])]
    assert expected_sq_error(floats, Bs, p, 1) == Fraction(1, 4)
    objs = [np.array([[Fraction(1)]], dtype=object), np.array([[Fraction(1, 2)]], dtype=object)]
    assert expected_sq_error(objs, Bs, p, 1) == Fraction(1, 4)


def test_lemma1_bound_of_small_blocks():
    # entries 1/10 (block norms below 1): ||A_i||_F^2 = 8 * 0.01, ||B_j||_F^2 = 8 * 0.04,
    # bound = 0.08 * 0.32 / k with k = 4 (the scaled norms must divide by maxima below 1)
    A = np.full((4, 4), 0.1)
    B = np.full((4, 4), 0.2)
    g = grid_crmm(A, B, 2, 2, 2, 4, 0)
    assert np.allclose(g.lemma1_bound, 0.08 * 0.32 / 4, rtol=1e-12, atol=0)


def test_inner_dimension_message_names_both_shapes():
    from ffcc._errors import InputError

    with pytest.raises(InputError, match=r"A is 2x3 but B is 4x2 \(A's columns must equal B's"):
        grid_crmm(np.ones((2, 3)), np.ones((4, 2)), 1, 1, 1, 1, 0)


def test_crmm_of_a_zero_product_is_the_exact_zero_matrix():
    # A is 2 x 3 and every column of A is zero: A B = 0 is 2 x 4, no index drawn
    from ffcc.sketch import crmm

    est, idx = crmm(np.zeros((2, 3)), np.ones((3, 4)), 5, 0)
    assert est.shape == (2, 4) and not est.any() and idx.shape == (0,)


def test_pad_to_grid_pads_each_dimension_by_its_own_size():
    # L = 5 -> 6 (m = 2), N = 7 -> 9 (q = 3), M = 4 -> 8 (n = 8)
    from ffcc.sketch import pad_to_grid

    A, B, pad = pad_to_grid(np.ones((5, 7)), np.ones((7, 4)), 2, 8, 3)
    assert pad == (1, 2, 4) and A.shape == (6, 9) and B.shape == (9, 8)
    # L = 5 is odd, N = 6 even: each dimension pads by its own size (1, 0, 4)
    A, B, pad = pad_to_grid(np.ones((5, 6)), np.ones((6, 4)), 2, 8, 3)
    assert pad == (1, 0, 4) and A.shape == (6, 6) and B.shape == (6, 8)
