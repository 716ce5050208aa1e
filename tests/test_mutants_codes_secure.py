"""Tests that kill mutants of ffcc/codes/secure.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Oracles: the exponent formulas of the papers worked
out by hand in the comments, and Python-int matrix products mod p."""

import numpy as np
import pytest
from test_mutants_codes_polynomial import _exact  # Python-int A @ B mod p

from ffcc import codes
from ffcc.codes.secure import (
    degree_table,
    gasp,
    gasp_exponents,
    gasp_r,
    polynomial_sharing,
    secure_matdot,
    share,
)
from ffcc.field import FieldError
from ffcc.scheme import SchemeError


def test_default_parameters():
    S = secure_matdot()  # m = 2, X = 1, s = 0: N = 2m + 2X - 1 = 5 workers at 1..5
    assert (S.params["m"], S.secrecy, S.w, S.stragglers, S.p) == (2, 1, 5, 0, 65537)
    assert S.params["alpha"] == [0, 1, 2] and S.params["beta"] == [1, 0, 2]
    S = gasp()  # K = L = 2, T = 1: alpha (0, 1, 4), beta (0, 2, 4), table of 8
    assert (S.params["K"], S.params["L"], S.secrecy, S.w, S.name) == (2, 2, 1, 8, "gasp-big")
    assert S.params["r"] is None and list(S.nodes) == list(range(1, 9))
    # GASP_r, K = 3, L = 2, T = 2, r = 1: alpha = 0, 1, 2 and KL + tK = 6, 9; beta = 0, 3
    # and KL + t = 6, 7; sums by row of alpha: 0 3 6 7 / 1 4 7 8 / 2 5 8 9 / 6 9 12 13 /
    # 9 12 15 16: the 14 distinct values 0..9, 12, 13, 15, 16
    S = gasp_r()
    assert S.params["alpha"] == [0, 1, 2, 6, 9] and S.params["beta"] == [0, 3, 6, 7]
    table = {*range(10), 12, 13, 15, 16}
    assert (S.params["threshold"], S.w, S.params["r"], S.name) == (len(table), 14, 1, "gasp-r")
    S = polynomial_sharing()  # m = n = 2, X = 1: q = 3, N = n q + m + 2X - 1 = 9
    assert (S.params["m"], S.params["n"], S.secrecy, S.w) == (2, 2, 1, 9)
    assert S.params["alpha"] == [0, 1, 2] and S.params["beta"] == [0, 3, 6]


def test_degree_table_is_sorted_and_distinct():
    assert degree_table([2, 0], [3, 0, 1]) == [0, 1, 2, 3, 5]  # {5, 2, 3, 3, 0, 1}, sorted
    assert degree_table([0, 1], [0, 1]) == [0, 1, 2]  # 0+1 = 1+0 counted once


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: secure_matdot(0), "m must be a positive integer"),
        (lambda: secure_matdot(2, X=0), "X must be a positive integer"),
        (lambda: secure_matdot(2, X=True), "X must be a positive integer"),
        (lambda: secure_matdot(2.0), "m must be a positive integer"),
        (lambda: secure_matdot(2, 1, s=-1), "s must be a non-negative integer"),
        (lambda: gasp(2, 2, 1, s=True), "s must be a non-negative integer"),
        (lambda: gasp(2, 0, 1), "L must be a positive integer"),
        (lambda: polynomial_sharing(2, 2, 1, s=1.0), "s must be a non-negative integer"),
    ],
)
def test_bad_parameters(build, match):
    with pytest.raises(SchemeError, match=match):
        build()


def test_smallest_parameters_and_stragglers():
    S = secure_matdot(1, X=1, s=0, p=23)  # N = 2 + 2 - 1 = 3
    assert (S.w, S.stragglers) == (3, 0)
    assert secure_matdot(1, X=1, s=2, p=23).w == 5
    assert secure_matdot(np.int64(1), X=np.int64(1), s=np.int64(1), p=23).w == 4


def test_gasp_r_bounds():
    # 1 <= r <= min(K, T)
    assert gasp_exponents(2, 2, 2, r=2) == ([0, 1, 4, 5], [0, 2, 4, 5])  # r = T: = GASP_big
    assert gasp_exponents(2, 2, 2) == ([0, 1, 4, 5], [0, 2, 4, 5])
    assert gasp_exponents(3, 1, 2, r=1) == ([0, 1, 2, 3, 6], [0, 3, 4])  # KL + tK = 3, 6
    for r, match in ((0, "r must be a positive integer"), (3, "r must lie")):
        with pytest.raises(SchemeError, match=match):
            gasp_exponents(2, 2, 2, r=r)
        with pytest.raises(SchemeError, match=match):
            gasp_r(2, 2, 2, r=r)
    with pytest.raises(SchemeError, match=r"r must lie in \[1, min\(K, T\) = 2\], got 3"):
        gasp_exponents(2, 2, 2, r=3)


