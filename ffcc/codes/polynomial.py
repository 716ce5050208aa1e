r"""Polynomial, Entangled-Polynomial and PolyDot codes for C = A B over GF(p).

All three split A into an :math:`m \times q` grid of blocks :math:`A_{i,\iota}` and B into a
:math:`q \times n` grid :math:`B_{\iota,j}`, so that the result blocks are
:math:`C_{i,j} = \sum_\iota A_{i,\iota} B_{\iota,j}`. Worker k receives
:math:`\tilde A = p_A(x_k)` and :math:`\tilde B = p_B(x_k)` for two matrix polynomials and
returns :math:`h(x_k) = p_A(x_k)\, p_B(x_k)`; every :math:`C_{i,j}` is one coefficient of h.
A degree-:math:`(K-1)` matrix polynomial is fixed by K evaluations, so **any K workers
decode** (K is the recovery threshold) and :math:`w = K + s` workers tolerate s stragglers.

=====================  ==========================================  ===============================
code                   :math:`p_A(x)`, :math:`p_B(x)`              threshold K
=====================  ==========================================  ===============================
Polynomial (q = 1)     :math:`\sum_i A_i x^i`,                     :math:`mn`
                       :math:`\sum_j B_j x^{jm}`
Entangled-Polynomial   :math:`\sum A_{i,\iota} x^{\iota + iq}`,    :math:`mnq + q - 1`
                       :math:`\sum B_{\iota,j} x^{q-1-\iota+jqm}`
PolyDot                :math:`\sum A_{i,\iota} x^{i + m\iota}`,    :math:`mn(2q - 1)`
                       :math:`\sum B_{\iota,j} x^{m(q-1-\iota)
                       + m(2q-1)j}`
=====================  ==========================================  ===============================

For the entangled code the product :math:`A_{i,\iota} B_{\iota',j}` lands on the exponent
:math:`q - 1 + (\iota - \iota') + iq + jqm`; since :math:`|\iota-\iota'| < q` the exponent
:math:`q-1+iq+jqm` collects exactly the terms of :math:`C_{i,j}`. MatDot
(:mod:`ffcc.codes.matdot`) is the case m = n = 1.

Decoding (:meth:`BlockProductScheme.decode`) is structured: the coefficients of h are
:math:`V^{-1} y` for the Vandermonde matrix V of the K answering nodes, so the decoder is
the (targets x K) matrix of the rows of :math:`V^{-1}` at the target exponents, built in
:math:`O(K^2)`, and applied to the results in one fused pass (:func:`combine`). Its cost
grows with the number of targets and K, never with :math:`\binom{w}{K}`.

References
----------
* Q. Yu, M. A. Maddah-Ali, A. S. Avestimehr, "Polynomial codes: an optimal design for
  high-dimensional coded matrix multiplication", NeurIPS 2017.
* Q. Yu, M. A. Maddah-Ali, A. S. Avestimehr, "Straggler mitigation in distributed matrix
  multiplication: fundamental limits and optimal coding", IEEE Trans. IT 66(3), 2020
  (Entangled-Polynomial codes).
* S. Dutta et al., "On the optimal recovery threshold of coded matrix multiplication",
  IEEE Trans. IT 66(1), 2019 (PolyDot codes).

Example
-------
>>> import numpy as np
>>> from ffcc.codes.polynomial import entangled_polynomial
>>> S = entangled_polynomial(m=2, n=1, q=2, s=1)  # K = 2*1*2 + 2 - 1 = 5, w = 6
>>> S.threshold, S.w
(5, 6)
>>> F = S.field
>>> A, B = F.random((4, 6), 1), F.random((6, 3), 2)
>>> coded = S.encode(S.split(A, B))
>>> results = {j: S.compute(coded[j]) for j in (0, 2, 3, 4, 5)}  # worker 1 straggles
>>> C = S.assemble(S.decode(results))
>>> bool((C == (A.astype(object) @ B.astype(object)) % F.p).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numba as nb
import numpy as np
from numba import types
from numba.extending import intrinsic

from ..field import PrimeField
from ..scheme import DecodingError, Scheme, SchemeError
from ._catalog import Construction, register

__all__ = [
    "BlockProductScheme",
    "EvaluationCode",
    "combine",
    "entangled_for_grid",
    "entangled_polynomial",
    "entangled_threshold",
    "polydot",
    "polydot_threshold",
    "polynomial_code",
    "polynomial_threshold",
]


# -- fused exact combination  out = D @ [y_1; ...; y_R]  (mod p) -----------------------------

_CHUNK = 1024  # columns per task: R rows of 8 KiB stay in L2 while every target is formed
_MAGIC = 6755399441055744.0  # 1.5 * 2^52: (x + M) - M rounds x to the nearest integer
_TWO52 = 4503599627370496.0
_EXP52 = 0x4330000000000000  # bit pattern of 2^52: float -> int64 without a scalar convert
_EXACT = 1 << 52


@intrinsic
def _as_ptr(typingctx, addr):
    # Results arrive as separate arrays; passing their addresses avoids stacking them (a full
    # extra pass over R blocks) and numba's typed List (a second of compilation per process).
    sig = types.CPointer(types.int64)(types.int64)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

    return sig, codegen


@nb.njit(cache=True, nogil=True)
def _combine_chunk(Dl, addrs, n, s, p, out, c0, Yf, acc):  # pragma: no cover - compiled
    """Columns [c0, c0 + _CHUNK) of out[t] = sum_l 2^(s l) sum_r Dl[l, t, r] y_r  (mod p).

    y_r lives at addrs[r]. Every partial sum is an integer below 2^52, so float64 arithmetic
    is exact; the reduction rounds x/p to the nearest integer q, keeps x - q p and lifts it
    into [0, p).
    """
    L, T, R = Dl.shape
    pf = float(p)
    pinv = 1.0 / pf
    two_s = float(1 << s)
    cw = min(_CHUNK, n - c0)
    for r in range(R):
        y = nb.carray(_as_ptr(addrs[r]), (n,))
        row = Yf[r]
        for j in range(cw):
            row[j] = float(np.int32(y[c0 + j]))  # values < 2^31: the int32 convert vectorizes
    for t in range(T):
        for l in range(L - 1, -1, -1):
            if l == L - 1:
                for j in range(cw):
                    acc[j] = 0.0
            else:  # Horner: acc = 2^s * (value so far) + next limb
                for j in range(cw):
                    acc[j] *= two_s
            r = 0
            while r + 4 <= R:  # four rows per sweep: one load/store of acc per 4 FMAs
                d0 = Dl[l, t, r]
                d1 = Dl[l, t, r + 1]
                d2 = Dl[l, t, r + 2]
                d3 = Dl[l, t, r + 3]
                y0 = Yf[r]
                y1 = Yf[r + 1]
                y2 = Yf[r + 2]
                y3 = Yf[r + 3]
                for j in range(cw):
                    acc[j] += d0 * y0[j] + d1 * y1[j] + d2 * y2[j] + d3 * y3[j]
                r += 4
            while r < R:
                d0 = Dl[l, t, r]
                y0 = Yf[r]
                for j in range(cw):
                    acc[j] += d0 * y0[j]
                r += 1
            for j in range(cw):
                x = acc[j]
                q = (x * pinv + _MAGIC) - _MAGIC
                x = x - q * pf
                acc[j] = x + pf if x < 0.0 else x
        for j in range(cw):
            acc[j] += _TWO52
        bits = acc.view(np.int64)
        o = out[t]
        for j in range(cw):
            o[c0 + j] = bits[j] - _EXP52


@nb.njit(cache=True, parallel=True, nogil=True)
def _combine_parallel(Dl, addrs, n, s, p, out):  # pragma: no cover - compiled
    R = Dl.shape[2]
    for ci in nb.prange((n + _CHUNK - 1) // _CHUNK):
        Yf = np.empty((R, _CHUNK))
        acc = np.empty(_CHUNK)
        _combine_chunk(Dl, addrs, n, s, p, out, ci * _CHUNK, Yf, acc)


@nb.njit(cache=True, nogil=True)
def _combine_serial(Dl, addrs, n, s, p, out):  # pragma: no cover - compiled
    R = Dl.shape[2]
    Yf = np.empty((R, _CHUNK))
    acc = np.empty(_CHUNK)
    for ci in range((n + _CHUNK - 1) // _CHUNK):
        _combine_chunk(Dl, addrs, n, s, p, out, ci * _CHUNK, Yf, acc)


_PARALLEL_MIN = 1 << 16  # below this many result entries, waking threads costs more


def _limb_plan(p: int, R: int) -> tuple[int, int] | None:
    """Limbs L of s bits for the decoder so that every float64 partial sum stays exact."""
    bits = max(1, (p - 1).bit_length())
    for L in range(1, bits + 1):
        s = -(-bits // L)
        if R * ((1 << s) - 1) * (p - 1) + (p - 1) * (1 << s) < _EXACT:
            return L, s
    return None


def combine(F: PrimeField, D, results: Sequence[np.ndarray]) -> np.ndarray:
    r"""Exact :math:`D \cdot [y_1; \dots; y_R] \bmod p` without stacking the results.

    ``D`` is a (T x R) matrix over GF(p) and ``results`` R arrays of one shape with entries
    in [0, p); returns a (T, size) int64 array whose row t is
    :math:`\sum_r D[t, r]\, y_r` (flattened). Unit rows of D are copies, zero columns skip
    their result. For p < 2^31 a fused compiled pass reads each result once (limb-split
    float64 arithmetic, exact below 2^52); larger p use :meth:`PrimeField.matmul`.

    >>> from ffcc.field import PrimeField
    >>> F = PrimeField(7)
    >>> combine(F, [[1, 2], [3, 6]], [np.array([1, 1]), np.array([3, 5])]).tolist()
    [[0, 4], [0, 5]]
    """
    D = F.array(D, "decoder")
    if D.ndim != 2 or D.shape[1] != len(results):
        raise DecodingError(f"decoder of shape {D.shape} does not match {len(results)} results")
    flat = [np.ascontiguousarray(y, dtype=np.int64).reshape(-1) for y in results]
    sizes = {y.size for y in flat}
    if len(sizes) > 1:
        raise DecodingError(f"worker results differ in size: {sorted(sizes)}")
    n = sizes.pop() if sizes else 0
    T = D.shape[0]
    out = np.empty((T, n), dtype=np.int64)
    used = np.flatnonzero(D.any(axis=0))
    unit = [int(np.flatnonzero(row)[0]) if np.count_nonzero(row) == 1 and row.max() == 1 else -1
            for row in D]  # fmt: skip
    rest = [t for t in range(T) if unit[t] < 0]
    for t in range(T):
        if unit[t] >= 0:
            out[t] = flat[unit[t]]
    if not rest or n == 0:
        if rest:
            out[rest] = 0
        return out
    Dr = np.ascontiguousarray(D[np.ix_(rest, used)])
    ys = [flat[i] for i in used]
    plan = _limb_plan(F.p, len(ys)) if F.fast else None
    if plan is None or not ys:
        out[rest] = F.matmul(Dr, np.stack(ys)) if ys else 0
        return out
    L, s = plan
    Dl = np.stack([((Dr >> (s * l)) & ((1 << s) - 1)).astype(np.float64) for l in range(L)])
    addrs = np.array([y.ctypes.data for y in ys], dtype=np.int64)
    kernel = _combine_parallel if n * len(ys) >= _PARALLEL_MIN else _combine_serial
    if len(rest) == T:
        kernel(Dl, addrs, n, s, F.p, out)
    else:
        part = np.empty((len(rest), n), dtype=np.int64)
        kernel(Dl, addrs, n, s, F.p, part)
        out[rest] = part
    return out


# -- evaluation codes -------------------------------------------------------------------------


class EvaluationCode(Scheme):
    r"""A :class:`~ffcc.scheme.Scheme` whose worker k returns :math:`h(x_k)` for one matrix
    polynomial h of degree below :attr:`threshold`, with targets fixed linear functionals of h.

    Subclasses supply :meth:`functional`: for K distinct nodes, the (targets x K) matrix
    mapping :math:`(h(x_1), \dots, h(x_K))` to the targets. :meth:`decode` applies it to any
    K answering workers with :func:`combine` (after checking the others against them); the
    generic :meth:`Scheme.decoder` remains
    available as an independent cross-check.

    ``params["nodes"]`` holds the workers' evaluation points and ``params["threshold"]`` K.
    """

    def __post_init__(self):
        super().__post_init__()
        try:
            self.nodes = np.asarray(self.params["nodes"], dtype=np.int64)
            self.threshold = int(self.params["threshold"])
        except KeyError as e:
            raise SchemeError(f"{type(self).__name__} needs params[{e.args[0]!r}]") from None
        if self.nodes.shape != (self.w,):
            raise SchemeError(f"{self.w} workers but {self.nodes.size} evaluation points")
        self._fast: dict[tuple[int, ...], np.ndarray] = {}

    def functional(self, nodes: np.ndarray) -> np.ndarray:
        """(targets x K) matrix taking h at K distinct ``nodes`` to the targets."""
        raise NotImplementedError

    def _pick(self, workers) -> tuple[list[int], tuple[int, ...]]:
        ws = [int(j) for j in workers]
        if any(not 0 <= j < self.w for j in ws):
            raise SchemeError(f"worker indices must lie in [0, {self.w}), got {ws}")
        key = tuple(sorted(set(ws))[: self.threshold])
        if len(key) < self.threshold:
            raise DecodingError(
                f"{self.name}: {len(set(ws))} distinct workers answered, but any "
                f"{self.threshold} are needed (the recovery threshold)"
            )
        return ws, key

    def fast_decoder(self, workers: Sequence[int]) -> np.ndarray:
        """Matrix D (targets x len(workers)): target t = sum_i D[t, i] result_{workers[i]}.

        Uses the first K workers in sorted order (any K decode); the other columns are 0.
        Built in O(K^2) per target set from the nodes, cached per worker set.
        """
        ws, key = self._pick(workers)
        if key not in self._fast:
            self._fast[key] = self.functional(self.nodes[list(key)])
        Dk = self._fast[key]
        D = np.zeros((Dk.shape[0], len(ws)), dtype=np.int64)
        seen = set()
        for i, j in enumerate(ws):
            if j in key and j not in seen:
                D[:, i] = Dk[:, key.index(j)]
                seen.add(j)
        return D

    def _consistent(self, workers, flat) -> bool:
        # h has degree < K: the first K results fix it, every other one must be h at its node
        ws = sorted(workers)
        use, rest = ws[: self.threshold], ws[self.threshold :]
        if not rest:
            return True  # K results or fewer: nothing to check against (or no decoding)
        F = self.field
        L = F.lagrange_matrix(self.nodes[use], self.nodes[rest])
        pred = combine(F, L, [flat[j] for j in use])
        return all(np.array_equal(pred[i], flat[j]) for i, j in enumerate(rest))

    def _determined_without(self, workers, k: int) -> bool:
        return len(set(workers)) - k >= self.threshold  # any K distinct nodes fix h

    def _decode_erasures(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from any K (sanitized, consistent) worker results ``{worker: array}``."""
        _, key = self._pick(results)
        shape = np.shape(results[key[0]])
        if key not in self._fast:
            self._fast[key] = self.functional(self.nodes[list(key)])
        out = combine(self.field, self._fast[key], [results[j] for j in key])
        return [out[t].reshape(shape) for t in range(out.shape[0])]


