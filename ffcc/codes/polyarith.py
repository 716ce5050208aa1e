r"""Dense univariate polynomials as coefficient lists (lowest degree first), exact or mod p.

The one home of the small polynomial helpers that the constructions (:mod:`ffcc.codes`) and
the proofs (``proofs/_build.py``) share. Every function takes ``p``: a prime reduces every
coefficient into [0, p) (Python ints, so no overflow for any p), ``None`` keeps them exact
(ints, :class:`fractions.Fraction` or any number type with ``+``, ``-``, ``*``, ``/``).

.. math:: c = (c_0, c_1, \dots, c_D) \leftrightarrow \sum_e c_e z^e .

>>> from ffcc.codes.polyarith import from_roots, poly_at, poly_mul, lagrange_basis
>>> from_roots([1, 2], p=7)  # (z - 1)(z - 2) = z^2 - 3z + 2
[2, 4, 1]
>>> poly_mul([1, 1], [1, 1], p=None), poly_at([2, 4, 1], 3, p=7)
([1, 2, 1], 2)
>>> lagrange_basis([1, 2], p=None)  # (z - 2)/(1 - 2), (z - 1)/(2 - 1)
[[Fraction(2, 1), Fraction(-1, 1)], [Fraction(-1, 1), Fraction(1, 1)]]
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__ = [
    "coefficient_matrix",
    "from_roots",
    "lagrange_basis",
    "poly_add",
    "poly_at",
    "poly_degree",
    "poly_mul",
    "poly_scale",
]


def _red(x, p: int | None):
    return x if p is None else x % p


def poly_mul(a: Sequence, b: Sequence, p: int | None) -> list:
    """The product a b (schoolbook; zero coefficients of a are skipped)."""
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] = _red(out[i + j] + x * y, p)
    return out


def poly_add(a: Sequence, b: Sequence, p: int | None) -> list:
    """The sum a + b (length of the longer)."""
    n = max(len(a), len(b))
    return [_red((a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0), p) for i in range(n)]


def poly_scale(a: Sequence, c, p: int | None) -> list:
    """c a for a scalar c."""
    return [_red(x * c, p) for x in a]


def poly_at(a: Sequence, z, p: int | None):
    """a(z) by Horner's rule."""
    acc = 0
    for x in reversed(a):
        acc = _red(acc * z + x, p)
    return acc


def poly_degree(a: Sequence) -> int:
    """Degree of a (-1 for the zero polynomial; trailing zeros ignored)."""
    for i in range(len(a) - 1, -1, -1):
        if a[i]:
            return i
    return -1


def from_roots(roots: Sequence, p: int | None) -> list:
    r""":math:`\prod_r (z - r)`, monic of degree ``len(roots)``."""
    c = [1]
    for r in roots:  # multiply by (z - r)
        c = [_red((c[i - 1] if i else 0) - r * (c[i] if i < len(c) else 0), p)
             for i in range(len(c) + 1)]  # fmt: skip
    return c


def lagrange_basis(betas: Sequence, p: int | None) -> list[list]:
    r"""The Lagrange basis of distinct ``betas``:
    :math:`\ell_i(z) = \prod_{j \ne i} (z - \beta_j)/(\beta_i - \beta_j)`."""
    out = []
    for i, bi in enumerate(betas):
        others = [b for j, b in enumerate(betas) if j != i]
        den = 1
        for b in others:
            den = _red(den * (bi - b), p)
        inv = pow(den, -1, p) if p is not None else Fraction(1) / den
        out.append(poly_scale(from_roots(others, p), inv, p))
    return out


def coefficient_matrix(polys: Sequence[Sequence[int]], n: int) -> np.ndarray:
    """Coefficients (already in [0, p) and below 2^63) as columns: shape (n, len(polys)),
    zero-padded to n rows.

    >>> coefficient_matrix([[1, 2], [3]], 3).tolist()
    [[1, 3], [2, 0], [0, 0]]
    """
    M = np.zeros((n, len(polys)), dtype=np.int64)
    for j, c in enumerate(polys):
        M[: len(c), j] = c
    return M
