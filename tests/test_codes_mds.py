"""MatDot, polynomial, entangled-polynomial, PolyDot and Lagrange codes.

Every threshold below is *measured* by the exhaustive verifier and compared with the
formula from the literature; every decode is compared with products computed in Python
integers (object arrays), independently of ffcc's kernels.
"""

from __future__ import annotations

import doctest
import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffcc.codes.lagrange as lagrange_mod
import ffcc.codes.matdot as matdot_mod
import ffcc.codes.polynomial as poly_mod
from ffcc import DecodingError, FieldError, Scheme, SchemeError, loads, recovery_threshold, verify
from ffcc.codes import CATALOG, build
from ffcc.codes.lagrange import berlekamp_welch, lagrange, lagrange_threshold
from ffcc.codes.matdot import matdot, matdot_threshold
from ffcc.codes.polynomial import (
    combine,
    entangled_for_grid,
    entangled_polynomial,
    entangled_threshold,
    polydot,
    polydot_threshold,
    polynomial_code,
    polynomial_threshold,
)
from ffcc.field import PrimeField

P_FAST = 2**31 - 1
P_BIG = 2**61 - 1
S_RANGE = range(4)

# (builder, params, formula K, byzantine b)
GRID = (
    [(matdot, dict(m=m), matdot_threshold(m), 0) for m in (1, 2, 3, 4)]
    + [
        (polynomial_code, dict(m=m, n=n), polynomial_threshold(m, n), 0)
        for m, n in ((1, 1), (1, 3), (2, 1), (2, 2), (2, 3), (3, 2))
    ]
    + [
        (entangled_polynomial, dict(m=m, n=n, q=q), entangled_threshold(m, n, q), 0)
        for m, n, q in ((1, 1, 2), (2, 1, 2), (1, 2, 3), (2, 2, 2), (3, 1, 2))
    ]
    + [
        (polydot, dict(m=m, n=n, q=q), polydot_threshold(m, n, q), 0)
        for m, n, q in ((1, 1, 2), (2, 1, 2), (1, 2, 3), (2, 2, 2))
    ]
    + [
        (lagrange, dict(k=k, d=d, b=b), lagrange_threshold(k, d), b)
        for k, d, b in ((1, 2, 0), (2, 2, 0), (3, 2, 0), (4, 2, 0), (2, 3, 0), (3, 3, 0))
        + ((2, 2, 1), (3, 2, 1), (2, 2, 2), (2, 3, 1))
    ]
    + [(lagrange, dict(k=k, systematic=True), lagrange_threshold(k, 2), 0) for k in (2, 3)]
)


def _id(case):
    build_fn, params, K, b = case
    return build_fn.__name__ + "-" + "-".join(f"{k}{v}" for k, v in params.items())


def _oracle_chain(blocks, p):
    """Chained product in Python integers, reduced mod p."""
    out = np.asarray(blocks[0]).astype(object)
    for blk in blocks[1:]:
        out = (out @ np.asarray(blk).astype(object)) % p
    return out % p


# -- thresholds: measured == formula --------------------------------------------------------


@pytest.mark.parametrize("case", GRID, ids=[_id(c) for c in GRID])
def test_measured_threshold_equals_formula(case):
    build_fn, params, K, b = case
    for s in S_RANGE:
        S = build_fn(**params, s=s)
        assert S.w == K + s + 2 * b
        assert S.R == K and S.threshold == K
        rep = verify(S, threshold=True)
        assert rep.holds is True, rep.summary()
        assert rep.checked == math.comb(S.w, K)
        assert rep.recovery_threshold == K, rep.summary()
        assert recovery_threshold(S) == K
        if K > 1:
            # every (K-1)-subset size fails: one worker fewer than the formula never suffices
            assert verify(S, K - 1).holds is False
    # negative control: K - 1 (non-systematic) workers do not decode even all together
    if K > 1:
        full = build_fn(**params, s=3)
        cut = full.subset(range(full.w - K + 1, full.w))
        assert verify(cut).holds is False


