"""The minors fast path of verify (R = dim span) against the lexicographic walk."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc import _subsets
from ffcc.codes.matdot import matdot
from ffcc.codes.polynomial import polynomial_code
from ffcc.field import PrimeField
from ffcc.scheme import Scheme
from ffcc.verify import prepare, verify


def _both(S: Scheme, count: bool):
    fast = verify(S, mds=True, certificate=False, count_failures=count, progress=False)
    walk = verify(S, mds=False, certificate=False, count_failures=count, progress=False)
    key = lambda r: (r.holds, r.checked, r.failed, r.first_failure, r.witness_target)  # noqa: E731
    assert key(fast) == key(walk)
    return fast


def _random_scheme(p, w, n, s, seed, repeat=False) -> Scheme:
    """Random encoders over a small field, where many minors vanish."""
    rng = np.random.default_rng(seed)
    enc = [[rng.integers(0, p, n).tolist(), [1] + rng.integers(0, p, n - 1).tolist()]
           for _ in range(w)]  # fmt: skip
    if repeat:
        enc[-1] = enc[0]
    targets = [[((i, j), 1) for i in range(n) for j in range(n) if i == j]]
    return Scheme(p, [n, n], enc, targets, stragglers=s)


@pytest.mark.parametrize("count", [False, True])
@pytest.mark.parametrize(
    "S",
    [matdot(3, 2), matdot(4, 3, p=2**31 - 1), matdot(3, 2, p=2**61 - 1),
     polynomial_code(2, 2, 3), polynomial_code(2, 3, 2, p=13)],
    ids=["matdot", "matdot-p31", "matdot-p61", "poly", "poly-13"],
)  # fmt: skip
def test_holding_codes_agree(S, count):
    rep = _both(S, count)
    assert rep.holds is True and rep.checked == rep.total


@settings(max_examples=40, deadline=None)
@given(
    p=st.sampled_from([2, 3, 5, 7, 11]), w=st.integers(4, 9), n=st.integers(1, 3),
    s=st.just(0), seed=st.integers(0, 10**6), repeat=st.booleans(),
    count=st.booleans(),
)  # fmt: skip
def test_random_small_field_schemes_agree(p, w, n, s, seed, repeat, count):
    S = _random_scheme(p, w, n, 0, seed, repeat)
    D = prepare(S).G.shape[1]
    if D:  # R = D, where the minors path applies
        S = S.with_faults(w - D)
        assert prepare(S).G.shape[1] == S.R
    _both(S, count)


def test_the_path_is_taken_and_finds_failures():
    # MatDot with a repeated node: subsets containing both copies fail
    S0 = matdot(3, 2)
    enc = [[S0.E[c][j].tolist() for c in range(2)] for j in range(S0.w)]
    enc[-1] = enc[0]
    S = Scheme(S0.p, S0.basis, enc, S0.targets, stragglers=2)
    prep = prepare(S)
    assert prep.G.shape[1] == S.R  # R = D: the minors path applies
    rep = _both(S, True)
    # failing subsets: those with both worker 0 and worker 6 (the copy): C(5, 3) of them
    assert rep.holds is False and rep.failed == 10
    assert rep.first_failure == [0, 1, 2, 3, 6]


def test_minors_match_determinants():
    F = PrimeField(101)
    rng = np.random.default_rng(5)
    G = F.random((7, 4), rng)
    G[5] = G[1]  # force vanishing minors
    _, info = F.rref(np.ascontiguousarray(G.T))
    rest = np.setdiff1d(np.arange(7), info)
    P = F.matmul(G[rest], F.inverse(G[info]))
    nzero, masks, done = _subsets.mds_zero_minors(P, F.p, info, rest, 1000)
    assert done == 35  # C(7, 4) minors, one per 4-subset
    zero = {tuple(np.flatnonzero((m >> np.arange(7)) & 1)) for m in masks}
    from itertools import combinations

    expect = {S for S in combinations(range(7), 4) if F.rank(G[list(S)]) < 4}
    assert zero == expect and nzero == len(expect)
