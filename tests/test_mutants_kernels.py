"""Tests that kill mutants of ffcc/_kernels.py which its own tests let survive
(tools/mutate.py, docs/mutation.md): the compiled kernels called directly, at the edges
(entries 0, 1, p - 1; p = 2, the largest p < 2^31 and the largest below 2^63), against
Python integers. Nothing expected is read back from ffcc."""

import numpy as np
import pytest
import sympy
from test_field import lagrange_oracle

from ffcc import _kernels as K
from ffcc.field import MAX_PRIME

P31 = 2**31 - 1  # the largest prime of the int64 product path
P31_UP = int(sympy.nextprime(2**31))  # the smallest prime of the double-and-add path
PRIMES = [2, 3, 65537, P31, P31_UP, 2**32 - 5, 2**61 - 1, MAX_PRIME]


def _edges(p):
    return sorted({0, 1, 2, p // 2, p // 2 + 1, p - 2, p - 1} & set(range(p)) if p < 9
                  else {0, 1, 2, p // 2, p // 2 + 1, p - 2, p - 1})  # fmt: skip


@pytest.mark.parametrize("p", PRIMES)
def test_scalar_kernels_at_the_edges(p):
    for a in _edges(p):
        for b in _edges(p):
            assert K.addmod(a, b, p) == (a + b) % p, (a, b)
            assert K.submod(a, b, p) == (a - b) % p, (a, b)
            assert K.mulmod(a, b, p) == a * b % p, (a, b)
            assert K._mulmod_slow(a, b, p) == a * b % p, (a, b)
        assert K.invmod(a, p) == (pow(a, -1, p) if a else 0), a  # 0 has none: 0
        for e in (0, 1, 2, 3, p - 2, p - 1, min(2 * p + 5, 2**63 - 1)):
            assert K.powmod(a, e, p) == pow(a, e, p), (a, e)
    assert K.powmod(p + 3, 1, p) == 3 % p  # the base is reduced first


@pytest.mark.parametrize("p", [2, 65537, P31, P31_UP, MAX_PRIME])
def test_matmul_slow_is_exact(p):
    rng = np.random.default_rng(p % 1000)
    A = rng.integers(0, p, (4, 5), dtype=np.int64)
    B = rng.integers(0, p, (5, 3), dtype=np.int64)
    A[0], B[:, 0], A[1, :2] = p - 1, p - 1, 0
    want = [[sum(int(A[i, t]) * int(B[t, j]) for t in range(5)) % p for j in range(3)]
            for i in range(4)]  # fmt: skip
    assert K.matmul_slow(A, B, p).tolist() == want


# x where the float quotient float(x) * (1/p) truncates to one below x // p (r = p before
# the correction) or one above (r < 0), found by a numpy scan of x = k p and k p + p - 1;
# the expected value is x % p either way
QUOTIENT_OFF_BY_ONE = {
    3079: [9223372036854716924, 9223372036854775424],
    65537: [9223372036754143744, 9223372036854743038],
    P31: [9007205692997629, 9007207840481275, 9201897473115198975, 9201897189647357570],
}


@pytest.mark.parametrize("p", [3, 3067, 3079, 65537, P31])
def test_float_quotient_reductions(p):
    # reduce_small: 0 <= x < 2 p^2 (p < 2^31); reduce_wide: 0 <= x < 2^63 (3072 < p < 2^31)
    small = [0, 1, p - 1, p, p + 1, p * p - 1, p * p, 2 * p * p - 1, 2 * p * p - p]
    small += QUOTIENT_OFF_BY_ONE.get(p, [])
    small += [q * p + r for q in (1, p - 1, 2 * p - 1) for r in (0, 1, p - 1)]
    pinv = 1.0 / p
    for x in small:
        if x < 2 * p * p:
            assert K.reduce_small(x, p, pinv) == x % p, x
    if p > 3072:
        wide = small + [2**63 - 1, 2**63 - 1 - (2**63 - 1) % p, 2**62 + p - 1]
        wide += [(2**63 - 1) // p * p - 1, (2**62 // p) * p, (2**62 // p) * p - 1]
        for x in wide:
            assert K.reduce_wide(x, p, pinv) == x % p, x
    pf = float(p)
    for x in [0, 1, p - 1, p, 2**53 - 1, (2**53 // p) * p, (2**53 // p) * p - 1]:
        assert K._fmodp(float(x), pf, 1.0 / pf) == x % p, x


@pytest.mark.parametrize("p, every", [(2, 1), (3067, 5), (3079, 2), (65537, 2), (P31, 1)])
def test_encode_rows_reduces_every_few_products(p, every):
    rng = np.random.default_rng(p + every)
    lam, n = 5, 4096 + 7  # two strips, the second ragged; 5 products: a ragged last block
    E = rng.integers(0, p, (3, lam), dtype=np.int64)
    X = rng.integers(0, p, (lam, n), dtype=np.int64)
    E[0], X[:, :9], X[:, -3:] = p - 1, p - 1, p - 1
    out = np.full((3, n), -1, dtype=np.int64)
    K.encode_rows(E, X, out, p, every)
    want = (E.astype(object) @ X.astype(object)) % p
    assert out.tolist() == want.tolist()


@pytest.mark.parametrize("p", [5, 65537, MAX_PRIME])
def test_lagrange_matrix_at_the_nodes_and_between(p):
    x = [p - 1, 0, 2, 3] if p > 5 else [4, 0, 2, 3]
    z = [p - 1, 1, 3, 0]  # nodes[0] (p - 1), a point that is no node, nodes[3], nodes[1]
    L = K.lagrange_matrix(np.array(x, dtype=np.int64), np.array(z, dtype=np.int64), p)
    assert L.tolist() == lagrange_oracle(x, z, p)


def test_fmodp_corrects_a_quotient_one_too_small():
    # 309 * fl(1/103) = 2.9999999999999996 in float64: floor gives 2, r = 309 - 206 = 103 = p
    assert 309 * (1 / 103) < 3
    assert K._fmodp(309.0, 103.0, 1 / 103) == 0.0


def test_reduce_limbs_wraps_a_running_sum_of_exactly_p():
    # one limb: acc = (acc + prod mod p) mod p; 6 + 1 = 7 = p must wrap to 0, 6 + 3 to 2
    acc = np.array([[6.0, 6.0]])
    K.reduce_limbs(np.array([[1.0, 10.0]]), 1, 1, 8, 7, acc)
    assert acc.tolist() == [[0.0, 2.0]]


def test_vandermonde_inverse_as_python_stays_in_bounds():
    # run as Python (numba does not check bounds): the master polynomial of n nodes has n + 1
    # coefficients, and the result inverts V[i, j] = x_i^j (checked with sympy over GF(p))
    x, p = np.array([1, 2, 3, 5], dtype=np.int64), 7
    inv = getattr(K.vandermonde_inverse, "py_func", K.vandermonde_inverse)(x, p)
    V = sympy.Matrix(4, 4, lambda i, j: int(x[i]) ** j)
    want = V.inv_mod(p)
    assert inv.tolist() == [[int(want[i, j]) for j in range(4)] for i in range(4)]
