"""The numpy path of the MDS minors (_subsets._np_zero_minors), taken by a cold small run
instead of compiling ffcc._subsets.mds_zero_minors: exact, and the kernel's output."""

import importlib
from itertools import combinations

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc import _subsets
from ffcc.codes.matdot import matdot
from ffcc.field import MAX_PRIME
from ffcc.scheme import Scheme
from ffcc.verify import verify

verify_module = importlib.import_module("ffcc.verify")  # ffcc.verify is also a function

# 2^31 - 1: the largest p of the int64 path; above it Python integers, up to MAX_PRIME
PRIMES = [2, 3, 7, 65537, 2**31 - 1, 2**31 + 11, MAX_PRIME]


def _systematic(p, nP, D, seed):
    """P with entries p - 1 and vanishing minors of every size; info, rest interleaved."""
    rng = np.random.default_rng(seed)
    P = rng.integers(0, p, (nP, D), dtype=np.int64)
    if nP:
        P[0, 0] = p - 1
    if nP > 2:
        P[1] = [int(x) * (p - 1) % p for x in P[0]]  # -row 0: 2 x 2 minors of rows 0, 1 vanish
        P[2] = p - 1  # with row 1: a rank-1 pair where row 0 has entries p - 1 only
    if D > 2 and nP < 4:
        P[:, 2] = 0  # a zero column: every minor using it vanishes
    workers = rng.permutation(nP + D)
    return P, np.sort(workers[:D]), np.sort(workers[D:])


def _flint_zero_masks(P, p, info, rest):
    """Masks of the D-subsets S with det G[S] = 0, G = [I; P] placed at info, rest."""
    nP, D = P.shape
    w = nP + D
    G = [[0] * D for _ in range(w)]
    for c, j in enumerate(info):
        G[j][c] = 1
    for a, j in enumerate(rest):
        G[j] = [int(x) for x in P[a]]
    out = set()
    for S in combinations(range(w), D):
        if flint.nmod_mat([G[j] for j in S], p).rank() < D:
            out.add(sum(1 << j for j in S))
    return out


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (5, 1), (1, 4), (0, 3)])
def test_numpy_minors_are_exact(p, shape):
    P, info, rest = _systematic(p, *shape, seed=shape[0] * 11 + shape[1] + p % 1000)
    nzero, masks, done = _subsets._np_zero_minors(P, p, info, rest, 10**6)
    expect = _flint_zero_masks(P, p, info, rest)
    from math import comb

    assert done == comb(sum(shape), shape[1])  # one minor per D-subset
    assert nzero == len(masks) == len(expect) and set(masks.tolist()) == expect
    if p > 3 and min(shape) >= 3:
        assert nzero > 0  # the constructed vanishing minors are found


@pytest.mark.parametrize("p", [2, 7, 2**31 - 1, MAX_PRIME])
def test_numpy_minors_match_the_kernel(p):
    # same counts, same masks in the same (level) order, and the same truncation
    P, info, rest = _systematic(p, 5, 4, seed=p % 977)
    for maxout in (10**6, 3):
        a = _subsets._np_zero_minors(P, p, info, rest, maxout)
        b = _subsets.mds_zero_minors(P, p, info, rest, maxout)
        assert (a[0], a[1].tolist(), a[2]) == (b[0], b[1].tolist(), b[2])


@settings(max_examples=30, deadline=None)
@given(
    p=st.sampled_from([2, 3, 5, 2**31 - 1, MAX_PRIME]), nP=st.integers(0, 5),
    D=st.integers(1, 5), seed=st.integers(0, 10**6), maxout=st.integers(0, 40),
)  # fmt: skip
def test_random_minors_match_the_kernel(p, nP, D, seed, maxout):
    rng = np.random.default_rng(seed)
    P = rng.integers(0, p, (nP, D), dtype=np.int64)
    P[rng.random((nP, D)) < 0.3] = p - 1
    workers = rng.permutation(nP + D)
    info, rest = np.sort(workers[:D]), np.sort(workers[D:])
    a = _subsets._np_zero_minors(P, p, info, rest, maxout)
    b = _subsets.mds_zero_minors(P, p, info, rest, maxout)
    assert (a[0], a[1].tolist(), a[2]) == (b[0], b[1].tolist(), b[2])


def test_verify_takes_the_numpy_path_when_the_kernel_is_cold(monkeypatch):
    # MatDot with a repeated node (R = D): subsets holding workers 0 and 6 fail, C(5, 3)
    S0 = matdot(3, 2)
    enc = [[S0.E[c][j].tolist() for c in range(2)] for j in range(S0.w)]
    enc[-1] = enc[0]
    S = Scheme(S0.p, S0.basis, enc, S0.targets, stragglers=2)
    calls = []
    np_path = _subsets._np_zero_minors
    monkeypatch.setattr(verify_module, "use_kernel", lambda kernel, work, p: False)
    monkeypatch.setattr(_subsets, "_np_zero_minors", lambda *a: calls.append(1) or np_path(*a))
    rep = verify(S, certificate=False, count_failures=True, progress=False)
    assert calls and rep.holds is False and rep.failed == 10
    assert rep.first_failure == [0, 1, 2, 3, 6]
