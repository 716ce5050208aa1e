"""The compiled subset walk is exact for every prime the library accepts.

Kernel-level checks of :mod:`ffcc._subsets` against python-flint ranks, on matrices whose
entries include 0, 1, p - 2 and p - 1 and whose rows include linear combinations (so that
some subsets fail), for each reduction path: shift-add (p = 2^31 - 1), float quotient
(p < 2^31, from p = 2 up) and exact double-and-add (2^31 <= p < 2^63, up to the largest
prime below 2^63). Also: the reductions themselves at their extreme inputs, and that
shards of an exhaustive run cover every rank exactly once.
"""

import itertools
import math

import flint
import numpy as np
import pytest

from ffcc import _subsets
from ffcc.field import MAX_PRIME, FieldError
from ffcc.scheme import Scheme
from ffcc.verify import merge, verify

P31 = 2**31 - 1
PRIMES = [
    2,
    3,
    3067,  # below reduce_wide's documented 3072: fine for the walk's x < p (p + 1)
    65537,
    2147483629,  # the largest prime below 2^31 - 1: float quotient path
    P31,  # shift-add path
    2147483659,  # the smallest prime above 2^31: exact path
    4611686018427387847,  # the largest prime below 2^62
    MAX_PRIME,  # 2^63 - 25
]


