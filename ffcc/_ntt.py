r"""Compiled number-theoretic transforms over GF(p) (radix 2), exact for every p < 2^63.

``ntt_rows(a, roots, p)`` transforms every column of an (N, n) array in place:
``A[k] = sum_j a[j] w^(jk)`` for the N-th root of unity w with ``roots[k] = w^k``
(k < N/2). The inverse is the transform with :math:`w^{-1}`, scaled by :math:`N^{-1}`.

Multiplications by a fixed factor c use Shoup's method while p < 2^31: with
:math:`c' = \lfloor c 2^{32} / p \rfloor`, :math:`q = \lfloor a c' / 2^{32} \rfloor` and
:math:`r = ac - qp \in [0, 2p)` for a < p (every product below 2^63), one conditional
subtraction and no division. Above 2^31 the overflow-free ``mulmod`` is used.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ._kernels import FAST_LIMIT, addmod, mulmod, submod


def shoup(c: np.ndarray, p: int) -> np.ndarray:
    """Shoup constants floor(c 2^32 / p) for fixed factors c (zeros when p >= 2^31)."""
    c = np.asarray(c, dtype=np.int64)
    if p >= FAST_LIMIT:
        return np.zeros_like(c)
    return np.array([(int(v) << 32) // p for v in c.ravel()], dtype=np.int64).reshape(c.shape)


@nb.njit(cache=True, inline="always")
def _mulc(a, c, cq, p):
    """a * c mod p for a fixed factor c with Shoup constant cq."""
    if p >= FAST_LIMIT:
        return mulmod(a, c, p)
    r = a * c - ((a * cq) >> 32) * p
    return r - p if r >= p else r


@nb.njit(cache=True)
def ntt_rows(a, roots, rootsq, p):
    N, n = a.shape
    j = 0
    for i in range(1, N):  # bit-reversal permutation of the rows
        bit = N >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j ^= bit
        if i < j:
            for c in range(n):
                t = a[i, c]
                a[i, c] = a[j, c]
                a[j, c] = t
    length = 2
    while length <= N:
        half = length // 2
        step = N // length
        for start in range(0, N, length):
            for k in range(half):
                wk = roots[k * step]
                wq = rootsq[k * step]
                r0 = start + k
                r1 = r0 + half
                for c in range(n):
                    u = a[r0, c]
                    v = _mulc(a[r1, c], wk, wq, p)
                    a[r0, c] = addmod(u, v, p)
                    a[r1, c] = submod(u, v, p)
        length *= 2


@nb.njit(cache=True)
def scale_rows(a, s, sq, p):
    """a[i, :] *= s[i] in place (sq: Shoup constants of s)."""
    N, n = a.shape
    for i in range(N):
        f = s[i]
        fq = sq[i]
        for c in range(n):
            a[i, c] = _mulc(a[i, c], f, fq, p)


@nb.njit(cache=True)
def poly_from_roots(r, p):
    """Coefficients (low degree first) of prod (x - r_i): monic, length len(r) + 1."""
    d = r.size
    out = np.zeros(d + 1, dtype=np.int64)
    out[0] = 1
    for i in range(d):
        neg = (p - r[i]) % p
        for k in range(i + 1, 0, -1):  # multiply by (x - r_i)
            out[k] = addmod(out[k - 1], mulmod(out[k], neg, p), p)
        out[0] = mulmod(out[0], neg, p)
    return out


@nb.njit(cache=True)
def divide_monic(c, lam, lamq, top, p):
    """Divide the polynomials in the columns of c (rows = coefficients, degree <= top) by
    the monic lam (degree d, Shoup constants lamq) in place; the quotient's coefficient j
    ends in row d + j."""
    d = lam.size - 1
    n = c.shape[1]
    for i in range(top, d - 1, -1):
        for k in range(1, d + 1):
            f = lam[d - k]
            if f == 0:
                continue
            fq = lamq[d - k]
            for col in range(n):
                c[i - k, col] = submod(c[i - k, col], _mulc(c[i, col], f, fq, p), p)
