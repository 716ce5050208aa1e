"""Tests that kill mutants of :mod:`ffcc._subsets` the behaviour tests leave alive
(``tools/mutate.py``; docs/mutation.md). Expected values are hand-computed or come from
itertools / python-flint, never from the code under test."""

import itertools
import math

import numpy as np
import pytest

from ffcc import _subsets
from ffcc.field import use_kernel


def test_use_kernel_accepts_a_plain_function():
    """Under NUMBA_DISABLE_JIT=1 a kernel is a plain function (no ``overloads``): small
    work then takes the numpy path instead of raising AttributeError (mutate's no-JIT
    coverage map runs the tests that way)."""

    def plain_kernel_for_this_test():
        return None

    assert use_kernel(plain_kernel_for_this_test, 10, 65537) is False
    assert use_kernel(plain_kernel_for_this_test, 10**9, 65537) is True


def _spy(monkeypatch, name):
    calls = []
    monkeypatch.setattr(_subsets, name, lambda *a: calls.append(a) or "kernel")
    return calls


def test_the_compiled_kernels_are_the_default(monkeypatch):
    """``compiled`` defaults to True in every public entry point: the numba kernel runs
    (spied, so nothing compiles here), not the numpy path."""
    G = np.eye(3, dtype=np.int64)
    start = np.arange(2, dtype=np.int64)
    walks = _spy(monkeypatch, "_walk")
    assert _subsets.walk(G, 7, 2, 0, start, 3, False) == "kernel"
    assert _subsets.walk_groups(G, np.arange(4), 7, 2, 0, start, 3, False) == "kernel"
    assert len(walks) == 2 and walks[0][-1] == walks[1][-1] == 1  # mode 1 for p = 7
    checks = _spy(monkeypatch, "_check_each")
    assert _subsets.check_list(G, 7, 0, [[0, 1]]) == "kernel"
    assert _subsets.check_list_groups(G, np.arange(4), 7, 0, [[0, 1]]) == "kernel"
    assert len(checks) == 2
    minors = _spy(monkeypatch, "mds_zero_minors")
    assert _subsets.zero_minors(G[:1], 7, np.arange(3), np.array([3]), 5) == "kernel"
    assert len(minors) == 1


def test_one_row_each_on_a_non_square_matrix():
    # 5 x 3: worker j owns row j; starts 0..5 (rows, not columns)
    assert _subsets._one_row_each(np.zeros((5, 3))).tolist() == [0, 1, 2, 3, 4, 5]


def test_work_and_size_formulas():
    # walk_work: count * rows * D^2 multiply-adds
    assert _subsets.walk_work(7, 3, 5) == 7 * 3 * 25 == 525
    # mds_work(3, 2): k = 1: 1 * C(3,1) C(2,1) = 6; k = 2: 2 * C(3,2) C(2,2) = 6
    assert _subsets.mds_work(3, 2) == 12
    assert _subsets.mds_work(4, 3) == 1 * 4 * 3 + 2 * 6 * 3 + 3 * 4 * 1 == 60
    # the largest level: C(4,k) C(3,k) = 1, 12, 18, 4
    assert _subsets.mds_level_sizes(4, 3) == 18
    assert _subsets.mds_level_sizes(0, 3) == 1  # level 0 only: the information set
    assert _subsets.walk_bytes(9, 6, 6) == 8 * 9 * 6 * 6


@pytest.mark.parametrize("w, R", [(6, 1), (7, 3), (6, 6)])
def test_unrank_and_rank_of_follow_lexicographic_order(w, R):
    combos = list(itertools.combinations(range(w), R))
    assert len(combos) == math.comb(w, R)
    for rank, c in enumerate(combos):
        assert tuple(_subsets.unrank(rank, w, R).tolist()) == c
        assert _subsets.rank_of(list(c), w) == rank


@pytest.mark.parametrize("w, R", [(6, 2), (5, 5), (4, 1)])
def test_np_lex_continues_in_lexicographic_order(w, R):
    combos = [list(c) for c in itertools.combinations(range(w), R)]
    for start in range(len(combos)):
        for count in (1, 2, len(combos) - start, len(combos) + 3):
            got = _subsets._np_lex(combos[start], w, count).tolist()
            assert got == combos[start : start + count]
