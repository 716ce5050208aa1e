"""Compiled loops for the coordinator: encode into shared memory, decode by streaming.

Both work on canonical residues (int64 in [0, p)) for p < 2^31, where a product of two
residues is below 2^62: ``every`` products are summed between reductions, the most that
keep ``acc < p + every (p-1)^2 <= 2^63 - 1``.
"""

from __future__ import annotations

import numpy as np

from .._combine import combine
from .._kernels import encode_rows
from ..field import FAST_LIMIT, PrimeField, use_kernel

__all__ = ["encode_into", "lincomb", "lincomb_many"]

_I64_MAX = (1 << 63) - 1


def terms_between_reductions(p: int) -> int:
    """How many products of residues mod p an int64 accumulator takes between reductions."""
    return (_I64_MAX - p) // ((p - 1) ** 2)


def encode_into(p: int, E: np.ndarray, X: np.ndarray, out: np.ndarray) -> None:
    """``out[j] = sum_l E[j, l] X[l] mod p`` for E (w, lam), X (lam, n), out (w, n) int64.

    A small encoding whose kernel is not compiled yet takes :meth:`PrimeField.matmul`'s
    exact numpy path instead (see :mod:`ffcc.field`): a small job compiles nothing."""
    E = np.ascontiguousarray(E, dtype=np.int64)
    if p < FAST_LIMIT and use_kernel("encode_rows", E.size * X.shape[1], p):
        encode_rows(E, X, out, np.int64(p), np.int64(terms_between_reductions(p)))
    else:
        out[...] = PrimeField(p).matmul(E, X)


def lincomb(p: int, coeffs, ys, n: int) -> np.ndarray:
    """``sum_r coeffs[r] * ys[r] mod p`` for flat int64 arrays ys of length n: the fused
    decoder (:func:`ffcc._combine.combine`), which reads every y once, in chunks,
    with exact float64 limb arithmetic and no stacked copy of the ys."""
    return lincomb_many(p, np.asarray(coeffs, dtype=np.int64)[None, :], ys, n)[0]


def lincomb_many(p: int, D, ys, n: int) -> list[np.ndarray]:
    """Every target at once: a list of T arrays, the t-th ``sum_r D[t, r] ys[r] mod p``.

    One pass over the ys for all T targets, where T calls of :func:`lincomb` make T. Each
    target is its own allocation (``combine(..., rows=True)``): the next group's decode
    reuses the memory of blocks already freed instead of faulting in fresh pages."""
    if n == 0 or not len(ys):
        return [np.zeros(n, dtype=np.int64) for _ in range(np.shape(D)[0])]
    return combine(PrimeField(p), D, ys, rows=True)
