"""Tests for ffcc.sketch: expected values come from enumeration or closed-form mathematics."""

import doctest
import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffcc.sketch as sketch_mod
from ffcc.sketch import (
    GridSketch,
    block_crmm,
    crmm,
    expected_sq_error,
    grid_crmm,
    lemma1_bound,
)

# Chi-square critical value, df = 4, upper tail 0.001 (standard table): 18.467.
CHI2_DF4_P001 = 18.467
# Statistical tolerances are Z standard errors of the mean over N repetitions.
Z = 5.0


# ----------------------------------------------------------------------------- helpers


def fr(M):
    """Integer matrix as an object array of Fractions."""
    return np.vectorize(lambda x: F(int(x)), otypes=[object])(np.asarray(M))


def enumerate_outcomes(A_blocks, B_blocks, p, k):
    """Exact E[C_hat] and E||C_hat - C||_F^2 by walking every one of the q^k draw sequences."""
    prods = [fr(a) @ fr(b) for a, b in zip(A_blocks, B_blocks, strict=True)]
    C = sum(prods[1:], prods[0])
    mean = C * 0
    err = F(0)
    for seq in itertools.product(range(len(p)), repeat=k):
        prob = math.prod((p[t] for t in seq), start=F(1))
        if prob == 0:
            continue
        est = sum((prods[t] / (k * p[t]) for t in seq), C * 0)
        mean = mean + prob * est
        err += prob * sum((x * x for x in (est - C).flat), F(0))
    return C, mean, err


def block_norm(X):
    return float(np.sqrt(np.sum(np.asarray(X, dtype=float) ** 2)))


# ----------------------------------------------------------------------------- exact formula


# Probabilities are given (not norm-proportional), so the formula is exercised for any p.
FORMULA_CASES = [
    # (A blocks, B blocks, p)
    (
        [[[1], [2]], [[0], [3]], [[-1], [1]]],
        [[[2, -1]], [[1, 1]], [[4, 0]]],
        [F(1, 2), F(1, 3), F(1, 6)],
    ),
    # p = 0 on a block whose A part is zero: allowed, contributes nothing.
    (
        [[[1, 2]], [[0, 0]], [[3, -1]]],
        [[[1], [1]], [[5], [7]], [[2], [0]]],
        [F(2, 5), F(0), F(3, 5)],
    ),
    # Two blocks with parallel products: the norm-proportional p makes the error zero.
    ([[[1]], [[1]]], [[[1]], [[3]]], [F(1, 4), F(3, 4)]),
]


@pytest.mark.parametrize("case", FORMULA_CASES)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_expected_error_formula_equals_exhaustive_enumeration(case, k):
    A_blocks, B_blocks, p = case
    C, mean, err = enumerate_outcomes(A_blocks, B_blocks, p, k)
    assert (mean == C).all()  # unbiased, exactly
    got = expected_sq_error([np.array(a) for a in A_blocks], [np.array(b) for b in B_blocks], p, k)
    assert isinstance(got, F)
    assert got == err


def test_expected_error_zero_for_proportional_rank_one_case():
    # A_1 B_1 = 1, A_2 B_2 = 3 with p = (1/4, 3/4): every draw gives A_t B_t / p_t = 4 = C.
    assert expected_sq_error([[[1]], [[1]]], [[[1]], [[3]]], [F(1, 4), F(3, 4)], 5) == 0


def test_expected_error_float_mode_matches_exact():
    A_blocks, B_blocks, p = FORMULA_CASES[0]
    exact = expected_sq_error(A_blocks, B_blocks, p, 2)
    approx = expected_sq_error(
        [np.array(a, float) for a in A_blocks], B_blocks, [float(x) for x in p], 2
    )
    assert isinstance(approx, float)
    assert approx == pytest.approx(float(exact), rel=1e-12)


def test_expected_error_rejects_biased_or_invalid_probabilities():
    with pytest.raises(ValueError, match="biased"):
        expected_sq_error([[[1]], [[1]]], [[[1]], [[1]]], [F(1), F(0)], 1)
    with pytest.raises(ValueError, match="sum to 1"):
        expected_sq_error([[[1]], [[1]]], [[[1]], [[1]]], [F(1, 2), F(1, 3)], 1)
    with pytest.raises(ValueError, match="non-negative"):
        expected_sq_error([[[1]], [[1]]], [[[1]], [[1]]], [F(3, 2), F(-1, 2)], 1)
    with pytest.raises(ValueError, match="same positive number"):
        expected_sq_error([[[1]]], [[[1]], [[1]]], [F(1)], 1)
    with pytest.raises(ValueError):
        expected_sq_error([[[1]]], [[[1]]], [F(1)], 0)


