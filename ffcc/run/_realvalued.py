r"""Floating-point MatDot for comparison: Chebyshev nodes and a Chebyshev basis.

Real-valued evaluation codes lose accuracy through the conditioning of the interpolation
they decode with. Following Fahim and Cadambe ("Numerically stable polynomially coded
computing", IEEE Trans. IT 2021), worker j evaluates at the Chebyshev point
:math:`x_j = \cos\frac{(2j+1)\pi}{2w}` the encodings

.. math::

    \tilde A(x) = \sum_{i<m} A_i\,t_i(x), \qquad \tilde B(x) = \sum_{i<m} B_i\,t_i(x),
    \qquad t_0 = T_0/\sqrt2,\ t_i = T_i\ (i \ge 1),

with :math:`T_i` the Chebyshev polynomials. Since :math:`T_iT_j = (T_{i+j} + T_{|i-j|})/2`,
only the diagonal terms reach :math:`T_0`, each with weight 1/2, so the product
polynomial (degree 2m - 2) has :math:`T_0`-coefficient :math:`c_0 = \tfrac12\sum_i A_iB_i`:
**AB = 2 c_0**. Any R = 2m - 1 results determine the coefficients through the
Chebyshev-Vandermonde matrix :math:`V_{rk} = T_k(x_r)`; the decoding error is governed by
:math:`\kappa(V_S)` for the set S of workers that answered.

``basis="monomial"`` with ``nodes="integer"`` (:math:`x_j = j+1`) is the textbook MatDot
in floating point; its Vandermonde matrices are catastrophically ill-conditioned.

Example
-------
>>> import numpy as np
>>> from ffcc.run import RealMatDot
>>> code = RealMatDot(m=3, stragglers=1)
>>> rng = np.random.default_rng(0)
>>> A, B = rng.standard_normal((4, 6)), rng.standard_normal((6, 5))
>>> coded = code.encode(A, B)
>>> res = {j: coded[j][0] @ coded[j][1] for j in (0, 2, 3, 4, 5)}  # worker 1 straggles
>>> C, cond = code.decode(res)
>>> bool(np.allclose(C, A @ B)), cond < 10
(True, True)
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ._errors import InputError, TooManyFaults
from ._exact import split_inner

__all__ = ["RealMatDot", "chebyshev_nodes"]


def chebyshev_nodes(w: int) -> np.ndarray:
    """The w Chebyshev points of the first kind, cos((2j+1) pi / (2w)).

    >>> np.round(chebyshev_nodes(2), 4).tolist()  # cos(pi/4), cos(3 pi/4)
    [0.7071, -0.7071]
    """
    j = np.arange(int(w))
    return np.cos((2 * j + 1) * np.pi / (2 * int(w)))


def _cheb_matrix(x: np.ndarray, n: int) -> np.ndarray:
    """V[r, k] = T_k(x_r) for k < n, by the three-term recurrence."""
    V = np.empty((x.size, n))
    V[:, 0] = 1.0
    if n > 1:
        V[:, 1] = x
    for k in range(2, n):
        V[:, k] = 2 * x * V[:, k - 1] - V[:, k - 2]
    return V


class RealMatDot:
    r"""MatDot over the reals with w = 2m - 1 + s workers.

    Parameters
    ----------
    m:
        Blocks of the inner dimension.
    stragglers:
        s, the workers that may be missing.
    basis:
        ``"chebyshev"`` (default, stable) or ``"monomial"``.
    nodes:
        ``"chebyshev"`` (default) or ``"integer"`` (1, 2, ..., w).

    Any R = 2m - 1 of the w results decode; :meth:`decode` returns the product and the
    condition number of the interpolation it solved, which bounds the relative error by
    about :math:`\kappa \cdot 2^{-52}`.

    Example
    -------
    m = 6, s = 1 (w = 12, R = 11), worker 0 missing: Chebyshev points keep the system
    well conditioned; the textbook monomial basis at 1, ..., 12 does not (its condition
    number is about :math:`10^{15}`, and the product loses most of its digits).

    >>> rng = np.random.default_rng(1)
    >>> A, B = rng.standard_normal((4, 12)), rng.standard_normal((12, 3))
    >>> for code in (RealMatDot(6, 1), RealMatDot(6, 1, basis="monomial", nodes="integer")):
    ...     coded = code.encode(A, B)
    ...     C, cond = code.decode({j: coded[j][0] @ coded[j][1] for j in range(1, code.w)})
    ...     print(code.w, code.R, cond < 100, bool(np.allclose(C, A @ B, rtol=0, atol=1e-9)))
    12 11 True True
    12 11 False False
    """

    def __init__(
        self, m: int, stragglers: int = 0, *, basis: str = "chebyshev", nodes: str = "chebyshev"
    ):
        self.m, self.s = int(m), int(stragglers)
        if self.m < 1 or self.s < 0:
            raise InputError("RealMatDot needs m >= 1 and s >= 0")
        if basis not in ("chebyshev", "monomial") or nodes not in ("chebyshev", "integer"):
            raise InputError("basis is chebyshev or monomial; nodes are chebyshev or integer")
        self.basis, self.node_kind = basis, nodes
        self.w = 2 * self.m - 1 + self.s
        self.R = 2 * self.m - 1
        self.nodes = chebyshev_nodes(self.w) if nodes == "chebyshev" else np.arange(1.0, self.w + 1)

    def __repr__(self) -> str:
        return f"RealMatDot(m={self.m}, s={self.s}, basis={self.basis!r}, nodes={self.node_kind!r})"

    def encoders(self) -> tuple[np.ndarray, np.ndarray]:
        """(E_A, E_B), each w x m: worker j gets sum_i E_A[j, i] A_i and sum_i E_B[j, i] B_i.

        Monomial basis: rows (1, x_j, ..., x_j^(m-1)) and reversed, so that the product
        polynomial's coefficient of x^(m-1) is AB.

        >>> EA, EB = RealMatDot(2, basis="monomial", nodes="integer").encoders()
        >>> EA.tolist(), EB.tolist()  # nodes 1, 2, 3
        ([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]], [[1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
        """
        x, m = self.nodes, self.m
        if self.basis == "chebyshev":
            E = _cheb_matrix(x, m)
            E[:, 0] /= math.sqrt(2.0)
            return E, E.copy()
        V = np.vander(x, m, increasing=True)
        return V, V[:, ::-1].copy()

    def encode(self, A, B) -> list[tuple[np.ndarray, np.ndarray]]:
        """Worker j's operands ``(sum_i E_A[j, i] A_i, sum_i E_B[j, i] B_i)`` for every j,
        with A split into m column blocks and B into m row blocks (see :meth:`encoders`).

        >>> import numpy as np
        >>> ops = RealMatDot(m=2).encode(np.ones((2, 4)), np.ones((4, 3)))
        >>> len(ops), ops[0][0].shape, ops[0][1].shape
        (3, (2, 2), (2, 3))
        """
        A = np.asarray(A, dtype=np.float64)
        B = np.asarray(B, dtype=np.float64)
        Ab, Bb, _ = split_inner(A, B, self.m)
        EA, EB = self.encoders()
        XA = np.tensordot(EA, np.stack(Ab), axes=1)
        XB = np.tensordot(EB, np.stack(Bb), axes=1)
        return [(XA[j], XB[j]) for j in range(self.w)]

    def decoder(self, workers) -> tuple[np.ndarray, float]:
        """Weights d (AB = sum_r d[r] * result_{workers[r]}) and cond(V_S), for R workers.

        For m = 1 every worker computes A0 B0 scaled by t_0(x)^2 = 1/2, so d = (2):

        >>> d, cond = RealMatDot(1).decoder([0])
        >>> d.tolist(), cond
        ([2.0], 1.0)
        """
        S = list(workers)
        if len(S) != self.R or len(set(S)) != self.R:
            raise TooManyFaults(f"real MatDot decodes from exactly {self.R} distinct workers")
        x = self.nodes[S]
        if self.basis == "chebyshev":
            V = _cheb_matrix(x, self.R)
            row = 0
            scale = 2.0
        else:
            V = np.vander(x, self.R, increasing=True)
            row = self.m - 1
            scale = 1.0
        e = np.zeros(self.R)
        e[row] = scale
        # d solves V^T d = e: then d . y = e . c = scale * c_row
        d = np.linalg.solve(V.T, e)
        return d, float(np.linalg.cond(V))

    def decode(self, results: dict, workers=None) -> tuple[np.ndarray, float]:
        """AB from R results ``{worker: array}`` (the first R given, or ``workers``)."""
        S = list(workers) if workers is not None else list(results)[: self.R]
        if len(S) < self.R:
            raise TooManyFaults(
                f"real MatDot needs {self.R} results, got {len(S)} (s = {self.s} tolerated)"
            )
        d, cond = self.decoder(S)
        Y = np.stack([np.asarray(results[j], dtype=np.float64) for j in S])
        return np.tensordot(d, Y, axes=1), cond

    def worst_condition(self, limit: int = 20000) -> float | None:
        """max over all R-subsets of cond(V_S) (None when there are more than ``limit``).

        The reason for Chebyshev nodes: at integer nodes the monomial Vandermonde matrices
        are ill-conditioned by orders of magnitude more.

        >>> cheb = RealMatDot(4, 2).worst_condition()
        >>> RealMatDot(4, 2, basis="monomial", nodes="integer").worst_condition() > 1e6 * cheb
        True
        """
        if math.comb(self.w, self.R) > limit:
            return None
        return max(self.decoder(S)[1] for S in itertools.combinations(range(self.w), self.R))
