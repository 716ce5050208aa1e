"""ffcc.verify against an independent check: every R-subset enumerated with itertools, each
target tested for membership in the subset's span with python-flint ranks."""

import itertools
import json
import math

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc import _subsets
from ffcc.scheme import Scheme
from ffcc.strategies import field_elements, schemes
from ffcc.verify import merge, prepare, recovery_threshold, verify

P31 = 2**31 - 1
SETTINGS = settings(deadline=None, max_examples=30)


# ----------------------------------------------------------------------------- oracle


def kron_py(vectors, p):
    out = [1]
    for v in vectors:
        out = [a * int(b) % p for a in out for b in v]
    return out


def tensors_py(S):
    W = [kron_py([S.E[c][j] for c in range(S.d)], S.p) for j in range(S.w)]
    T = []
    for terms in S.targets:
        t = [0] * len(W[0])
        for idx, coeff in terms:
            flat = 0
            for c, i in enumerate(idx):
                flat = flat * S.basis[c] + i
            t[flat] = (t[flat] + coeff) % S.p
        T.append(t)
    return W, T


def frank(rows, p, ncols):
    if not rows:
        return 0
    return flint.nmod_mat(len(rows), ncols, [x for r in rows for x in r], p).rank()


def missing(W, T, p, subset):
    D = len(W[0])
    rows = [W[j] for j in subset]
    r = frank(rows, p, D)
    return [t for t, tt in enumerate(T) if frank(rows + [tt], p, D) > r]


def oracle(S, R=None):
    """All failing R-subsets in lexicographic order, each with its missing targets."""
    R = S.R if R is None else R
    W, T = tensors_py(S)
    out = []
    for sub in itertools.combinations(range(S.w), R):
        m = missing(W, T, S.p, sub)
        if m:
            out.append((list(sub), m))
    return out


def oracle_threshold(S):
    for r in range(1, S.w + 1):
        if not oracle(S, r):
            return r
    return None


def polynomial_code(p, m, n, nodes, s, name="poly"):
    """Worker at x gets (x^i)_i and (x^(m j))_j; targets all m n products A_i B_j."""
    workers = [
        [[pow(x, i, p) for i in range(m)], [pow(x, m * j, p) for j in range(n)]] for x in nodes
    ]
    targets = [[((i, j), 1)] for i in range(m) for j in range(n)]
    return Scheme(p, [m, n], workers, targets, stragglers=s, name=name)


# ----------------------------------------------------------------------------- exhaustive


@settings(deadline=None, max_examples=40)
@given(schemes(byzantine=st.integers(0, 1)))
def test_verify_matches_flint(S):
    fails = oracle(S)
    rep = verify(S, count_failures=True, threshold=True)
    assert rep.mode == "exhaustive" and rep.total == math.comb(S.w, S.R) and rep.R == S.R
    assert rep.holds == (not fails)
    assert rep.checked == rep.total, "count_failures=True must check every subset"
    assert rep.failed == len(fails), "count_failures=True must count every failing subset"
    assert rep.recovery_threshold == oracle_threshold(S)
    if fails:
        assert rep.first_failure == fails[0][0]
        assert rep.witness_target == fails[0][1][0]
        # the witness target is really outside the span of the first failing subset
        W, T = tensors_py(S)
        rows = [W[j] for j in rep.first_failure]
        D = len(W[0])
        assert frank(rows + [T[rep.witness_target]], S.p, D) == frank(rows, S.p, D) + 1
    else:
        assert rep.first_failure is None and rep.witness_target is None


@SETTINGS
@given(schemes(d=st.integers(1, 3), max_workers=5))
def test_verify_stops_at_the_first_failure(S):
    fails = oracle(S)
    rep = verify(S)
    assert rep.holds == (not fails)
    assert rep.failed == min(1, len(fails))
    if fails:
        first = fails[0][0]
        assert rep.first_failure == first
        assert rep.checked == _subsets.rank_of(first, S.w) + 1  # walked up to it, no further
    else:
        assert rep.checked == rep.total


@SETTINGS
@given(schemes(max_workers=5))
def test_verify_any_subset_size(S):
    for r in range(1, S.w + 1):
        fails = oracle(S, r)
        rep = verify(S, R=r, count_failures=True)
        assert (rep.R, rep.holds, rep.failed) == (r, not fails, len(fails))
    assert recovery_threshold(S) == oracle_threshold(S)


def test_count_failures_when_a_target_is_outside_every_span():
    """Regression: every subset fails here; count_failures=True must report C(w, R)."""
    S = Scheme(7, [1, 2], [[[1], [1, 0]], [[2], [3, 0]], [[1], [5, 0]]], [[((0, 1), 1)]], 1)
    assert len(oracle(S)) == 3
    rep = verify(S, count_failures=True)
    assert rep.holds is False and rep.first_failure == [0, 1] and rep.witness_target == 0
    assert (rep.checked, rep.failed) == (3, 3), (
        f"target outside the span: verify reports checked={rep.checked}, failed={rep.failed} "
        "of 3 failing subsets"
    )