@pytest.mark.parametrize("grid", [(1, 1, 1), (1, 1, 3), (2, 1, 2), (2, 2, 2), (1, 3, 2)])
def test_entangled_for_grid_reference_point(grid):
    """The paper's reference: the exact product needs mnq + q - 1 + s workers."""
    m, n, q = grid
    for s in S_RANGE:
        S = entangled_for_grid(m, n, q, s)
        assert S.w == m * n * q + q - 1 + s
        rep = verify(S, threshold=True)
        assert rep.holds and rep.recovery_threshold == m * n * q + q - 1


def test_special_cases_coincide():
    """MatDot = entangled with m = n = 1; polynomial code = entangled with q = 1."""
    for m in (1, 2, 3):
        a, b = matdot(m, 1), entangled_polynomial(1, 1, m, 1)
        assert all(np.array_equal(x, y) for x, y in zip(a.E, b.E, strict=True))
        assert a.targets == b.targets
    a, b = polynomial_code(2, 3, 1), entangled_polynomial(2, 3, 1, 1)
    assert all(np.array_equal(x, y) for x, y in zip(a.E, b.E, strict=True))
    assert a.targets == b.targets


# -- encode -> compute -> decode against Python-int products ---------------------------------


def _blocks_for(S, rng, extreme):
    """Inputs for a block-product code: (A, B, inputs) with A, B in [0, p)."""
    F = S.field
    m, n, q = S.grid
    shape_a, shape_b = (2 * m, 3 * q), (3 * q, 2 * n)
    if extreme:
        A = np.full(shape_a, F.p - 1, dtype=np.int64)
        B = np.full(shape_b, F.p - 1, dtype=np.int64)
    else:
        A, B = F.random(shape_a, rng), F.random(shape_b, rng)
    return A, B


BLOCK_CODES = [
    lambda p: matdot(3, 2, p=p),
    lambda p: polynomial_code(2, 2, 2, p=p),
    lambda p: entangled_polynomial(2, 1, 2, 2, p=p),
    lambda p: polydot(1, 2, 2, 1, p=p),
]


@pytest.mark.parametrize("p", [65537, P_FAST, P_BIG])
@pytest.mark.parametrize("make", BLOCK_CODES, ids=["matdot", "poly", "entangled", "polydot"])
def test_block_codes_decode_every_subset(make, p):
    S = make(p)
    F = S.field
    rng = np.random.default_rng(7)
    for extreme in (False, True):
        A, B = _blocks_for(S, rng, extreme)
        C = (A.astype(object) @ B.astype(object)) % p
        coded = S.encode(S.split(A, B))
        results = {j: S.compute(coded[j]) for j in range(S.w)}
        for sub in itertools.combinations(range(S.w), S.threshold):
            got = S.assemble(S.decode({j: results[j] for j in sub}))
            assert np.array_equal(got.astype(object), C), (sub, extreme)
        # the generic decoder of the same scheme agrees
        generic = Scheme.decode(S, results)
        assert all(np.array_equal(x, y) for x, y in zip(generic, S.decode(results), strict=True))
    assert F.p == p


@pytest.mark.parametrize("p", [65537, P_FAST, P_BIG])
@pytest.mark.parametrize("k,d", [(2, 2), (3, 2), (2, 3)])
@pytest.mark.parametrize("systematic", [False, True])
def test_lagrange_decodes_every_subset(p, k, d, systematic):
    S = lagrange(k, s=2, d=d, p=p, systematic=systematic)
    F = S.field
    rng = np.random.default_rng(k + d)
    shapes = [(2, 3), (3, 4), (4, 2)][:d]
    for extreme in (False, True):
        if extreme:
            inputs = [[np.full(sh, p - 1, dtype=np.int64)] * k for sh in shapes]
        else:
            inputs = [[F.random(sh, rng) for _ in range(k)] for sh in shapes]
        want = [_oracle_chain([inputs[c][i] for c in range(d)], p) for i in range(k)]
        coded = S.encode(inputs)
        results = {j: S.compute(coded[j]) for j in range(S.w)}
        for sub in itertools.combinations(range(S.w), S.threshold):
            got = S.decode({j: results[j] for j in sub})
            for g, wv in zip(got, want, strict=True):
                assert np.array_equal(g.astype(object), wv), sub
    if systematic:  # the first k workers compute the plain products
        for i in range(k):
            assert np.array_equal(results[i].astype(object), want[i])


