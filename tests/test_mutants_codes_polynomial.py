"""Tests that kill mutants of ffcc/codes/polynomial.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Oracles: Python-int matrix products mod p and the
code's defining exponents, worked out by hand in the comments."""

import numpy as np
import pytest

from ffcc import codes
from ffcc.codes import GroupSpec, group_rule
from ffcc.codes.lagrange import lagrange
from ffcc.codes.polynomial import (
    BlockProductScheme,
    entangled_for_grid,
    entangled_polynomial,
    polydot,
    polynomial_code,
)
from ffcc.scheme import DecodingError, SchemeError


def _exact(A, B, p):
    return (A.astype(object) @ B.astype(object)) % p


def _run(S, A, B):
    coded = S.encode(S.split(A, B))
    return {j: S.compute(coded[j]) for j in range(S.w)}


def test_default_parameters():
    # polynomial: m = n = 2, s = 0 -> K = w = mn = 4 over GF(65537)
    S = polynomial_code()
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 2, 1), 4, 4, 65537)
    # entangled: m = n = q = 2 -> K = mnq + q - 1 = 9, s = 0
    S = entangled_polynomial()
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 2, 2), 9, 9, 65537)
    # PolyDot: m = n = q = 2 -> K = mn(2q - 1) = 12, s = 0
    S = polydot()
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 2, 2), 12, 12, 65537)
    # the paper's reference point, s = 0: K = w = mnq + q - 1 = 2 for m = 2, n = q = 1
    S = entangled_for_grid(2, 1, 1)
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 1, 1), 2, 2, 65537)


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: polynomial_code(0, 2, p=97), "m must be a positive integer"),
        (lambda: polynomial_code(2, 0, p=97), "n must be a positive integer"),
        (lambda: entangled_polynomial(1, 1, 0, p=97), "q must be a positive integer"),
        (lambda: polynomial_code(True, 2, p=97), "m must be a positive integer"),
        (lambda: polynomial_code(2, 2, -1, p=97), "s must be a non-negative integer"),
        (lambda: polynomial_code(2, 2, True, p=97), "s must be a non-negative integer"),
        (lambda: polynomial_code(2, 2, 1.0, p=97), "s must be a non-negative integer"),
    ],
)
def test_bad_grid_or_stragglers(build, match):
    with pytest.raises(SchemeError, match=match):
        build()


def test_smallest_valid_grid_and_no_stragglers():
    S = polynomial_code(1, 1, 0, p=97)  # one block each: K = 1, w = 1, h = A B
    assert (S.threshold, S.w, S.grid) == (1, 1, (1, 1, 1))
    S = polynomial_code(1, 1, 1, p=97)  # K = 1, w = 2: any one worker returns A B itself
    F = S.field
    A, B = F.random((2, 3), 0), F.random((3, 2), 1)
    res = _run(S, A, B)
    for j in (0, 1):
        assert (S.assemble(S.decode({j: res[j]})) == _exact(A, B, 97)).all()
    S = polynomial_code(np.int64(1), np.int64(2), np.int64(0), p=97)  # numpy integers are fine
    assert (S.threshold, S.w) == (2, 2)


def test_worker_indices_out_of_range():
    S = polynomial_code(2, 1, 1, p=97)  # K = 2, w = 3
    assert S.fast_decoder([0, 2]).shape == (2, 2)  # index w - 1 is a worker
    for bad in ([-1, 0], [0, 3]):
        with pytest.raises(SchemeError, match=r"worker indices must lie in \[0, 3\)"):
            S.fast_decoder(bad)
    with pytest.raises(DecodingError, match="1 distinct workers answered, but any 2"):
        S.fast_decoder([1, 1])  # one distinct worker < K = 2


def test_fast_decoder_uses_the_first_k_sorted_workers_once():
    p = 97
    S = polynomial_code(2, 1, 2, p=p)  # h = A_0 + A_1 x, K = 2, w = 4, nodes 1..4
    F = S.field
    A, B = F.random((4, 3), 1), F.random((3, 2), 2)
    res = _run(S, A, B)
    order = [3, 1, 0, 1, 2]  # sorted distinct: 0, 1, 2, 3 -> the key is workers {0, 1}
    D = S.fast_decoder(order)
    assert D.shape == (2, 5)
    # only the first occurrence of workers 0 and 1 carries weight; the rest are zero
    assert not D[:, [0, 3, 4]].any() and D[:, [1, 2]].all()
    # at nodes x = 1, 2: A_0 = 2 h(1) - h(2), A_1 = h(2) - h(1) (the inverse Vandermonde)
    assert D[:, 2].tolist() == [2, (-1) % p] and D[:, 1].tolist() == [(-1) % p, 1]
    got = [
        sum(int(D[t, i]) * res[j].astype(object) for i, j in enumerate(order)) % p for t in range(2)
    ]
    C = _exact(A, B, p)
    assert (np.vstack(got) == C).all()


def test_spare_results_are_checked_and_exactly_k_decode():
    p = 97
    S = polynomial_code(1, 2, 1, p=p)  # K = 2, w = 3
    F = S.field
    A, B = F.random((2, 3), 3), F.random((3, 4), 4)
    res = _run(S, A, B)
    C = _exact(A, B, p)
    assert (S.assemble(S.decode({0: res[0], 2: res[2]})) == C).all()  # exactly K: no check
    assert (S.assemble(S.decode(res)) == C).all()
    for liar in range(3):  # any one wrong result among K + 1 is noticed
        bad = dict(res)
        bad[liar] = (bad[liar] + 1) % p
        with pytest.raises(DecodingError, match="disagree"):
            S.decode(bad)


