"""run/_kernels.py (encode into shared memory, fused decode) against Python integers."""

import numpy as np
import pytest

from ffcc.field import PrimeField
from ffcc.run._kernels import encode_into, lincomb, lincomb_many

# the float-quotient reduction switches on above 3072; 2^31 - 1 is the largest one-limb p
PRIMES = [2, 3, 3067, 3079, 65537, 2**31 - 1, 2**31 + 11, 2**61 - 1]


def _ref(M, X, p):
    return [[sum(int(M[t, r]) * int(X[r][i]) for r in range(len(X))) % p
             for i in range(len(X[0]))] for t in range(M.shape[0])]  # fmt: skip


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("R", [1, 5, 33])
def test_encode_and_decode_are_exact(kernels, p, R):
    F = PrimeField(p)
    rng = np.random.default_rng(R * 7 + p % 97)
    n = 300
    X = [F.random(n, rng) for _ in range(R)]
    for x in X:
        x[:4] = p - 1  # the largest products
    M = F.random((3, R), rng)
    M[0] = p - 1
    ref = _ref(M, X, p)
    out = np.empty((3, n), dtype=np.int64)
    encode_into(p, M, np.stack(X), out)
    assert out.tolist() == ref
    assert [r.tolist() for r in lincomb_many(p, M, X, n)] == ref
    assert [lincomb(p, M[t], X, n).tolist() for t in range(3)] == ref


# -- the fused decoder (ffcc._combine.combine) on every path of its kernel ------------
# T = 1 with L <= 2 limbs streams the results (direct); otherwise they are staged per chunk
# and swept two targets at a time. At p = 2^31 - 1: L = 2, and rows in exact groups of 31
# (R = 33, 40: two groups, R = 70: three, summed mod p); p = 65537 has L = 1. n > 16384
# (direct) or 4096 (staged, R = 16) spans several chunks and 512-column blocks, with a
# ragged tail; n * R >= 2^16 takes the parallel kernel.


def _oracle(D, ys, p):
    return (np.asarray(D, dtype=object) @ np.stack(ys).astype(object)) % p


@pytest.mark.parametrize("p", [2, 3, 65537, 2**31 - 19, 2**31 - 1])
@pytest.mark.parametrize(
    "T, R, n",
    [(1, 31, 16384 * 2 + 3), (1, 7, 513), (3, 16, 4096 + 515), (16, 16, 1500), (2, 33, 777),
     (1, 40, 300), (5, 2, 9000), (3, 70, 600), (1, 70, 4100)],
)  # fmt: skip
def test_fused_decoder_is_exact_on_every_path(kernels, p, T, R, n):
    from ffcc._combine import combine

    F = PrimeField(p)
    rng = np.random.default_rng(T * 1000 + R + n)
    ys = [F.random(n, rng) for _ in range(R)]
    D = F.random((T, R), rng)
    D[0] = p - 1  # the largest coefficients times the largest entries
    for y in ys:
        y[:5] = p - 1
        y[-3:] = p - 1
    assert np.array_equal(combine(F, D, ys), _oracle(D, ys, p))


@pytest.mark.parametrize(
    "T, R, n", [(1, 31, 9000), (1, 3, 20000), (2, 3, 20000), (4, 16, 5000), (3, 33, 100)]
)
@pytest.mark.parametrize("bad", [2**31 - 1, -1, 2**31, 2**63 - 1, -(2**63)])
@pytest.mark.parametrize("where", [0, -1])
def test_fused_decoder_rejects_non_field_entries(kernels, T, R, n, bad, where):
    # p = 2^31 - 19: 2^31 - 1 is above p but below 2^31, the band an int32 check misses
    from ffcc._combine import combine
    from ffcc.scheme import DecodingError

    p = 2**31 - 19
    F = PrimeField(p)
    rng = np.random.default_rng(1)
    ys = [F.random(n, rng) for _ in range(R)]
    D = F.random((T, R), rng) | 1  # every result used
    ys[-1][where] = bad
    with pytest.raises(DecodingError, match=f"result {R - 1} has an entry outside"):
        combine(F, D, ys)
    with pytest.raises(DecodingError):
        lincomb_many(p, D, ys, n)


def test_fused_decoder_checks_skipped_and_copied_results(kernels):
    # every answer handed to the decoder must be a field element, also one a zero column
    # skips (a systematic worker's own target) or a unit row only copies
    from ffcc._combine import combine
    from ffcc.scheme import DecodingError

    F = PrimeField(2**31 - 1)
    ys = [F.random(50, 1), F.random(50, 2), F.random(50, 3)]
    out = combine(F, [[3, 4, 0]], ys)
    assert np.array_equal(out, _oracle([[3, 4, 0]], ys, F.p))
    ys[2] = np.full(50, -5)
    with pytest.raises(DecodingError, match="result 2"):
        combine(F, [[3, 4, 0]], ys)  # the third result is skipped: checked all the same
    with pytest.raises(DecodingError, match="result 2"):
        combine(F, [[0, 0, 1]], ys)  # a unit row copies result 2: checked all the same