def test_matdot_weighted_arbitrary_pairs():
    """MatDot for k arbitrary pairs: sum_i c_i X_i Y_i from any 2k - 1 of 2k - 1 + s."""
    p = 65537
    k, s = 4, 2
    c = [3, -1, 7, 65536 * 2]
    S = matdot(k, s, weights=c)
    F = S.field
    rng = np.random.default_rng(1)
    X = [F.random((3, 5), rng) for _ in range(k)]
    Y = [F.random((5, 2), rng) for _ in range(k)]
    want = sum(
        (ci % p) * (x.astype(object) @ y.astype(object)) for ci, x, y in zip(c, X, Y, strict=True)
    )
    coded = S.encode([X, Y])
    results = {j: S.compute(coded[j]) for j in range(S.w)}
    for sub in itertools.combinations(range(S.w), 2 * k - 1):
        (got,) = S.decode({j: results[j] for j in sub})
        assert np.array_equal(got.astype(object), want % p)
    assert S.w == 2 * k - 1 + s
    assert verify(S, threshold=True).recovery_threshold == 2 * k - 1
    with pytest.raises(SchemeError, match="0 mod"):
        matdot(2, weights=[1, p])
    with pytest.raises(SchemeError, match="weights"):
        matdot(2, weights=[1, 2, 3])


# -- structured decoder == generic decoder ---------------------------------------------------


@pytest.mark.parametrize(
    "S",
    [
        matdot(3, 2),
        polynomial_code(2, 2, 2),
        entangled_polynomial(2, 1, 2, 2),
        polydot(2, 1, 2, 1),
        lagrange(3, 2),
        lagrange(2, 1, d=3, systematic=True),
        lagrange(2, 1, b=1),
    ],
    ids=lambda S: S.name + str(S.w),
)
def test_structured_decoder_equals_generic(S):
    K = S.threshold
    for sub in itertools.combinations(range(S.w), K):
        fast = S.fast_decoder(sub)
        assert np.array_equal(fast, S.decoder(sub)), sub
        rev = list(reversed(sub))  # column order follows the order given
        assert np.array_equal(S.fast_decoder(rev), S.decoder(rev))
    # with extra workers the structured decoder uses the first K and zeros the rest
    D = S.fast_decoder(range(S.w))
    assert not D[:, K:].any()
    assert np.array_equal(D[:, :K], S.decoder(range(K)))
    with pytest.raises(DecodingError, match="recovery threshold"):
        S.fast_decoder(range(K - 1)) if K > 1 else S.fast_decoder([])


# -- the fused combination kernel ------------------------------------------------------------


def _combine_oracle(D, ys, p):
    Y = np.stack([np.asarray(y).reshape(-1) for y in ys]).astype(object)
    return (np.asarray(D).astype(object) @ Y) % p


@pytest.mark.parametrize("p", [2, 3, 65537, 2**25 - 39, P_FAST, P_BIG])
@pytest.mark.parametrize("T,R,n", [(1, 31, 3001), (16, 16, 1024), (3, 70, 2049), (2, 1, 5)])
def test_combine_extremes(p, T, R, n):
    F = PrimeField(p)
    rng = np.random.default_rng(T * R)
    for D, ys in (
        (np.full((T, R), p - 1), [np.full(n, p - 1, dtype=np.int64)] * R),
        (F.random((T, R), rng), [F.random(n, rng) for _ in range(R)]),
    ):
        assert np.array_equal(combine(F, D, ys).astype(object), _combine_oracle(D, ys, p))


