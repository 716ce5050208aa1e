r"""Fast exact arithmetic over the prime field GF(p), for every prime p < 2^63.

Elements are stored as ``numpy.int64`` in the canonical range [0, p). Every kernel
here is exact: nothing wraps an int64 and no float is ever rounded.

Matrix multiplication (:func:`matmul`) picks one of two exact paths:

* **limb splitting into float64 GEMMs**, for p < 2^31. The entries of A are split into
  L limbs of s bits, :math:`A = \sum_l 2^{sl} A_l`, so that every partial sum of
  :math:`A_l B` stays below :math:`2^{52}` (:math:`k_c (2^s-1)(p-1) < 2^{52}` for inner
  chunks of length :math:`k_c`); the limbs are stacked into one tall BLAS call, reduced
  with ``fmod`` (exact in IEEE arithmetic) and recombined by Horner's rule
  :math:`acc \leftarrow (2^s acc + r_l) \bmod p`, which also stays below :math:`2^{53}`.
  L = 1 for p = 65537, 2 for 25-bit primes and 3 for :math:`2^{31}-1`.
* **two-sided 16-bit limbs**, for :math:`2^{31} \le p < 2^{63}`: both operands are split,
  limb products with equal weight are summed in float64 (below :math:`2^{53}`), reduced
  in int64 and recombined with overflow-free modular doubling.

Small dense linear algebra (rank, solve, inverse, row reduction) runs in compiled
(numba) loops, batched over many small matrices at once.

A numba kernel compiles on its first call (0.3-2 s, then cached on disk). A call of at most
``_SMALL_WORK`` = 2^22 multiply-adds whose kernel is neither compiled in this process nor in
numba's cache takes an exact numpy path instead (16-bit halves in int64 for p < 2^31,
Python integers above), so a small job compiles nothing; after 1,000 such calls of one
kernel (or 4 x 2^22 multiply-adds in total) the kernel is compiled once after all.

Reference: the limb-splitting idea follows the float-based modular GEMM of
Dumas, Giorgi and Pernet, "FFPACK: finite field linear algebra package" (ISSAC 2004).

Example
-------
>>> from ffcc.field import PrimeField
>>> F = PrimeField(2**31 - 1)
>>> A = F.array([[1, 2], [3, F.p - 1]])  # [[1, 2], [3, -1]] squared is 7 I
>>> F.matmul(A, A).tolist()
[[7, 0], [0, 7]]
>>> F.lift(F.embed([-5, 7])).tolist()
[-5, 7]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from ._errors import InputError

__all__ = [
    "MAX_PRIME",
    "FAST_LIMIT",
    "FieldError",
    "PrimeField",
    "check_prime",
    "is_prime",
    "next_prime",
    "prev_prime",
]

MAX_PRIME = (1 << 63) - 25  # the largest prime below 2^63
FAST_LIMIT = 1 << 31  # p below this: a*b fits int64 (same constant as _kernels.FAST_LIMIT)


class _LazyKernels:
    """The compiled kernels module, imported on first use: numba costs ~0.1 s to import
    and most commands (``ffcc --help``, reading a scheme file) never call a kernel."""

    def __getattr__(self, name):
        from . import _kernels  # numba: see the class docstring

        return getattr(_kernels, name)


K = _LazyKernels()

# Miller-Rabin with the twelve prime bases 2..37 is deterministic below
# psi_12 = 318665857834031151167461 > 2^64, the smallest strong pseudoprime to all of them
# (Sorenson and Webster, "Strong pseudoprimes to twelve prime bases", Math. Comp. 2017).
_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
_MR_LIMIT = 318665857834031151167461


def is_prime(n) -> bool:
    """Deterministic primality for 0 <= n < 3.1e23 (beyond 2^64), no sympy.

    >>> [q for q in range(30) if is_prime(q)]
    [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    >>> is_prime(3215031751)  # strong pseudoprime to bases 2, 3, 5 and 7
    False
    """
    n = int(n)
    if n < 2:
        return False
    for q in _MR_BASES:
        if n % q == 0:
            return n == q
    if n >= _MR_LIMIT:
        raise ValueError(f"is_prime is deterministic only below {_MR_LIMIT}; got {n}")
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in _MR_BASES:
        x = pow(a, d, n)
        if x == 1 or x == n - 1:
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def next_prime(n) -> int:
    """The smallest prime > n.

    >>> next_prime(65536), next_prime(2**31 - 1)
    (65537, 2147483659)
    """
    q = max(int(n) + 1, 2)
    while not is_prime(q):
        q += 1
    return q


def prev_prime(n) -> int:
    """The largest prime < n (n > 2).

    >>> prev_prime(2**31)
    2147483647
    """
    q = int(n) - 1
    if q < 2:
        raise ValueError(f"there is no prime below {n}")
    while not is_prime(q):
        q -= 1
    return q


_EXACT = 1 << 52  # headroom below 2^53 so that the reduction step is exact too


class FieldError(InputError):
    """Bad field parameters or values that do not belong to the field."""


def check_prime(p) -> int:
    """Return ``p`` as an int if it is a prime below 2^63, else raise :class:`FieldError`
    (naming the next prime when p is composite). Primality is deterministic Miller-Rabin
    (:func:`is_prime`).

    >>> check_prime(65537)
    65537
    >>> check_prime(65536)
    Traceback (most recent call last):
    ...
    ffcc.field.FieldError: field modulus 65536 is not prime; the next prime is 65537
    """
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise FieldError(f"field modulus must be an integer prime, got {p!r}")
    p = int(p)
    if p < 2 or p >= 1 << 63:
        raise FieldError(f"field modulus {p} is outside 2 <= p < 2^63; choose a prime below 2^63")
    if not is_prime(p):
        hint = next_prime(p)
        msg = f"field modulus {p} is not prime; the next prime is {hint}"
        raise FieldError(msg if hint < 1 << 63 else f"field modulus {p} is not prime")
    return p


def _as_int64(x, name: str) -> np.ndarray:
    """Integer-valued input as int64, refusing NaN, Inf, fractions and out-of-range ints."""
    a = np.asarray(x)
    if a.dtype == object:
        try:
            vals = [int(v) for v in a.ravel()]
        except (TypeError, ValueError) as e:
            raise FieldError(f"{name} holds a non-integer value: {e}") from None
        if any(not (-(1 << 63) <= v < 1 << 63) for v in vals):
            raise FieldError(f"{name} holds an integer outside the int64 range")
        return np.array(vals, dtype=np.int64).reshape(a.shape)
    if a.dtype.kind == "b":
        return a.astype(np.int64)
    if a.dtype.kind in "iu":
        if a.dtype == np.uint64 and a.size and a.max() >= 1 << 63:
            raise FieldError(f"{name} holds an integer outside the int64 range")
        return a.astype(np.int64, copy=False)
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise FieldError(f"{name} holds {a[idx]} at index {idx}; field entries must be finite")
        frac = a != np.round(a)
        if frac.any():
            idx = tuple(int(i) for i in np.argwhere(frac)[0])
            raise FieldError(
                f"{name} holds the non-integer {a[idx]} at index {idx}; quantize it first "
                "(e.g. ffcc.field.PrimeField.embed(np.round(x * 2**bits)))"
            )
        if a.size and np.abs(a).max() >= 2.0**53:
            raise FieldError(f"{name} holds floats of 2^53 or more, which are not exact integers")
        return a.astype(np.int64)
    raise FieldError(f"{name} has dtype {a.dtype}; expected integers")


class PrimeField:
    r"""The prime field GF(p), with exact numpy-native kernels.

    Parameters
    ----------
    p:
        A prime below :math:`2^{63}`. A composite or out-of-range value raises
        :class:`FieldError` naming the next prime.

    Notes
    -----
    Construction is instant for any p: :attr:`galois` builds the matching
    ``galois.GF(p)`` lazily, passing a primitive element found by sympy and skipping
    galois's own (slow) verification.

    Example
    -------
    >>> F = PrimeField(65537)
    >>> x = F.array([1, 2, 3])
    >>> F.interpolate(x, F.poly_eval([5, 0, 1], x)).tolist()  # 5 + z^2
    [5, 0, 1]
    """

    def __init__(self, p: int):
        self.p = check_prime(p)

    def __repr__(self) -> str:
        return f"PrimeField({self.p})"

    def __eq__(self, other) -> bool:
        return isinstance(other, PrimeField) and other.p == self.p

    def __hash__(self) -> int:
        return hash(("PrimeField", self.p))

    # -- construction and conversion ------------------------------------------------
    @property
    def fast(self) -> bool:
        """True when p < 2^31, where the single-sided limb GEMM path applies."""
        return self.p < FAST_LIMIT

    @functools.cached_property
    def primitive_element(self) -> int:
        """The smallest generator g of the multiplicative group: :math:`g^{(p-1)/q} \ne 1`
        for every prime q dividing p - 1 (sympy factors p - 1; computed once per field).

        >>> PrimeField(7).primitive_element, PrimeField(65537).primitive_element
        (3, 3)
        """
        import sympy  # factoring p - 1; only galois needs it

        return int(sympy.primitive_root(self.p))

    @functools.cached_property
    def galois(self):
        """The matching ``galois.GF(p)`` class, built without galois's slow search."""
        import galois  # measured: about 2 s to import; only this conversion needs it

        return galois.GF(self.p, primitive_element=self.primitive_element, verify=False)

    def array(self, x, name: str = "array") -> np.ndarray:
        """Canonical field elements from integers in [0, p); anything else is an error.

        Values outside [0, p) would silently wrap around the modulus, so they are refused;
        use :meth:`embed` for signed integers.
        """
        a = _as_int64(x, name)
        if a.size:
            lo, hi = int(a.min()), int(a.max())
            if lo < 0 or hi >= self.p:
                bad = lo if lo < 0 else hi
                raise FieldError(
                    f"{name} holds {bad}, outside [0, {self.p}) for GF({self.p}); "
                    "reduce it mod p or use embed() for signed values"
                )
        return a if a.flags.c_contiguous else a.copy()  # keeps 0-d input 0-d

    def random(self, shape, rng=None) -> np.ndarray:
        """Uniform elements of GF(p): an int64 array of ``shape`` with entries in [0, p).

        ``rng`` is anything :func:`numpy.random.default_rng` takes (a seed, a
        :class:`~numpy.random.Generator`, or None for fresh entropy). Uniform masks are what
        X-secure schemes need (:func:`ffcc.verify.verify_secrecy`).

        >>> F = PrimeField(7)
        >>> x = F.random((2, 3), rng=0)
        >>> x.shape, x.dtype.name, bool(((0 <= x) & (x < 7)).all())
        ((2, 3), 'int64', True)
        >>> bool((F.random(5, rng=1) == F.random(5, rng=1)).all())  # a seed repeats
        True
        """
        rng = np.random.default_rng(rng)
        return rng.integers(0, self.p, size=shape, dtype=np.int64)

    @property
    def signed_bound(self) -> int:
        """The largest |x| the signed embedding represents: (p - 1) // 2 (for odd p)."""
        return (self.p - 1) // 2

    @property
    def signed_range(self) -> tuple[int, int]:
        """[-(p-1)//2, p//2]: symmetric for odd p; [0, 1] for p = 2."""
        return -((self.p - 1) // 2), self.p // 2

    def embed(self, x, name: str = "values") -> np.ndarray:
        """Signed integers in [-(p-1)/2, (p-1)/2] to field elements (x mod p).

        Raises :class:`FieldError` naming the first value that does not fit.
        """
        a = np.asarray(x)
        lo, hi = self.signed_range
        if a.dtype == object:
            flat = [int(v) for v in a.ravel()]
            for i, v in enumerate(flat):
                if not lo <= v <= hi:
                    raise FieldError(self._fit_msg(v, np.unravel_index(i, a.shape), name))
            return np.array([v % self.p for v in flat], dtype=np.int64).reshape(a.shape)
        a = _as_int64(a, name)
        if a.size:
            bad = (a < lo) | (a > hi)
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                raise FieldError(self._fit_msg(int(a[idx]), idx, name))
        return np.where(a < 0, a + self.p, a)

    def _fit_msg(self, v, idx, name) -> str:
        lo, hi = self.signed_range
        where = f"[{', '.join(str(int(i)) for i in idx)}]" if idx else ""
        return (
            f"{name}{where} = {v} does not fit the signed range [{lo}, {hi}] of GF({self.p}); "
            "use a larger prime or several primes with CRT"
        )

    def lift(self, y) -> np.ndarray:
        """Field elements back to signed integers in [-(p-1)//2, p//2]."""
        a = self.array(y, "field values")
        return np.where(a > self.p // 2, a - self.p, a)

    # -- scalar and elementwise ---------------------------------------------------------
    def inv(self, a: int) -> int:
        """The multiplicative inverse of one element, :math:`a^{-1} = a^{p-2} \bmod p`
        (Fermat); raises :class:`ZeroDivisionError` for a = 0 mod p.

        >>> F = PrimeField(7)
        >>> F.inv(3), 3 * F.inv(3) % 7, F.inv(-1)
        (5, 1, 6)
        """
        a = int(a) % self.p
        if a == 0:
            raise ZeroDivisionError(f"0 has no inverse in GF({self.p})")
        return pow(a, -1, self.p)

    def mul(self, a, b) -> np.ndarray:
        """Elementwise product :math:`ab \bmod p` of broadcastable arrays in [0, p), exact
        for every p < 2^63 (the compiled kernel avoids int64 overflow of a b).

        >>> F = PrimeField(2**61 - 1)
        >>> F.mul([F.p - 1, 2], [F.p - 1, 3]).tolist()  # (-1)(-1) = 1
        [1, 6]
        """
        a, b = np.broadcast_arrays(self.array(a, "a"), self.array(b, "b"))
        if self.fast:  # a * b < 2^62: numpy is exact and as fast as a kernel
            return a * b % self.p
        if not use_kernel("mul_arrays", a.size, self.p):
            return (a.astype(object) * b.astype(object) % self.p).astype(np.int64)
        out = K.mul_arrays(np.ascontiguousarray(a), np.ascontiguousarray(b), self.p)
        return out.reshape(a.shape)

    def add(self, a, b) -> np.ndarray:
        """Elementwise sum :math:`a + b \bmod p`, computed as a - (p - b) when a >= p - b
        so that no intermediate exceeds p (no overflow even for p near 2^63).

        >>> F = PrimeField(7)
        >>> F.add([6, 3], [1, 2]).tolist()
        [0, 5]
        """
        a = self.array(a, "a")
        b = self.array(b, "b")
        return np.where(a >= self.p - b, a - (self.p - b), a + b)

    def sub(self, a, b) -> np.ndarray:
        """Elementwise difference :math:`a - b \bmod p`, in [0, p).

        >>> F = PrimeField(7)
        >>> F.sub([1, 5], [2, 3]).tolist()
        [6, 2]
        """
        a = self.array(a, "a")
        b = self.array(b, "b")
        return np.where(a >= b, a - b, a + (self.p - b))

    def neg(self, a) -> np.ndarray:
        """Elementwise negation :math:`-a \bmod p` (0 stays 0).

        >>> PrimeField(7).neg([0, 1, 6]).tolist()
        [0, 6, 1]
        """
        a = self.array(a, "a")
        return np.where(a == 0, 0, self.p - a)

    # -- matrix multiply ---------------------------------------------------------------
    def matmul(self, A, B) -> np.ndarray:
        """Exact A @ B mod p for 2-D int64 arrays with entries in [0, p)."""
        A = np.ascontiguousarray(self.array(A, "A"))
        B = np.ascontiguousarray(self.array(B, "B"))
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise FieldError(f"matmul shapes {A.shape} and {B.shape} do not align")
        n, k = A.shape
        m = B.shape[1]
        if n == 0 or m == 0 or k == 0:
            return np.zeros((n, m), dtype=np.int64)
        kernel = "split_limbs" if self.fast else "horner_shift_combine"
        if not use_kernel(kernel, n * k * m, self.p):
            return _np_matmul(A, B, self.p)
        if self.fast:
            return _matmul_limb_a(A, B, self.p)
        return _matmul_limb_ab(A, B, self.p)

    # -- dense linear algebra ---------------------------------------------------------
    def rank(self, M) -> int:
        """Rank of a matrix over GF(p), by Gaussian elimination (exact; 0 for an empty
        matrix). The same matrix can have different ranks in different fields: a minor
        that is a non-zero integer vanishes modulo every prime dividing it.

        >>> PrimeField(7).rank([[1, 2], [3, 4]])  # determinant -2, a unit mod 7
        2
        >>> PrimeField(2).rank([[1, 0], [1, 0]])  # the same matrix reduced mod 2
        1
        """
        M = self.array(M, "matrix").copy()
        if M.size == 0:
            return 0
        return int(self._rref_inplace(M, M.shape[1]).size)

    def rref(self, M) -> tuple[np.ndarray, np.ndarray]:
        """Reduced row echelon form and pivot columns."""
        R = self.array(M, "matrix").copy()
        if R.size == 0:
            return R, np.zeros(0, dtype=np.int64)
        piv = self._rref_inplace(R, R.shape[1])
        return R, piv

    def _rref_inplace(self, M: np.ndarray, ncols: int) -> np.ndarray:
        n, m = M.shape
        if use_kernel("rref_inplace", n * m * min(n, ncols), self.p):
            return K.rref_inplace(M, self.p, ncols)
        return _np_rref(M, self.p, ncols)

    def batched_rank(self, M) -> np.ndarray:
        """Ranks of a stack of matrices, shape (batch, n, m)."""
        M = np.ascontiguousarray(self.array(M, "matrices"))
        if M.ndim != 3:
            raise FieldError(f"batched_rank wants a (batch, n, m) stack, got shape {M.shape}")
        if M.shape[1] == 0 or M.shape[2] == 0:
            return np.zeros(M.shape[0], dtype=np.int64)
        b, n, m = M.shape
        if not use_kernel("batched_rank", b * n * m * min(n, m), self.p):
            return np.array([_np_rref(W.copy(), self.p, m).size for W in M], dtype=np.int64)
        return K.batched_rank(M, self.p)

    def batched_solve(self, A, B) -> tuple[np.ndarray, np.ndarray]:
        """Solve A[t] X[t] = B[t] for square A[t]; returns (X, ok) with ok False if singular."""
        A = np.ascontiguousarray(self.array(A, "A"))
        B = np.ascontiguousarray(self.array(B, "B"))
        if A.ndim != 3 or A.shape[1] != A.shape[2]:
            raise FieldError(f"batched_solve wants square (batch, n, n) matrices, got {A.shape}")
        vec = B.ndim == 2
        if vec:
            B = B[:, :, None]
        if B.shape[:2] != A.shape[:2]:
            raise FieldError(f"right-hand sides {B.shape} do not match matrices {A.shape}")
        b, n, _ = A.shape
        if use_kernel("batched_solve", b * n * n * (n + B.shape[2]), self.p):
            X, ok = K.batched_solve(A, np.ascontiguousarray(B), self.p)
        else:
            X = np.zeros(B.shape, dtype=np.int64)
            ok = np.zeros(b, dtype=bool)
            for t in range(b):
                aug = np.concatenate([A[t], B[t]], axis=1)
                if _np_rref(aug, self.p, n).size == n:
                    ok[t], X[t] = True, aug[:, n:]
        return (X[:, :, 0] if vec else X), ok

    def batched_inv(self, A) -> tuple[np.ndarray, np.ndarray]:
        """Inverses of a stack of square matrices; ok[t] is False where A[t] is singular."""
        A = np.ascontiguousarray(self.array(A, "A"))
        if A.ndim != 3 or A.shape[1] != A.shape[2]:
            raise FieldError(f"batched_inv wants square (batch, n, n) matrices, got {A.shape}")
        eye = np.broadcast_to(np.eye(A.shape[1], dtype=np.int64), A.shape)
        return self.batched_solve(A, eye)

    def solve(self, A, b) -> np.ndarray:
        """One solution x of A x = b (any shape of A); raises FieldError if there is none."""
        A = self.array(A, "A")
        b = self.array(b, "b")
        vec = b.ndim == 1
        b2 = b[:, None] if vec else b
        n, m = A.shape
        aug = np.ascontiguousarray(np.concatenate([A, b2], axis=1))
        piv = self._rref_inplace(aug, m) if n else np.zeros(0, dtype=np.int64)
        r = piv.size
        if np.any(aug[r:, m:]):
            raise FieldError("the linear system has no solution over GF(p)")
        x = np.zeros((m, b2.shape[1]), dtype=np.int64)
        x[piv] = aug[:r, m:]
        return x[:, 0] if vec else x

    def inverse(self, A) -> np.ndarray:
        """The inverse of a square matrix over GF(p); raises :class:`FieldError` if it is
        singular there.

        >>> F = PrimeField(7)
        >>> A = F.array([[1, 2], [3, 4]])
        >>> F.matmul(A, F.inverse(A)).tolist()
        [[1, 0], [0, 1]]
        >>> PrimeField(2).inverse([[1, 0], [1, 0]])
        Traceback (most recent call last):
        ...
        ffcc.field.FieldError: the matrix is singular over GF(p)
        """
        X, ok = self.batched_inv(self.array(A, "A")[None])
        if not ok[0]:
            raise FieldError("the matrix is singular over GF(p)")
        return X[0]

    def nullspace(self, A) -> np.ndarray:
        """A basis (rows) of {x : A x = 0}."""
        R, piv = self.rref(A)
        m = np.asarray(A).shape[1]
        free = [c for c in range(m) if c not in set(piv.tolist())]
        N = np.zeros((len(free), m), dtype=np.int64)
        for t, f in enumerate(free):
            N[t, f] = 1
            for r, c in enumerate(piv):
                N[t, c] = (-R[r, f]) % self.p
        return N

    # -- polynomials at chosen nodes ---------------------------------------------------
    def nodes(self, n: int, *, start: int = 1, what: str = "evaluation points") -> np.ndarray:
        """n distinct field elements start, start+1, ...; a clear error if GF(p) is too small."""
        if start + n > self.p:
            need = next_prime(start + n - 1)
            raise FieldError(
                f"GF({self.p}) has too few elements for {n} distinct {what}; "
                f"use a prime p >= {need}"
            )
        return np.arange(start, start + n, dtype=np.int64)

    def vandermonde(self, nodes, n: int) -> np.ndarray:
        """V[i, j] = nodes[i]^j."""
        x = self.array(nodes, "nodes").ravel()
        if use_kernel("vandermonde", x.size * int(n), self.p):
            return K.vandermonde(x, int(n), self.p)
        V = np.empty((x.size, int(n)), dtype=np.int64 if self.fast else object)
        xs = x if self.fast else x.astype(object)
        for j in range(int(n)):
            V[:, j] = 1 % self.p if j == 0 else V[:, j - 1] * xs % self.p
        return V.astype(np.int64)

    def vandermonde_inverse(self, nodes) -> np.ndarray:
        """Inverse of the square Vandermonde matrix of distinct nodes, in O(n^2)."""
        x = self._distinct(nodes)
        if use_kernel("vandermonde_inverse", x.size**3, self.p):
            return K.vandermonde_inverse(x, self.p)
        aug = np.concatenate([self.vandermonde(x, x.size), np.eye(x.size, dtype=np.int64)], 1)
        _np_rref(aug, self.p, x.size)  # distinct nodes: V is invertible, aug = [I | V^-1]
        return np.ascontiguousarray(aug[:, x.size :])

    def lagrange_matrix(self, nodes, points) -> np.ndarray:
        """L[j, i] = l_i(points[j]) for the Lagrange basis l_i of distinct ``nodes``."""
        x = self._distinct(nodes)
        z = self.array(points, "points").ravel()
        if use_kernel("lagrange_matrix", z.size * x.size + x.size**3, self.p):
            return K.lagrange_matrix(x, z, self.p)
        # l_i has the coefficients of column i of V^-1, so L = V(points) V(nodes)^-1
        return self.matmul(self.vandermonde(z, x.size), self.vandermonde_inverse(x))

    def poly_eval(self, coeffs, nodes) -> np.ndarray:
        """Evaluate polynomials (coefficients along axis 0, low degree first) at nodes."""
        c = self.array(coeffs, "coefficients")
        V = self.vandermonde(nodes, c.shape[0])
        return self.matmul(V, c.reshape(c.shape[0], -1)).reshape((V.shape[0],) + c.shape[1:])

    def interpolate(self, nodes, values) -> np.ndarray:
        """Coefficients (low degree first) of the unique polynomial of degree < n through
        the n points (nodes[i], values[i]); values may carry trailing block axes."""
        v = self.array(values, "values")
        Vi = self.vandermonde_inverse(nodes)
        if Vi.shape[0] != v.shape[0]:
            raise FieldError(f"{Vi.shape[0]} nodes but {v.shape[0]} values")
        return self.matmul(Vi, v.reshape(v.shape[0], -1)).reshape(v.shape)

    def _distinct(self, nodes) -> np.ndarray:
        x = self.array(nodes, "nodes").ravel()
        if np.unique(x).size != x.size:
            raise FieldError("nodes must be distinct field elements")
        return np.ascontiguousarray(x)


def _limb_plan(p: int, k: int) -> tuple[int, int, int]:
    """Limb count L, limb width s and inner chunk length for the one-sided split."""
    bits = (p - 1).bit_length()
    for L in range(1, bits + 1):
        s = -(-bits // L)
        chunk = (_EXACT - 1) // (((1 << s) - 1) * (p - 1))
        if chunk >= min(k, 512):
            return L, s, max(1, min(chunk, k))
    raise AssertionError("unreachable: L = bits gives s = 1")


def _matmul_limb_a(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    n, k = A.shape
    L, s, chunk = _limb_plan(p, k)
    Bf = B.astype(np.float64)
    acc = np.zeros((n, B.shape[1]), dtype=np.float64)
    for k0 in range(0, k, chunk):
        Ak = np.ascontiguousarray(A[:, k0 : k0 + chunk])
        stack = np.empty((L * n, Ak.shape[1]), dtype=np.float64)
        K.split_limbs(Ak, L, s, stack)
        K.reduce_limbs(stack @ Bf[k0 : k0 + chunk], L, n, s, p, acc)
    return acc.astype(np.int64)


_AB_BITS = 16


def _matmul_limb_ab(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    n, k = A.shape
    m = B.shape[1]
    L = -(-(p - 1).bit_length() // _AB_BITS)
    mask = (1 << _AB_BITS) - 1
    # each weight class sums at most L limb products of k terms below 2^32
    chunk = max(1, (_EXACT - 1) // (L * (mask * mask)))
    Al = [((A >> (_AB_BITS * i)) & mask).astype(np.float64) for i in range(L)]
    Bl = [((B >> (_AB_BITS * j)) & mask).astype(np.float64) for j in range(L)]
    D = np.zeros((2 * L - 1, n * m), dtype=np.int64)
    for k0 in range(0, k, chunk):
        sl = slice(k0, k0 + chunk)
        for w in range(2 * L - 1):
            acc = np.zeros((n, m), dtype=np.float64)
            for i in range(max(0, w - L + 1), min(L, w + 1)):
                acc += Al[i][:, sl] @ Bl[w - i][sl]
            r = (acc.astype(np.int64) % p).ravel()
            D[w] = np.where(D[w] >= p - r, D[w] - (p - r), D[w] + r)
    return K.horner_shift_combine(D, _AB_BITS, p).reshape(n, m)


# -- small sizes without compiling ---------------------------------------------------------
# A numba kernel compiles in 0.3-2 s on its first call (then loads from numba's disk cache in
# milliseconds). Up to _SMALL_WORK multiply-adds (int64 numpy does >= 0.3 G/s; Python
# integers, for p >= 2^31, ~10 M/s) the exact numpy paths below finish well within that, so
# a small job compiles nothing unless the kernel is already compiled or cached.
_SMALL_WORK = 1 << 22


def _kernel_ready(kernel) -> bool:
    """Whether calling a numba kernel (or the one named in ffcc._kernels) is free: compiled
    or loaded in this process. A kernel only in numba's disk cache is not: loading it costs
    more than the numpy path for small work (measured: the warm main job 1.17 -> 0.84 s)."""
    kernel = getattr(K, kernel) if isinstance(kernel, str) else kernel
    # a plain function under NUMBA_DISABLE_JIT: not ready, as a kernel not yet loaded, so a
    # no-JIT coverage map sees the paths a real run takes (numpy for small work)
    return bool(getattr(kernel, "overloads", None))


def use_kernel(kernel, work: int, p: int) -> bool:
    """Compiled kernel (True) or the numpy path (False) for ``work`` multiply-adds.

    Many small calls add up: after _SMALL_CALLS numpy calls of one kernel's work, or 4x
    the work limit in total, the kernel is compiled once and used from then on. The numpy
    paths are exact too (tested against python-flint); this only decides compile time.

    >>> use_kernel("rref_inplace", 10**9, 65537)  # big work: always the compiled kernel
    True
    """
    limit = _SMALL_WORK if p < FAST_LIMIT else _SMALL_WORK >> 6
    if work > limit or _kernel_ready(kernel):
        return True
    key = kernel if isinstance(kernel, str) else kernel.__name__
    calls, total = _SPENT.get(key, (0, 0))
    _SPENT[key] = (calls + 1, total + work)
    return calls >= _SMALL_CALLS or total + work > 4 * limit


_SMALL_CALLS = 1000  # ~0.1-0.3 s of numpy calls: then a compile (~1 s) pays off
_SPENT: dict[str, tuple[int, int]] = {}  # numpy calls and work so far, per kernel


def _np_matmul(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    """Exact A @ B mod p in numpy: for p < 2^31 with A split into 16-bit halves, so every
    sum of k < 2^15 products stays below k 2^47 < 2^62; Python integers otherwise."""
    if p < FAST_LIMIT and A.shape[1] < 1 << 15:
        lo = (A & 0xFFFF) @ B % p
        hi = (A >> 16) @ B % p
        return (hi * 65536 + lo) % p
    return (A.astype(object) @ B.astype(object) % p).astype(np.int64)


def _np_rref(M: np.ndarray, p: int, ncols: int) -> np.ndarray:
    """:func:`ffcc._kernels.rref_inplace` with numpy row operations (products below p^2,
    int64 for p < 2^31, Python integers otherwise): pivot columns, M reduced in place."""
    W = M if p < FAST_LIMIT else M.astype(object)
    n = W.shape[0]
    piv: list[int] = []
    for c in range(ncols):
        r = len(piv)
        if r == n:
            break
        nz = np.flatnonzero(W[r:, c])
        if not nz.size:
            continue
        i = r + int(nz[0])
        if i != r:
            W[[r, i]] = W[[i, r]]
        W[r] = W[r] * pow(int(W[r, c]), -1, p) % p
        f = W[:, c].copy()
        f[r] = 0
        W -= f[:, None] * W[r] % p  # W - (f W_r mod p) lies in (-p, p)
        W %= p
        piv.append(c)
    if W is not M:
        M[...] = W.astype(np.int64)
    return np.array(piv, dtype=np.int64)


def crt(residues: Sequence[np.ndarray], primes: Sequence[int]) -> np.ndarray:
    """Combine residues mod pairwise-distinct primes into signed integers (object array)
    in the symmetric range of prod(primes), by the Chinese remainder theorem."""
    M = math.prod(int(q) for q in primes)
    out = np.zeros(np.shape(residues[0]), dtype=object)
    for r, q in zip(residues, primes, strict=True):
        q = int(q)
        Mq = M // q
        coef = Mq * pow(Mq % q, -1, q)
        out = out + np.asarray(r).astype(object) * coef
    out = out % M
    return np.where(out > M // 2, out - M, out)
