"""Tests that kill mutants of ffcc/codes/ntt.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). A root of unity is checked against its definition:
omega^N = 1 and omega^(N/q) != 1 for every prime q dividing N (order exactly N)."""

import pytest

from ffcc.codes.matdot import matdot
from ffcc.codes.ntt import at_roots_of_unity, root_of_unity
from ffcc.field import PrimeField


def _prime_factors(n):
    out, q = set(), 2
    while q * q <= n:
        while n % q == 0:
            out.add(q)
            n //= q
        q += 1
    return out | ({n} if n > 1 else set())


@pytest.mark.parametrize("p", [17, 7681])  # 16 = 2^4; 7680 = 2^9 * 3 * 5
def test_root_of_unity_has_order_exactly_n_for_every_divisor(p):
    F = PrimeField(p)
    for N in (n for n in range(1, p) if (p - 1) % n == 0):
        omega = root_of_unity(F, N)
        assert pow(omega, N, p) == 1, N
        assert all(pow(omega, N // q, p) != 1 for q in _prime_factors(N)), N
    assert root_of_unity(F, 1) == 1


def test_one_worker_sits_at_the_first_root_of_unity():
    S = at_roots_of_unity(matdot(1, s=0))  # w = 2*1 - 1 = 1: N = 1, omega = 1
    assert S.w == 1 and S.params["root_of_unity"] == 1 and S.params["nodes"] == [1]
