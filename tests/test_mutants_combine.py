"""ffcc._combine: what its mutants changed that the path tests did not see.

Values come from the mathematics: the exactness inequality of the limb plan checked by Python
integers, Python-integer sums as the oracle, and the decoder's own contract (the fused pass
checks what it reads, so honest results never take the second, Python range check).
"""

import numpy as np
import pytest
from test_run_kernels import _oracle

import ffcc._combine as combine_module
from ffcc._combine import _limb_plan, _staged_chunk, combine
from ffcc.field import PrimeField
from ffcc.scheme import DecodingError


def _spy_range_checks(monkeypatch) -> list[list[int]]:
    calls: list[list[int]] = []
    real = combine_module._outside_range

    def spy(F, flat, which):
        calls.append(sorted(int(i) for i in which))
        return real(F, flat, which)

    monkeypatch.setattr(combine_module, "_outside_range", spy)
    return calls


# every kernel path: direct (one target, L <= 2), staged (two targets per sweep, L = 1 at
# 65537 and L = 2 below 2^31), more limbs than two (one target at p near 2^31 with many rows
# takes L = 2; no p below 2^31 needs three: two 16-bit limbs leave >= 31 rows a group), the
# integer path at 2^31 - 1, each serial (n R < 2^16) and parallel
PATHS = [
    (65537, 1, 7, 513),
    (65537, 1, 9, 9000),
    (65537, 3, 5, 700),
    (65537, 3, 16, 5000),
    (2**31 - 19, 1, 5, 300),
    (2**31 - 19, 2, 5, 300),
    (2**31 - 19, 3, 33, 2100),
    (2**31 - 1, 1, 6, 20000),
    (2**31 - 1, 5, 9, 300),
    (2**31 - 1, 4, 16, 5000),
]


@pytest.mark.parametrize("p, T, R, n", PATHS)
def test_honest_results_are_checked_once_by_the_fused_pass(kernels, monkeypatch, p, T, R, n):
    # the docstring's promise: the results the fused kernel reads are checked in that pass;
    # the Python check (a second pass) sees only results it does not read. A kernel that
    # flags honest entries (a wrong range offset, a wrong OR) would still decode correctly
    # through that second check, so only this spy sees it.
    F = PrimeField(p)
    rng = np.random.default_rng(p % 1000 + 10 * T + R)
    ys = [F.random(n, rng) for _ in range(R)]
    for y in ys:
        y[:3] = p - 1  # the top of the range must not be flagged
        y[3] = 0
    D = F.random((T, R), rng)
    D[D == 0] = 1
    D[:, 0] = 2  # no unit row: every target goes through the kernel
    calls = _spy_range_checks(monkeypatch)
    assert np.array_equal(combine(F, D, ys), _oracle(D, ys, p))
    assert all(which == [] for which in calls), calls


@pytest.mark.parametrize("p, T, R, n", PATHS)
def test_one_entry_just_outside_is_found_by_the_fused_pass(kernels, monkeypatch, p, T, R, n):
    # p itself (the smallest value outside) in the last result's last entry: the fused pass
    # must flag it, the Python check then names that result
    F = PrimeField(p)
    rng = np.random.default_rng(p % 1000 + 10 * T + R + 1)
    ys = [F.random(n, rng) for _ in range(R)]
    ys[-1][-1] = p
    D = F.random((T, R), rng)
    D[D == 0] = 1
    calls = _spy_range_checks(monkeypatch)
    with pytest.raises(DecodingError, match=f"result {R - 1} has an entry outside"):
        combine(F, D, ys)
    assert calls[-1] == list(range(R))


def _exact_bound_holds(p: int, s: int, G: int) -> bool:
    # the plan's inequality in Python integers: G (2^s - 1)(p - 1) + 2^s (p - 1) < 2^52
    return G * ((1 << s) - 1) * (p - 1) + (1 << s) * (p - 1) < 1 << 52


def _most_rows(p: int, s: int) -> int:
    # the largest G with the bound holding (0 if none), by bisection on the inequality
    lo, hi = 0, 1 << 53
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if _exact_bound_holds(p, s, mid) else (lo, mid - 1)
    return lo


