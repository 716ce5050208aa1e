"""run/_kernels.py (encode into shared memory, fused decode) against Python integers."""

import numpy as np
import pytest

from ffcc.field import PrimeField
from ffcc.run._kernels import encode_into, lincomb, lincomb_many

# the float-quotient reduction switches on above 3072; 2^31 - 1 is the largest one-limb p
PRIMES = [2, 3, 3067, 3079, 65537, 2**31 - 1, 2**31 + 11, 2**61 - 1]


def _ref(M, X, p):
    return [[sum(int(M[t, r]) * int(X[r][i]) for r in range(len(X))) % p
             for i in range(len(X[0]))] for t in range(M.shape[0])]  # fmt: skip


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("R", [1, 5, 33])
def test_encode_and_decode_are_exact(p, R):
    F = PrimeField(p)
    rng = np.random.default_rng(R * 7 + p % 97)
    n = 300
    X = [F.random(n, rng) for _ in range(R)]
    for x in X:
        x[:4] = p - 1  # the largest products
    M = F.random((3, R), rng)
    M[0] = p - 1
    ref = _ref(M, X, p)
    out = np.empty((3, n), dtype=np.int64)
    encode_into(p, M, np.stack(X), out)
    assert out.tolist() == ref
    assert lincomb_many(p, M, X, n).tolist() == ref
    assert [lincomb(p, M[t], X, n).tolist() for t in range(3)] == ref
