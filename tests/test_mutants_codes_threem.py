"""Tests that kill mutants of ffcc/codes/threem.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Expected values are worked out by hand in comments."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import ffcc.codes.threem as tm
from ffcc import verify
from ffcc.field import PrimeField
from ffcc.scheme import Scheme, SchemeError


def test_worker_counts_and_comparison_by_hand():
    # K = 2, s = 0 (the default): global 4K - 1 = 7, blocks K (3 + s) = 6 -> auto is blocks
    assert tm.threem_workers(2) == 6
    assert tm.threem_workers(2, layout="global") == 7
    # K = 1, s = 0: w_3K = 6K - 1 + s = 5, 2/3 of it 10/3; complex 4K - 1 = 3 <= 10/3;
    # products 6K - 3 = 3; uncoded 3K = 3; GF(p^2): 2K - 1 = 1 worker, 3 real products
    assert tm.threem_comparison(1) == {
        "K": 1, "s": 0, "w_3K": 5, "two_thirds": Fraction(10, 3), "complex": 3,
        "complex_meets_two_thirds": True, "products": 3, "uncoded_3m_s0": 3,
        "gfp2_workers": 1, "gfp2_real_products": 3,
    }  # fmt: skip
    # K = 2, s = 2: w_3K = 13, 2/3 of it 26/3 < complex 9; products 11; GF(p^2) 5 workers
    c = tm.threem_comparison(2, 2)
    assert (c["w_3K"], c["complex"], c["complex_meets_two_thirds"]) == (13, 9, False)
    assert (c["uncoded_3m_s0"], c["gfp2_workers"], c["gfp2_real_products"]) == (6, 5, 15)
    # K = 1, s = 1 (w_3K = 6): complex 4 <= 4, equality counts as meeting 2/3
    assert tm.threem_comparison(1, 1)["complex_meets_two_thirds"] is True


def test_threem_defaults_and_the_tie_rule():
    S = tm.threem()  # K = 2, s = 0, complex, auto: blocks (6 < 7 workers), p = 65537
    assert (S.params["K"], S.params["layout"], S.w, S.p) == (2, "blocks", 6, 65537)
    assert S.params["targets"] == "complex"
    T = tm.threem(1, 1)  # blocks 1 (3 + 1) = 4 = global 4K - 1 + 1: ties go global
    assert T.params["layout"] == "global" and T.w == 4


@pytest.mark.parametrize("K", [0, -1, True, 1.5, "2"])
def test_threem_refuses_a_bad_block_count(K):
    with pytest.raises(SchemeError, match="K must be a positive integer"):
        tm.threem(K)


def test_threem_accepts_numpy_k_and_refuses_negative_s():
    assert tm.threem(np.int64(1), layout="global").w == 3
    with pytest.raises(SchemeError, match="s must be a non-negative integer"):
        tm.threem(1, -1)


def test_complex_inputs_refuse_unequal_pair_counts():
    F = PrimeField(7)
    with pytest.raises(SchemeError, match="2 A pairs but 1 B pairs"):
        tm.complex_inputs(F, [([[1]], [[2]])] * 2, [([[3]], [[4]])])


def test_a_block_may_use_every_point_of_the_projective_line():
    # GF(5) has p + 1 = 6 projective points: 3 + s = 6 pencil workers (s = 3) just fit
    S = tm.threem(1, s=3, layout="blocks", p=5)
    assert S.params["points"] == [[1, 0], [0, 1], [1, 1], [1, 2], [1, 3], [1, 4]]
    assert verify(S).holds is True
    with pytest.raises(SchemeError, match="needs 7 distinct pencil points but GF.5. has only 6"):
        tm.threem(1, s=4, layout="blocks", p=5)


def test_conjugate_nodes_need_k_below_p():
    # p = 3 mod 4 puts A'_m at m + 1 + i, m < K: distinct mod p only for K < p
    with pytest.raises(SchemeError, match="too few nodes m \\+ 1 \\+ i for K = 3"):
        tm.threem(3, layout="global", p=3)


def test_blocks_decode_per_block_without_the_generic_decoder(monkeypatch):
    # K = 2, s = 1: 4 workers per block; any 3 of a block give (P1, X, P2) by a 3 x 3 solve
    S = tm.threem(2, 1, layout="blocks", p=101)
    F = S.field
    A = [([[1]], [[2]]), ([[3]], [[4]])]
    B = [([[5]], [[6]]), ([[7]], [[8]])]
    coded = S.encode(tm.complex_inputs(F, A, B))

    def refuse(self, results):
        raise AssertionError("the generic decoder ran")

    monkeypatch.setattr(Scheme, "_decode_erasures", refuse)
    res = {j: S.compute(coded[j]) for j in (1, 2, 3, 4, 6, 7)}  # 3 of each block
    got = [int(v[0, 0]) for v in S.decode(res)]
    # (1 + 2i)(5 + 6i) = -7 + 16i; (3 + 4i)(7 + 8i) = -11 + 52i
    assert got == [-7 % 101, 16, -11 % 101, 52]


def test_catalog_defaults_are_two_products_one_straggler():
    from ffcc.codes import build

    S = build("threem")  # K = 2, s = 1: blocks 2 (3 + 1) = 8 ties global 4K - 1 + 1 = 8
    assert (S.params["K"], S.stragglers, S.params["layout"], S.w) == (2, 1, "global", 8)
    assert S.params["targets"] == "complex" and S.p == 65537


@pytest.mark.parametrize("s", [2.5, 1.0, True])
def test_threem_refuses_a_fractional_straggler_count(s):
    # s = 2.5 must not be truncated to 2 stragglers
    with pytest.raises(SchemeError, match=r"^threem: s must be a non-negative integer, got "):
        tm.threem(1, s)