def test_combine_unit_rows_and_zero_columns():
    F = PrimeField(P_FAST)
    rng = np.random.default_rng(3)
    ys = [F.random((7, 9), rng) for _ in range(5)]
    D = F.random((4, 5), rng)
    D[:, 2] = 0  # unused result
    D[1] = [0, 0, 0, 1, 0]  # a copy
    D[3] = 0  # a zero target
    assert np.array_equal(combine(F, D, ys).astype(object), _combine_oracle(D, ys, F.p))
    with pytest.raises(DecodingError, match="size"):
        combine(F, D, ys[:4] + [ys[4][:3]])


@settings(max_examples=25, deadline=None)
@given(
    p=st.sampled_from([5, 65537, 2**31 - 1, 2**61 - 1]),
    T=st.integers(1, 6),
    R=st.integers(1, 40),
    n=st.integers(1, 2100),
    seed=st.integers(0, 2**32 - 1),
)
def test_combine_property(p, T, R, n, seed):
    F = PrimeField(p)
    rng = np.random.default_rng(seed)
    D = F.random((T, R), rng)
    ys = [F.random(n, rng) for _ in range(R)]
    assert np.array_equal(combine(F, D, ys).astype(object), _combine_oracle(D, ys, p))


# -- fields too small, bad input ------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p: matdot(3, 3, p=p),
        lambda p: polynomial_code(2, 2, 3, p=p),
        lambda p: entangled_polynomial(1, 2, 2, 2, p=p),
        lambda p: polydot(1, 1, 3, 1, p=p),
        lambda p: lagrange(3, 1, 1, p=p),
        lambda p: lagrange(3, 1, 1, p=p, systematic=True),
    ],
)
def test_too_small_field_names_a_prime(make):
    with pytest.raises(FieldError, match=r"use a prime p >= \d+") as info:
        make(5)
    need = int(re.search(r"p >= (\d+)", str(info.value)).group(1))
    S = make(need)  # the prime named does suffice
    assert verify(S).holds


def test_bad_parameters_and_inputs():
    with pytest.raises(SchemeError, match="positive"):
        matdot(0)
    with pytest.raises(SchemeError, match="non-negative"):
        polynomial_code(2, 2, -1)
    with pytest.raises(SchemeError, match="lagrange: k must be a positive integer"):
        lagrange(0)
    S = entangled_polynomial(2, 1, 2)
    F = S.field
    with pytest.raises(SchemeError, match="pad"):
        S.split(F.random((3, 4), 0), F.random((4, 2), 0))
    coded = S.encode(S.split(F.random((4, 4), 0), F.random((4, 2), 0)))
    results = {j: S.compute(coded[j]) for j in range(S.threshold - 1)}
    with pytest.raises(DecodingError, match="recovery threshold"):
        S.decode(results)


# -- Byzantine workers ----------------------------------------------------------------------


def _lagrange_run(S, seed=0):
    F = S.field
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4, 2), (2, 3)][: S.d]
    inputs = [[F.random(sh, rng) for _ in range(S.basis[0])] for sh in shapes]
    want = [_oracle_chain([inputs[c][i] for c in range(S.d)], F.p) for i in range(S.basis[0])]
    coded = S.encode(inputs)
    return {j: S.compute(coded[j]) for j in range(S.w)}, want


def _corrupt(res, j, rng, p, kind):
    y = res[j].copy()
    if kind == "random":
        return (y + rng.integers(1, p, size=y.shape)) % p
    if kind == "one-entry":
        i = rng.integers(y.size)
        y.flat[i] = (y.flat[i] + 1) % p
        return y
    if kind == "out-of-range":
        y.flat[0] = p + 3
        return y
    if kind == "shape":
        return y[:-1]
    raise AssertionError(kind)


KINDS = ["random", "one-entry", "out-of-range", "shape"]