# Integer vectors with integer Euclidean norm, so norm-proportional probabilities are rational.
PYTH = [((1, 0), 1), ((0, 1), 1), ((3, 4), 5), ((4, 3), 5), ((5, 12), 13), ((6, 8), 10)]


@st.composite
def rational_norm_instance(draw):
    """A (2 x q) and B (q x 2) with tau = 1 and integer column/row norms."""
    q = draw(st.integers(1, 3))
    cols, rows, nA, nB = [], [], [], []
    for _ in range(q):
        a = draw(st.integers(-3, 3))
        b = draw(st.integers(-3, 3))
        (u, nu), (w, nw) = draw(st.sampled_from(PYTH)), draw(st.sampled_from(PYTH))
        cols.append([a * u[0], a * u[1]])
        rows.append([b * w[0], b * w[1]])
        nA.append(abs(a) * nu)
        nB.append(abs(b) * nw)
    A = np.array(cols, dtype=np.int64).T
    B = np.array(rows, dtype=np.int64)
    k = draw(st.integers(1, 3))
    return A, B, nA, nB, k


@settings(max_examples=60, deadline=None)
@given(rational_norm_instance())
def test_lemma1_exact_and_grid_bookkeeping_on_rational_instances(inst):
    A, B, nA, nB, k = inst
    q = A.shape[1]
    w = [F(x * y) for x, y in zip(nA, nB, strict=True)]
    tot = sum(w, F(0))
    sk = block_crmm(A, B, q, k, rng=0)
    if tot == 0:
        # Every product A_t B_t has a zero factor: C = 0 exactly, nothing is sampled.
        assert sk.skipped == frozenset({(0, 0)})
        assert sk.num_samples == 0 and sk.indices[(0, 0)] == ()
        assert (sk.estimate() == 0).all() and (A @ B == 0).all()
        assert sk.expected_sq_error[0, 0] == 0
        return
    p = [x / tot for x in w]
    A_blocks = [A[:, [t]] for t in range(q)]
    B_blocks = [B[[t], :] for t in range(q)]
    C, mean, err = enumerate_outcomes(A_blocks, B_blocks, p, k)
    assert (mean == C).all()
    bound = F(sum(x * x for x in nA) * sum(x * x for x in nB), k)  # ||A||_F^2 ||B||_F^2 / k
    assert err <= bound
    assert expected_sq_error(A_blocks, B_blocks, p, k) == err
    assert lemma1_bound(A, B, k) == bound
    assert lemma1_bound(A_blocks, B_blocks, k) == bound
    # The float sketch agrees with the exact values.
    np.testing.assert_allclose(sk.probabilities[0, 0], [float(x) for x in p], rtol=1e-12)
    assert sk.expected_sq_error[0, 0] == pytest.approx(float(err), rel=1e-9, abs=1e-9)
    assert sk.lemma1_bound[0, 0] == pytest.approx(float(bound), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 2),
    st.integers(1, 2),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 10**6),
)
def test_grid_expected_error_matches_enumeration_and_lemma1(m, n, q, k, seed):
    rng = np.random.default_rng(seed)
    A = rng.integers(-3, 4, size=(m * 2, q * 2)).astype(float)
    B = rng.integers(-3, 4, size=(q * 2, n * 1)).astype(float)
    sk = grid_crmm(A, B, m, n, q, k, rng=seed)
    for i in range(m):
        for j in range(n):
            Ab = [A[2 * i : 2 * i + 2, 2 * t : 2 * t + 2] for t in range(q)]
            Bb = [B[2 * t : 2 * t + 2, j : j + 1] for t in range(q)]
            w = np.array([block_norm(a) * block_norm(b) for a, b in zip(Ab, Bb, strict=True)])
            if w.sum() == 0:
                assert (i, j) in sk.skipped
                continue
            p = w / w.sum()
            np.testing.assert_allclose(sk.probabilities[i, j], p, rtol=1e-12, atol=1e-15)
            # Float enumeration of all q^k outcomes (independent of the formula).
            C = sum(a @ b for a, b in zip(Ab, Bb, strict=True))
            err = 0.0
            for seq in itertools.product(range(q), repeat=k):
                pr = math.prod(p[t] for t in seq)
                if pr > 0:
                    est = sum(Ab[t] @ Bb[t] / (k * p[t]) for t in seq)
                    err += pr * float(np.sum((est - C) ** 2))
            bound = sum(block_norm(a) ** 2 for a in Ab) * sum(block_norm(b) ** 2 for b in Bb) / k
            assert sk.expected_sq_error[i, j] == pytest.approx(err, rel=1e-9, abs=1e-9)
            assert sk.lemma1_bound[i, j] == pytest.approx(bound, rel=1e-12)
            assert sk.expected_sq_error[i, j] <= bound * (1 + 1e-12) + 1e-12