class BlockProductScheme(EvaluationCode):
    r"""C = A B from an :math:`m \times q` grid of A and a :math:`q \times n` grid of B.

    Basis of coordinate 0: :math:`A_{i,\iota}` at index :math:`iq + \iota`; coordinate 1:
    :math:`B_{\iota,j}` at :math:`\iota n + j`; target :math:`in + j` is
    :math:`C_{i,j} = \sum_\iota A_{i,\iota} B_{\iota,j}`, the coefficient of
    :math:`x^{e_{ij}}` in :math:`h = p_A p_B` (``params["target_exponents"]``).
    """

    def __post_init__(self):
        super().__post_init__()
        self.grid = tuple(int(self.params[k]) for k in ("m", "n", "q"))
        self.target_exponents = np.asarray(self.params["target_exponents"], dtype=np.int64)

    def functional(self, nodes):
        # rows of V^{-1} pick the wanted coefficients of h out of its K values
        return np.ascontiguousarray(self.field.vandermonde_inverse(nodes)[self.target_exponents])

    def split(self, A, B) -> list[list[np.ndarray]]:
        """The basis blocks ``[[A_00, A_01, ...], [B_00, ...]]`` of A (m x q) and B (q x n)."""
        m, n, q = self.grid
        F = self.field
        A = F.array(A, "A")
        B = F.array(B, "B")
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise SchemeError(f"A {A.shape} and B {B.shape} do not multiply")
        (L, N), M = A.shape, B.shape[1]
        if L % m or N % q or M % n:
            raise SchemeError(
                f"{self.name} splits A into {m} x {q} and B into {q} x {n} equal blocks, but "
                f"A is {L} x {N} and B is {N} x {M}; pad with zero rows/columns first"
            )
        a, b, c = L // m, N // q, M // n
        As = [
            A[i * a : (i + 1) * a, k * b : (k + 1) * b].copy() for i in range(m) for k in range(q)
        ]
        Bs = [
            B[k * b : (k + 1) * b, j * c : (j + 1) * c].copy() for k in range(q) for j in range(n)
        ]
        return [As, Bs]

    def assemble(self, targets: Sequence[np.ndarray]) -> np.ndarray:
        """The product C from the decoded blocks ``C_{i,j}`` (target i n + j)."""
        m, n, _ = self.grid
        if len(targets) != m * n:
            raise SchemeError(f"expected {m * n} result blocks, got {len(targets)}")
        return np.block([[np.asarray(targets[i * n + j]) for j in range(n)] for i in range(m)])