@pytest.mark.parametrize("b,d,p", [(1, 2, 65537), (2, 2, 65537), (1, 3, P_FAST), (2, 2, P_BIG)])
def test_byzantine_exhaustive_positions(b, d, p):
    """Corrupt every set of at most b positions: exact targets and the liars are named."""
    S = lagrange(2, 0, b, d=d, p=p)
    res, want = _lagrange_run(S, seed=b + d)
    rng = np.random.default_rng(11)
    for e in range(b + 1):
        for pos in itertools.combinations(range(S.w), e):
            kind = KINDS[sum(pos) % len(KINDS)]
            bad = {j: _corrupt(res, j, rng, p, kind) for j in pos}
            got, liars = S.decode_with_errors({**res, **bad}, rng=rng)
            assert liars == list(pos), (pos, kind)
            for g, wv in zip(got, want, strict=True):
                assert np.array_equal(g.astype(object), wv)
            assert all(
                np.array_equal(g, h)
                for g, h in zip(got, S.decode({**res, **bad}), strict=True)  # decode corrects too
            )


@pytest.mark.parametrize("b", [1, 2])
def test_byzantine_with_stragglers(b):
    """s = 1: any worker missing and any b corrupted still decodes."""
    S = lagrange(3, 1, b)
    res, want = _lagrange_run(S, seed=5)
    rng = np.random.default_rng(2)
    for gone in range(S.w):
        rest = [j for j in range(S.w) if j != gone]
        for pos in itertools.combinations(rest, b):
            given_ = {j: res[j] for j in rest}
            given_.update({j: _corrupt(res, j, rng, S.p, "random") for j in pos})
            got, liars = S.decode_with_errors(given_, rng=rng)
            assert liars == list(pos)
            assert all(
                np.array_equal(g.astype(object), wv) for g, wv in zip(got, want, strict=True)
            )


@pytest.mark.parametrize("b,s", [(1, 0), (2, 0), (1, 2)])
def test_byzantine_too_many_faults_fail_loudly(b, s):
    """b + 1 (random) corruptions at every position set: DecodingError, never a wrong answer."""
    S = lagrange(2, s, b)
    res, want = _lagrange_run(S, seed=3)
    rng = np.random.default_rng(4)
    raised = 0
    for pos in itertools.combinations(range(S.w), b + 1):
        bad = {j: _corrupt(res, j, rng, S.p, "random") for j in pos}
        try:
            got, liars = S.decode_with_errors({**res, **bad}, rng=rng)
        except DecodingError:
            raised += 1
            continue
        # a return is allowed only if it is right (possible when s leaves spare redundancy)
        assert all(np.array_equal(g.astype(object), wv) for g, wv in zip(got, want, strict=True))
        assert set(liars) <= set(pos) and len(liars) <= b
    assert raised == math.comb(S.w, b + 1)  # random faults: every case is detected


def test_byzantine_needs_enough_results():
    S = lagrange(2, 0, 1)
    res, _ = _lagrange_run(S)
    with pytest.raises(DecodingError, match=r"K \+ 2b = 5"):
        S.decode_with_errors({j: res[j] for j in range(4)})
    # b = 0 with redundancy: disagreement is detected instead of silently decoded
    S0 = lagrange(2, 2, 0)
    res0, want0 = _lagrange_run(S0)
    res0[4] = (res0[4] + 1) % S0.p
    with pytest.raises(DecodingError, match="disagree"):
        S0.decode_with_errors(res0, rng=0)
    got, liars = S0.decode_with_errors(res0, max_errors=1, rng=0)
    assert liars == [4] and all(
        np.array_equal(g.astype(object), wv) for g, wv in zip(got, want0, strict=True)
    )