@pytest.mark.parametrize("p", [2, 3, 251, 65537, 1048573, 2**26 - 5, 2**31 - 19, 2**31 - 1])
@pytest.mark.parametrize("R", [1, 2, 15, 16, 17, 40, 5000, 1 << 60])
def test_limb_plan_is_the_fewest_limbs_with_the_most_rows(p, R):
    L, s, G = _limb_plan(p, R)
    bits = (p - 1).bit_length()
    assert s == -(-bits // L)  # L limbs of s bits cover every coefficient, evenly
    assert _most_rows(p, s) >= min(R, 16)
    assert G == max(1, min(_most_rows(p, s), R))  # the most rows a group can take, at most R
    # no fewer limbs would do: their widest limb leaves fewer than min(R, 16) rows a group
    for fewer in range(1, L):
        assert _most_rows(p, -(-bits // fewer)) < min(R, 16)


@pytest.mark.parametrize("column_bytes", [8, 8 * 16, 8 * 33, 8 * 1000, 8 * 5000])
@pytest.mark.parametrize("block", [1, 512])
def test_staged_chunk_is_whole_blocks_within_the_stage(column_bytes, block):
    chunk = _staged_chunk(column_bytes, block)
    assert chunk % block == 0 and chunk >= block
    fits = min(combine_module._CHUNK, combine_module._L2_STAGE // column_bytes)
    # the most whole blocks that fit (at least one)
    assert chunk == max(block, fits - fits % block)


@pytest.mark.parametrize("D", [[[1, 2]], [[1, 2, 3, 4]], [1, 2, 3], [[[1, 2, 3]]]])
def test_a_decoder_that_does_not_fit_the_results_is_refused(D):
    # three results: D must be a matrix with exactly three columns
    F = PrimeField(7)
    ys = [np.array([1, 2]), np.array([3, 4]), np.array([5, 6])]
    with pytest.raises(DecodingError, match=r"decoder of shape .* does not match 3 results"):
        combine(F, D, ys)


def _one_past_whole_chunks(p, T, R):
    # the chunk width combine picks for this shape, and n one column past two whole chunks
    direct = T == 1 or p == 2**31 - 1  # one target streams; the integer path takes _CHUNK
    chunk = combine_module._CHUNK if direct else _staged_chunk(8 * R, combine_module._BLOCK)
    return 2 * chunk + 1


@pytest.mark.parametrize(
    "p, T, R",
    [(2**31 - 1, 2, 4), (65537, 1, 4), (65537, 2, 16), (2**31 - 19, 3, 16)],
    ids=["integer", "direct", "staged-one-limb", "staged-two-limbs"],
)
def test_a_last_chunk_of_one_column_is_computed(kernels, p, T, R):
    # the parallel kernels split the n columns into ceil(n / chunk) tasks: with n one past
    # a multiple of the chunk the last task holds a single column, which must still be there
    n = _one_past_whole_chunks(p, T, R)
    assert n * R >= combine_module._PARALLEL_MIN  # the parallel kernel
    F = PrimeField(p)
    rng = np.random.default_rng(n + T)
    ys = [F.random(n, rng) for _ in range(R)]
    for y in ys:
        y[-1] = p - 1
    D = F.random((T, R), rng)
    D[D == 0] = 1
    D[:, 0] = p - 1
    got = combine(F, D, ys)
    want = _oracle(D, ys, p)
    assert got[:, -1].tolist() == want[:, -1].tolist()
    assert np.array_equal(got, want)


def test_no_results_give_empty_rows():
    # zero answers: every target is the empty sum over zero columns of length 0
    F = PrimeField(7)
    out = combine(F, np.zeros((2, 0), dtype=np.int64), [])
    assert out.shape == (2, 0)
    assert [r.shape for r in combine(F, np.zeros((3, 0), dtype=np.int64), [], rows=True)] == [
        (0,),
        (0,),
        (0,),
    ]


_AS_PYTHON = r"""
import numpy as np
import ffcc._combine as C
import ffcc.field as field
bad = []
def check(p, T, R, n):
    rng = np.random.default_rng(n)
    ys = [rng.integers(0, p, n) for _ in range(R)]
    for y in ys:
        y[-1] = p - 1
    D = rng.integers(1, p, (T, R))
    want = [[sum(int(D[t, r]) * int(ys[r][j]) for r in range(R)) % p for j in range(n)]
            for t in range(T)]
    if C.combine(field.PrimeField(p), D, ys).tolist() != want:
        bad.append((p, T, R, n))
# n = 511: a block one column short of 512 (staged) and of two 256-column blocks (integer)
for case in [(65537, 1, 5, 37), (65537, 3, 6, 700), (2**31 - 19, 2, 5, 41),
             (2**31 - 1, 3, 5, 300), (2**31 - 1, 1, 3, 29), (65537, 2, 3, 511),
             (2**31 - 1, 3, 5, 511)]:
    check(*case)
# the parallel kernels over 64-column tasks: n one short of and one past two whole tasks
chunk, least = C._CHUNK, C._PARALLEL_MIN
C._CHUNK, C._PARALLEL_MIN = 64, 1
try:
    for case in [(65537, 1, 3, 127), (65537, 1, 3, 129), (2**31 - 1, 2, 3, 127),
                 (2**31 - 1, 3, 5, 129)]:
        check(*case)
finally:
    C._CHUNK, C._PARALLEL_MIN = chunk, least
"""


def test_the_kernels_run_as_python_are_exact_too(kernels):
    # NUMBA_DISABLE_JIT=1 runs the kernels as Python (coverage maps, debugging): the result
    # views then come from ctypes (_cols' fallback), which must read the same columns. In a
    # process that has the JIT on, that takes a child process; in one without (a coverage
    # run), it runs here, so the trace sees which lines this test reaches.
    import os
    import subprocess
    import sys

    import numba

    if numba.config.DISABLE_JIT:
        scope: dict = {}
        exec(_AS_PYTHON, scope)
        assert scope["bad"] == []
        return
    script = "import ffcc.field as f; f._kernel_ready = lambda k: True\n" + _AS_PYTHON
    script += "print('wrong:', bad)\n"
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "wrong: []"


@pytest.mark.parametrize("p", [2**24 - 3, 2**25 - 39])
def test_one_limb_when_its_rows_just_suffice(p):
    # one 24- or 25-bit limb leaves g < 16 exact rows a group (15 and 3): with R = g results
    # one limb suffices exactly (the boundary G = min(R, 16)); one more result needs two
    bits = (p - 1).bit_length()
    g = _most_rows(p, bits)
    assert 1 <= g < 16
    assert _limb_plan(p, g) == (1, bits, g)
    assert _limb_plan(p, g + 1)[:2] == (2, -(-bits // 2))


def test_sixteen_rows_a_group_are_enough_for_one_limb():
    # p = 15790309 (24 bits): one limb leaves exactly 16 exact rows a group, the most the
    # plan asks for, so any R >= 16 still takes one limb (groups of 16)
    p = 15790309
    assert _most_rows(p, 24) == 16
    assert _limb_plan(p, 17) == (1, 24, 16)
    assert _limb_plan(p, 1000) == (1, 24, 16)


@pytest.mark.parametrize("T", [1, 2])
def test_groups_summing_to_exactly_p_give_zero(kernels, T):
    # 33 results at p = 2^31 - 19 take two exact groups (31 + 2 rows, L = 2). Column 0 sums
    # to 1 in the first group and p - 1 in the second: their sum is exactly p, which the
    # last reduction must take to 0 (not leave at p)
    p = 2**31 - 19
    R, n = 33, 3
    assert _limb_plan(p, R)[2] == 31
    F = PrimeField(p)
    ys = [np.zeros(n, np.int64) for _ in range(R)]
    ys[0][0], ys[R - 1][0] = 1, p - 1
    for y in ys:
        y[1], y[2] = 5, p - 1
    D = np.ones((T, R), np.int64)
    out = combine(F, D, ys)
    assert out[:, 0].tolist() == [0] * T
    assert out[:, 1].tolist() == [5 * R % p] * T
    assert out[:, 2].tolist() == [(p - 1) * R % p] * T


def test_integer_path_over_several_serial_chunks(kernels):
    # at 2^31 - 1 with two targets and three results, n R < 2^16 takes the serial kernel:
    # n = one chunk + 100 columns makes it run a second, shorter chunk, which must stop at n
    # (the two rows are one block of memory: an overrun of row 0 lands in row 1)
    p = 2**31 - 1
    n, R = combine_module._CHUNK + 100, 3
    assert n * R < combine_module._PARALLEL_MIN
    F = PrimeField(p)
    rng = np.random.default_rng(5)
    ys = [F.random(n, rng) for _ in range(R)]
    D = np.array([[p - 1, 2, 3], [4, p - 1, 6]], dtype=np.int64)
    assert np.array_equal(combine(F, D, ys), _oracle(D, ys, p))


def test_unit_rows_are_copies_and_only_those():
    # rows of D with one nonzero entry equal to 1 copy that result; a single 2, or two ones,
    # must be combined
    F = PrimeField(11)
    ys = [np.array([1, 2, 3]), np.array([4, 5, 6]), np.array([7, 8, 10])]
    D = [[0, 1, 0], [2, 0, 0], [1, 1, 0], [0, 0, 1], [1, 0, 0]]
    want = [[4, 5, 6], [2, 4, 6], [5, 7, 9], [7, 8, 10], [1, 2, 3]]
    assert combine(F, D, ys).tolist() == want


@pytest.mark.parametrize("where", [0, 1])
def test_results_only_copied_are_checked(where):
    # D = I: every target copies a result, nothing is combined; a copied result outside
    # [0, p) -- the first one too -- must still be refused
    F = PrimeField(7)
    ys = [np.array([1, 2]), np.array([3, 4])]
    ys[where][1] = 7
    with pytest.raises(DecodingError, match=f"result {where} has an entry outside"):
        combine(F, [[1, 0], [0, 1]], ys)


def test_two_limbs_suffice_below_2_31():
    # why the decoder never takes three limbs (its equivalent mutants rest on this): the
    # largest p of each bit length, split into two limbs of ceil(bits / 2) bits, still
    # leaves >= 31 exact rows a group, and the plan asks for at most 16
    for bits in range(2, 32):
        assert _most_rows(2**bits - 1, -(-bits // 2)) >= 31
        assert _limb_plan(2**bits - 1, 1 << 20)[0] <= 2
