r"""Symbolic helpers (sympy): the evaluation-code argument, checked instance by instance.

For an evaluation code the worker at node :math:`\alpha` contributes the rank-one tensor
:math:`W(\alpha) = a(\alpha) \otimes b(\alpha)`, whose entries are polynomials of degree at
most D in :math:`\alpha`. Hence :math:`W(\alpha) = M v(\alpha)` with
:math:`v(\alpha) = (1, \alpha, \dots, \alpha^D)` and a coefficient matrix M that does not
depend on :math:`\alpha`, and the tensors of a worker set S are :math:`M V_S^T`. If
:math:`V_S` (square, D + 1 distinct nodes) is invertible, their span is the column space of
M; so every target T with :math:`T = M c` for an explicit c is decoded by every D + 1
workers, and the decoding system's determinant is :math:`\det V_S = \prod_{i<j}(\alpha_j -
\alpha_i)`. :func:`coefficient_matrix` extracts M (checking the degree bound),
:func:`vandermonde_identity` checks the determinant formula for symbolic nodes.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.polys.matrices import DomainMatrix

__all__ = [
    "coefficient_matrix",
    "difference_product",
    "only_difference_factors",
    "product_degree",
    "vandermonde_identity",
    "z_degree",
]


def coefficient_matrix(entries, z, D: int):
    """Rows: coefficient vectors (degree 0..D in z) of each entry; None if an entry has
    degree above D."""
    rows = []
    for e in entries:
        poly = sp.Poly(sp.expand(e), z)
        if poly.degree() > D:
            return None
        c = [0] * (D + 1)
        for (d,), v in poly.terms():
            c[d] = v
        rows.append(c)
    return sp.Matrix(rows)


def z_degree(expr, z) -> int:
    """Degree in z of a rational expression whose denominator is free of z (else a large
    number, so that a degree check fails)."""
    num, den = sp.fraction(sp.together(expr))
    if sp.Poly(den, z).degree() > 0:
        return 10**9
    return sp.Poly(num, z).degree()


@functools.cache
def vandermonde_identity(n: int) -> bool:
    """det [alpha_i^j] (n x n, symbolic) equals prod_{i<j} (alpha_j - alpha_i)."""
    a = sp.symbols(f"alpha0:{n}")
    V = DomainMatrix.from_Matrix(sp.Matrix(n, n, lambda i, j: a[i] ** j))
    R = V.domain
    prod = R.one
    for i in range(n):
        for j in range(i + 1, n):
            prod *= R.from_sympy(a[j] - a[i])
    return V.det() == prod


def product_degree(expr, z) -> int:
    """Degree in z of a product of powers of polynomials, without expanding it."""
    total = 0
    for f in sp.Mul.make_args(expr):
        base, exp = f.as_base_exp()
        total += sp.Poly(base, z).degree() * int(exp) if base.has(z) else 0
    return total


def difference_product(expr, symbols) -> bool:
    """True when ``expr`` (unexpanded) is a non-zero constant times a product of powers of
    differences of distinct symbols, read off its factors without expanding."""
    if expr == 0:
        return False
    allowed = {sp.expand(a - b) for a in symbols for b in symbols if a != b}
    for f in sp.Mul.make_args(expr):
        base, _ = f.as_base_exp()
        if base.is_number:
            if base == 0:
                return False
            continue
        if sp.expand(base) not in allowed:
            return False
    return True


def only_difference_factors(expr, symbols) -> bool:
    """True when ``expr`` is a non-zero constant times a product of powers of differences
    of the given symbols (so it is non-zero whenever they are distinct)."""
    num, den = sp.fraction(sp.factor(sp.together(expr)))
    allowed = {sp.expand(a - b) for a in symbols for b in symbols if a != b}
    for part in (num, den):
        if part == 0:
            return False
        for f, _ in sp.factor_list(part)[1]:
            if sp.expand(f) not in allowed:
                return False
    return True
