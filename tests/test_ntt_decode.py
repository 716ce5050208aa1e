"""NTT erasure decoding at roots of unity against the generic decoder and exact products."""

import itertools

import numpy as np
import pytest

from ffcc.codes.matdot import matdot
from ffcc.codes.ntt import at_roots_of_unity, ntt_decode, root_of_unity
from ffcc.codes.polynomial import entangled_polynomial, polynomial_code
from ffcc.field import PrimeField
from ffcc.scheme import DecodingError, SchemeError

P57 = 29 * 2**57 + 1  # prime, above 2^31: the overflow-free mulmod path


@pytest.mark.parametrize("p", [65537, 7681, P57])
@pytest.mark.parametrize(
    "make",
    [
        lambda p: matdot(3, s=3, p=p),  # K = 5, w = 8
        lambda p: matdot(2, s=2, p=p, weights=[3, p - 1]),  # w = 5 of N = 8
        lambda p: polynomial_code(2, 3, s=2, p=p),  # K = T = 6, w = 8
        lambda p: entangled_polynomial(2, 1, 2, s=1, p=p),  # K = 5, w = 6
    ],
)
def test_ntt_decode_equals_the_product_for_every_answer_set(p, make):
    S = at_roots_of_unity(make(p))
    F = S.field
    N = 1 << (S.w - 1).bit_length()
    omega = root_of_unity(F, N)
    assert pow(omega, N, p) == 1 and pow(omega, N // 2, p) == p - 1  # primitive
    assert S.nodes.tolist() == [pow(omega, j, p) for j in range(S.w)]
    rng = np.random.default_rng(p % 1000)
    m, n, q = S.grid
    A, B = F.random((2 * m, 3 * q), rng), F.random((3 * q, 2 * n), rng)
    A[0, 0], B[0, 0] = p - 1, p - 1
    coded = S.encode(S.split(A, B))
    res = {j: S.compute(coded[j]) for j in range(S.w)}
    want = (A.astype(object) @ B.astype(object)) % p
    if "weights" in S.params:  # target sum_i c_i A_i B_i: compare with the generic decoder
        want = None
    for size in range(S.threshold, S.w + 1):
        for alive in itertools.combinations(range(S.w), size):
            got = ntt_decode(S, {j: res[j] for j in alive})
            ref = S.decode({j: res[j] for j in alive})
            assert all((a == b).all() for a, b in zip(got, ref, strict=True)), alive
            if want is not None:
                assert (S.assemble(got) == want).all()


def test_ntt_decode_errors():
    S = at_roots_of_unity(matdot(2, s=1))
    with pytest.raises(DecodingError, match="any 3 are needed"):
        ntt_decode(S, {0: np.zeros((1, 1)), 1: np.zeros((1, 1))})
    with pytest.raises(SchemeError, match="not 4-th roots of unity"):
        ntt_decode(matdot(2, s=1), {j: np.zeros((1, 1)) for j in range(4)})
    with pytest.raises(SchemeError, match="no 8-th roots of unity"):
        root_of_unity(PrimeField(11), 8)