def test_count_failures_when_R_is_below_the_target_dimension():
    """Regression: two independent targets, R = 1: every one of the 3 subsets fails."""
    S = Scheme(
        7,
        [1, 2],
        [[[1], [1, 0]], [[2], [0, 1]], [[1], [5, 3]]],
        [[((0, 0), 1)], [((0, 1), 1)]],
        stragglers=2,
    )
    assert len(oracle(S)) == 3
    rep = verify(S, count_failures=True)
    assert rep.holds is False and rep.first_failure == [0] and rep.witness_target == 1
    assert (rep.checked, rep.failed) == (3, 3), (
        f"R below the target dimension: verify reports checked={rep.checked}, "
        f"failed={rep.failed} of 3 failing subsets"
    )


# ----------------------------------------------------------------------------- built to fail


@st.composite
def polynomial_codes(draw):
    """Polynomial codes whose nodes may repeat: an R-subset decodes iff it holds at least
    m n distinct nodes (a Vandermonde system), so failures can be counted without algebra."""
    p = draw(st.sampled_from([5, 7, 11, 13, P31]))
    m, n = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    w = draw(st.integers(m * n, 8))
    pool = draw(st.lists(field_elements(p), min_size=1, max_size=w, unique=True))
    nodes = draw(st.lists(st.sampled_from(pool), min_size=w, max_size=w))
    s = draw(st.integers(0, w - m * n))
    return polynomial_code(p, m, n, nodes, s), nodes, m * n


@SETTINGS
@given(polynomial_codes())
def test_polynomial_codes_with_repeated_nodes(case):
    S, nodes, k = case
    bad = [
        list(c) for c in itertools.combinations(range(S.w), S.R) if len({nodes[j] for j in c}) < k
    ]
    assert [f[0] for f in oracle(S)] == bad  # the flint check agrees with the count
    rep = verify(S, count_failures=True, threshold=True)
    assert rep.holds == (not bad) and rep.failed == len(bad)
    if bad:
        assert rep.first_failure == bad[0]
    distinct = len(set(nodes))
    if distinct < k:
        assert rep.recovery_threshold is None
    else:  # one more than the k - 1 most repeated nodes cover
        counts = sorted(nodes.count(x) for x in set(nodes))
        assert rep.recovery_threshold == sum(counts[distinct - k + 1 :]) + 1


def test_polynomial_code_closed_forms():
    S = polynomial_code(P31, 2, 3, range(1, 13), 6)
    rep = verify(S, count_failures=True, threshold=True)
    assert (rep.holds, rep.checked, rep.failed, rep.recovery_threshold) == (True, 924, 0, 6)
    assert "HOLDS" in rep.summary()
    # worker 11 repeats worker 10's node: exactly the subsets holding both fail
    S = polynomial_code(P31, 2, 3, [*range(1, 12), 11], 6)
    rep = verify(S, count_failures=True)
    assert (rep.holds, rep.failed) == (False, math.comb(10, 4))
    assert rep.first_failure == [0, 1, 2, 3, 10, 11]
    assert "FAILS: workers [0, 1, 2, 3, 10, 11] do not determine target" in rep.summary()
    d = json.loads(rep.to_json())
    assert d["failed"] == 210 and d["holds"] is False and d["mode"] == "exhaustive"


def test_verify_argument_errors():
    S = polynomial_code(7, 1, 2, [1, 2, 3], 1)
    for R in (0, 4):
        with pytest.raises(ValueError, match="must lie in \\[1, w = 3\\]"):
            verify(S, R=R)
    with pytest.raises(ValueError, match="shard index 2"):
        verify(S, shard=(2, 2))
    with pytest.raises(ValueError, match="rank range"):
        verify(S, ranks=(1, 4))
    with pytest.raises(ValueError, match="no reports"):
        merge([])


# ----------------------------------------------------------------------------- sampled


@SETTINGS
@given(schemes(), st.integers(1, 30), st.integers(0, 3))
def test_sampled_mode(S, n, seed):
    fails = {tuple(f[0]) for f in oracle(S)}
    rep = verify(S, sample=n, seed=seed)
    assert rep.mode == "sampled" and rep.checked == n and rep.total == math.comb(S.w, S.R)
    assert "SAMPLED, not verified" in rep.summary()
    if not fails:
        assert rep.holds is None and rep.failed == 0 and rep.first_failure is None
    else:
        assert rep.holds is (False if rep.failed else None)
        assert rep.failed <= n
    if rep.failed:
        assert tuple(rep.first_failure) in fails
        assert (
            rep.witness_target
            in dict((tuple(f[0]), f[1]) for f in oracle(S))[tuple(rep.first_failure)]
        )
    if len(fails) == rep.total:
        assert rep.failed == n


