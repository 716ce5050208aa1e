"""Tests for ffcc.strategies: the strategies draw valid objects and shrink to minimal ones."""

import json

import numpy as np
import pytest
import sympy
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra import numpy as hnp

from ffcc.field import MAX_PRIME, FieldError, PrimeField
from ffcc.scheme import Scheme, loads
from ffcc.strategies import (
    BOUNDARY_PRIMES,
    byzantine_sets,
    fault_patterns,
    field_arrays,
    field_elements,
    field_matrices,
    fields,
    minimal,
    primes,
    sample_multigraphs,
    schemes,
    straggler_sets,
)

# find() without the explain phase (slow, and only useful for failing tests) or a database
FIND = settings(database=None, phases=[Phase.generate, Phase.shrink], max_examples=200)
QUICK = settings(deadline=None, max_examples=40)


# ----------------------------------------------------------------------------- minimal


def test_minimal_is_deterministic():
    assert minimal(sample_multigraphs(), lambda g: len(g) >= 2) == [(0, 0), (0, 0)]
    assert minimal(primes(min_value=50)) == 53
    assert [minimal(straggler_sets(9, 3), lambda S: 8 in S) for _ in range(3)] == [[0, 1, 8]] * 3


# ----------------------------------------------------------------------------- primes


def test_boundary_primes_are_the_documented_primes():
    assert all(sympy.isprime(q) for q in BOUNDARY_PRIMES)
    assert MAX_PRIME == sympy.prevprime(2**63)
    assert 2**31 - 1 in BOUNDARY_PRIMES and MAX_PRIME in BOUNDARY_PRIMES
    assert sympy.nextprime(2**31) in BOUNDARY_PRIMES
    assert sympy.prevprime(2**25) in BOUNDARY_PRIMES


@QUICK
@given(primes())
def test_primes_are_prime_and_in_range(q):
    assert isinstance(q, int)
    assert 2 <= q <= MAX_PRIME
    assert sympy.isprime(q)


@QUICK
@given(st.data(), st.integers(2, 2**62), st.integers(0, 2**40))
def test_primes_respect_any_range(data, lo, width):
    hi = min(lo + width, MAX_PRIME)
    if sympy.nextprime(lo - 1) > hi:
        with pytest.raises(InvalidArgument, match="no prime"):
            primes(lo, hi)
        return
    q = data.draw(primes(lo, hi))
    assert lo <= q <= hi and sympy.isprime(q)


def test_primes_shrink_to_small_primes():
    assert minimal(primes()) == 2
    assert minimal(primes(min_value=100, max_value=200)) == 101
    assert minimal(primes(min_value=2**31)) == 2147483659
    assert minimal(primes(), lambda q: q > 2**31) == 2147483659
    assert minimal(primes(), lambda q: q.bit_length() == 25) == 33554393
    # the first prime after a power of two, by bit-length shrinking
    assert minimal(primes(), lambda q: q > 1000) == 1031


@pytest.mark.parametrize("q", [2, 3, 65537, 2**31 - 1, 2147483659, 2**61 - 1, MAX_PRIME])
def test_primes_reach_the_boundary_primes(q):
    assert minimal(primes(), lambda x: x == q) == q


def test_primes_single_prime_and_bad_arguments():
    assert minimal(primes(13, 16)) == 13
    assert minimal(primes(14, 17)) == 17
    with pytest.raises(InvalidArgument, match="no prime"):
        primes(24, 28)
    with pytest.raises(InvalidArgument, match="MAX_PRIME"):
        primes(max_value=2**63)
    with pytest.raises(InvalidArgument, match="integer"):
        primes(2.5)


@QUICK
@given(fields(max_value=2**40))
def test_fields_are_prime_fields(F):
    assert isinstance(F, PrimeField)
    assert sympy.isprime(F.p) and F.p <= 2**40


def test_fields_shrink():
    assert minimal(fields()) == PrimeField(2)
    assert minimal(fields(), lambda F: not F.fast) == PrimeField(2147483659)


# ----------------------------------------------------------------------------- arrays


