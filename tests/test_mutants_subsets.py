"""Tests that kill mutants of :mod:`ffcc._subsets` the behaviour tests leave alive
(``tools/mutate.py``; docs/mutation.md). Expected values are hand-computed or come from
itertools / python-flint, never from the code under test."""

import itertools
import math

import flint
import numpy as np
import pytest
from test_verify_walk import as_array, decodes, extreme_matrix

from ffcc import _subsets
from ffcc.field import MAX_PRIME, use_kernel


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


# ------------------------------------------------------------------ the walk vs python-flint


def _flint_walk(rows, starts, p, R, tstart):
    """(checked, failed, first failure) of every R-subset of workers, by flint ranks."""
    w = len(starts) - 1
    combos = list(itertools.combinations(range(w), R))
    good = [
        decodes(
            [rows[r] for j in c for r in range(starts[j], starts[j + 1])], p, len(rows[0]), tstart
        )
        for c in combos
    ]
    first = list(combos[good.index(False)]) if False in good else [-1] * R
    return combos, good, (len(combos), good.count(False), first)


@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "numpy"])
def test_two_of_a_pair_decode_with_a_pivot_in_column_0(compiled):
    """R = 2 one-row workers: the lazy last level starts at L = 0, where the first
    worker's pivot is column 0. Rows (1, x) of distinct x: any two span GF(7)^2; the
    repeated x = 3 (workers 2 and 4) is the only failing pair, also for tstart = 1."""
    p = 7
    rows = [[1, 0], [1, 1], [1, 3], [0, 1], [1, 3], [1, 6]]
    G = as_array(rows)
    starts = list(range(len(rows) + 1))
    for tstart in (0, 1):
        combos, good, want = _flint_walk(rows, starts, p, 2, tstart)
        got = _subsets.walk(G, p, 2, tstart, np.arange(2), len(combos), False, compiled)
        assert (int(got[0]), int(got[1]), got[2].tolist()) == want == (15, 1, [2, 4])
        assert _subsets.check_list(G, p, tstart, combos, compiled).tolist() == good


@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "numpy"])
@pytest.mark.parametrize("p", [3, 2**31 - 1])
def test_workers_of_two_rows_each(p, compiled):
    """Every worker returns exactly two rows (so neither the one-row gather nor the
    one-row leaf applies), R = 1 (the leaf alone, from column 0) up to R = 3."""
    w, D = 6, 5
    rows = extreme_matrix(p, 2 * w, D, 5)
    rows[3] = [0] * D  # worker 1 returns one useful row
    G = as_array(rows)
    starts = list(range(0, 2 * w + 1, 2))
    for R in (1, 2, 3):
        for tstart in (0, 3):
            combos, good, want = _flint_walk(rows, starts, p, R, tstart)
            got = _subsets.walk_groups(G, np.array(starts), p, R, tstart, np.arange(R),
                                       len(combos), False, compiled)  # fmt: skip
            assert (int(got[0]), int(got[1]), got[2].tolist()) == want
            ok = _subsets.check_list_groups(G, np.array(starts), p, tstart, combos, compiled)
            assert ok.tolist() == good
    assert not all(good) and any(good)  # R = 3, tstart = 3: some subsets fail, some decode


def test_numpy_check_of_one_and_of_no_subset():
    # rows (1, 0), (0, 1), (1, 1) over GF(5): {0, 2} spans GF(5)^2; U = span(e2)
    # (tstart = 1) lies in the span of (0, 1) but not in that of (1, 1)
    G = as_array([[1, 0], [0, 1], [1, 1]])
    assert _subsets.check_list(G, 5, 0, [[0, 2]], False).tolist() == [True]
    assert _subsets.check_list(G, 5, 1, [[1]], False).tolist() == [True]
    assert _subsets.check_list(G, 5, 1, [[2]], False).tolist() == [False]
    assert _subsets.check_list(G, 5, 0, np.zeros((0, 2), dtype=np.int64), False).size == 0


@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "numpy"])
def test_a_walk_of_no_subsets(compiled):
    """count = 0 (an empty shard): nothing checked, no failure, on either path (the numpy
    path used to raise on the empty list)."""
    G = as_array([[1, 0], [0, 1], [1, 1]])
    checked, failed, first = _subsets.walk(G, 5, 2, 0, np.arange(2), 0, False, compiled)
    assert (int(checked), int(failed), first.tolist()) == (0, 0, [-1, -1])


# ------------------------------------------------------------------ MDS minors vs python-flint


def _flint_zero_masks(P, p, info, rest):
    """Masks of the D-subsets S of workers with det G[S] = 0, G = [I; P] placed at the
    workers info (identity rows) and rest (rows of P)."""
    nP, D = P.shape
    G = [[0] * D for _ in range(nP + D)]
    for c, j in enumerate(info):
        G[j][c] = 1
    for a, j in enumerate(rest):
        G[j] = [int(x) for x in P[a]]
    return {
        sum(1 << j for j in S)
        for S in itertools.combinations(range(nP + D), D)
        if flint.nmod_mat([G[j] for j in S], p).rank() < D
    }