def extreme_matrix(p, w, D, seed):
    """w x D over GF(p): entries drawn from {0, 1, p-2, p-1, random}; every third row a
    combination (coefficients p - 1 and random) of two earlier rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(w):
        if i >= 2 and i % 3 == 2:
            a, b = rng.choice(i, size=2, replace=False)
            c = int(rng.integers(1, p)) if p > 2 else 1
            rows.append([((p - 1) * x + c * y) % p for x, y in zip(rows[a], rows[b], strict=True)])
            continue
        kinds = rng.integers(0, 5, size=D)
        rnd = [int(x) for x in rng.integers(0, p, size=D, dtype=np.uint64)] if p > 2 else [1] * D
        rows.append([[0, 1, max(p - 2, 0), p - 1, rnd[j] % p][k] for j, k in enumerate(kinds)])
    return rows


def frank(rows, p, ncols):
    if not rows or ncols == 0:
        return 0
    return flint.nmod_mat(len(rows), ncols, [x for r in rows for x in r], p).rank()


def decodes(rows, p, D, tstart):
    """dim(span ∩ U) = D - tstart, U = the last D - tstart coordinates: the rank drops by
    exactly dim U when U is quotiented out."""
    head = [r[:tstart] for r in rows]
    return frank(rows, p, D) - frank(head, p, tstart) == D - tstart


def as_array(rows):
    return np.array(rows, dtype=np.uint64).astype(np.int64)  # entries < 2^63


@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "numpy"])
@pytest.mark.parametrize("p", PRIMES)
def test_walk_matches_flint_at_every_prime(p, compiled):
    w, D, R = 9, 5, 5
    for seed, tstart in ((1, 0), (2, 2), (3, 4)):
        rows = extreme_matrix(p, w, D, seed)
        G = as_array(rows)
        combos = list(itertools.combinations(range(w), R))
        good = [decodes([rows[j] for j in c], p, D, tstart) for c in combos]
        assert 0 < good.count(False), "the matrix must make some subsets fail"
        checked, failed, first = _subsets.walk(
            G, p, R, tstart, np.arange(R, dtype=np.int64), len(combos), False, compiled
        )
        assert (checked, failed) == (len(combos), good.count(False))
        assert tuple(first.tolist()) == combos[good.index(False)]
        ok = _subsets.check_list(G, p, tstart, np.array(combos, dtype=np.int64), compiled)
        assert ok.tolist() == good


@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "numpy"])
@pytest.mark.parametrize("p", [2, 3, 2147483629, P31, 2147483659, MAX_PRIME])
def test_walk_groups_matches_flint(p, compiled):
    w, D, R = 7, 6, 3
    rows = extreme_matrix(p, 14, D, 7)
    starts = np.array([0, 1, 3, 5, 6, 9, 11, 14], dtype=np.int64)  # 1 to 3 rows per worker
    G = as_array(rows)
    for tstart in (0, 3):
        combos = list(itertools.combinations(range(w), R))
        good = [
            decodes([rows[r] for j in c for r in range(starts[j], starts[j + 1])], p, D, tstart)
            for c in combos
        ]
        assert 0 < good.count(False) < len(good)
        checked, failed, first = _subsets.walk_groups(
            G, starts, p, R, tstart, np.arange(R, dtype=np.int64), len(combos), False, compiled
        )
        assert (checked, failed) == (len(combos), good.count(False))
        assert tuple(first.tolist()) == combos[good.index(False)]
        ok = _subsets.check_list_groups(G, starts, p, tstart, combos, compiled)
        assert ok.tolist() == good


@pytest.mark.parametrize("p", [P31, MAX_PRIME])
def test_walk_from_every_start_rank(p):
    """Levels rebuilt from an arbitrary start agree with the walk from rank 0."""
    w, D, R = 8, 4, 4
    rows = extreme_matrix(p, w, D, 11)
    G = as_array(rows)
    combos = list(itertools.combinations(range(w), R))
    good = [decodes([rows[j] for j in c], p, D, 1) for c in combos]
    for start in range(len(combos)):
        n = len(combos) - start
        checked, failed, _ = _subsets.walk(G, p, R, 1, _subsets.unrank(start, w, R), n, False)
        assert (checked, failed) == (n, good[start:].count(False))


def test_mersenne_fold_at_extremes():
    xs = [0, 1, P31 - 1, P31, P31 + 1, 2 * P31, (P31 - 1) ** 2 + P31 - 1, 2**62, 2**63 - 1]
    xs += [int(x) for x in np.random.default_rng(0).integers(0, 2**63 - 1, size=200)]
    assert [_subsets._mod_mersenne31(x) for x in xs] == [x % P31 for x in xs]


@pytest.mark.parametrize("p", PRIMES)
def test_cross_reduction_at_extremes(p):
    """(a x + g r) mod p with a, x, g, r in {0, 1, p-2, p-1} and random, by the walk's
    path."""
    mode = _subsets.reduction_mode(p)
    rng = np.random.default_rng(p % 1000)
    vals = sorted({0, 1, max(p - 2, 0), p - 1} | {int(x) % p for x in rng.integers(0, 2**62, 4)})
    for a, x, g, r in itertools.product(vals, repeat=4):
        assert _subsets._cross_mod(a, x, g, r, p, 1.0 / p, mode) == (a * x + g * r) % p


def test_reduction_modes():
    assert _subsets.reduction_mode(P31) == 0
    assert _subsets.reduction_mode(2147483629) == 1
    assert _subsets.reduction_mode(2) == 1
    assert _subsets.reduction_mode(2**31 + 11) == 2
    assert _subsets.reduction_mode(MAX_PRIME) == 2


def test_a_modulus_of_2_to_the_63_is_refused_with_a_clear_error():
    with pytest.raises(FieldError, match="2\\^63|prime"):
        Scheme(2**63 + 29, [1, 1], [[[1], [1]]], [[((0, 0), 1)]])


def polynomial_code(p, nodes, s):
    workers = [[[pow(x, i, p) for i in range(3)], [pow(x, 3 * j, p) for j in range(2)]]
               for x in nodes]  # fmt: skip
    targets = [[((i, j), 1)] for i in range(3) for j in range(2)]
    return Scheme(p, [3, 2], workers, targets, stragglers=s)


@pytest.mark.parametrize("p", [P31, MAX_PRIME])
def test_verify_at_the_largest_primes(p):
    """Degree 5: any 6 distinct nodes decode; a repeated node makes exactly the subsets
    holding both copies fail: C(w - 2, R - 2) of them."""
    nodes = [1, 2, 3, p - 1, p - 2, 5, 7, 3, 11]  # node 3 twice
    S = polynomial_code(p, nodes, s=3)
    rep = verify(S, count_failures=True, mds=False)
    assert (rep.checked, rep.failed) == (math.comb(9, 6), math.comb(7, 4))
    assert rep.first_failure == [0, 1, 2, 3, 4, 7]
    good = polynomial_code(p, [1, 2, 3, p - 1, p - 2, 5, 7, 9, 11], s=3)
    assert verify(good, mds=False).holds is True


# ----------------------------------------------------------------------------- shards


@pytest.mark.parametrize("s", [1, 4])
def test_shards_cover_every_rank_once(s):
    """Shard i of n walks ranks [total i / n, total (i + 1) / n): together every subset,
    none twice, for any n (also n > total: empty shards). The failing subsets (those
    holding both copies of a repeated node) are counted and located shard by shard."""
    nodes = [1, 2, 3, 4, 5, 3, 6, 7, 8, 9][: 6 + s]  # node 3 twice
    S = polynomial_code(P31, nodes, s=s)
    w, R, total = S.w, S.R, math.comb(S.w, S.R)
    combos = list(itertools.combinations(range(w), R))
    bad = [2 in c and 5 in c for c in combos]
    for n in (1, 2, 3, 7, total, total + 3):
        reps = [verify(S, shard=(i, n), count_failures=True, mds=False) for i in range(n)]
        ranges = [tuple(r.ranks) for r in reps]
        assert ranges[0][0] == 0 and ranges[-1][1] == total
        # adjacent ranges: disjoint, and together [0, total)
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
        for r, (a, b) in zip(reps, ranges, strict=True):
            assert r.checked == b - a and r.failed == bad[a:b].count(True)
            first = [list(c) for c, x in zip(combos[a:b], bad[a:b], strict=True) if x][:1]
            assert [r.first_failure] == first if first else r.first_failure is None
        m = merge(reps)
        assert (m.checked, m.failed, m.holds) == (total, bad.count(True), False)


def test_the_walk_refuses_levels_beyond_the_memory_budget(monkeypatch):
    """R levels of w x D int64 rows: 6 x 9 x 6 x 8 = 2,592 bytes here."""
    from ffcc._errors import ResourceError

    S = polynomial_code(P31, [1, 2, 3, 4, 5, 6, 7, 8, 9], s=3)
    assert _subsets.walk_bytes(9, 6, 6) == 2592
    monkeypatch.setenv("FFCC_MEMORY_BUDGET", "2000")
    with pytest.raises(ResourceError, match="levels of 9 x 6 reduced rows"):
        verify(S, mds=False)
    monkeypatch.setenv("FFCC_MEMORY_BUDGET", "2592")
    assert verify(S, mds=False).holds is True