# ----------------------------------------------------------------------------- statistics


def _var_per_entry(Ab, Bb, p, k):
    """Exact per-entry variance of the block CR-MM estimate: (1/k)(sum X_t^2/p_t - C^2)."""
    prods = [a @ b for a, b in zip(Ab, Bb, strict=True)]
    C = sum(prods)
    second = sum(P**2 / pt for P, pt in zip(prods, p, strict=True) if pt > 0)
    return (second - C**2) / k


def test_grid_unbiased_and_error_statistically():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 6))
    B = rng.normal(size=(6, 4))
    m = n = 2
    q, k, N = 3, 2, 2000
    gen = np.random.default_rng(12345)
    ests = np.empty((N, 4, 4))
    sqerr = np.empty((N, m, n))
    C = A @ B
    for r in range(N):
        sk = grid_crmm(A, B, m, n, q, k, gen)
        ests[r] = sk.estimate()
        D = (ests[r] - C) ** 2
        sqerr[r] = D.reshape(m, 2, n, 2).sum(axis=(1, 3))
    var = np.empty((4, 4))
    for i in range(m):
        for j in range(n):
            Ab = [A[2 * i : 2 * i + 2, 2 * t : 2 * t + 2] for t in range(q)]
            Bb = [B[2 * t : 2 * t + 2, 2 * j : 2 * j + 2] for t in range(q)]
            w = np.array([block_norm(a) * block_norm(b) for a, b in zip(Ab, Bb, strict=True)])
            var[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = _var_per_entry(Ab, Bb, w / w.sum(), k)
    # Unbiasedness: |mean - C| <= Z * sqrt(Var/N), Var exact per entry, Z = 5.
    assert np.all(np.abs(ests.mean(axis=0) - C) <= Z * np.sqrt(var / N) + 1e-12)
    # E||C_hat - C||^2 per block: Var of the squared error estimated by its sample variance.
    expected = sk.expected_sq_error
    assert np.all(np.abs(sqerr.mean(axis=0) - expected) <= Z * sqerr.std(axis=0) / np.sqrt(N))
    # The variance of each entry sums to the expected squared error of the block.
    np.testing.assert_allclose(var.reshape(m, 2, n, 2).sum(axis=(1, 3)), expected, rtol=1e-10)


def test_crmm_unbiased_statistically_and_formula():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 5))
    B = rng.normal(size=(5, 2))
    c, N = 3, 3000
    gen = np.random.default_rng(7)
    w = np.linalg.norm(A, axis=0) * np.linalg.norm(B, axis=1)
    p = w / w.sum()
    ests = np.empty((N, 3, 2))
    for r in range(N):
        est, idx = crmm(A, B, c, gen)
        assert idx.shape == (c,)
        # The estimate is the rescaled sum of the sampled outer products.
        manual = sum(np.outer(A[:, t], B[t, :]) / (c * p[t]) for t in idx)
        np.testing.assert_allclose(est, manual, rtol=1e-12, atol=1e-12)
        ests[r] = est
    Ab = [A[:, [t]] for t in range(5)]
    Bb = [B[[t], :] for t in range(5)]
    var = _var_per_entry(Ab, Bb, p, c)
    # Z = 5 standard errors, with the exact per-entry variance.
    assert np.all(np.abs(ests.mean(axis=0) - A @ B) <= Z * np.sqrt(var / N) + 1e-12)


def _chi2(counts, probs):
    expected = counts.sum() * probs
    return float(np.sum((counts - expected) ** 2 / expected))


def test_block_sampler_chi_square():
    rng = np.random.default_rng(11)
    A = rng.normal(size=(2, 10)) * np.repeat([1.0, 2.0, 0.5, 3.0, 1.5], 2)
    B = rng.normal(size=(10, 3))
    q, k = 5, 20000
    sk = block_crmm(A, B, q, k, rng=2024)
    w = np.array(
        [block_norm(A[:, 2 * t : 2 * t + 2]) * block_norm(B[2 * t : 2 * t + 2]) for t in range(q)]
    )
    p = w / w.sum()
    counts = np.bincount(np.array(sk.indices[(0, 0)]), minlength=q)
    assert counts.sum() == k
    assert {t: int(c) for t, c in enumerate(counts) if c} == sk.multiplicities[(0, 0)]
    # Goodness of fit at level 0.001, df = q - 1 = 4.
    assert _chi2(counts, p) < CHI2_DF4_P001
    # The same counts are decisively not uniform (the test has power).
    assert _chi2(counts, np.full(q, 1 / q)) > CHI2_DF4_P001


