r"""Schemes whose worker j returns :math:`h(x_j)` for one polynomial h, the targets being
fixed linear functionals of h (values :math:`h(\beta)/c` or rows on its coefficients).

The decoder of the locality codes (:mod:`ffcc.codes.dependency`,
:mod:`ffcc.codes.coordinates`) and of the global 3M codes (:mod:`ffcc.codes.threem`):
interpolate h from any N + 1 answers (N = deg h) with the inverse Vandermonde matrix and
apply the target rows, or, with fewer answers, solve for h in the space it is known to lie
in (:meth:`NodeCode.span_basis`).

>>> from ffcc.codes.dependency import dependency_code
>>> S = dependency_code(3, s=1, p=101)  # a NodeCode: h of degree 2k - 4 = 2
>>> S.degree, S.functional([0, 1, 2]).shape
(2, (3, 3))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..field import FieldError
from ..scheme import DecodingError, Scheme, SchemeError

__all__ = ["NodeCode"]


class NodeCode(Scheme):
    r"""A :class:`~ffcc.scheme.Scheme` in which worker j returns :math:`h(x_j)` for one
    polynomial h of degree at most N, and every target is a fixed linear functional of h.

    ``params`` holds ``nodes`` (the :math:`x_j`), ``degree`` (N) and ``threshold`` (the R
    the scheme is built for), and the targets either as ``target_rows`` (one row of length
    N + 1 per target, applied to the coefficients of h) or as ``target_nodes`` and
    ``target_scales``: target t is :math:`h(\beta_t) / c_t`. :meth:`decode` interpolates h
    from any N + 1 answers with :meth:`~ffcc.field.PrimeField.vandermonde_inverse` and
    applies the rows; with fewer answers it solves for h in :meth:`span_basis` (by default
    all polynomials of degree at most N, which then fails with :class:`DecodingError`). The
    generic :meth:`Scheme.decode` stays available as an independent cross-check.
    """

    def __post_init__(self):
        super().__post_init__()
        F = self.field
        try:
            self.nodes = np.asarray(self.params["nodes"], dtype=np.int64)
            self.degree = int(self.params["degree"])
            self.threshold = int(self.params["threshold"])
        except KeyError as e:
            raise SchemeError(f"{type(self).__name__} needs params[{e.args[0]!r}]") from None
        if self.nodes.shape != (self.w,):
            raise SchemeError(f"{self.w} workers but {self.nodes.size} evaluation points")
        n = self.degree + 1
        if "target_rows" in self.params:
            rows = F.array(self.params["target_rows"], "params['target_rows']")
        else:
            try:
                beta = self.params["target_nodes"]
                scales = [int(c) % self.p for c in self.params["target_scales"]]
            except KeyError as e:
                raise SchemeError(f"{type(self).__name__} needs params[{e.args[0]!r}]") from None
            if len(scales) != len(beta) or any(c == 0 for c in scales):
                raise SchemeError("need one non-zero scale per target node")
            inv = np.array([F.inv(c) for c in scales], dtype=np.int64)
            rows = F.mul(F.vandermonde(beta, n), inv[:, None])
        if rows.shape != (len(self.targets), n):
            raise SchemeError(
                f"target rows have shape {rows.shape}, expected {(len(self.targets), n)}"
            )
        self.target_rows = np.ascontiguousarray(rows)
        self._fast: dict[tuple[int, ...], np.ndarray] = {}

    def span_basis(self) -> np.ndarray:
        """Rows: coefficient vectors (length N + 1) of a basis of the space h lies in."""
        return np.eye(self.degree + 1, dtype=np.int64)

    def functional(self, workers: Sequence[int]) -> np.ndarray:
        """(targets x len(workers)) matrix from the answers of these workers to the targets.

        Raises :class:`DecodingError` when these workers do not determine every target.
        """
        F = self.field
        key = tuple(int(j) for j in workers)
        if key in self._fast:
            return self._fast[key]
        x = self.nodes[list(key)]
        n = self.degree + 1
        L = self.target_rows
        if len(key) == n:
            # coefficients of h = V(x)^{-1} (values); targets = L (coefficients)
            D = F.matmul(L, F.vandermonde_inverse(x))
        else:
            # h = sum_d c_d b_d over a basis b of its span: values = M^T c, targets = G^T c,
            # so D with M D^T = G gives targets = D values
            Bv = self.span_basis()
            M = F.matmul(Bv, F.vandermonde(x, n).T)
            G = F.matmul(Bv, L.T)
            try:
                D = F.solve(M, G).T
            except FieldError:
                raise DecodingError(
                    f"{self.name}: workers {list(key)} do not determine every target"
                ) from None
        self._fast[key] = D
        return D

    def _decode_erasures(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from (sanitized, consistent) worker results ``{worker: array}``.

        Uses the first N + 1 answering workers (sorted) when there are that many, else all
        of them through the span of h.
        """
        ws = sorted(int(j) for j in results)
        key = ws[: self.degree + 1]
        D = self.functional(key)
        shape = np.shape(results[key[0]])
        Y = np.stack([self.field.array(results[j], f"result {j}") for j in key])
        out = self.field.matmul(D, Y.reshape(len(key), -1))
        return [out[t].reshape(shape) for t in range(out.shape[0])]
