"""Tests that kill mutants of ffcc/field.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Expected values come from sympy, Python integers or
the constants the docstrings and comments specify; none is read back from ffcc."""

import numpy as np
import pytest
import sympy

import ffcc.field as field


def test_miller_rabin_bases_are_the_first_twelve_primes():
    # Sorenson-Webster's bound psi_12 holds for exactly the prime bases 2..37; a composite
    # base, or a missing prime, voids it (is_prime's docstring promises determinism)
    assert field._MR_BASES == tuple(sympy.primerange(2, 38))
    assert field._MR_LIMIT == 318665857834031151167461


class _Cold:
    """A kernel that is neither compiled nor loaded (numba's ``overloads`` is empty)."""

    def __init__(self, name):
        self.__name__ = name
        self.overloads = {}


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(field, "_SPENT", {})


def test_small_work_threshold_is_2_to_the_22_multiply_adds(fresh):
    # the documented cost model: up to 2^22 multiply-adds (2^16 for Python integers,
    # p >= 2^31) numpy is faster than a compile; more work compiles at once
    p31, p61 = 2**31 - 1, 2**61 - 1
    assert not field.use_kernel(_Cold("a"), 2**22, p31)
    assert field.use_kernel(_Cold("b"), 2**22 + 1, p31)
    assert not field.use_kernel(_Cold("c"), 2**16, p61)
    assert field.use_kernel(_Cold("d"), 2**16 + 1, p61)


def test_a_thousand_small_calls_then_a_compile(fresh):
    calls = [field.use_kernel(_Cold("e"), 1, 65537) for _ in range(1001)]
    assert calls == [False] * 1000 + [True]  # the 1001st call compiles


@pytest.mark.parametrize("p", [3, 65537, field.MAX_PRIME])
def test_embed_of_python_integers(p):
    # an object array (Python ints, any size) takes its own path: x mod p, range-checked
    F = field.PrimeField(p)
    h = (p - 1) // 2
    got = F.embed(np.array([[-h, -1, 0], [1, h, h - 1]], dtype=object))
    assert got.dtype == np.int64
    assert got.tolist() == [[h + 1, p - 1, 0], [1, h, h - 1]]
    with pytest.raises(field.FieldError, match=r"values\[1, 0\] = "):
        F.embed(np.array([[0, 0], [h + 1, 0]], dtype=object))
    with pytest.raises(field.FieldError, match=rf"= {-h - 1} does not fit"):
        F.embed(np.array([-h - 1], dtype=object))


def test_fields_are_equal_by_prime_only():
    F = field.PrimeField(7)
    assert F == field.PrimeField(7) and hash(F) == hash(field.PrimeField(7))
    assert F != field.PrimeField(11)
    assert F != 7  # not a field: unequal, no error


def test_batched_solve_wants_square_stacks():
    F = field.PrimeField(7)
    for A in (np.eye(2, dtype=np.int64), np.zeros((1, 2, 3), dtype=np.int64)):
        with pytest.raises(field.FieldError, match="square"):
            F.batched_solve(A, np.zeros((1, 2), dtype=np.int64))


def test_limb_plan_takes_the_fewest_limbs_whose_chunk_reaches_the_inner_dimension():
    # p = 2^31 - 1 (31 bits): two 16-bit limbs allow chunks of
    # (2^52 - 1) // ((2^16 - 1)(2^31 - 2)) = 32 products, so k = 32 fits two limbs exactly
    p = 2**31 - 1
    assert (2**52 - 1) // ((2**16 - 1) * (p - 1)) == 32
    assert field._limb_plan(p, 32) == (2, 16, 32)
    assert field._limb_plan(p, 33)[:2] == (3, 11)  # one more: three 11-bit limbs


@pytest.mark.parametrize("ready", [False, True])
@pytest.mark.parametrize("p", [7, 2**31 - 1, field.MAX_PRIME])
def test_empty_dimensions(monkeypatch, ready, p):
    # an empty product is the zero matrix of its shape; an empty matrix has rank 0
    monkeypatch.setattr(field, "_kernel_ready", lambda kernel: ready)
    F = field.PrimeField(p)
    for n, k, m in [(0, 3, 2), (2, 0, 3), (2, 3, 0), (0, 0, 0)]:
        A, B = np.ones((n, k), dtype=np.int64), np.ones((k, m), dtype=np.int64)
        C = F.matmul(A, B)
        assert C.shape == (n, m) and C.dtype == np.int64 and not C.any()
    for shape in [(2, 0, 3), (2, 3, 0), (0, 2, 2)]:
        r = F.batched_rank(np.ones(shape, dtype=np.int64))
        assert r.tolist() == [0] * shape[0] and r.dtype == np.int64


