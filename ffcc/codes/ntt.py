r"""Erasure decoding with the number-theoretic transform when the nodes are roots of unity.

An evaluation code (:class:`~ffcc.codes.polynomial.BlockProductScheme`: MatDot,
polynomial, entangled, PolyDot) whose worker j sits at :math:`\omega^{e_j}`, an N-th root
of unity (N a power of two dividing p - 1), is decoded from any set S of at least K
answers (K the recovery threshold, :math:`\deg h < K`) without a K x K inverse:

1. the erased positions E (the N - |S| roots with no answer) give the monic
   :math:`\Lambda(x) = \prod_{e \in E} (x - \omega^e)`, of degree d = N - |S|;
2. :math:`v_e = h(\omega^e)\Lambda(\omega^e)` for e in S and 0 on E are the values of
   :math:`h\Lambda` (degree < K + d <= N) at all N roots, so one inverse NTT gives its
   coefficients;
3. dividing by :math:`\Lambda` gives h, whose coefficients at ``target_exponents`` are
   the targets.

Cost per result entry: :math:`O(N \log N + K d)` instead of :math:`O(TK)` for the
(targets x K) decoding matrix. ``benchmarks/bench_ntt_decode.py`` compares the two on the
same answers: the NTT pays only when no root is erased (d = 0) and T = K is large; with
erasures the division by :math:`\Lambda` (K d per entry) and these plain compiled loops
lose to the blocked matrix decoder, so :meth:`~ffcc.scheme.Scheme.decode` stays the
default. :func:`at_roots_of_unity` rebuilds a code at :math:`\omega^0, \dots,
\omega^{w-1}`.

>>> from ffcc.codes.polynomial import polynomial_code
>>> S = at_roots_of_unity(polynomial_code(2, 2, s=4))  # w = 8 = N
>>> F = S.field
>>> A, B = F.random((4, 3), 0), F.random((3, 4), 1)
>>> coded = S.encode(S.split(A, B))
>>> results = {j: S.compute(coded[j]) for j in (0, 3, 5, 6)}  # 4 of 8 answer
>>> C = S.assemble(ntt_decode(S, results))
>>> bool((C == (A.astype(object) @ B.astype(object)) % F.p).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import _ntt
from ..field import PrimeField
from ..scheme import DecodingError, SchemeError
from ._form import build_scheme
from .polynomial import BlockProductScheme, block_form

__all__ = ["at_roots_of_unity", "ntt_decode", "root_of_unity"]


def root_of_unity(F: PrimeField, N: int) -> int:
    """A primitive N-th root of unity of GF(p); N must divide p - 1."""
    if N < 1 or (F.p - 1) % N:
        raise SchemeError(f"GF({F.p}) has no {N}-th roots of unity: {N} does not divide p - 1")
    return pow(F.primitive_element, (F.p - 1) // N, F.p)


def _order(w: int) -> int:
    return 1 << max(0, (w - 1).bit_length())


def at_roots_of_unity(scheme: BlockProductScheme) -> BlockProductScheme:
    """The same block-product code with worker j at :math:`\\omega^j`, ω of order
    N = the power of two at or above w: its exponent form
    (:func:`~ffcc.codes.polynomial.block_form`) evaluated at those nodes."""
    if not isinstance(scheme, BlockProductScheme):
        raise SchemeError("at_roots_of_unity needs a block-product evaluation code")
    F = scheme.field
    w = scheme.w
    omega = root_of_unity(F, _order(w))
    x = [pow(omega, j, F.p) for j in range(w)]
    pr = scheme.params
    form = block_form(scheme.name, scheme.basis, pr["a_exponents"], pr["b_exponents"],
                      pr["target_exponents"], x, scheme.stragglers, pr.get("weights"))  # fmt: skip
    params = {**pr, "nodes": x, "root_of_unity": int(omega)}
    S = build_scheme(form, F, BlockProductScheme, byzantine=scheme.byzantine, name=scheme.name,
                     params=params)  # fmt: skip
    if S.targets != scheme.targets:  # the same form at other nodes
        raise SchemeError(f"{scheme.name}: its targets are not its exponent form's")
    return S


def _positions(scheme) -> tuple[int, int, np.ndarray]:
    F = scheme.field
    N = _order(scheme.w)
    omega = root_of_unity(F, N)
    where = {pow(omega, k, F.p): k for k in range(N)}
    try:
        pos = np.array([where[int(x)] for x in np.asarray(scheme.nodes).ravel()], dtype=np.int64)
    except KeyError:
        raise SchemeError(
            f"{scheme.name}: the nodes are not {N}-th roots of unity; build the code with "
            "at_roots_of_unity"
        ) from None
    return N, omega, pos


def ntt_decode(scheme: BlockProductScheme, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
    """Targets from the answers of any K or more workers, by NTT (see the module)."""
    F, p, K = scheme.field, scheme.field.p, scheme.threshold
    N, omega, pos = _positions(scheme)
    ws = sorted(int(j) for j in results)
    if len(ws) < K:
        raise DecodingError(f"{scheme.name}: {len(ws)} answers, but any {K} are needed")
    shapes = {np.shape(results[j]) for j in ws}
    if len(shapes) != 1:
        raise DecodingError(f"worker results differ in shape: {sorted(shapes)}")
    shape = shapes.pop()
    have = np.zeros(N, dtype=bool)
    have[pos[ws]] = True
    erased = np.flatnonzero(~have)
    lam = _ntt.poly_from_roots(np.array([pow(omega, int(e), p) for e in erased], np.int64), p)
    d = lam.size - 1
    roots = np.array([pow(omega, k, p) for k in range(max(1, N // 2))], dtype=np.int64)
    lam_at = np.zeros((N, 1), dtype=np.int64)
    lam_at[: d + 1, 0] = lam
    _ntt.ntt_rows(lam_at, roots, _ntt.shoup(roots, p), p)  # Lambda at every root
    # 1/N of the inverse transform folded into the row scaling by Lambda
    scale = F.mul(lam_at[:, 0], pow(N, p - 2, p))
    V = np.zeros((N, int(np.prod(shape, dtype=np.int64))), dtype=np.int64)
    for j in ws:
        V[pos[j]] = F.array(results[j], f"results[{j}]").reshape(-1)
    _ntt.scale_rows(V, scale, _ntt.shoup(scale, p), p)
    inv_omega = pow(omega, p - 2, p)
    iroots = np.array([pow(inv_omega, k, p) for k in range(max(1, N // 2))], dtype=np.int64)
    _ntt.ntt_rows(V, iroots, _ntt.shoup(iroots, p), p)  # coefficients of h Lambda
    _ntt.divide_monic(V, lam, _ntt.shoup(lam, p), K - 1 + d, p)
    rows = d + np.asarray(scheme.target_exponents, dtype=np.int64)
    return [V[r].reshape(shape) for r in rows.tolist()]
