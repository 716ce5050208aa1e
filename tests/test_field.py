"""ffcc.field against independent oracles: python-flint ``nmod_mat`` and Python integers.

Every expected value here is computed by flint, by Python's arbitrary-precision integers
or by a closed form; nothing is checked against ffcc itself.
"""

import operator

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc.field import FAST_LIMIT, MAX_PRIME, FieldError, PrimeField, _limb_plan, crt
from ffcc.strategies import field_arrays, field_elements, field_matrices, fields, primes

P25 = int(sympy.prevprime(2**25))  # a 25-bit prime: two limbs on the one-sided path
P31 = 2**31 - 1  # the largest prime below 2^31: the largest the one-sided path accepts
P31_UP = int(sympy.nextprime(2**31))  # the smallest prime of the two-sided path
P32 = int(sympy.prevprime(2**32))
P61 = 2**61 - 1
PRIMES = [2, 3, 65537, P25, P31, P31_UP, P32, P61, MAX_PRIME]
QUICK = settings(deadline=None, max_examples=30)


@pytest.fixture(autouse=True)
def _compiled_kernels(monkeypatch):
    # small inputs take numpy paths while a kernel is neither compiled nor cached; the
    # tests here are about the kernels (the numpy paths have their own tests below)
    import ffcc.field as field

    monkeypatch.setattr(field, "_kernel_ready", lambda kernel: True)


# ----------------------------------------------------------------------------- oracles


def fmat(A, p):
    A = np.asarray(A)
    return flint.nmod_mat(A.shape[0], A.shape[1], [int(x) for x in A.ravel()], p)


def tonp(M):
    return np.array([[int(x) for x in row] for row in M.tolist()], dtype=np.int64).reshape(
        M.nrows(), M.ncols()
    )


def py_matmul(A, B, p):
    """Exact product with Python ints (rows of A against columns of B)."""
    A = [[int(x) for x in row] for row in np.asarray(A)]
    Bt = [[int(x) for x in col] for col in np.asarray(B).T]
    return np.array(
        [[sum(map(operator.mul, a, b)) % p for b in Bt] for a in A], dtype=np.int64
    ).reshape(len(A), len(Bt))


def flint_pivots(R):
    """Pivot columns of a reduced row echelon form (first non-zero of each non-zero row)."""
    out = []
    for row in tonp(R):
        nz = np.flatnonzero(row)
        if nz.size:
            out.append(int(nz[0]))
    return out


