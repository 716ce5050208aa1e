"""Tests that kill mutants of ffcc/scheme.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import dataclasses

import numpy as np
import pytest

from ffcc.codes.matdot import matdot
from ffcc.scheme import Layout, Scheme, SchemeError


def _matdot():
    return matdot(2, 1, p=7)  # w = 4 workers, R = 3, basis (2, 2), 4 products


def test_value_types_are_frozen_and_schemes_compare_by_identity():
    S, T = _matdot(), _matdot()
    assert hash(S) == hash(S) and S == S and S != T  # eq=False: identity, hashable
    red = S.reduced
    assert hash(red) == hash(red)
    with pytest.raises(dataclasses.FrozenInstanceError):
        red.G = None
    lay = Layout("XY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        lay.name = "XYt"


def test_outputs_must_be_positive_counts():
    S = _matdot()
    workers = [[S.E[c][j] for c in range(S.d)] for j in range(S.products)]
    args = (S.field, S.basis, workers, S.targets, S.stragglers, S.byzantine, S.name)
    with pytest.raises(SchemeError, match="outputs must be positive product counts"):
        Scheme(*args, dict(S.params), S.product, outputs=(0, 4))


def test_consistent_empty_and_malformed_results():
    S = matdot(1, 1, p=7)  # w = 2, each worker returns A B
    assert S.consistent({}) is True
    assert S.consistent({0: np.array([[3]]), 1: np.array([[3]])}) is True
    assert S.consistent({0: np.array([[3]]), 1: np.array([[4]])}) is False
    # a float result is not a field element, even when its value is 3
    assert S.consistent({0: np.array([[3.0]]), 1: np.array([[3]])}) is False
    assert S.consistent({0: np.array([[3.0]]), 1: np.array([[3.0]])}) is False  # none is


def test_subset_defaults_to_no_stragglers():
    S = _matdot()
    T = S.subset(range(S.w))
    assert (T.w, T.stragglers, T.byzantine) == (4, 0, 0)


def test_relabel_identity_and_bad_maps():
    S = _matdot()
    same = S.relabel([list(range(b)) for b in S.basis], S.basis)
    assert same.name == S.name and same.basis == S.basis
    for c in range(S.d):
        assert np.array_equal(same.E[c], S.E[c])
    # merging the two inputs of coordinate 0 adds their coefficients (mod 7)
    merged = S.relabel([[0, 0], [0, 1]], (1, 2), name="merged")
    assert merged.name == "merged"
    assert np.array_equal(merged.E[0][:, 0], (S.E[0][:, 0] + S.E[0][:, 1]) % 7)
    bad = [
        ([[0, 1]], (2, 2)),  # one map for d = 2
        ([[0, 1], [0, 1]], (2,)),  # one basis size
        ([[0], [0, 1]], (2, 2)),  # map 0 too short
        ([[0, 2], [0, 1]], (2, 2)),  # 2 is outside [0, 2)
        ([[-1, 0], [0, 1]], (2, 2)),  # negative
    ]
    for maps, basis in bad:
        with pytest.raises(SchemeError, match="relabel"):
            S.relabel(maps, basis)


def test_an_entry_equal_to_p_is_not_a_field_element():
    S = matdot(1, 1, p=7)
    assert S.consistent({0: np.array([[6]]), 1: np.array([[6]])}) is True  # p - 1 is
    assert S.consistent({0: np.array([[7]]), 1: np.array([[7]])}) is False
    big = np.array([[2**63]], dtype=np.uint64)  # wraps negative as int64: still rejected
    assert S.consistent({0: big, 1: np.array([[0]])}) is False


def _plain(S):
    """The same code as a plain Scheme (no subclass decoder)."""
    workers = [[S.E[c][j] for c in range(S.d)] for j in range(S.products)]
    return Scheme(S.field, S.basis, workers, S.targets, S.stragglers, S.byzantine, S.name,
                  dict(S.params), S.product)  # fmt: skip


def test_plain_scheme_parity_checks():
    S = _plain(matdot(1, 1, p=7))  # two workers, both return A B: one parity check
    assert type(S) is Scheme
    assert S.consistent({0: np.array([[3]]), 1: np.array([[3]])}) is True
    assert S.consistent({0: np.array([[3]]), 1: np.array([[4]])}) is False
    assert S.consistent({0: np.array([[7]]), 1: np.array([[7]])}) is False
    one = _plain(matdot(1, 0, p=7))  # one worker: no parity check, anything is consistent
    assert one.consistent({0: np.array([[5]])}) is True