def test_crmm_sampler_chi_square():
    A = np.array([[1.0, 2.0, 0.0, 1.0, 3.0], [0.0, 1.0, 1.0, 1.0, 0.0]])
    B = np.array([[1.0], [1.0], [2.0], [0.5], [1.0]])
    _, idx = crmm(A, B, 20000, rng=99)
    w = np.linalg.norm(A, axis=0) * np.linalg.norm(B, axis=1)
    counts = np.bincount(idx, minlength=5)
    assert _chi2(counts, w / w.sum()) < CHI2_DF4_P001  # df = 4, level 0.001


# ----------------------------------------------------------------------------- structure of result


def test_merged_weights_and_samples_match_draws():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(4, 8))
    B = rng.normal(size=(8, 6))
    k = np.array([[3, 5, 1], [2, 4, 6]])
    sk = grid_crmm(A, B, 2, 3, 4, k, rng=8)
    assert isinstance(sk, GridSketch)
    assert sk.num_samples == k.sum()
    pos = 0
    expected = np.zeros((4, 6))
    for i in range(2):
        for j in range(3):
            draw = sk.indices[(i, j)]
            assert len(draw) == k[i, j]
            assert sum(sk.multiplicities[(i, j)].values()) == k[i, j]
            for t in draw:
                assert sk.samples[pos] == ((i, t), (t, j))
                assert sk.sample_blocks[pos] == (i, j)
                pos += 1
                p = sk.probabilities[i, j, t]
                a_blk = A[2 * i : 2 * i + 2, 2 * t : 2 * t + 2]
                blk = a_blk @ B[2 * t : 2 * t + 2, 2 * j : 2 * j + 2]
                expected[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] += blk / (k[i, j] * p)
            for t, c in sk.multiplicities[(i, j)].items():
                w = c / (k[i, j] * sk.probabilities[i, j, t])
                assert sk.weights[(i, j)][t] == pytest.approx(w, rel=1e-15)
    np.testing.assert_allclose(sk.estimate(), expected, rtol=1e-12, atol=1e-12)


def test_block_crmm_is_grid_with_one_block():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(3, 6)), rng.normal(size=(6, 2))
    a = block_crmm(A, B, 3, 4, rng=5)
    b = grid_crmm(A, B, 1, 1, 3, 4, rng=5)
    assert a.samples == b.samples and a.weights == b.weights
    assert all(s[0][0] == 0 and s[1][1] == 0 for s in a.samples)


def test_zero_blocks_get_probability_zero_and_are_never_sampled():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(4, 6))
    B = rng.normal(size=(6, 4))
    A[:, 2:4] = 0.0  # inner block 1 of A is zero
    sk = grid_crmm(A, B, 2, 2, 3, 500, rng=0)
    assert (sk.probabilities[:, :, 1] == 0).all()
    assert all(s[0][1] != 1 for s in sk.samples)
    np.testing.assert_allclose(sk.probabilities.sum(axis=2), 1.0)


def test_all_zero_block_is_exact_and_not_sampled():
    rng = np.random.default_rng(4)
    A = rng.normal(size=(4, 6))
    B = rng.normal(size=(6, 4))
    A[:2, :] = 0.0  # block row 0 of A is zero: C_{0,j} = 0 for all j
    B[:, 2:] = 0.0  # block column 1 of B is zero
    sk = grid_crmm(A, B, 2, 2, 3, np.array([[2, 3], [4, 5]]), rng=1)
    assert sk.skipped == frozenset({(0, 0), (0, 1), (1, 1)})
    for blk in sk.skipped:
        assert sk.indices[blk] == () and sk.weights[blk] == {}
        assert (sk.probabilities[blk] == 0).all()
        assert sk.expected_sq_error[blk] == 0
    assert sk.k[0, 1] == 3  # the request is recorded even though nothing was drawn
    assert sk.num_samples == 4 and set(sk.sample_blocks) == {(1, 0)}
    est = sk.estimate()
    assert (est[:2, :] == 0).all() and (est[:, 2:] == 0).all()