def signed_range(p):
    """Representatives of GF(p) closest to 0: [-(p-1)/2, (p-1)/2] for odd p, [0, 1] for 2."""
    return -((p - 1) // 2), p // 2


def rng_for(p, salt=0):
    return np.random.default_rng((p * 7919 + salt) % 2**32)


def low_rank(F, n, m, r, rng):
    """A random n x m matrix of rank <= r (a product computed by flint)."""
    if min(n, m, r) == 0:
        return np.zeros((n, m), dtype=np.int64)
    return tonp(fmat(F.random((n, r), rng), F.p) * fmat(F.random((r, m), rng), F.p))


def lagrange_oracle(x, z, p):
    """L[j][i] = prod_{k != i} (z_j - x_k) / (x_i - x_k) mod p, by Python integers."""
    rows = []
    for zj in z:
        row = []
        for i, xi in enumerate(x):
            num = den = 1
            for k, xk in enumerate(x):
                if k != i:
                    num, den = num * (zj - xk) % p, den * (xi - xk) % p
            row.append(num * pow(den, -1, p) % p)
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- primes


@pytest.mark.parametrize("p", PRIMES)
def test_prime_fields_accepted(p):
    F = PrimeField(p)
    assert F.p == p and isinstance(F.p, int)
    assert F.fast == (p < 2**31)
    assert PrimeField(np.int64(p)) == F and hash(PrimeField(p)) == hash(F)


def test_fast_path_boundary():
    assert FAST_LIMIT == 2**31
    assert PrimeField(P31).fast and not PrimeField(P31_UP).fast
    assert MAX_PRIME == sympy.prevprime(2**63)


@pytest.mark.parametrize(
    "n, nxt", [(4, 5), (65536, 65537), (2**31, P31_UP), (2**25 - 1, sympy.nextprime(2**25))]
)
def test_composite_refused_naming_next_prime(n, nxt):
    with pytest.raises(FieldError, match=f"{n} is not prime; the next prime is {nxt}$"):
        PrimeField(n)


def test_bad_moduli_refused():
    for bad in (0, 1, -7, 2**63, 2**64 + 13):
        with pytest.raises(FieldError, match="outside 2 <= p < 2\\^63"):
            PrimeField(bad)
    with pytest.raises(FieldError, match="not prime") as e:
        PrimeField(2**63 - 1)  # composite; its next prime is past 2^63, so no hint
    assert "next prime" not in str(e.value)
    for bad in (True, 7.0, "7", None):
        with pytest.raises(FieldError, match="integer prime"):
            PrimeField(bad)


# ----------------------------------------------------------------------------- array / embed


@pytest.mark.parametrize("p", PRIMES)
def test_array_accepts_the_field_and_refuses_the_rest(p):
    F = PrimeField(p)
    a = F.array([[0, p - 1], [1, p // 2]])
    assert a.dtype == np.int64 and a.tolist() == [[0, p - 1], [1, p // 2]]
    with pytest.raises(FieldError, match=f"holds {p}, outside \\[0, {p}\\)"):
        F.array([0, p, 1])
    with pytest.raises(FieldError, match="holds -1, outside"):
        F.array([0, -1])
    assert F.array(np.array([[1.0, 0.0]])).tolist() == [[1, 0]]
    assert F.array([True, False]).tolist() == [1, 0]


@pytest.mark.parametrize(
    "bad, match",
    [
        ([1.0, np.nan], r"holds nan at index \(1,\); field entries must be finite"),
        ([[np.inf, 0.0]], r"holds inf at index \(0, 0\)"),
        ([-np.inf], "holds -inf"),
        ([0.0, 1.5], r"non-integer 1.5 at index \(1,\)"),
        ([2.0**53], "2\\^53"),
        (np.array([2**63], dtype=np.uint64), "int64 range"),
        (np.array([2**70], dtype=object), "int64 range"),
        (np.array(["a"], dtype=object), "non-integer"),
        (np.array(["1"]), "expected integers"),
        (np.array([1 + 2j]), "expected integers"),
    ],
)
def test_array_refuses_non_integers(bad, match):
    with pytest.raises(FieldError, match=match):
        PrimeField(MAX_PRIME).array(bad)


@pytest.mark.parametrize("p", PRIMES)
def test_embed_lift_edges(p):
    F = PrimeField(p)
    lo, hi = signed_range(p)
    assert F.signed_bound == (p - 1) // 2 and F.signed_range == (lo, hi)
    x = np.array(sorted({lo, hi, 0, min(1, hi), max(-1, lo)}), dtype=np.int64)
    y = F.embed(x)
    assert y.tolist() == [(int(v) % p) for v in x]
    assert F.lift(y).tolist() == x.tolist()
    for bad in (hi + 1, lo - 1):
        with pytest.raises(FieldError, match=f"values\\[1\\] = {bad} does not fit"):
            F.embed([0, bad])
    # Python ints beyond int64 and the most negative int64 are refused the same way
    with pytest.raises(FieldError, match="does not fit"):
        F.embed(np.array([2**70], dtype=object))
    with pytest.raises(FieldError, match=f"values\\[0\\] = {-(2**63)} does not fit"):
        F.embed(np.array([-(2**63), 0], dtype=np.int64))


@pytest.mark.parametrize("p", [2, 3, 5, 7, 65537])
def test_lift_inverts_embed_on_every_element(p):
    F = PrimeField(p)
    lo, hi = signed_range(p)
    y = np.arange(p, dtype=np.int64) if p < 100 else np.array([0, 1, hi, hi + 1, p - 1])
    x = F.lift(y)
    assert lo <= x.min() and x.max() <= hi, (
        f"lift{y.tolist()} = {x.tolist()} leaves the signed range [{lo}, {hi}] of GF({p})"
    )
    assert (F.embed(x) == y).all()


def test_scalars_keep_their_shape():
    F = PrimeField(7)
    assert F.embed(-1).shape == ()  # embed keeps a 0-d input 0-d; the others must too
    assert F.array(5).shape == (), f"array(5) has shape {F.array(5).shape}"
    assert F.array(np.int64(3)).shape == ()
    assert F.lift(6).shape == (), f"lift(6) has shape {F.lift(6).shape}"
    assert F.mul(2, 3).shape == (), f"mul(2, 3) has shape {F.mul(2, 3).shape}"
    assert F.add(2, 3).shape == ()


@QUICK
@given(st.data(), primes())
def test_embed_lift_round_trip(data, p):
    F = PrimeField(p)
    lo, hi = signed_range(p)
    xs = data.draw(st.lists(st.integers(lo, hi) | st.sampled_from([lo, hi]), max_size=8))
    x = np.array(xs, dtype=np.int64)
    y = F.embed(x)
    assert y.tolist() == [v % p for v in xs]
    assert F.lift(y).tolist() == xs


# ----------------------------------------------------------------------------- elementwise


@pytest.mark.parametrize("p", PRIMES)
def test_elementwise_at_the_edges(p):
    F = PrimeField(p)
    h = (p - 1) // 2
    vals = sorted({v % p for v in (0, 1, 2, h, h + 1, p - 2, p - 1)})
    a = np.array([x for x in vals for _ in vals], dtype=np.int64)
    b = np.array([y for _ in vals for y in vals], dtype=np.int64)
    pa, pb = [int(x) for x in a], [int(y) for y in b]
    assert F.mul(a, b).tolist() == [x * y % p for x, y in zip(pa, pb, strict=True)]
    assert F.add(a, b).tolist() == [(x + y) % p for x, y in zip(pa, pb, strict=True)]
    assert F.sub(a, b).tolist() == [(x - y) % p for x, y in zip(pa, pb, strict=True)]
    assert F.neg(a).tolist() == [(-x) % p for x in pa]
    for x in vals[1:]:
        assert F.inv(x) * x % p == 1
    with pytest.raises(ZeroDivisionError):
        F.inv(p)


def test_random_elements():
    F = PrimeField(MAX_PRIME)
    x = F.random((50, 3), 1)
    assert x.shape == (50, 3) and x.dtype == np.int64
    assert x.min() >= 0 and x.max() < MAX_PRIME
    assert (F.random((50, 3), 1) == x).all()
    assert x.max() > 2**62  # really spread over the field


# ----------------------------------------------------------------------------- matmul


SHAPES = [(0, 0, 0), (0, 3, 2), (2, 0, 3), (3, 2, 0), (1, 1, 1), (1, 5, 1), (5, 7, 3), (17, 33, 9)]


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("n, k, m", SHAPES)
def test_matmul_matches_flint(p, n, k, m):
    F = PrimeField(p)
    rng = rng_for(p, n * 100 + k * 10 + m)
    A, B = F.random((n, k), rng), F.random((k, m), rng)
    C = F.matmul(A, B)
    assert C.shape == (n, m) and C.dtype == np.int64
    assert (C == tonp(fmat(A, p) * fmat(B, p))).all()
    # every entry p - 1: (p-1)^2 = 1, so each entry is k mod p
    full = np.full((n, k), p - 1), np.full((k, m), p - 1)
    assert (F.matmul(*full) == k % p).all()


@pytest.mark.parametrize("p", [65537, P31, MAX_PRIME])
def test_matmul_large_square_matches_flint(p):
    F = PrimeField(p)
    rng = rng_for(p, 1)
    A, B = F.random((160, 200), rng), F.random((200, 120), rng)
    A[::7] = p - 1
    assert (F.matmul(A, B) == tonp(fmat(A, p) * fmat(B, p))).all()
    # non-contiguous operands
    assert (F.matmul(B.T, A.T) == tonp(fmat(B.T, p) * fmat(A.T, p))).all()


@pytest.mark.parametrize("p", [2, 3, 65537, P25, P31])
@pytest.mark.parametrize("k", [1, 7, 511, 512, 3000, 10**6])
def test_limb_plan_keeps_every_sum_exact(p, k):
    L, s, chunk = _limb_plan(p, k)
    bits = (p - 1).bit_length()
    assert L * s >= bits and 1 <= chunk <= k
    assert chunk * (2**s - 1) * (p - 1) < 2**52  # partial sums of one limb GEMM
    assert (p - 1) * 2**s + p < 2**53  # one Horner step of the recombination
    assert chunk >= min(k, 512)


def test_limb_plan_matches_the_field_notes():
    assert _limb_plan(65537, 1024)[0] == 1
    assert _limb_plan(P25, 1024)[0] == 2
    assert _limb_plan(P31, 1024)[0] == 3
    assert _limb_plan(P31, 3000)[2] < 3000  # inner dimension 3000 is chunked


@pytest.mark.parametrize(
    "p, k",
    [
        (P31, 3000),  # one-sided, 3 limbs, chunks of 1024
        (P25, _limb_plan(P25, 10**9)[2] + 5),  # one-sided, 2 limbs, past one chunk
        (P31_UP, 3000),
        (MAX_PRIME, 2**52 // (4 * 65535**2) + 7),  # two-sided, past one chunk
    ],
)
def test_matmul_long_inner_dimension(p, k):
    F = PrimeField(p)
    rng = rng_for(p, k)
    A, B = F.random((3, k), rng), F.random((k, 2), rng)
    A[0] = p - 1
    B[:, 0] = p - 1
    C = F.matmul(A, B)
    assert (C == py_matmul(A, B, p)).all()
    assert C[0, 0] == k % p  # the worst case for the partial sums
    assert (F.matmul(np.full((1, k), p - 1), np.full((k, 1), p - 1)) == k % p).all()


@QUICK
@given(st.data(), fields(), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))
def test_matmul_hypothesis(data, F, n, k, m):
    A = data.draw(field_matrices(F, n, k))
    B = data.draw(field_matrices(F, k, m))
    assert (F.matmul(A, B) == tonp(fmat(A, F.p) * fmat(B, F.p))).all()


def test_matmul_shape_mismatch():
    with pytest.raises(FieldError, match="do not align"):
        PrimeField(7).matmul(np.zeros((2, 3)), np.zeros((2, 3)))


# ----------------------------------------------------------------------------- linear algebra


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize(
    "n, m, r", [(0, 0, 0), (1, 1, 1), (1, 4, 0), (5, 5, 5), (6, 4, 2), (4, 9, 3)]
)
def test_rank_rref_match_flint(p, n, m, r):
    F = PrimeField(p)
    M = low_rank(F, n, m, r, rng_for(p, n + m + r))
    M[:, -1:] = p - 1 if r else 0
    fm = fmat(M, p)
    assert F.rank(M) == fm.rank()
    R, piv = F.rref(M)
    if M.size:
        fR, rk = fm.rref()
        assert (R == tonp(fR)).all() and rk == piv.size
        assert piv.tolist() == flint_pivots(fR)


@QUICK
@given(st.data(), fields())
def test_rank_rref_hypothesis(data, F):
    M = data.draw(field_matrices(F, max_side=6))
    fm = fmat(M, F.p)
    assert F.rank(M) == fm.rank()
    if M.size:
        R, piv = F.rref(M)
        fR, rk = fm.rref()
        assert (R == tonp(fR)).all() and piv.tolist() == flint_pivots(fR)


@QUICK
@given(st.data(), fields(), st.integers(0, 5), st.integers(0, 5), st.integers(1, 3))
def test_solve_hypothesis(data, F, n, m, k):
    p = F.p
    A = data.draw(field_matrices(F, n, m))
    b = data.draw(field_matrices(F, n, k))
    consistent = fmat(np.concatenate([A, b], axis=1), p).rank() == fmat(A, p).rank()
    if not consistent:
        with pytest.raises(FieldError, match="no solution"):
            F.solve(A, b)
        return
    x = F.solve(A, b)
    assert x.shape == (m, k)
    assert (py_matmul(A, x, p) == b).all()
    xv = F.solve(A, b[:, 0])
    assert xv.shape == (m,) and (py_matmul(A, xv[:, None], p)[:, 0] == b[:, 0]).all()


@pytest.mark.parametrize("p", PRIMES)
def test_solve_consistent_and_inconsistent(p):
    F = PrimeField(p)
    rng = rng_for(p, 3)
    A = low_rank(F, 6, 5, 3, rng)
    x0 = F.random((5, 2), rng)
    b = py_matmul(A, x0, p)
    x = F.solve(A, b)
    assert (py_matmul(A, x, p) == b).all()
    b2 = b.copy()
    # a right-hand side outside the column space (flint decides which)
    for i in range(6):
        b2 = b.copy()
        b2[i, 0] = (b2[i, 0] + 1) % p
        if fmat(np.concatenate([A, b2], axis=1), p).rank() > fmat(A, p).rank():
            break
    with pytest.raises(FieldError, match="no solution"):
        F.solve(A, b2)


@pytest.mark.parametrize("p", PRIMES)
def test_inverse_matches_flint(p):
    F = PrimeField(p)
    rng = rng_for(p, 4)
    for n in (1, 2, 5, 12):
        A = F.random((n, n), rng)
        A[0, 0] = p - 1
        fa = fmat(A, p)
        if fa.rank() < n:
            with pytest.raises(FieldError, match="singular"):
                F.inverse(A)
            continue
        assert (F.inverse(A) == tonp(fa.inv())).all()
    S = low_rank(F, 4, 4, 3, rng)
    with pytest.raises(FieldError, match="singular"):
        F.inverse(S)
    assert F.inverse(np.zeros((0, 0), dtype=np.int64)).shape == (0, 0)


@QUICK
@given(st.data(), fields(), st.integers(0, 5), st.integers(0, 4))
def test_batched_kernels_hypothesis(data, F, n, batch):
    p = F.p
    A = np.zeros((batch, n, n), dtype=np.int64)
    B = np.zeros((batch, n, 2), dtype=np.int64)
    for t in range(batch):
        A[t] = data.draw(field_matrices(F, n, n))
        B[t] = data.draw(field_matrices(F, n, 2))
    ranks = [fmat(a, p).rank() for a in A]
    assert F.batched_rank(A).tolist() == ranks
    X, ok = F.batched_solve(A, B)
    Xv, okv = F.batched_solve(A, B[:, :, 0])
    Ai, oki = F.batched_inv(A)
    assert ok.tolist() == okv.tolist() == oki.tolist() == [r == n for r in ranks]
    for t in range(batch):
        if ok[t] and n:
            fa = fmat(A[t], p)
            assert (X[t] == tonp(fa.solve(fmat(B[t], p)))).all()
            assert (Xv[t] == X[t][:, 0]).all()
            assert (Ai[t] == tonp(fa.inv())).all()


@pytest.mark.parametrize("p", PRIMES)
def test_batched_kernels_fixed(p):
    F = PrimeField(p)
    rng = rng_for(p, 5)
    A = F.random((6, 7, 7), rng)
    A[1] = low_rank(F, 7, 7, 5, rng)
    A[2, :, 3] = 0
    A[3] = np.eye(7, dtype=np.int64) * (p - 1)
    ranks = [fmat(a, p).rank() for a in A]
    assert F.batched_rank(A).tolist() == ranks
    assert F.batched_rank(A[:, :, :4]).tolist() == [fmat(a, p).rank() for a in A[:, :, :4]]
    Ai, ok = F.batched_inv(A)
    assert ok.tolist() == [r == 7 for r in ranks]
    for t in np.flatnonzero(ok):
        assert (Ai[t] == tonp(fmat(A[t], p).inv())).all()
    assert F.batched_rank(np.zeros((0, 3, 3))).shape == (0,)
    assert F.batched_rank(np.zeros((2, 0, 3))).tolist() == [0, 0]
    with pytest.raises(FieldError, match="batch"):
        F.batched_rank(np.zeros((3, 3)))
    with pytest.raises(FieldError, match="square"):
        F.batched_inv(np.zeros((2, 3, 4)))


@QUICK
@given(st.data(), fields())
def test_nullspace_hypothesis(data, F):
    p = F.p
    A = data.draw(field_matrices(F, max_side=6))
    N = F.nullspace(A)
    m = A.shape[1]
    nullity = m - (fmat(A, p).rank() if A.size else 0)
    assert N.shape == (nullity, m)
    if N.size:
        assert fmat(N, p).rank() == nullity
        assert not py_matmul(A, N.T, p).any()
        if A.size:
            assert fmat(A, p).nullspace()[1] == nullity


# ----------------------------------------------------------------------------- polynomials


def py_lagrange(nodes, z, i, p):
    num = den = 1
    for k, xk in enumerate(nodes):
        if k != i:
            num = num * (z - xk) % p
            den = den * (nodes[i] - xk) % p
    return num * pow(den, -1, p) % p


def draw_nodes(data, F, max_size=8, min_size=0):
    return data.draw(
        st.lists(field_elements(F), unique=True, min_size=min_size, max_size=min(max_size, F.p))
    )


@QUICK
@given(st.data(), fields())
def test_vandermonde_and_inverse(data, F):
    p = F.p
    x = draw_nodes(data, F)
    n = len(x)
    V = F.vandermonde(x, n)
    assert V.shape == (n, n)
    assert V.tolist() == [[pow(xi, j, p) for j in range(n)] for xi in x]
    Vi = F.vandermonde_inverse(x)
    assert (py_matmul(Vi, V, p) == np.eye(n, dtype=np.int64)).all()
    assert (py_matmul(V, Vi, p) == np.eye(n, dtype=np.int64)).all()
    if n:
        assert (Vi == tonp(fmat(V, p).inv())).all()
    # rectangular Vandermonde
    assert F.vandermonde(x, 3).tolist() == [[pow(xi, j, p) for j in range(3)] for xi in x]


@QUICK
@given(st.data(), fields())
def test_interpolate_inverts_poly_eval(data, F):
    p = F.p
    x = draw_nodes(data, F, min_size=1)
    n = len(x)
    c = data.draw(field_arrays(F, (n, 2)))
    v = F.poly_eval(c, x)
    horner = [
        [sum(int(c[j, t]) * pow(xi, j, p) for j in range(n)) % p for t in range(2)] for xi in x
    ]
    assert v.tolist() == horner
    assert (F.interpolate(x, v) == c).all()
    c3 = data.draw(field_arrays(F, (n, 2, 3)))
    assert (F.interpolate(x, F.poly_eval(c3, x)) == c3).all()
    with pytest.raises(FieldError, match="values"):
        F.interpolate(x, v[:-1]) if n > 1 else F.interpolate(x, np.zeros((2, 2), np.int64))


@QUICK
@given(st.data(), fields())
def test_lagrange_matrix(data, F):
    p = F.p
    x = draw_nodes(data, F, min_size=1, max_size=6)
    z = data.draw(st.lists(field_elements(F), max_size=5)) + x[:1]
    L = F.lagrange_matrix(x, z)
    assert L.tolist() == [[py_lagrange(x, zj, i, p) for i in range(len(x))] for zj in z]
    # applied to values of a polynomial of degree < n it evaluates the polynomial
    c = [int(v) for v in data.draw(field_arrays(F, len(x)))]
    fx = np.array([[sum(cj * pow(xi, j, p) for j, cj in enumerate(c)) % p] for xi in x])
    fz = [sum(cj * pow(zj, j, p) for j, cj in enumerate(c)) % p for zj in z]
    assert py_matmul(L, fx, p)[:, 0].tolist() == fz


@pytest.mark.parametrize("p", [P31, MAX_PRIME])
def test_polynomials_at_large_sizes(p):
    F = PrimeField(p)
    x = F.nodes(64)
    assert x.tolist() == list(range(1, 65))
    V = F.vandermonde(x, 64)
    assert (F.vandermonde_inverse(x) == tonp(fmat(V, p).inv())).all()
    c = F.random((64, 5), 9)
    assert (F.interpolate(x, F.poly_eval(c, x)) == c).all()


def test_nodes_and_distinctness_errors():
    F = PrimeField(5)
    assert F.nodes(4).tolist() == [1, 2, 3, 4]
    assert F.nodes(3, start=2).tolist() == [2, 3, 4]
    with pytest.raises(FieldError, match="too few elements for 5 distinct .* use a prime p >= 7"):
        F.nodes(5)
    with pytest.raises(FieldError, match="distinct"):
        F.vandermonde_inverse([1, 2, 1])
    with pytest.raises(FieldError, match="distinct"):
        F.lagrange_matrix([3, 3], [1])


# ----------------------------------------------------------------------------- crt


def test_crt_reconstructs_integer_products():
    rng = np.random.default_rng(11)
    qs = [P61, MAX_PRIME, int(sympy.prevprime(2**62))]
    A = [[int(v) for v in row] for row in rng.integers(-(2**40), 2**40, size=(3, 8))]
    B = [[int(v) for v in row] for row in rng.integers(-(2**40), 2**40, size=(8, 4))]
    exact = [[sum(A[i][t] * B[t][j] for t in range(8)) for j in range(4)] for i in range(3)]
    assert max(abs(v) for row in exact for v in row) > 2**63  # beyond any one int64
    residues = []
    for q in qs:
        F = PrimeField(q)
        residues.append(F.matmul(F.embed(np.array(A)), F.embed(np.array(B))))
    out = crt(residues, qs)
    assert out.dtype == object and out.tolist() == exact


def test_crt_small_primes_exhaustive():
    qs = (3, 5, 7)
    xs = list(range(-52, 53))  # the symmetric range of 105
    residues = [np.array([x % q for x in xs]) for q in qs]
    assert crt(residues, qs).tolist() == xs


@pytest.mark.parametrize("p", [65537, 2**25 - 39, 2**31 - 1])
def test_matmul_products_that_are_exact_multiples_of_p(p):
    # [A | I] @ [B ; -(AB mod p)] is 0 mod p in every entry while its integer value is a
    # large multiple of p: the float reduction must land on 0, never on p
    F = PrimeField(p)
    rng = np.random.default_rng(7)
    A = F.random((64, 700), rng)
    B = F.random((700, 48), rng)
    A[0] = p - 1
    AB = (A.astype(object) @ B.astype(object)) % p
    A2 = np.concatenate([A, np.eye(64, dtype=np.int64)], axis=1)
    B2 = np.concatenate([B, ((-AB) % p).astype(np.int64)], axis=0)
    C = F.matmul(A2, B2)
    assert C.max() < p and not C.any()


# ------------------------------------------- small sizes: numpy paths, nothing compiled
# A small job must not compile a numba kernel (about 1 s each): below ffcc.field._SMALL_WORK
# the field uses numpy paths unless the kernel is compiled or cached already. Here every
# kernel counts as uncompiled and calling one fails, so the numpy paths run; their values
# come from flint and Python integers, entries p - 1 included.


@pytest.fixture
def numpy_paths(monkeypatch):
    import ffcc._kernels as kernels
    import ffcc.field as field

    monkeypatch.setattr(field, "_kernel_ready", lambda kernel: False)
    monkeypatch.setattr(field, "_SPENT", {})

    class NoKernels:
        def __getattr__(self, name):
            if hasattr(kernels, name) and hasattr(getattr(kernels, name), "py_func"):
                raise AssertionError(f"compiled kernel {name} called on a small input")
            return getattr(kernels, name)

    monkeypatch.setattr(field, "K", NoKernels())


def _worst(F, shape, seed):
    A = F.random(shape, seed)
    A.flat[:: max(1, A.size // 5)] = F.p - 1
    return A


@pytest.mark.parametrize("p", PRIMES)
def test_small_numpy_paths_are_exact(numpy_paths, p):
    F = PrimeField(p)
    A, B = _worst(F, (7, 9), 1), _worst(F, (9, 5), 2)
    A[:, 0] = p - 1
    assert np.array_equal(F.matmul(A, B), tonp(fmat(A, p) * fmat(B, p)))
    assert np.array_equal(F.mul(A, A), (A.astype(object) ** 2 % p).astype(np.int64))
    S = _worst(F, (6, 6), 3)
    S[5] = ((S[0].astype(object) + S[1]) % p).astype(np.int64)  # rank 5
    assert F.rank(S) == fmat(S, p).rank() == 5
    R, piv = F.rref(S)
    want, rank = fmat(S, p).rref()
    assert np.array_equal(R, tonp(want)) and piv.size == rank
    assert F.batched_rank(np.stack([S, A[:6, :6], np.zeros((6, 6), np.int64)])).tolist() == [
        5, fmat(A[:6, :6], p).rank(), 0,
    ]  # fmt: skip
    for N in (F.nullspace(S),):
        assert N.shape[0] == 1 and not F.matmul(S, N.T).any()
    M = _worst(F, (5, 5), 4)
    if fmat(M, p).rank() == 5:
        assert np.array_equal(F.inverse(M), tonp(fmat(M, p).inv()))
        b = _worst(F, (5,), 5)
        assert np.array_equal(F.matmul(M, F.solve(M, b)[:, None])[:, 0], b)
    X, ok = F.batched_solve(np.stack([M, S[:5, :5] * 0]), np.stack([M[:, 0], M[:, 1]]))
    assert ok.tolist() == [fmat(M, p).rank() == 5, False]
    if ok[0]:
        assert X[0].tolist() == [1, 0, 0, 0, 0]  # M x = first column of M


@pytest.mark.parametrize("p", [5, 65537, P31, P31_UP, MAX_PRIME])
def test_small_numpy_polynomial_paths_are_exact(numpy_paths, p):
    F = PrimeField(p)
    x = [1, 2, p - 1, p - 2, 3] if p > 5 else [0, 1, 2, 3, 4]
    z = [0, p - 1, 7 % p, 2]
    V = F.vandermonde(x, 6)
    assert V.tolist() == [[pow(int(xi), j, p) for j in range(6)] for xi in x]
    Vi = F.vandermonde_inverse(x)
    assert tonp(fmat(F.vandermonde(x, 5), p) * fmat(Vi, p)).tolist() == np.eye(5).tolist()
    L = F.lagrange_matrix(x, z)
    assert np.asarray(L).tolist() == lagrange_oracle(x, z, p)


def test_small_paths_give_way_to_kernels_above_the_threshold(monkeypatch):
    import ffcc.field as field

    monkeypatch.setattr(field, "_kernel_ready", lambda kernel: False)
    monkeypatch.setattr(field, "_SPENT", {})  # earlier tests' small calls do not count here
    assert not field.use_kernel("split_limbs", field._SMALL_WORK, P31)
    assert field.use_kernel("split_limbs", field._SMALL_WORK + 1, P31)
    assert not field.use_kernel("horner_shift_combine", field._SMALL_WORK >> 6, P61)
    assert field.use_kernel("horner_shift_combine", (field._SMALL_WORK >> 6) + 1, P61)
    monkeypatch.setattr(field, "_SPENT", {})  # many small calls add up to a compile
    calls = [field.use_kernel("vandermonde", 10, P31) for _ in range(field._SMALL_CALLS + 1)]
    assert not any(calls[:-1]) and calls[-1]
    big = [field.use_kernel("batched_rank", field._SMALL_WORK, P31) for _ in range(5)]
    assert big == [False] * 4 + [True]  # 5 x the limit in total: more than 4 x
    monkeypatch.undo()
    K = field.K.rref_inplace
    K(np.ones((3, 3), dtype=np.int64), np.int64(7), 3)  # numba loads or compiles it here
    assert field._kernel_ready(K)  # compiled in this process: calls cost nothing more