def test_two_sided_limbs_chunk_the_inner_dimension():
    # p = 2^63 - 25 has four 16-bit limbs; p - 2 = (0x7fff, 0xffff, 0xffff, 0xffe5) and
    # p - 1 = (.., 0xffe6), high to low. The middle weight class of (p - 2)(p - 1) is
    # 0xffe5 * 0x7fff + 2 * 0xffff^2 + 0x7fff * 0xffe6, odd and about 3 * 2^32, so k = 2^20 - 1
    # such products sum to an odd number above 2^53, which float64 cannot hold: only the
    # chunking (262152 = 2^52 // (4 (2^16 - 1)^2) terms a chunk) keeps it exact.
    # (p - 2)(p - 1) = 2 mod p, so A B = 2k.
    p = field.MAX_PRIME
    k = (1 << 20) - 1
    A = np.full((1, k), p - 2, dtype=np.int64)
    B = np.full((k, 1), p - 1, dtype=np.int64)
    assert (0xFFE5 * 0x7FFF + 2 * 0xFFFF**2 + 0x7FFF * 0xFFE6) % 2 == 1
    assert field._matmul_limb_ab(A, B, p).tolist() == [[2 * k]]


def test_limb_width_is_the_bit_length_of_p_minus_1():
    # p = 8191 = 2^13 - 1: entries are at most 8190 < 2^13, so one 13-bit limb, whose
    # chunk (2^52 - 1) // ((2^13 - 1) * 8190) = 67133447 caps a longer inner dimension
    assert (2**52 - 1) // ((2**13 - 1) * 8190) == 67133447
    assert field._limb_plan(8191, 10**8) == (1, 13, 67133447)


def test_crt_wants_one_prime_per_residue():
    with pytest.raises(ValueError):
        field.crt([np.array([1]), np.array([2])], [7])
    assert field.crt([np.array([3]), np.array([4])], [5, 7]).tolist() == [-17]  # 18 - 35


def test_valid_int64_input_is_not_copied():
    # field arrays can be large: a C-contiguous int64 array already in [0, p) is used as is
    x = np.arange(6, dtype=np.int64)
    assert field.PrimeField(7).array(x) is x
    y = np.arange(6, dtype=np.int32)
    assert field.PrimeField(7).array(y).dtype == np.int64  # another dtype is converted


def test_limb_plan_accepts_a_chunk_of_exactly_512():
    # p = 268435459 (29 bits): one limb leaves no room, two 15-bit limbs give a chunk of
    # (2^52 - 1) // ((2^15 - 1)(p - 1)) = 512 exactly, enough for min(k, 512) = 512
    p = 268435459
    assert (2**52 - 1) // ((2**15 - 1) * (p - 1)) == 512
    assert field._limb_plan(p, 1000) == (2, 15, 512)


def test_crt_of_one_residue_is_its_signed_lift():
    assert field.crt([np.array([5, 3])], [7]).tolist() == [-2, 3]


def test_two_sided_limbs_wrap_the_running_sums_mod_p():
    # p just above 2^31: two 16-bit limbs, chunks of 2^52 // (2 (2^16 - 1)^2) = 524296
    # products; with three chunks each weight class adds three residues mod p, which
    # wraps past p for random entries. Oracle: python-flint.
    import flint

    p = int(sympy.nextprime(2**31))
    k = 2 * 524296 + 5
    rng = np.random.default_rng(9)
    A = rng.integers(0, p, (2, k), dtype=np.int64)
    B = rng.integers(0, p, (k, 2), dtype=np.int64)
    want = flint.nmod_mat(2, k, A.ravel().tolist(), p) * flint.nmod_mat(k, 2, B.ravel().tolist(), p)
    assert field._matmul_limb_ab(A, B, p).tolist() == [
        [int(want[i, j]) for j in range(2)] for i in range(2)
    ]


def test_poly_eval_at_more_nodes_than_coefficients():
    F = field.PrimeField(65537)
    assert F.poly_eval([5, 0, 1], [0, 1, 2, 3]).tolist() == [5, 6, 9, 14]  # 5 + z^2
    c = np.array([[5, 1], [0, 2], [1, 0]])  # two polynomials: 5 + z^2 and 1 + 2z
    assert F.poly_eval(c, [0, 1, 2, 3]).tolist() == [[5, 1], [6, 3], [9, 5], [14, 7]]


@pytest.mark.parametrize("v", [2**63, 2**64 - 1, -(2**63) - 1, -(2**64)])
def test_python_integers_outside_int64_are_refused(v):
    with pytest.raises(field.FieldError, match="outside the int64 range"):
        field.PrimeField(7).array(np.array([0, v], dtype=object))


def test_interpolate_names_the_counts_that_differ():
    F = field.PrimeField(7)
    with pytest.raises(field.FieldError, match="^3 nodes but 2 values$"):
        F.interpolate([1, 2, 3], np.zeros((2, 4), dtype=np.int64))