@pytest.mark.parametrize("bad", [2**31 - 1, -1])
@pytest.mark.parametrize("spare", [False, True])
def test_scheme_decode_relies_on_the_fused_check(kernels, bad, spare):
    # Scheme.decode (b = 0) skips its own range pass for evaluation codes: the fused decoder's
    # check (or the spare-result comparison) must still refuse a non-field entry
    from ffcc.codes.matdot import matdot
    from ffcc.scheme import DecodingError

    S = matdot(3, 1, p=2**31 - 19)  # R = 5, w = 6
    F = S.field
    A, B = F.random((4, 6), 1), F.random((6, 5), 2)
    coded = S.encode(S.split(A, B))
    res = {j: S.compute(coded[j]) for j in range(S.w if spare else S.R)}
    want = S.decode(res)
    assert np.array_equal(want[0], F.matmul(A, B))
    res[S.w - 1 if spare else 2] = res[S.w - 1 if spare else 2].copy()
    res[S.w - 1 if spare else 2].flat[-1] = bad
    with pytest.raises(DecodingError):
        S.decode(res)


@pytest.mark.parametrize("p", [3, 65537, 2**31 - 1, 2**31 + 11])
def test_small_jobs_decode_and_encode_without_kernels(monkeypatch, p):
    # below ffcc.field._SMALL_WORK an uncompiled kernel is not compiled: numpy paths, exact
    import ffcc._combine as poly
    import ffcc.field as field
    from ffcc.scheme import DecodingError

    monkeypatch.setattr(field, "_kernel_ready", lambda kernel: False)
    monkeypatch.setattr(field, "_SPENT", {})

    def forbidden(*args):
        raise AssertionError("a compiled decoder kernel was called on a small input")

    for name in ("_combine_serial", "_combine_parallel", "_mersenne_serial", "_mersenne_parallel"):
        monkeypatch.setattr(poly, name, forbidden)
    F = PrimeField(p)
    rng = np.random.default_rng(3)
    X = [F.random(40, rng) for _ in range(6)]
    for x in X:
        x[:3] = p - 1
    M = F.random((4, 6), rng)
    M[0] = p - 1
    ref = _ref(M, X, p)
    assert [r.tolist() for r in lincomb_many(p, M, X, 40)] == ref
    out = np.empty((4, 40), dtype=np.int64)
    encode_into(p, M, np.stack(X), out)
    assert out.tolist() == ref
    X[4][7] = p  # the numpy path checks the range too
    with pytest.raises(DecodingError, match="result 4"):
        lincomb_many(p, M, X, 40)


_SPY = """
import contextlib, io, json, sys
from numba.core import dispatcher
compiled = []
orig = dispatcher.Dispatcher._compile_for_args
def spy(self, *args, **kw):
    compiled.append(self.py_func.__module__ + "." + self.py_func.__name__)
    return orig(self, *args, **kw)
dispatcher.Dispatcher._compile_for_args = spy
from ffcc import cli
with contextlib.redirect_stdout(io.StringIO()):
    cli.main(sys.argv[1:])
print(json.dumps(sorted(set(compiled))))
"""


