"""Deterministic Miller-Rabin (ffcc.field.is_prime) against sympy's BPSW test."""

import numpy as np
import pytest
import sympy

from ffcc.field import check_prime, is_prime, next_prime, prev_prime

# strong pseudoprimes to several prime bases (OEIS A014233 and A074773): each fools
# Miller-Rabin with a prefix of the twelve bases, none fools all twelve
STRONG_PSEUDOPRIMES = [
    2047, 1373653, 25326001, 3215031751, 2152302898747, 3474749660383,
    341550071728321, 3825123056546413051,
    318665857834031151167461 - 2,  # just below psi_12, the bound of the twelve bases
    1194649, 12327121,  # base-2 strong pseudoprimes that are squares of Wieferich primes
    4759123141, 1122004669633, 2047 * 4095,
]  # fmt: skip
BOUNDARY = [
    0, 1, 2, 3, 4, 5, 37, 38, 41, 1369, 2**31 - 1, 2**31, 2**31 + 11, 2**32 - 5,
    2**61 - 1, 2**62 - 57, 2**63 - 25, 2**63 - 1, 2**64 - 59, 2**64 - 1, 2**64 + 13,
]  # fmt: skip


@pytest.mark.parametrize("n", STRONG_PSEUDOPRIMES + BOUNDARY)
def test_agrees_with_sympy_on_hard_values(n):
    assert is_prime(n) == sympy.isprime(n)


def test_agrees_with_sympy_on_random_values():
    rng = np.random.default_rng(12)
    vals = [int(v) for v in rng.integers(0, 2**63 - 1, size=3000, dtype=np.int64)]
    vals += [int(v) | 1 for v in rng.integers(0, 2**20, size=3000)]
    # products of two primes near 2^31: the composites a weak test would miss
    vals += [sympy.prevprime(2**31 - int(a)) * sympy.nextprime(2**31 + int(b))
             for a, b in rng.integers(0, 10**6, size=(200, 2))]  # fmt: skip
    # Carmichael numbers fool Fermat tests
    vals += [561, 1105, 1729, 2465, 2821, 6601, 8911, 41041, 825265, 321197185, 5394826801]
    assert [is_prime(v) for v in vals] == [sympy.isprime(v) for v in vals]
    assert sum(is_prime(v) for v in vals) > 50  # the sample does contain primes


def test_every_number_below_100000():
    assert [n for n in range(100_000) if is_prime(n)] == list(sympy.primerange(0, 100_000))


@pytest.mark.parametrize("n", [0, 2, 3, 65535, 65537, 2**31 - 2, 2**31, 2**62, 2**63 - 26])
def test_next_and_prev(n):
    assert next_prime(n) == sympy.nextprime(n)
    if n > 2:
        assert prev_prime(n) == sympy.prevprime(n)


def test_beyond_the_deterministic_bound_refuses():
    # psi_12 itself is a strong pseudoprime to all twelve bases: answering would be wrong
    with pytest.raises(ValueError, match="deterministic only below"):
        is_prime(318665857834031151167461)


def test_check_prime_names_next_prime():
    with pytest.raises(Exception, match="next prime is 65537"):
        check_prime(65536)