@QUICK
@given(st.data(), primes())
def test_field_elements_in_range(data, p):
    x = data.draw(field_elements(p))
    assert isinstance(x, int) and 0 <= x < p


def test_field_elements_bias_and_shrink():
    p = 2**61 - 1
    assert minimal(field_elements(p)) == 0
    assert minimal(field_elements(p), lambda x: x > p // 2) == p // 2 + 1  # (p + 1) / 2
    assert minimal(field_elements(p), lambda x: x > p // 2 + 1) == p - 2
    assert minimal(field_elements(65537), lambda x: x > 40000) == 65535


def _check_field_array(a, p):
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.int64 and a.flags.c_contiguous
    if a.size:
        assert 0 <= a.min() and a.max() < p


@QUICK
@given(st.data(), primes())
def test_field_arrays_default_shapes(data, p):
    a = data.draw(field_arrays(p))
    _check_field_array(a, p)
    assert 1 <= a.ndim <= 2 and all(0 <= n <= 5 for n in a.shape)


@QUICK
@given(
    st.data(),
    fields(),
    st.one_of(st.integers(0, 4), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0)),
)
def test_field_arrays_given_shape(data, F, shape):
    a = data.draw(field_arrays(F, shape))
    _check_field_array(a, F.p)
    assert a.shape == ((shape,) if isinstance(shape, int) else shape)


@QUICK
@given(field_arrays(fields(max_value=100), hnp.array_shapes()))
def test_field_arrays_over_a_field_strategy(a):
    _check_field_array(a, 100)


def test_field_arrays_shrink_and_hit_edges():
    assert minimal(field_arrays(7, 3, fill=st.nothing()), lambda a: a.sum() > 0).tolist() == [
        0,
        0,
        1,
    ]
    assert minimal(field_arrays(7), lambda a: a.size > 0).tolist() == [0]
    p = MAX_PRIME
    a = minimal(field_arrays(p, (2, 2)), lambda a: (a == p - 1).any())
    assert (a == p - 1).any()


def test_field_arrays_refuse_elements_outside_the_field():
    with pytest.raises(FieldError, match="outside"):
        find(field_arrays(7, 2, elements=st.just(7)), lambda a: True, settings=FIND)


@QUICK
@given(st.data(), primes(max_value=2**62))
def test_field_matrices(data, p):
    A = data.draw(field_matrices(p))
    _check_field_array(A, p)
    assert A.ndim == 2 and max(A.shape) <= 5
    S = data.draw(field_matrices(p, square=True, min_side=1, max_side=3))
    assert S.shape[0] == S.shape[1] and 1 <= S.shape[0] <= 3
    R = data.draw(field_matrices(p, 2, st.integers(3, 4)))
    assert R.shape[0] == 2 and R.shape[1] in (3, 4)


def test_field_matrices_shrink():
    assert minimal(field_matrices(5)).shape == (0, 0)
    assert minimal(field_matrices(5, square=True, min_side=2)).tolist() == [[0, 0], [0, 0]]
    with pytest.raises(InvalidArgument):
        field_matrices(5, square=True, cols=3)
    with pytest.raises(InvalidArgument):
        field_matrices(5, min_side=3, max_side=2)


# ----------------------------------------------------------------------------- schemes


@settings(deadline=None, max_examples=30)
@given(schemes(d=st.integers(1, 3), byzantine=st.integers(0, 1)))
def test_schemes_are_valid(S):
    assert isinstance(S, Scheme)
    assert 1 <= S.d <= 3 and all(1 <= lam <= 3 for lam in S.basis)
    assert 1 <= S.w <= 6 and S.stragglers + 2 * S.byzantine < S.w
    assert S.byzantine in (0, 1)
    assert 1 <= len(S.targets) <= 3
    for terms in S.targets:
        assert 1 <= len(terms) <= 3
        for idx, coeff in terms:
            assert len(idx) == S.d
            assert all(0 <= i < lam for i, lam in zip(idx, S.basis, strict=True))
            assert 0 < coeff < S.p
    for c in range(S.d):
        assert S.E[c].shape == (S.w, S.basis[c])
        assert 0 <= S.E[c].min() and S.E[c].max() < S.p
    # a drawn scheme survives its own file format
    T = loads(S.dumps())
    assert json.loads(T.dumps()) == json.loads(S.dumps())


@settings(deadline=None, max_examples=25)
@given(schemes(p=65537, max_workers=5, stragglers=2, min_workers=4))
def test_schemes_fixed_parameters(S):
    assert S.p == 65537 and S.stragglers == 2 and 4 <= S.w <= 5 and S.byzantine == 0


def test_schemes_shrink_to_the_smallest_scheme():
    S = minimal(schemes())
    assert (S.p, S.w, S.basis, S.stragglers, S.byzantine) == (2, 1, (1, 1), 0, 0)
    assert S.targets == ((((0, 0), 1),),)
    assert [e.tolist() for e in S.E] == [[[0]], [[0]]]
    S = minimal(schemes(p=7, max_workers=4), lambda S: S.w >= 3 and S.stragglers == 1)
    assert (S.w, S.stragglers, S.basis, S.targets) == (3, 1, (1, 1), ((((0, 0), 1),),))


def test_schemes_bad_arguments():
    with pytest.raises(InvalidArgument, match="max_workers"):
        find(schemes(stragglers=5, max_workers=3), lambda S: True, settings=FIND)
    with pytest.raises(InvalidArgument):
        schemes(max_workers=0)
    with pytest.raises(InvalidArgument, match="not prime"):
        schemes(p=12)


# ----------------------------------------------------------------------------- faults


@QUICK
@given(st.data(), st.integers(0, 8))
def test_straggler_and_byzantine_sets(data, w):
    s = data.draw(st.integers(0, w))
    S = data.draw(straggler_sets(w, s))
    assert S == sorted(set(S)) and len(S) == s and all(0 <= j < w for j in S)
    S2 = data.draw(straggler_sets(w, s, exact=False))
    assert S2 == sorted(set(S2)) and len(S2) <= s
    b = data.draw(st.integers(0, w - s))
    B = data.draw(byzantine_sets(w, b, exclude=S))
    assert B == sorted(set(B)) and len(B) == b and not set(B) & set(S)
    assert all(0 <= j < w for j in B)
    Sx, Bx = data.draw(fault_patterns(w, s, b))
    assert len(Sx) == s and len(Bx) == b and not set(Sx) & set(Bx)


def test_fault_sets_shrink():
    assert minimal(straggler_sets(6, 2)) == [0, 1]
    assert minimal(straggler_sets(6, 2), lambda S: 5 in S) == [0, 5]
    assert minimal(straggler_sets(6, 2, exact=False)) == []
    assert minimal(byzantine_sets(5, 2, exclude=[0, 1])) == [2, 3]
    assert minimal(fault_patterns(5, 1, 1)) == ([0], [1])
    with pytest.raises(InvalidArgument):
        straggler_sets(3, 4)
    with pytest.raises(InvalidArgument):
        byzantine_sets(3, 2, exclude=[0, 1])


# ----------------------------------------------------------------------------- sample graphs


@QUICK
@given(sample_multigraphs(max_left=3, max_right=5, max_samples=9))
def test_sample_multigraphs_use_every_index(g):
    assert 1 <= len(g) <= 9
    left = {l for l, _ in g}
    right = {r for _, r in g}
    assert left == set(range(len(left))) and len(left) <= 3
    assert right == set(range(len(right))) and len(right) <= 5
    assert all(isinstance(l, int) and isinstance(r, int) for l, r in g)


def test_sample_multigraphs_shrink():
    assert minimal(sample_multigraphs()) == [(0, 0)]
    assert minimal(sample_multigraphs(), lambda g: len(g) >= 3) == [(0, 0)] * 3
    assert minimal(sample_multigraphs(), lambda g: len(set(g)) >= 2) == [(0, 0), (0, 1)]
    g = minimal(
        sample_multigraphs(), lambda g: len({l for l, _ in g}) >= 2 and len({r for _, r in g}) >= 2
    )
    assert g == [(0, 0), (1, 1)]
    assert minimal(sample_multigraphs(min_samples=0)) == []
    with pytest.raises(InvalidArgument):
        sample_multigraphs(max_samples=2, min_samples=3)