def test_sampled_mode_finds_failures_and_never_claims_a_pass():
    good = polynomial_code(P31, 2, 3, range(1, 11), 4)
    rep = verify(good, sample=300, seed=1)
    assert (rep.mode, rep.holds, rep.failed, rep.checked) == ("sampled", None, 0, 300)
    bad = polynomial_code(P31, 2, 3, [*range(1, 10), 9], 4)  # 70 of 210 subsets fail
    rep = verify(bad, sample=300, seed=1)
    assert rep.holds is False and 0 < rep.failed < 300
    assert {8, 9} <= set(rep.first_failure)


# ----------------------------------------------------------------------------- shards


@SETTINGS
@given(schemes(max_workers=6), st.integers(1, 7))
def test_shards_merge_to_the_full_run(S, n):
    full = verify(S, count_failures=True)
    parts = [verify(S, shard=(i, n), count_failures=True) for i in range(n)]
    assert all(r.mode == "shard" for r in parts)
    assert sum(r.ranks[1] - r.ranks[0] for r in parts) == full.total
    merged = merge(parts)
    assert (merged.holds, merged.checked, merged.failed) == (full.holds, full.checked, full.failed)
    assert merged.first_failure == full.first_failure
    assert merged.witness_target == full.witness_target
    # without counting, the shards still agree on the verdict and the first failure
    quick = merge([verify(S, shard=(i, n)) for i in range(n)])
    assert quick.holds == full.holds and quick.first_failure == full.first_failure


@SETTINGS
@given(schemes(max_workers=6), st.data())
def test_rank_ranges(S, data):
    total = math.comb(S.w, S.R)
    a = data.draw(st.integers(0, total))
    b = data.draw(st.integers(a, total))
    rep = verify(S, ranks=(a, b), count_failures=True)
    in_range = [f for f in oracle(S) if a <= _subsets.rank_of(f[0], S.w) < b]
    assert rep.mode == "shard" and rep.ranks == [a, b]
    assert rep.checked == b - a and rep.failed == len(in_range)
    assert rep.holds is (False if in_range else None)
    if in_range:
        assert rep.first_failure == in_range[0][0]


def test_merge_with_a_missing_shard():
    S = polynomial_code(P31, 2, 2, range(1, 9), 2)
    parts = [verify(S, shard=(i, 4)) for i in (0, 1, 3)]
    out = merge(parts)
    assert out.holds is None and out.mode == "shard" and out.ranks == [0, 14]
    assert "cover only ranks [0, 14)" in out.notes[0]
    assert merge(parts + [verify(S, shard=(2, 4))]).holds is True


# ----------------------------------------------------------------------------- walking


@pytest.mark.parametrize("w", range(1, 9))
def test_unrank_rank_of_follow_itertools(w):
    for R in range(1, w + 1):
        combos = list(itertools.combinations(range(w), R))
        assert [tuple(_subsets.unrank(i, w, R).tolist()) for i in range(len(combos))] == combos
        assert [_subsets.rank_of(c, w) for c in combos] == list(range(len(combos)))


@settings(deadline=None, max_examples=50)
@given(st.data(), st.integers(1, 62))
def test_unrank_round_trip_large(data, w):
    R = data.draw(st.integers(1, w))
    r = data.draw(st.integers(0, math.comb(w, R) - 1))
    c = _subsets.unrank(r, w, R).tolist()
    assert len(c) == R and c == sorted(set(c)) and 0 <= c[0] and c[-1] < w
    assert _subsets.rank_of(c, w) == r
    if r + 1 < math.comb(w, R):
        assert c < _subsets.unrank(r + 1, w, R).tolist()  # lexicographic order


@SETTINGS
@given(schemes(max_workers=6), st.data())
def test_walk_and_check_list_from_any_rank(S, data):
    prep = prepare(S)
    need = prep.G.shape[1] - prep.tstart
    if prep.outside or S.R < need:
        return  # verify decides these without walking
    combos = [list(c) for c in itertools.combinations(range(S.w), S.R)]
    W, T = tensors_py(S)
    good = [not missing(W, T, S.p, c) for c in combos]
    start = data.draw(st.integers(0, len(combos) - 1))
    count = data.draw(st.integers(1, len(combos) - start))
    checked, failed, first = _subsets.walk(
        prep.G, prep.p, S.R, prep.tstart, _subsets.unrank(start, S.w, S.R), count, False
    )
    window = good[start : start + count]
    assert (checked, failed) == (count, window.count(False))
    if failed:
        assert first.tolist() == combos[start + window.index(False)]
    ok = _subsets.check_list(prep.G, prep.p, prep.tstart, np.array(combos, dtype=np.int64))
    assert ok.tolist() == good