def test_inputs_not_modified_and_sketch_owns_copies():
    rng = np.random.default_rng(6)
    A = rng.normal(size=(4, 4))
    B = rng.normal(size=(4, 4))
    A0, B0 = A.copy(), B.copy()
    sk = grid_crmm(A, B, 2, 2, 2, 3, rng=0)
    est = sk.estimate()
    assert (A == A0).all() and (B == B0).all()
    A[:] = 0.0
    np.testing.assert_array_equal(sk.estimate(), est)
    with pytest.raises(ValueError):
        sk.probabilities[0, 0, 0] = 1.0  # read-only
    A1, B1 = A0.copy(), B0.copy()
    crmm(A0, B0, 3, 0)
    assert (A0 == A1).all() and (B0 == B1).all()


def test_rng_seed_and_generator_reproducible():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(4, 6)), rng.normal(size=(6, 4))
    a = grid_crmm(A, B, 2, 2, 3, 4, rng=42)
    b = grid_crmm(A, B, 2, 2, 3, 4, rng=np.random.default_rng(42))
    c = grid_crmm(A, B, 2, 2, 3, 4, rng=np.int64(42))
    assert a.samples == b.samples == c.samples
    e1, i1 = crmm(A, B, 5, 3)
    e2, i2 = crmm(A, B, 5, np.random.default_rng(3))
    assert (i1 == i2).all() and (e1 == e2).all()
    for bad in (None, 1.5, True, "1"):
        with pytest.raises(TypeError):
            grid_crmm(A, B, 2, 2, 3, 4, rng=bad)


def test_divisibility_errors_name_the_sizes():
    A, B = np.ones((10, 6)), np.ones((6, 4))
    with pytest.raises(ValueError, match=r"A has 10 rows, not divisible by m=3.*dividing 10"):
        grid_crmm(A, B, 3, 1, 1, 1, 0)
    with pytest.raises(ValueError, match=r"N=6 .*not divisible by q=4.*dividing 6"):
        grid_crmm(A, B, 1, 1, 4, 1, 0)
    with pytest.raises(ValueError, match=r"B has 4 columns, not divisible by n=3.*dividing 4"):
        grid_crmm(A, B, 1, 3, 1, 1, 0)
    with pytest.raises(ValueError, match=r"not divisible by q=4"):
        block_crmm(A, B, 4, 1, 0)


def test_input_validation():
    A, B = np.ones((4, 4)), np.ones((4, 4))
    with pytest.raises(ValueError, match="inner dimensions differ"):
        grid_crmm(A, np.ones((3, 4)), 1, 1, 1, 1, 0)
    with pytest.raises(ValueError, match="inner dimensions differ"):
        crmm(A, np.ones((3, 4)), 1, 0)
    bad = A.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN or Inf \(first at entry \(1, 2\)\)"):
        grid_crmm(bad, B, 1, 1, 1, 1, 0)
    bad[1, 2] = np.inf
    with pytest.raises(ValueError, match="NaN or Inf"):
        crmm(A, bad, 1, 0)
    with pytest.raises(ValueError, match="2-D"):
        grid_crmm(np.ones(4), B, 1, 1, 1, 1, 0)
    with pytest.raises(ValueError, match="empty"):
        grid_crmm(np.ones((0, 4)), B, 1, 1, 1, 1, 0)
    with pytest.raises(TypeError):
        grid_crmm(A.astype(complex), B, 1, 1, 1, 1, 0)
    with pytest.raises(ValueError, match="shape"):
        grid_crmm(A, B, 2, 2, 2, np.ones((2, 3), dtype=int), 0)
    with pytest.raises(ValueError, match=">= 1"):
        grid_crmm(A, B, 2, 2, 2, np.array([[1, 0], [1, 1]]), 0)
    with pytest.raises(ValueError):
        grid_crmm(A, B, 2, 2, 2, 0, 0)
    with pytest.raises(TypeError):
        grid_crmm(A, B, 2.0, 2, 2, 1, 0)


def test_extreme_scales_keep_probabilities_finite():
    A = np.array([[1e-200, 1e-200], [0.0, 1e-200]])
    B = np.array([[1e200, 0.0], [1e200, 1e200]])
    sk = grid_crmm(A, B, 1, 1, 2, 2, rng=0)
    # Column norms of A: 1e-200, sqrt(2)e-200; row norms of B: 1e200, sqrt(2)e200 -> 1 : 2.
    np.testing.assert_allclose(sk.probabilities[0, 0], [1 / 3, 2 / 3], rtol=1e-12)
    assert np.isfinite(sk.lemma1_bound).all()


def test_crmm_all_zero_products_is_exact_zero():
    A = np.array([[1.0, 0.0]])
    B = np.array([[0.0], [2.0]])
    est, idx = crmm(A, B, 4, rng=0)
    assert (est == 0).all() and idx.size == 0


def test_docstring_examples_run():
    assert doctest.testmod(sketch_mod).failed == 0