def test_one_liar_is_located_with_k_plus_2_results():
    p = 97
    S = polynomial_code(2, 1, 2, p=p)  # K = 2, w = 4 = K + 2e for e = 1 error
    F = S.field
    A, B = F.random((2, 2), 5), F.random((2, 3), 6)
    res = _run(S, A, B)
    res[1] = (res[1] + 3) % p
    # dropping the liar leaves 3 consistent results; losing e = 1 more still leaves K = 2
    targets, liars = S.decode_with_errors(res, max_errors=1)
    assert liars == [1]
    assert (S.assemble(targets) == _exact(A, B, p)).all()


def test_block_split_needs_equal_blocks_on_every_side():
    S = entangled_polynomial(2, 2, 2, p=97)  # A in 2 x 2 blocks, B in 2 x 2
    F = S.field
    for A, B in [((3, 4), (4, 2)), ((4, 3), (3, 2)), ((4, 4), (4, 3))]:  # each breaks one split
        with pytest.raises(SchemeError, match="equal blocks"):
            S.split(F.random(A, 0), F.random(B, 0))
    with pytest.raises(SchemeError, match="do not multiply"):
        S.split(F.random((4, 4), 0), F.random((2, 2), 0))
    with pytest.raises(SchemeError, match="expected 4 result blocks, got 3"):
        S.assemble([np.zeros((1, 1))] * 3)


def test_a_result_the_decoder_skips_must_still_be_a_field_element():
    # systematic Lagrange, k = 2: workers 0 and 1 sit at the betas, so with exactly K = 3
    # results the decoder is [[1, 0, 0], [0, 1, 0]] and worker 2's result is never read;
    # the decode contract still rejects a non-field entry there (it used to be accepted)
    p = 97
    S = lagrange(k=2, s=0, systematic=True, p=p)
    F = S.field
    X = [F.random((2, 2), i) for i in range(2)]
    Y = [F.random((2, 2), i + 2) for i in range(2)]
    coded = S.encode([X, Y])
    res = {j: S.compute(coded[j]) for j in range(3)}
    assert S.fast_decoder([0, 1, 2]).tolist() == [[1, 0, 0], [0, 1, 0]]
    for entry in (p, -1):
        bad = dict(res)
        bad[2] = res[2].copy()
        bad[2][0, 0] = entry
        with pytest.raises(DecodingError, match=r"entry outside \[0, 97\)"):
            S.decode(bad)
    out = S.decode(res)
    assert all((o == _exact(x, y, p)).all() for o, x, y in zip(out, X, Y, strict=True))


def test_catalog_defaults():
    # the catalog's defaults (ffcc codes / ffcc export NAME): a 2 x 2 (x 2) grid, s = 1
    S = codes.build("polynomial")  # K = mn = 4, w = 5
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 2, 1), 4, 5, 65537)
    S = codes.build("entangled-polynomial")  # K = mnq + q - 1 = 9, w = 10
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 2, 2), 9, 10, 65537)
    S = codes.build("polydot")  # K = mn(2q - 1) = 12, w = 13
    assert (S.grid, S.threshold, S.w, S.p) == ((2, 2, 2), 12, 13, 65537)


def test_plan_rule():
    rule = group_rule("polynomial")
    grid = GroupSpec.of([(0, 0), (0, 1), (1, 0), (1, 1)], stragglers=1, byzantine=1)
    assert rule.applies(grid) and rule.workers(grid) == 4 + 1 + 2  # mn + s + 2b
    assert not rule.applies(GroupSpec.of([(0, 0)]))  # one product: k = 1 is no grid code
    assert rule.applies(GroupSpec.of([(0, 0), (0, 1)]))  # a 1 x 2 grid, k = 2
    assert not rule.applies(GroupSpec.of([(0, 0), (0, 1), (1, 1)]))  # not a complete grid
    S = grid.build("polynomial", 97)
    assert (S.w, S.R) == (7, 4)


def test_evaluation_code_needs_its_nodes_and_threshold():
    S = polynomial_code(2, 1, 1, p=97)  # K = 2, w = 3 at nodes 1, 2, 3
    workers = [[S.E[c][j] for c in range(S.d)] for j in range(S.w)]
    args = (S.field, S.basis, workers, S.targets, S.stragglers, S.byzantine, S.name)
    full = dict(S.params)
    for missing in ("nodes", "threshold"):
        params = {k: v for k, v in full.items() if k != missing}
        with pytest.raises(SchemeError, match=rf"BlockProductScheme needs params\['{missing}'\]"):
            BlockProductScheme(*args, params)
    with pytest.raises(SchemeError, match="3 workers but 2 evaluation points"):
        BlockProductScheme(*args, {**full, "nodes": [1, 2]})
    T = BlockProductScheme(*args, full)
    assert T.threshold == 2 and T.nodes.tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: polynomial_code(2.0, 2, p=97), "polynomial: m"),
        (lambda: polynomial_code(2, 2.0, p=97), "polynomial: n"),
        (lambda: entangled_polynomial(2.0, 1, 1, p=97), "entangled-polynomial: m"),
        (lambda: entangled_polynomial(1, 1.5, 1, p=97), "entangled-polynomial: n"),
        (lambda: entangled_polynomial(1, 1, 2.0, p=97), "entangled-polynomial: q"),
        (lambda: polydot(2.0, 1, 1, p=97), "polydot: m"),
        (lambda: polydot(1, 2.0, 1, p=97), "polydot: n"),
        (lambda: polydot(1, 1, 2.0, p=97), "polydot: q"),
    ],
)
def test_float_grid_sizes_are_refused_by_name(build, name):
    # a float is no block count, even 2.0: one line naming it (not range()'s TypeError)
    with pytest.raises(SchemeError, match=rf"^{name} must be a positive integer, got \d\.\d$"):
        build()