def test_explicit_nodes():
    p = 17
    # nodes reduced mod p: 18 = 1 repeats 1; 17 = 0 is not allowed
    with pytest.raises(SchemeError, match="distinct and non-zero in GF"):
        secure_matdot(1, 1, p=p, nodes=[1, 2, 18])
    with pytest.raises(SchemeError, match="distinct and non-zero in GF"):
        secure_matdot(1, 1, p=p, nodes=[1, 2, 17])
    S = secure_matdot(1, 1, p=p, nodes=[1, 2, 20])  # 20 = 3 mod 17; N = 3 exactly
    assert list(S.nodes) == [1, 2, 3] and (S.w, S.stragglers) == (3, 0)
    with pytest.raises(SchemeError, match="2 nodes, but N = 3 workers are needed"):
        secure_matdot(1, 1, p=p, nodes=[1, 2])
    S = secure_matdot(1, 1, s=1, p=p, nodes=[5, 6, 7, 8])  # s given and right
    assert (S.w, S.stragglers, list(S.nodes)) == (4, 1, [5, 6, 7, 8])
    msg = "s = 0, but 4 nodes for N = 3 workers tolerate s = 1; give s = 1 or leave s out"
    with pytest.raises(SchemeError, match=msg):
        secure_matdot(1, 1, s=0, p=p, nodes=[5, 6, 7, 8])
    # default nodes 1..N + s must fit in GF(p): N = 5, s = 1 needs 6 nodes, GF(5) has 4
    with pytest.raises(FieldError, match=r"evaluation points for secure-matdot \(w = 6 workers\)"):
        secure_matdot(2, 1, s=1, p=5)


def test_split_and_share_inner_and_outer():
    S = secure_matdot(2, X=1, p=23)  # inner: A in 2 column blocks, B in 2 row blocks
    F = S.field
    with pytest.raises(SchemeError, match="3 inner columns do not split in 2"):
        S.split(F.random((2, 3), 0), F.random((3, 2), 0))
    with pytest.raises(SchemeError, match="do not multiply"):
        S.split(F.random((2, 4), 0), F.random((3, 2), 0))
    with pytest.raises(SchemeError, match="do not multiply"):
        S.split(F.random((4,), 0), F.random((4, 2), 0))
    G = gasp(2, 3, 1, p=97)  # outer: A in K = 2 row blocks, B in L = 3 column blocks
    A, B = G.field.random((4, 2), 1), G.field.random((2, 6), 2)
    As, Bs = G.split(A, B)
    assert [a.shape for a in As] == [(2, 2)] * 2 and [b.shape for b in Bs] == [(2, 2)] * 3
    assert (np.vstack(As) == A).all() and (np.hstack(Bs) == B).all()
    for A_shape, B_shape, rows, cols in [((3, 2), (2, 6), 3, 6), ((4, 2), (2, 5), 4, 5)]:
        msg = f"A's {rows} rows / B's {cols} columns do not split into 2 / 3 equal blocks"
        with pytest.raises(SchemeError, match=msg):
            G.split(G.field.random(A_shape, 0), G.field.random(B_shape, 0))
    inputs = share(G, [As, Bs], rng=3)
    assert [len(c) for c in inputs] == [3, 4]  # the mask goes after the data (index K, L)
    assert all((inputs[0][k] == As[k]).all() for k in range(2))
    assert all((inputs[1][l] == Bs[l]).all() for l in range(3))
    assert inputs[0][2].shape == (2, 2) and inputs[1][3].shape == (2, 2)
    with pytest.raises(SchemeError, match="coordinate 1 needs 3 data blocks, got 2"):
        share(G, [As, Bs[:2]])
    coded = G.encode(inputs)
    C = G.assemble_targets(G.decode({j: G.compute(coded[j]) for j in range(G.w)}))
    assert (C == _exact(A, B, 97)).all()


def test_catalog_defaults():
    S = codes.build("secure-matdot")  # m = 2, X = 1, s = 1: N = 5, w = 6
    assert (S.params["m"], S.secrecy, S.params["threshold"], S.w, S.p) == (2, 1, 5, 6, 65537)
    S = codes.build("gasp-big")  # K = L = 2, T = 1, s = 1: N = 8, w = 9
    assert (S.params["K"], S.params["L"], S.secrecy, S.w, S.p) == (2, 2, 1, 9, 65537)
    S = codes.build("gasp-r")  # K = 3, L = 2, T = 2, r = 1, s = 1: N = 14 (above), w = 15
    assert (S.params["K"], S.params["L"], S.secrecy, S.params["r"], S.w) == (3, 2, 2, 1, 15)
    assert S.p == 65537
    S = codes.build("polynomial-sharing")  # m = n = 2, X = 1, s = 1: N = 9, w = 10
    assert (S.params["m"], S.params["n"], S.secrecy, S.w, S.p) == (2, 2, 1, 10, 65537)
    assert list(S.nodes) == list(range(1, 11))


def test_share_with_one_data_block_per_side():
    S = secure_matdot(1, X=2, p=23)  # one data block, two masks per side
    F = S.field
    A, B = F.random((2, 3), 0), F.random((3, 4), 1)
    inputs = share(S, S.split(A, B), rng=1)
    assert [[x.shape for x in c] for c in inputs] == [[(2, 3)] * 3, [(3, 4)] * 3]
    assert (inputs[0][0] == A).all() and (inputs[1][0] == B).all()
    coded = S.encode(inputs)
    C = S.assemble_targets(S.decode({j: S.compute(coded[j]) for j in range(S.w)}))
    assert (C == _exact(A, B, 23)).all()
