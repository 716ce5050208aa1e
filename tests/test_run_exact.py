"""The exact path without processes (inline executor): CRT, quantization, Freivalds,
real-valued conditioning, inputs."""

import math
from fractions import Fraction

import numpy as np
import pytest

from ffcc.run import (
    Faults,
    Group,
    InputError,
    RealMatDot,
    TooManyFaults,
    VerificationFailed,
    choose_primes,
    freivalds,
    graph_matrix,
    load_matrix,
    matdot_scheme,
    quantization_bound,
    run_matmul,
    run_plan,
)

BIG = (1 << 31) - 1


def _run(A, B, **kw):
    kw.setdefault("m", 2)
    kw.setdefault("stragglers", 1)
    return run_matmul(A, B, executor="inline", progress=False, **kw)


def test_choose_primes_is_minimal():
    for bound in (10, 32768, 32769, 10**7, 2**40, 2**62, 2**64, 2**100):
        ps = choose_primes(bound)
        assert math.prod(ps) > 2 * bound
        if len(ps) > 1:
            assert math.prod(ps[:-1]) <= 2 * bound  # one prime fewer would not do
    assert choose_primes(32768) == (65537,)  # 2 * 32768 < 65537
    assert choose_primes(32769) == (33554393,)
    with pytest.raises(InputError, match="bits"):
        choose_primes(2**40, primes=[65537])


def test_crt_exact_near_2_62_int64_output():
    # |entries| <= 2^30, inner 4: products reach 4 * 2^60 = 2^62, which needs P > 2^63,
    # i.e. three 31-bit primes; the result still fits int64
    rng = np.random.default_rng(0)
    h = 1 << 30
    A = rng.integers(-h, h + 1, (5, 4))
    B = rng.integers(-h, h + 1, (4, 3))
    A[0], B[:, 0], A[1], B[:, 1] = h, h, -h, h
    C, rep = _run(A, B)
    ref = A.astype(object) @ B.astype(object)
    assert C.dtype == np.int64
    assert len(rep.groups[0].primes) == 3
    assert C[0, 0] == 1 << 62 and C[1, 1] == -(1 << 62)
    assert all(int(c) == int(r) for c, r in zip(C.ravel(), ref.ravel(), strict=True))


def test_crt_exact_beyond_int64():
    rng = np.random.default_rng(1)
    A = rng.integers(-BIG, BIG + 1, (4, 6))
    B = rng.integers(-BIG, BIG + 1, (6, 5))
    A[0], B[:, 0] = BIG, BIG
    C, rep = _run(A, B, m=3)
    ref = A.astype(object) @ B.astype(object)
    assert C.dtype == object and C[0, 0] == 6 * BIG * BIG > 1 << 64
    assert len(rep.groups[0].primes) >= 3
    assert (C == ref).all()
    assert rep.freivalds["passed"]


def test_crt_with_byzantine_worker_names_liar():
    rng = np.random.default_rng(2)
    A = rng.integers(-BIG, BIG + 1, (3, 4))
    B = rng.integers(-BIG, BIG + 1, (4, 3))
    C, rep = _run(A, B, stragglers=0, byzantine=1, faults=Faults(corrupt=[3]))
    assert (C == A.astype(object) @ B.astype(object)).all()
    assert rep.liars == [(0, 3)]
    assert rep.groups[0].events[3].status == "corrupted-detected"
    with pytest.raises(TooManyFaults, match="lied"):
        _run(A, B, stragglers=0, byzantine=1, faults=Faults(corrupt=[1, 3]))