def test_coordinated_liars_beyond_b_can_forge_a_codeword():
    """The documented limit: b + 1 colluding liars can move the word next to another codeword.

    With n = K + 2b answers the code has distance 2b + 1, so b + 1 liars answering
    h'(alpha) for h' = h + z (z vanishing at K - 1 honest nodes) leave only b answers off h':
    no decoder can tell this from b honest-looking faults. The decoder returns h' and blames
    the b remaining honest workers -- consistent with its guarantee (at most b faults).
    """
    S = lagrange(2, 0, 1)  # K = 3, w = 5
    F = S.field
    res, want = _lagrange_run(S)
    x = S.nodes
    honest_fixed = [0, 1]  # z vanishes here (K - 1 = 2 nodes)
    liars = [2, 3]  # b + 1 = 2 colluders
    z = F.lagrange_matrix(x[honest_fixed + [liars[0]]], x)[:, 2]  # z(x_0) = z(x_1) = 0
    forged = {j: F.add(res[j], F.mul(z[j], np.ones_like(res[j]))) for j in liars}
    got, named = S.decode_with_errors({**res, **forged}, rng=0)
    assert named == [4]
    assert not all(np.array_equal(g.astype(object), wv) for g, wv in zip(got, want, strict=True))


def test_berlekamp_welch_scalar():
    F = PrimeField(101)
    x = F.nodes(9)
    P = np.array([5, 0, 7, 1])
    y = F.poly_eval(P, x)
    for e in range(3):
        for pos in itertools.combinations(range(9), e):
            yy = y.copy()
            yy[list(pos)] = (yy[list(pos)] + 17) % 101
            assert berlekamp_welch(F, x, yy, 4, 2).tolist() == P.tolist()
    yy = y.copy()
    yy[[0, 3, 6]] = (yy[[0, 3, 6]] + 1) % 101
    assert berlekamp_welch(F, x, yy, 4, 2) is None
    with pytest.raises(ValueError, match="n >= K"):
        berlekamp_welch(F, x[:7], y[:7], 4, 2)


# -- catalog and documentation ---------------------------------------------------------------

NAMES = ["matdot", "polynomial", "entangled-polynomial", "polydot", "lagrange"]


@pytest.mark.parametrize("name", NAMES)
def test_catalog_defaults_build_verify_and_round_trip(name):
    entry = CATALOG[name]
    S = build(name)
    assert S.w == entry.workers(**entry.defaults)
    rep = verify(S, threshold=True)
    assert rep.holds and rep.recovery_threshold == S.threshold
    again = loads(S.dumps())
    assert again.params == S.params and again.targets == S.targets
    assert all(np.array_equal(a, b) for a, b in zip(again.E, S.E, strict=True))
    assert verify(again).holds
    assert set(entry.param_help) <= set(entry.defaults)


@pytest.mark.parametrize("mod", [matdot_mod, poly_mod, lagrange_mod])
def test_docstring_examples(mod):
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted > 0


def test_command_line_style_parameters():
    """``ffcc export`` passes integers and strings: flags and weight lists parse."""
    S = build("lagrange", k=2, systematic="true")
    assert S.params["systematic"] is True and np.array_equal(S.E[0][:2], np.eye(2))
    assert build("lagrange", k=2, systematic="0").params["systematic"] is False
    with pytest.raises(SchemeError, match="true or false"):
        build("lagrange", systematic="maybe")
    S = build("matdot", m=3, weights="1,-2,3")
    assert S.targets[0] == (((0, 0), 1), ((1, 1), S.p - 2), ((2, 2), 3))
    with pytest.raises(SchemeError, match="integers"):
        build("matdot", m=2, weights="1,x")


def test_matdot_defaults_and_bad_m():
    """Killed surviving mutants (docs/mutation.md): the defaults m = 4, s = 0 and the
    refusal of every bad m, each condition on its own."""
    S = matdot()
    assert (S.basis, S.w, S.stragglers) == ((4, 4), 7, 0)
    assert matdot_mod.matdot_workers(3) == 5
    for bad in (0, -1, True, 2.0):
        with pytest.raises(SchemeError, match="m must be a positive integer"):
            matdot(bad)
    S = build("matdot")  # the catalog's defaults: m = 4, s = 1
    assert (S.basis, S.w, S.stragglers) == ((4, 4), 8, 1)
    with pytest.raises(
        SchemeError, match=r"weight 1 is 0 mod 65537; drop that pair instead \(m = 2\)"
    ):
        matdot(3, weights=[1, 0, 2])
