"""Compiled loops for the coordinator: encode into shared memory, decode by streaming.

Both work on canonical residues (int64 in [0, p)) for p < 2^31, where a product of two
residues is below 2^62: ``every`` products are summed between reductions, the most that
keep ``acc < p + every (p-1)^2 <= 2^63 - 1``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..field import FAST_LIMIT, PrimeField

__all__ = ["encode_into", "lincomb"]

_I64_MAX = (1 << 63) - 1


def terms_between_reductions(p: int) -> int:
    """How many products of residues mod p an int64 accumulator takes between reductions."""
    return (_I64_MAX - p) // ((p - 1) ** 2)


@nb.njit(cache=True)
def _encode_rows(E, X, out, p, every):  # pragma: no cover - compiled
    w, lam = E.shape
    n = X.shape[1]
    blk = 4096  # a strip of entries stays in cache across the w output rows
    for i0 in range(0, n, blk):
        i1 = min(i0 + blk, n)
        for j in range(w):
            for i in range(i0, i1):
                acc = 0
                cnt = 0
                for l in range(lam):
                    acc += E[j, l] * X[l, i]
                    cnt += 1
                    if cnt == every:
                        acc %= p
                        cnt = 0
                out[j, i] = acc % p


@nb.njit(cache=True)
def _axpy(acc, y, a, p, reduce):  # pragma: no cover - compiled
    for i in range(acc.size):
        v = acc[i] + a * y[i]
        acc[i] = v % p if reduce else v


def encode_into(p: int, E: np.ndarray, X: np.ndarray, out: np.ndarray) -> None:
    """``out[j] = sum_l E[j, l] X[l] mod p`` for E (w, lam), X (lam, n), out (w, n) int64."""
    E = np.ascontiguousarray(E, dtype=np.int64)
    if p < FAST_LIMIT:
        _encode_rows(E, X, out, np.int64(p), np.int64(terms_between_reductions(p)))
    else:
        out[...] = PrimeField(p).matmul(E, X)


def lincomb(p: int, coeffs, ys, n: int) -> np.ndarray:
    """``sum_r coeffs[r] * ys[r] mod p`` for flat int64 arrays ys of length n, one pass
    per term and no stacked copy of the ys."""
    acc = np.zeros(n, dtype=np.int64)
    if p < FAST_LIMIT:
        every, cnt = terms_between_reductions(p), 0
        for a, y in zip(coeffs, ys, strict=True):
            cnt += 1
            red = cnt == every
            _axpy(acc, y, np.int64(a), np.int64(p), red)
            cnt = 0 if red else cnt
        if cnt:
            np.remainder(acc, p, out=acc)
        return acc
    F = PrimeField(p)
    for a, y in zip(coeffs, ys, strict=True):
        acc = F.add(acc, F.mul(y, int(a)))
    return acc