def _block_code(
    name: str,
    m: int,
    n: int,
    q: int,
    a_exp: list[int],
    b_exp: list[int],
    t_exp: list[int],
    K: int,
    s: int,
    p: int,
    extra: dict | None = None,
    a_scale: list[int] | None = None,
) -> BlockProductScheme:
    """Build the block-product evaluation code with the given exponents at w = K + s nodes."""
    for label, v in (("m", m), ("n", n), ("q", q)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise SchemeError(f"{name}: {label} must be a positive integer, got {v!r}")
    if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
        raise SchemeError(f"{name}: s must be a non-negative integer, got {s!r}")
    F = PrimeField(p)
    w = K + s
    x = F.nodes(w, what=f"evaluation points for {name} (w = {w} workers)")
    V = F.vandermonde(x, K)  # V[k, e] = x_k^e, and every exponent used is below K
    EA = V[:, a_exp]
    if a_scale is not None:
        EA = F.mul(EA, np.asarray(a_scale, dtype=np.int64)[None, :])
    EB = V[:, b_exp]
    targets = []
    for i in range(m):
        for j in range(n):
            c = [1] * (m * q) if a_scale is None else a_scale
            targets.append([((i * q + k, k * n + j), int(c[i * q + k])) for k in range(q)])
    params = {
        "construction": name,
        "m": int(m),
        "n": int(n),
        "q": int(q),
        "s": int(s),
        "threshold": int(K),
        "nodes": x.tolist(),
        "a_exponents": [int(e) for e in a_exp],
        "b_exponents": [int(e) for e in b_exp],
        "target_exponents": [int(e) for e in t_exp],
        **(extra or {}),
    }
    encoders = [[EA[k], EB[k]] for k in range(w)]
    return BlockProductScheme(
        F, [m * q, q * n], encoders, targets, stragglers=s, name=name, params=params
    )


# -- the constructions ------------------------------------------------------------------------


def polynomial_threshold(m: int, n: int) -> int:
    """Recovery threshold mn of the polynomial code (Yu, Maddah-Ali, Avestimehr 2017)."""
    return m * n


def entangled_threshold(m: int, n: int, q: int) -> int:
    """Recovery threshold mnq + q - 1 of the entangled-polynomial code."""
    return m * n * q + q - 1


def polydot_threshold(m: int, n: int, q: int) -> int:
    """Recovery threshold mn(2q - 1) of the PolyDot code (t^2 (2q - 1) for m = n = t)."""
    return m * n * (2 * q - 1)


def polynomial_code(m: int = 2, n: int = 2, s: int = 0, *, p: int = 65537) -> BlockProductScheme:
    r"""Polynomial code: A in m row blocks, B in n column blocks, all mn products wanted.

    Worker k computes :math:`(\sum_i A_i x_k^i)(\sum_j B_j x_k^{jm})`, a polynomial of degree
    mn - 1 whose coefficient of :math:`x^{i + jm}` is :math:`A_i B_j`; any K = mn workers
    decode, so w = mn + s.

    >>> S = polynomial_code(2, 3, s=1)
    >>> S.threshold, S.w, S.basis, len(S.targets)
    (6, 7, (2, 3), 6)
    """
    K = polynomial_threshold(m, n)
    a_exp = list(range(m))
    b_exp = [j * m for j in range(n)]
    t_exp = [i + j * m for i in range(m) for j in range(n)]
    return _block_code("polynomial", m, n, 1, a_exp, b_exp, t_exp, K, s, p)


def entangled_polynomial(
    m: int = 2, n: int = 2, q: int = 2, s: int = 0, *, p: int = 65537
) -> BlockProductScheme:
    r"""Entangled-polynomial code for an :math:`m \times q` grid of A and :math:`q \times n` of B.

    :math:`p_A(x) = \sum_{i,\iota} A_{i,\iota} x^{\iota + iq}`,
    :math:`p_B(x) = \sum_{\iota,j} B_{\iota,j} x^{q-1-\iota+jqm}`; the coefficient of
    :math:`x^{q-1+iq+jqm}` in :math:`p_A p_B` is :math:`C_{i,j}`, and the degree is
    mnq + q - 2, so any K = mnq + q - 1 workers decode (w = K + s). In the paper's
    notation the inner split is called p; here it is q, as in the Grid CR-MM grid.

    >>> S = entangled_polynomial(2, 2, 3)
    >>> S.threshold, S.params["target_exponents"]
    (14, [2, 8, 5, 11])
    """
    K = entangled_threshold(m, n, q)
    a_exp = [k + i * q for i in range(m) for k in range(q)]
    b_exp = [q - 1 - k + j * q * m for k in range(q) for j in range(n)]
    t_exp = [q - 1 + i * q + j * q * m for i in range(m) for j in range(n)]
    return _block_code("entangled-polynomial", m, n, q, a_exp, b_exp, t_exp, K, s, p)


def entangled_for_grid(m: int, n: int, q: int, s: int = 0, *, p: int = 65537):
    r"""The paper's reference point: the exact product A B for an (m, n, q) Grid CR-MM grid.

    A is split into :math:`m \times q` blocks and B into :math:`q \times n` (q inner blocks of
    :math:`\tau = N/q` columns/rows, Eq. (2) of the paper); the entangled-polynomial code
    computes every :math:`C_{i,j}` from any mnq + q - 1 workers, i.e. with
    mnq + q - 1 + s workers in all.

    >>> S = entangled_for_grid(2, 2, 2, s=1)
    >>> S.w == 2 * 2 * 2 + 2 - 1 + 1
    True
    """
    return entangled_polynomial(m, n, q, s, p=p)


def polydot(m: int = 2, n: int = 2, q: int = 2, s: int = 0, *, p: int = 65537):
    r"""PolyDot code (Dutta et al. 2019), generalised to an m x q / q x n grid.

    :math:`p_A(x) = \sum A_{i,\iota} x^{i + m\iota}`,
    :math:`p_B(x) = \sum B_{\iota,j} x^{m(q-1-\iota) + m(2q-1)j}`; :math:`C_{i,j}` is the
    coefficient of :math:`x^{i + m(q-1) + m(2q-1)j}`. Threshold mn(2q - 1): between
    MatDot (m = n = 1) and polynomial codes (q = 1), above the entangled code otherwise.

    >>> polydot(2, 2, 2).threshold
    12
    """
    K = polydot_threshold(m, n, q)
    a_exp = [i + m * k for i in range(m) for k in range(q)]
    b_exp = [m * (q - 1 - k) + m * (2 * q - 1) * j for k in range(q) for j in range(n)]
    t_exp = [i + m * (q - 1) + m * (2 * q - 1) * j for i in range(m) for j in range(n)]
    return _block_code("polydot", m, n, q, a_exp, b_exp, t_exp, K, s, p)


_GRID_HELP = {
    "m": "row blocks of A (and of C)",
    "n": "column blocks of B (and of C)",
    "q": "inner blocks: A's column blocks = B's row blocks",
    "s": "stragglers tolerated",
    "p": "prime field modulus",
}

register(
    Construction(
        name="polynomial",
        build=polynomial_code,
        defaults={"m": 2, "n": 2, "s": 1, "p": 65537},
        threshold="m n",
        workers=lambda m, n, s, **_: polynomial_threshold(m, n) + s,
        reference="Yu, Maddah-Ali, Avestimehr, Polynomial codes, NeurIPS 2017",
        summary="A in m row blocks, B in n column blocks; every A_i B_j from any mn workers",
        param_help={k: v for k, v in _GRID_HELP.items() if k != "q"},
        plan=dict(  # a complete a x c grid of products
            name="polynomial",
            applies=lambda spec: spec.k > 1 and spec.is_complete_grid(),
            workers=lambda spec: spec.k + spec.t,
            formula="k",
            build=lambda spec, p: spec.in_product_order(polynomial_code(*spec.blocks, spec.t, p=p)),
            rank=3,
        ),
    )
)

register(
    Construction(
        name="entangled-polynomial",
        build=entangled_polynomial,
        defaults={"m": 2, "n": 2, "q": 2, "s": 1, "p": 65537},
        threshold="m n q + q - 1",
        workers=lambda m, n, q, s, **_: entangled_threshold(m, n, q) + s,
        reference="Yu, Maddah-Ali, Avestimehr, IEEE Trans. IT 66(3), 2020",
        summary="exact A B on an m x q / q x n block grid from any mnq + q - 1 workers",
        param_help=dict(_GRID_HELP),
    )
)

register(
    Construction(
        name="polydot",
        build=polydot,
        defaults={"m": 2, "n": 2, "q": 2, "s": 1, "p": 65537},
        threshold="m n (2q - 1)",
        workers=lambda m, n, q, s, **_: polydot_threshold(m, n, q) + s,
        reference="Dutta et al., IEEE Trans. IT 66(1), 2019 (PolyDot)",
        summary="exact A B on an m x q / q x n block grid from any mn(2q - 1) workers",
        param_help=dict(_GRID_HELP),
    )
)
