"""Peer conformance: schemes of published implementations, rebuilt with ffcc's own
constructions from their published parameters, checked for verdict, recovery threshold
and secrecy. No other project's code is used or copied; only the parameters are.

Sources of the parameters (cited again at each test):

* Yu, Maddah-Ali, Avestimehr, "Polynomial codes: an optimal design for high-dimensional
  coded matrix multiplication", NeurIPS 2017 (implementation: yu0215/Polynomial-Code):
  C = A^T B, m = n = 4, recovery threshold mn = 16, over GF(65537).
* Aliasgari, Simeone, Kliewer, "Private and secure distributed matrix multiplication with
  flexible communication load", IEEE Trans. Inf. Forensics Security 15, 2020
  (implementation: okkomakkonen/sdmm-implementation): secure MatDot, threshold 2p + 2X - 1.
* D'Oliveira, El Rouayheb, Karpuk, "GASP codes for secure distributed matrix
  multiplication", IEEE Trans. Inf. Theory 66(7), 2020: GASP_big with K = L = 2, T = 1.
* Das, Ramamoorthy, Vaswani, "Efficient and robust distributed matrix computations via
  convolutional coding", IEEE Trans. Inf. Theory 67(9), 2021, and Das, Ramamoorthy,
  "Random Khatri-Rao-product codes for numerically-stable distributed matrix
  multiplication", Allerton 2019 (implementation: StragglerMitigateConvCodes): random
  real coefficients, k_A = k_B = 3, threshold k_A k_B = 9.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest

from ffcc import codes
from ffcc.scheme import FORMAT, Scheme, from_dict
from ffcc.verify import verify, verify_secrecy


def exact(A, B):
    return A.astype(object) @ B.astype(object)


# -- Yu et al.: polynomial code, m = n = 4 -------------------------------------------------------


def test_yu_polynomial_code_m4_n4():
    """Yu, Maddah-Ali, Avestimehr, NeurIPS 2017 (yu0215/Polynomial-Code): C = A^T B with A
    and B cut into m = n = 4 column blocks, worker k returns A~_k^T B~_k; any mn = 16 of
    N workers decode. N = 18 here (2 stragglers; C(18, 16) = 153 subsets)."""
    base = codes.polynomial_code(4, 4, s=2, p=65537)
    # the same encoders, with the worker product written as the layout X^T Y
    S = Scheme(base.field, base.basis, [[base.E[0][j], base.E[1][j]] for j in range(base.w)],
               base.targets, stragglers=2, product="XtY", name="yu-polynomial")  # fmt: skip
    rep = verify(S, threshold=True, secrecy=1, progress=False)
    assert rep.holds is True and rep.checked == 153 and rep.recovery_threshold == 16
    # no masks: worker 0 sees A_0 + A_1 + A_2 + A_3 in the clear
    assert rep.secrecy.secure is False and rep.secrecy.leaking_subset == [0]
    F = S.field
    rng = np.random.default_rng(16)
    A, B = F.random((5, 4 * 2), rng), F.random((5, 4 * 3), rng)
    inputs = [np.split(A, 4, axis=1), np.split(B, 4, axis=1)]
    coded = S.encode(inputs)
    alive = sorted(rng.choice(S.w, size=16, replace=False).tolist())
    out = S.decode({j: S.compute(coded[j]) for j in alive})
    C = np.block([[out[i * 4 + j] for j in range(4)] for i in range(4)])
    assert (C == exact(A.T, B) % F.p).all()


# -- Aliasgari et al.: secure MatDot over GF(23) -------------------------------------------------


@pytest.mark.parametrize("m, X", [(2, 1), (3, 2), (5, 5)])
def test_secure_matdot_gf23(m, X):
    """Aliasgari, Simeone, Kliewer 2020 (okkomakkonen/sdmm-implementation): secure MatDot
    at (p, X) = (2, 1), (3, 2), (5, 5) over GF(23). w = 2p + 2X - 1 = 5, 9, 19 distinct
    non-zero nodes fit in GF(23)* (22 elements)."""
    w = 2 * m + 2 * X - 1
    S = codes.secure_matdot(m, X=X, p=23)
    assert S.w == w and S.nodes == tuple(range(1, w + 1))
    rep = verify(S, threshold=True, progress=False)
    assert rep.holds is True and rep.recovery_threshold == w
    assert rep.secrecy.secure is True and rep.secrecy.checked == rep.secrecy.total
    leak = verify_secrecy(S, X + 1)
    assert leak.secure is False and leak.leaking_subset == list(range(X + 1))


def test_secure_matdot_needs_distinct_nonzero_nodes_in_gf23():
    # (p, X) = (6, 6) needs w = 23 > 22 non-zero elements of GF(23)
    with pytest.raises(Exception, match="too few elements"):
        codes.secure_matdot(6, X=6, p=23)


# -- GASP, K = L = 2, T = 1 ----------------------------------------------------------------------


def test_gasp_gf65537_holds():
    """D'Oliveira, El Rouayheb, Karpuk 2020: GASP_big, K = L = 2, T = 1, degree table of
    N = 8 exponents {0, ..., 6, 8}; 16 workers at nodes 1..16 over GF(65537)."""
    S = codes.gasp(2, 2, 1, p=65537, nodes=range(1, 17))
    rep = verify(S, threshold=True, progress=False)
    assert (S.w, S.R) == (16, 8)
    assert rep.holds is True and rep.recovery_threshold == 8 and rep.secrecy.secure is True


def test_gasp_gf17_fails_on_points_summing_to_zero():
    """The same code over GF(17) at nodes 1..16 (D'Oliveira et al.'s parameters, a small
    field): with exponents {0..6, 8} the generalised Vandermonde determinant is the
    Vandermonde determinant times x_1 + ... + x_8 (the Schur polynomial of the missing
    exponent 7), so exactly the 8-subsets whose nodes sum to 0 mod 17 fail."""
    S = codes.gasp(2, 2, 1, p=17, nodes=range(1, 17))
    rep = verify(S, count_failures=True, progress=False)
    zero_sum = [c for c in itertools.combinations(range(16), 8) if sum(c) % 17 == 9]
    # nodes are j + 1: sum of nodes = sum(c) + 8, so 0 mod 17 <=> sum(c) = 9 mod 17
    assert rep.holds is False and rep.failed == len(zero_sum) == 758
    assert rep.first_failure == list(zero_sum[0]) == [0, 1, 2, 3, 4, 5, 13, 15]
    assert sum(S.nodes[j] for j in rep.first_failure) == 51 == 3 * 17
    assert all(not S.decodes(c) for c in zero_sum[:100])
    assert rep.secrecy.secure is True  # secrecy is not the problem: x^4 != 0
    # 9 distinct points always contain 8 whose sum is non-zero (sum - x_i = 0 for every i
    # would make all x_i equal): the recovery threshold over GF(17) is 9, not N = 8
    assert verify(S, threshold=True, progress=False).recovery_threshold == 9


# -- Das, Ramamoorthy, Vaswani: random Khatri-Rao product code -----------------------------------


def dyadic(rng, n, bits=8):
    """Uniform in [-1, 1] on the grid of step 2^-bits: exact binary floats."""
    return [Fraction(int(k), 2**bits) for k in rng.integers(-(2**bits), 2**bits + 1, size=n)]


def test_random_khatri_rao_code_threshold_9():
    """Das, Ramamoorthy (Allerton 2019; StragglerMitigateConvCodes): A and B cut into
    k_A = k_B = 3 column blocks, worker i gets random real combinations A~_i, B~_i and
    returns A~_i^T B~_i; any k_A k_B = 9 workers decode (the Khatri-Rao product of the two
    random generator matrices is MDS w.h.p.). Here n = 12 workers, coefficients dyadic
    in [-1, 1] (step 1/256), written as exact fractions and mapped to GF(65537)."""
    rng = np.random.default_rng(2019)
    n, k = 12, 3
    ga = [dyadic(rng, k) for _ in range(n)]
    gb = [dyadic(rng, k) for _ in range(n)]
    doc = {
        "format": FORMAT,
        "name": "random-khatri-rao",
        "field": 65537,
        "stragglers": n - k * k,
        "product": "XtY",
        "basis": [k, k],
        "workers": [[[str(v) for v in ga[i]], [str(v) for v in gb[i]]] for i in range(n)],
        "targets": [[[a, b, 1]] for a in range(k) for b in range(k)],
        "extensions": {"source": "Das, Ramamoorthy, Vaswani; real coefficients"},
    }
    S = from_dict(doc)
    p = S.p
    for c, g in ((0, ga), (1, gb)):  # the map is exact: 256 * e = numerator mod p
        assert all((256 * int(S.E[c][i][l]) - int(g[i][l] * 256)) % p == 0
                   for i in range(n) for l in range(k))  # fmt: skip
    rep = verify(S, threshold=True, secrecy=1, progress=False)
    assert rep.holds is True and rep.recovery_threshold == 9 and rep.secrecy.secure is False
    # the real-valued computation and ffcc's exact decode agree: integer data, so the
    # true product A^T B is an integer matrix, recovered by lifting from GF(p)
    A = rng.integers(-3, 4, size=(4, 3 * 2))
    B = rng.integers(-3, 4, size=(4, 3 * 2))
    Ab, Bb = np.split(A, 3, axis=1), np.split(B, 3, axis=1)
    alive = sorted(rng.choice(n, size=9, replace=False).tolist())
    results = {}
    for i in alive:  # worker i in exact rationals (what the real code computes)
        At = sum(ga[i][l] * Ab[l].astype(object) for l in range(k))
        Bt = sum(gb[i][l] * Bb[l].astype(object) for l in range(k))
        real = At.T @ Bt
        results[i] = np.vectorize(lambda v: v.numerator * pow(v.denominator, -1, p) % p,
                                  otypes=[np.int64])(real)  # fmt: skip
    out = S.decode(results)
    C = np.block([[S.field.lift(out[a * k + b]) for b in range(k)] for a in range(k)])
    assert (C == A.T @ B).all()