def test_quantization_error_matches_exact_arithmetic():
    # A = (a + 1/2 - eps) 2^-f rounds down to a: delta = (1/2 - eps) 2^-f on every entry,
    # all of one sign. Entry (0, 0), where row 0 of A and column 0 of B hold the largest
    # values, then has error k delta (max A + max B - delta): within a factor
    # (1/2 - eps) / (1/2) = 0.97 of the bound
    f, n, k = 10, 3, 8
    eps = Fraction(1, 64)
    rng = np.random.default_rng(3)
    a = rng.integers(200, 1000, (n, k))
    b = rng.integers(200, 1000, (k, n))
    a[0], b[:, 0] = 999, 999
    Af = [[(Fraction(int(x)) + Fraction(1, 2) - eps) / 2**f for x in row] for row in a]
    Bf = [[(Fraction(int(x)) + Fraction(1, 2) - eps) / 2**f for x in row] for row in b]
    A = np.array([[float(x) for x in row] for row in Af])  # exact: few bits
    B = np.array([[float(x) for x in row] for row in Bf])
    C, rep = _run(A, B, frac_bits=f, stragglers=0)
    exact_err = max(
        abs(
            sum(Af[i][t] * Bf[t][j] for t in range(k))
            - Fraction(int(sum(int(a[i, t]) * int(b[t, j]) for t in range(k))), 4**f)
        )
        for i in range(n)
        for j in range(n)
    )
    e = rep.errors
    assert e["quant_max_abs"] == pytest.approx(float(exact_err), rel=1e-9)
    bound = k * 2.0 ** (-f - 1) * (np.abs(A).max() + np.abs(B).max() + 2.0 ** (-f - 1))
    assert e["quant_bound"] == pytest.approx(bound, rel=1e-12)
    assert e["quant_bound"] == quantization_bound(k, np.abs(A).max(), np.abs(B).max(), f)
    assert 0.96 * bound < e["quant_max_abs"] <= bound
    assert np.array_equal(C, np.ldexp((a @ b).astype(float), -2 * f))


def test_quantization_random_within_bound():
    rng = np.random.default_rng(4)
    A, B = rng.standard_normal((7, 12)), rng.standard_normal((12, 5))
    for f in (8, 20):
        C, rep = _run(A, B, frac_bits=f, m=3)
        assert np.abs(C - A @ B).max() <= rep.errors["quant_bound"]
        assert rep.errors["quant_rel_fro"] == pytest.approx(
            np.linalg.norm(C - A @ B) / np.linalg.norm(A @ B)
        )


def test_freivalds():
    rng = np.random.default_rng(5)
    A = rng.integers(-9, 10, (6, 7))
    B = rng.integers(-9, 10, (7, 4))
    C = A @ B
    assert freivalds(C, A, B, 2, rng)
    D = C.copy()
    D[3, 2] += 1
    assert not freivalds(D, A, B, 1, rng)


def test_undetectable_lie_with_b0_is_caught_by_freivalds():
    A = np.arange(12).reshape(3, 4)
    B = np.arange(8).reshape(4, 2)
    with pytest.raises(VerificationFailed, match="Freivalds"):
        _run(A, B, faults=Faults(corrupt=[0]))


def test_inputs_unchanged_inline():
    rng = np.random.default_rng(6)
    A, B = rng.standard_normal((5, 6)), rng.integers(-3, 4, (6, 4))
    A0, B0 = A.copy(), B.copy()
    C, _ = _run(A, B, real=True)
    assert np.array_equal(A, A0) and np.array_equal(B, B0)
    assert not np.shares_memory(C, A) and not np.shares_memory(C, B)


def test_fixed_scheme_too_small_and_factory_mismatch():
    S = matdot_scheme(65537, 2, 1)
    big = np.full((2, 2), 1000)
    blocks = [[big[:, :1], big[:, 1:]], [big[:1], big[1:]]]
    with pytest.raises(InputError, match="factory"):
        run_plan([Group(S, blocks)], executor="inline", progress=False)
    C, _ = run_plan([Group(lambda p: matdot_scheme(p, 2, 1), blocks)], executor="inline")
    assert (C == big @ big).all()
    huge = np.full((2, 2), 1 << 20)  # range 2^41: two 31-bit primes
    blocks = [[huge[:, :1], huge[:, 1:]], [huge[:1], huge[1:]]]
    with pytest.raises(InputError, match="different codes"):
        run_plan(
            [Group(lambda p: matdot_scheme(p, 2, 1 if p == BIG else 2), blocks)],
            executor="inline",
        )