def test_the_small_main_job_compiles_no_kernel(tmp_path):
    # `make run` with an empty numba cache: field arithmetic, encoding, decoding and the
    # per-prime verification take their numpy paths (the cold run's target is 5 s; each
    # kernel compile costs 0.3-3 s). The spy sees this process's compiles; the cache
    # directory also those of the pool's workers (every ffcc kernel has cache=True).
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    job = "run --sketch --graph karate --grid 2,2,17 --k 8 -s 1 --model exp:0.02,50".split()
    out = subprocess.run(
        [sys.executable, "-c", _SPY, *job], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
    assert sorted(f.name for f in tmp_path.rglob("*.nbi")) == []


# -- the integer path at p = 2^31 - 1 (T >= 2 targets): uint32 operands, Mersenne folds ---


def _spy_integer_path(monkeypatch):
    import ffcc._combine as C

    seen = []
    for name in ("_mersenne_serial", "_mersenne_parallel"):
        kernel = getattr(C, name)
        monkeypatch.setattr(C, name, lambda *a, k=kernel, name=name: seen.append(name) or k(*a))
    return seen


@pytest.mark.parametrize("T, R, n", [(5, 9, 300), (4, 16, 20000), (2, 1, 1000)])
def test_integer_path_on_the_largest_sums(kernels, monkeypatch, T, R, n):
    # every coefficient and entry p - 1 = -1: each partial sum is as large as it gets, and
    # every target is sum_r (-1)(-1) = R (mod p); a row [1, p - 1] on equal results is 0,
    # which a fold leaves as p (the final subtraction must take it to 0)
    from ffcc._combine import combine

    p = 2**31 - 1
    seen = _spy_integer_path(monkeypatch)
    F = PrimeField(p)
    ys = [np.full(n, p - 1, dtype=np.int64) for _ in range(R)]
    D = np.full((T, R), p - 1, dtype=np.int64)
    assert (combine(F, D, ys) == R % p).all()
    if R >= 2:
        ones = [np.arange(1, n + 1, dtype=np.int64) for _ in range(R)]
        D[1] = 0
        D[1, :2] = [1, p - 1]
        got = combine(F, D, ones)
        assert (got[1] == 0).all()
        assert (got[0] == (R * (p - 1) * np.arange(1, n + 1, dtype=object)) % p).all()
    assert seen and set(seen) <= {"_mersenne_serial", "_mersenne_parallel"}
    assert ("_mersenne_parallel" in seen) == (n * R >= 1 << 16)


@pytest.mark.parametrize("bad", [2**31 - 1, -1, 2**31, 2**32 + 5, 2**63 - 1, -(2**63)])
@pytest.mark.parametrize("T, R, n, where", [(3, 5, 700, 0), (3, 5, 700, -1), (4, 4, 20000, 9999)])
def test_integer_path_rejects_non_field_entries(kernels, monkeypatch, bad, T, R, n, where):
    # p itself (2^31 - 1) is the first value out of range; 2^32 + 5 would pass as 5 if the
    # check looked at the uint32 the entry is staged as
    from ffcc._combine import combine
    from ffcc.scheme import DecodingError

    p = 2**31 - 1
    seen = _spy_integer_path(monkeypatch)
    F = PrimeField(p)
    rng = np.random.default_rng(2)
    ys = [F.random(n, rng) for _ in range(R)]
    D = F.random((T, R), rng) | 1
    ys[2][where] = bad
    with pytest.raises(DecodingError, match="result 2 has an entry outside"):
        combine(F, D, ys)
    assert seen


@pytest.mark.parametrize("p", [65537, 2**31 - 1])
def test_rows_are_separate_arrays_with_the_same_values(kernels, p):
    # rows=True: one allocation per target (unit row copied, zero row zeroed, the rest
    # through the kernel), each equal to the (T, n) result and to Python integers
    from ffcc._combine import combine

    F = PrimeField(p)
    rng = np.random.default_rng(4)
    ys = [F.random(3000, rng) for _ in range(5)]
    D = F.random((4, 5), rng)
    D[1] = [0, 0, 1, 0, 0]
    D[2] = 0
    rows = combine(F, D, ys, rows=True)
    assert isinstance(rows, list) and len(rows) == 4
    assert all(r.base is None and r.shape == (3000,) for r in rows)
    assert np.array_equal(np.stack(rows), _oracle(D, ys, p))
    assert np.array_equal(np.stack(rows), combine(F, D, ys))
    assert np.array_equal(rows[1], ys[2]) and not np.shares_memory(rows[1], ys[2])


_LAYOUTS = ["int64", "strided", "uint32", "uint64", "transposed"]


@pytest.mark.parametrize(
    "layout, T, R, n",
    [("int64", 16, 16, 16384 + 300), ("strided", 16, 16, 16384 + 300)]
    + [(layout, 9, 7, 1000) for layout in _LAYOUTS]
    + [(layout, 6, 13, 514) for layout in _LAYOUTS],
)
def test_integer_path_reads_results_in_place(kernels, monkeypatch, layout, T, R, n):
    # the int64 results are multiplied where they lie, by their low 32 bits: every tile of
    # four targets (T = 16: four tiles, the later ones unchecked) against Python integers,
    # with R padded to a multiple of four (7, 13), ragged 256-column blocks, several chunks
    # (n > 16384, parallel), entries p - 1 in every row, and results that combine must copy
    # first (strided views, other dtypes, a transposed 2-D block flattened in C order)
    from ffcc._combine import combine

    p = 2**31 - 1
    seen = _spy_integer_path(monkeypatch)
    F = PrimeField(p)
    rng = np.random.default_rng(T * R + n)
    ys = [F.random(n, rng) for _ in range(R)]
    for r, y in enumerate(ys):
        y[r :: R + 1] = p - 1
    D = F.random((T, R), rng)
    D[T - 1] = p - 1  # the largest partial sums, in the last (unchecked) tile
    expected = _oracle(D, ys, p)
    if layout == "strided":
        given = [np.repeat(y, 2)[::2] for y in ys]
    elif layout in ("uint32", "uint64"):
        given = [y.astype(layout) for y in ys]
    elif layout == "transposed":
        given = [y.reshape(2, -1).T for y in ys]  # F-ordered (n / 2, 2)
        expected = _oracle(D, [g.reshape(-1) for g in given], p)
    else:
        given = ys
    assert not (layout == "strided" and given[0].flags.c_contiguous)
    assert np.array_equal(combine(F, D, given), expected)
    assert seen