@pytest.mark.parametrize("p", [2**31 - 1, 1649999987])
def test_minor_sums_of_products_near_p_squared_stay_exact(p):
    """Entries in [15p/16, p) make the cofactor products near p^2: k of them overflow
    int64 unless the sum is reduced every floor((2^63 - 1 - p) / p^2) terms (2 for
    2^31 - 1, 3 for 1649999987). The last row of P is row 0 + row 1: every minor on rows
    {0, 1, 6} vanishes, and its expansion along row 6 has non-zero terms; an overflowed
    sum would read non-zero there."""
    rng = np.random.default_rng(p % 1009)
    P = rng.integers(15 * (p // 16), p, (7, 7), dtype=np.int64)
    P[6] = (P[0] + P[1]) % p
    info, rest = np.arange(0, 14, 2), np.arange(1, 14, 2)
    nzero, masks, done = _subsets.mds_zero_minors(P, p, info, rest, 10**6)
    expect = _flint_zero_masks(P, p, info, rest)
    assert done == math.comb(14, 7)
    assert nzero == len(masks) == len(expect) and set(masks.tolist()) == expect
    # the 7-subsets holding workers 1, 3 and 13 (rows 0, 1, 6 of P): C(11, 4)
    assert len(expect) >= math.comb(11, 4)


# ------------------------------------------- the kernels as Python: every index in bounds
# numba does not check bounds; run as Python (``py_func``, or the function itself under
# NUMBA_DISABLE_JIT=1) an index one past an array raises IndexError instead of reading or
# writing a neighbour.


def _python(kernel):
    return getattr(kernel, "py_func", kernel)


def test_binomial_and_colex_tables_as_python():
    n = 6
    C = _python(_subsets._binomials)(n)
    assert C.tolist() == [[math.comb(i, j) for j in range(n + 2)] for i in range(n + 2)]
    for k in range(1, n + 1):
        colex = sorted(itertools.combinations(range(n), k), key=lambda c: c[::-1])
        assert _python(_subsets._colex_table)(n, k, C).tolist() == [list(c) for c in colex]


@pytest.mark.parametrize("R", [1, 2, 3])
def test_walk_and_check_as_python(R):
    """One-row workers (the lazy last level for R >= 2) and workers of 1 to 3 rows."""
    p = 7
    rows = extreme_matrix(p, 12, 4, 3)
    for starts in (list(range(8)), [0, 1, 3, 6, 7, 9, 12]):
        G = as_array(rows[: starts[-1]])
        for tstart in (0, 2):
            combos, good, want = _flint_walk(rows[: starts[-1]], starts, p, R, tstart)
            s = np.array(starts, dtype=np.int64)
            got = _python(_subsets._walk)(G, s, p, R, tstart, np.arange(R), len(combos), False, 1)
            assert (int(got[0]), int(got[1]), got[2].tolist()) == want
            ok = _python(_subsets._check_each)(G, s, p, tstart, np.array(combos), 1)
            assert ok.tolist() == good


@pytest.mark.parametrize("p", [7, MAX_PRIME])
@pytest.mark.parametrize("python", [True, False], ids=["python", "kernel"])
def test_mds_minors_truncate_in_bounds(p, python):
    """More vanishing minors than ``maxout``: the count is exact, the first maxout masks
    are kept and nothing is written past them. Row 1 = 2 row 0; rows 0 and 2 agree on
    columns 0, 1 (all ones): that minor's cofactor terms are 1 (p - 1) + 1 * 1 = p."""
    P = np.array([[1, 1, 3], [2, 2, 6], [1, 1, 0], [0, 5, 1]], dtype=np.int64)
    info, rest = np.array([0, 2, 4]), np.array([1, 3, 5, 6])
    expect = _flint_zero_masks(P, p, info, rest)
    assert len(expect) > 3
    kernel = _python(_subsets.mds_zero_minors) if python else _subsets.mds_zero_minors
    for maxout in (0, 3, 100):
        nzero, masks, done = kernel(P, p, info, rest, maxout)
        assert (nzero, done) == (len(expect), math.comb(7, 3))
        assert len(masks) == min(nzero, maxout) and set(masks.tolist()) <= expect
    assert set(masks.tolist()) == expect


@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "numpy"])
def test_a_single_row_whose_pivot_is_the_first_target_column(compiled):
    # R = 1, one row per worker, U = the last coordinate (tstart = D - 1): the row (0, 1) is
    # U itself, its pivot sits exactly at tstart and it decodes; (1, 1) and (1, 0) meet U
    # only in 0. Truth by flint ranks.
    rows = [[0, 1], [1, 1], [1, 0]]
    p, tstart = 7, 1
    truth = [decodes([r], p, 2, tstart) for r in rows]
    assert truth == [True, False, False]
    G = as_array(rows)
    got = _subsets.walk(G, p, 1, tstart, np.zeros(1, np.int64), 3, False, compiled)
    assert (int(got[0]), int(got[1]), got[2].tolist()) == (3, 2, [1])
    combos = np.arange(3, dtype=np.int64).reshape(3, 1)
    assert _subsets.check_list(G, p, tstart, combos, compiled).tolist() == truth