def test_plan_with_two_groups_and_placement():
    rng = np.random.default_rng(7)
    A = rng.integers(-5, 6, (4, 6))
    B = rng.integers(-5, 6, (6, 3))
    groups = []
    for r in (0, 2):  # rows r, r+1 of C from their own coded group
        Ab = [A[r : r + 2, :3], A[r : r + 2, 3:]]
        groups.append(Group(lambda p: matdot_scheme(p, 2, 1), [Ab, [B[:3], B[3:]]], [(0, (r, 0))]))
    C, rep = run_plan(groups, shape=(4, 3), executor="inline", progress=False, reference=A @ B)
    assert (C == A @ B).all() and rep.errors["rel_error"] == 0.0
    assert rep.workers_used == 8 and len(rep.groups) == 2


def test_real_valued_conditioning():
    # at s = 0 every worker answers; Chebyshev polynomials are discretely orthogonal at the
    # w Chebyshev points (sum_j T_k T_l = 0 for k != l, w for k = l = 0, w/2 otherwise),
    # so V^T V = diag(w, w/2, ...) and cond(V) = sqrt(2) exactly
    assert RealMatDot(4, 0).worst_condition() == pytest.approx(math.sqrt(2), rel=1e-12)
    cheb = RealMatDot(4, 2).worst_condition()
    mono = RealMatDot(4, 2, basis="monomial", nodes="integer").worst_condition()
    assert cheb < 1e3 < 1e6 < mono
    rng = np.random.default_rng(8)
    A, B = rng.integers(-9, 10, (20, 16)), rng.integers(-9, 10, (16, 20))
    _, rep = _run(A, B, m=4, stragglers=2, real=True)
    assert rep.errors["real_rel_error_vs_exact"] < 1e-12
    assert rep.errors["real_worst_condition_seen"] <= cheb * (1 + 1e-9)
    _, rep = _run(A, B, m=4, stragglers=2, real=True, real_basis="monomial")
    assert rep.errors["real_rel_error_vs_exact"] > 1e-12  # visibly worse


def test_load_matrix(tmp_path):
    good = tmp_path / "a.npy"
    np.save(good, np.arange(6).reshape(2, 3))
    assert load_matrix(good).shape == (2, 3)
    cases = {
        "obj.npy": (np.array([[1, "x"]], dtype=object), "object"),
        "nan.npy": (np.array([[1.0, np.nan]]), "finite"),
        "cube.npy": (np.zeros((2, 2, 2)), "3-D"),
        "str.npy": (np.array([["a"]]), "dtype"),
    }
    for name, (arr, msg) in cases.items():
        np.save(tmp_path / name, arr, allow_pickle=True)
        with pytest.raises(InputError, match=msg):
            load_matrix(tmp_path / name)
    with pytest.raises(InputError, match="does not exist"):
        load_matrix(tmp_path / "missing.npy")


def test_karate_two_paths():
    A = graph_matrix("karate")
    assert A.shape == (34, 34) and (A == A.T).all() and A.sum() == 2 * 78
    C, _ = _run(A, A, m=2)
    assert (C == A @ A).all()
    assert (np.diag(C) == A.sum(axis=1)).all()  # closed 2-paths = degrees
    with pytest.raises(InputError, match="unknown graph"):
        graph_matrix("nope")


def test_bad_inputs():
    with pytest.raises(InputError, match="inner"):
        _run(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(InputError, match="NaN"):
        _run(np.array([[np.inf]]), np.ones((1, 1)))
    with pytest.raises(InputError, match="2-D"):
        _run(np.ones(3), np.ones((3, 1)))
