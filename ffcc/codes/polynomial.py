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

from ..field import PrimeField, use_kernel
from ..scheme import DecodingError, Scheme, SchemeError
from ._catalog import Construction, register
from ._form import CodeForm, FormPart, Term, build_scheme

__all__ = [
    "BlockProductScheme",
    "block_code",
    "block_form",
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

# Columns per task: long runs of each result for the prefetcher; a staged chunk (R rows of
# float64) stays in L2, and each sweep over a block of it (four rows, four accumulators) in L1.
_CHUNK = 16384
_L2_STAGE = 1 << 19
_BLOCK = 512
_MAGIC = 6755399441055744.0  # 1.5 * 2^52: (x + M) - M rounds x to the nearest integer
_MAGIC_BITS = 0x4338000000000000  # its bit pattern: bits(r + M) - bits(M) = r for |r| < 2^51
_EXACT = 1 << 52
_PAD = 8  # rows of the work arrays 64 B longer than a power of two: no 4K-aliasing stalls
_FMA = {"contract"}  # fused multiply-adds: exact here, since every sum is an integer < 2^52


@intrinsic
def _as_ptr(typingctx, addr):
    # Results arrive as separate arrays; passing their addresses avoids stacking them (a full
    # extra pass over R blocks) and numba's typed List (a second of compilation per process).
    sig = types.CPointer(types.int64)(types.int64)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

    return sig, codegen


@nb.njit(cache=True, inline="always")
def _cols(addr, c0, cw):  # pragma: no cover - compiled
    # columns [c0, c0 + cw) of the result at addr, indexed from 0: an index that cannot be
    # negative lets LLVM load whole vectors (y[c0 + j] costs a wraparound select per lane)
    return nb.carray(_as_ptr(addr + 8 * c0), (cw,))


@nb.njit(cache=True, inline="always")
def _outside(v, off):  # pragma: no cover - compiled
    # nonzero iff v is not in [0, p), for off = 2^31 - p: v and v + off must lie in [0, 2^31)
    return (np.uint64(v) | np.uint64(v + off)) >> np.uint64(31)


@nb.njit(cache=True, inline="always", fastmath=_FMA)
def _stage(addrs, c0, cw, off, Yf):  # pragma: no cover - compiled
    # columns [c0, c0 + cw) of the y as float64 (exact: below 2^31 once checked), in blocks
    # Yf[b] of _BLOCK columns, read row by row (long runs for the prefetcher); nonzero when
    # an entry is outside [0, p)
    bad = np.uint64(0)
    for r in range(Yf.shape[1]):
        for b in range((cw + _BLOCK - 1) // _BLOCK):
            bw = min(_BLOCK, cw - b * _BLOCK)
            y = _cols(addrs[r], c0 + b * _BLOCK, bw)
            row = Yf[b, r]
            for j in range(bw):
                v = y[j]
                bad |= _outside(v, off)
                row[j] = float(np.int32(v))  # the int32 convert vectorises, the int64 one not
    return bad


@nb.njit(cache=True, inline="always", fastmath=_FMA)
def _sweep_staged(Dl, l, t, m, u, Yf, a0, a1, pair, cw, r0, r1):  # pragma: no cover
    # a0 += sum_r Dl[l, t, r] Y_r and, if pair, a1 += sum_r Dl[m, u, r] Y_r (another limb or
    # another target); four rows per pass, so a0, a1 are loaded and stored once per four
    # fused multiply-adds
    r = r0
    while r + 4 <= r1:
        y0, y1, y2, y3 = Yf[r], Yf[r + 1], Yf[r + 2], Yf[r + 3]
        d0, d1, d2, d3 = Dl[l, t, r], Dl[l, t, r + 1], Dl[l, t, r + 2], Dl[l, t, r + 3]
        e0, e1, e2, e3 = Dl[m, u, r], Dl[m, u, r + 1], Dl[m, u, r + 2], Dl[m, u, r + 3]
        if pair:
            for j in range(cw):
                f0, f1, f2, f3 = y0[j], y1[j], y2[j], y3[j]
                a0[j] = a0[j] + d0 * f0 + d1 * f1 + d2 * f2 + d3 * f3
                a1[j] = a1[j] + e0 * f0 + e1 * f1 + e2 * f2 + e3 * f3
        else:
            for j in range(cw):
                a0[j] = a0[j] + d0 * y0[j] + d1 * y1[j] + d2 * y2[j] + d3 * y3[j]
        r += 4
    while r < r1:
        y0, d0, e0 = Yf[r], Dl[l, t, r], Dl[m, u, r]
        if pair:
            for j in range(cw):
                a0[j] = a0[j] + d0 * y0[j]
                a1[j] = a1[j] + e0 * y0[j]
        else:
            for j in range(cw):
                a0[j] = a0[j] + d0 * y0[j]
        r += 1


@nb.njit(cache=True, inline="always", fastmath=_FMA)
def _sweep_direct(Dl, addrs, c0, cw, off, a0, a1, r0, r1):  # pragma: no cover - compiled
    # one target, L <= 2 limbs (Dl[-1] is limb 0 when L = 1): the y are read, checked and
    # converted inside the sweep, in a single pass over memory
    L = Dl.shape[0]
    bad = np.uint64(0)
    r = r0
    while r + 4 <= r1:
        y0, y1 = _cols(addrs[r], c0, cw), _cols(addrs[r + 1], c0, cw)
        y2, y3 = _cols(addrs[r + 2], c0, cw), _cols(addrs[r + 3], c0, cw)
        d0, d1, d2, d3 = Dl[0, 0, r], Dl[0, 0, r + 1], Dl[0, 0, r + 2], Dl[0, 0, r + 3]
        h = L - 1
        e0, e1, e2, e3 = Dl[h, 0, r], Dl[h, 0, r + 1], Dl[h, 0, r + 2], Dl[h, 0, r + 3]
        for j in range(cw):
            u0, u1, u2, u3 = y0[j], y1[j], y2[j], y3[j]
            bad |= _outside(u0, off) | _outside(u1, off) | _outside(u2, off) | _outside(u3, off)
            f0, f1 = float(np.int32(u0)), float(np.int32(u1))
            f2, f3 = float(np.int32(u2)), float(np.int32(u3))
            a0[j] = a0[j] + d0 * f0 + d1 * f1 + d2 * f2 + d3 * f3
            a1[j] = a1[j] + e0 * f0 + e1 * f1 + e2 * f2 + e3 * f3
        r += 4
    while r < r1:
        y0, d0, e0 = _cols(addrs[r], c0, cw), Dl[0, 0, r], Dl[L - 1, 0, r]
        for j in range(cw):
            u0 = y0[j]
            bad |= _outside(u0, off)
            f0 = float(np.int32(u0))
            a0[j] = a0[j] + d0 * f0
            a1[j] = a1[j] + e0 * f0
        r += 1
    return bad


@nb.njit(cache=True, inline="always", fastmath=_FMA)
def _sweep_two(Dl, t, Yf, a0, a1, b0, b1, cw, r0, r1):  # pragma: no cover - compiled
    # L = 2: both limbs of targets t and t + 1 in one sweep, each staged y loaded once per
    # four fused multiply-adds
    u = t + 1
    r = r0
    while r + 4 <= r1:
        y0, y1, y2, y3 = Yf[r], Yf[r + 1], Yf[r + 2], Yf[r + 3]
        d0, d1, d2, d3 = Dl[0, t, r], Dl[0, t, r + 1], Dl[0, t, r + 2], Dl[0, t, r + 3]
        e0, e1, e2, e3 = Dl[1, t, r], Dl[1, t, r + 1], Dl[1, t, r + 2], Dl[1, t, r + 3]
        g0, g1, g2, g3 = Dl[0, u, r], Dl[0, u, r + 1], Dl[0, u, r + 2], Dl[0, u, r + 3]
        h0, h1, h2, h3 = Dl[1, u, r], Dl[1, u, r + 1], Dl[1, u, r + 2], Dl[1, u, r + 3]
        for j in range(cw):
            f0, f1, f2, f3 = y0[j], y1[j], y2[j], y3[j]
            a0[j] = a0[j] + d0 * f0 + d1 * f1 + d2 * f2 + d3 * f3
            a1[j] = a1[j] + e0 * f0 + e1 * f1 + e2 * f2 + e3 * f3
            b0[j] = b0[j] + g0 * f0 + g1 * f1 + g2 * f2 + g3 * f3
            b1[j] = b1[j] + h0 * f0 + h1 * f1 + h2 * f2 + h3 * f3
        r += 4
    while r < r1:
        y0, d0, e0, g0, h0 = Yf[r], Dl[0, t, r], Dl[1, t, r], Dl[0, u, r], Dl[1, u, r]
        for j in range(cw):
            f0 = y0[j]
            a0[j] = a0[j] + d0 * f0
            a1[j] = a1[j] + e0 * f0
            b0[j] = b0[j] + g0 * f0
            b1[j] = b1[j] + h0 * f0
        r += 1


@nb.njit(cache=True, inline="always", fastmath=_FMA)
def _finish(acc, k, L, p, pf, pinv, two_s, o, cw, add):  # pragma: no cover - compiled
    # o = (sum_l 2^(s l) acc[k + l]) mod p by Horner's rule with lazy reductions: x - q p for
    # q = round(x / p) lies in [-p/2, p/2] (|x| < 2^52, so q p and the difference are exact),
    # and |2^s v + a_l| < 2^52 (_limb_plan). The last one becomes an int64 through the bits
    # of r + 1.5 * 2^52 and is lifted into [0, p) with integer operations.
    v = acc[k + L - 1]
    for l in range(L - 2, -1, -1):
        a = acc[k + l]
        for j in range(cw):
            x = v[j]
            v[j] = (x - ((x * pinv + _MAGIC) - _MAGIC) * pf) * two_s + a[j]
    for j in range(cw):
        x = v[j]
        v[j] = (x - ((x * pinv + _MAGIC) - _MAGIC) * pf) + _MAGIC
    bits = v.view(np.int64)
    if add:  # a later group of rows: o += its sum, mod p
        for j in range(cw):
            r = bits[j] - _MAGIC_BITS
            x = o[j] + r + (p & (r >> 63))
            o[j] = x - p if x >= p else x
    else:
        for j in range(cw):
            r = bits[j] - _MAGIC_BITS
            o[j] = r + (p & (r >> 63))


@nb.njit(cache=True, nogil=True, fastmath=_FMA)
def _combine_chunk(Dl, addrs, n, s, G, p, out, c0, cw, Yf, acc):  # pragma: no cover
    """Columns [c0, c0 + cw) of out[t] = sum_l 2^(s l) sum_r Dl[l, t, r] y_r  (mod p), where
    y_r lives at addrs[r]; returns nonzero when one of those y entries is outside [0, p).

    Every limb sum a_l is an integer, and a_l + 2^s (p - 1) < 2^52 (:func:`_limb_plan`), so
    float64 arithmetic is exact, fused multiply-adds included, and so is Horner's rule
    ``v = (2^s v + a_l) mod p`` that recombines the limbs. One target with L <= 2 streams
    the y straight from memory; otherwise they are staged once per chunk as float64 (checked
    on the way), and two targets' two limbs share each sweep over a block of them.
    """
    L, T, R = Dl.shape
    pf = float(p)
    pinv = 1.0 / pf
    two_s = float(1 << s)
    off = (1 << 31) - p
    if T == 1 and L <= 2:
        bad = np.uint64(0)
        for r0 in range(0, R, G):
            _zero(acc, 2, cw)
            bad |= _sweep_direct(Dl, addrs, c0, cw, off, acc[0], acc[1], r0, min(r0 + G, R))
            _finish(acc, 0, L, p, pf, pinv, two_s, out[0, c0 : c0 + cw], cw, r0 > 0)
        return bad
    bad = _stage(addrs, c0, cw, off, Yf)
    for b in range((cw + _BLOCK - 1) // _BLOCK):
        b0 = c0 + b * _BLOCK
        bw = min(_BLOCK, cw - b * _BLOCK)
        Y = Yf[b]
        t = 0
        while t < T:
            two = L <= 2 and t + 1 < T  # two targets per sweep (acc[0 : L], acc[2 : 2 + L])
            for r0 in range(0, R, G):
                r1 = min(r0 + G, R)
                _zero(acc, acc.shape[0], bw)
                if two and L == 2:
                    _sweep_two(Dl, t, Y, acc[0], acc[1], acc[2], acc[3], bw, r0, r1)
                elif two:
                    _sweep_staged(Dl, 0, t, 0, t + 1, Y, acc[0], acc[2], True, bw, r0, r1)
                else:
                    for l in range(0, L, 2):
                        pair = l + 1 < L
                        a1 = acc[l + 1] if pair else acc[l]
                        m = l + 1 if pair else l
                        _sweep_staged(Dl, l, t, m, t, Y, acc[l], a1, pair, bw, r0, r1)
                for k in range(2 if two else 1):
                    o = out[t + k, b0 : b0 + bw]
                    _finish(acc, 2 * k, L, p, pf, pinv, two_s, o, bw, r0 > 0)
            t += 2 if two else 1
    return bad


@nb.njit(cache=True, inline="always")
def _zero(acc, rows, cw):  # pragma: no cover - compiled
    for l in range(rows):
        a = acc[l]
        for j in range(cw):
            a[j] = 0.0


@nb.njit(cache=True, parallel=True, nogil=True)
def _combine_parallel(Dl, addrs, n, s, G, p, out, chunk):  # pragma: no cover - compiled
    L, _, R = Dl.shape
    nc = (n + chunk - 1) // chunk
    bad = np.zeros(nc, dtype=np.uint64)
    for ci in nb.prange(nc):
        c0 = ci * chunk
        Yf = np.empty(((chunk + _BLOCK - 1) // _BLOCK, R, _BLOCK + _PAD))
        acc = np.empty((max(L, 4), max(chunk, _BLOCK) + 3 * _PAD))
        bad[ci] = _combine_chunk(Dl, addrs, n, s, G, p, out, c0, min(chunk, n - c0), Yf, acc)
    return bad.any()


@nb.njit(cache=True, nogil=True)
def _combine_serial(Dl, addrs, n, s, G, p, out, chunk):  # pragma: no cover - compiled
    L, _, R = Dl.shape
    Yf = np.empty(((chunk + _BLOCK - 1) // _BLOCK, R, _BLOCK + _PAD))
    acc = np.empty((max(L, 4), max(chunk, _BLOCK) + 3 * _PAD))
    bad = np.uint64(0)
    for c0 in range(0, n, chunk):
        bad |= _combine_chunk(Dl, addrs, n, s, G, p, out, c0, min(chunk, n - c0), Yf, acc)
    return bad != 0


_PARALLEL_MIN = 1 << 16  # below this many result entries, waking threads costs more


def _limb_plan(p: int, R: int) -> tuple[int, int, int] | None:
    """Limbs L of s bits and rows per group G for the decoder: every float64 partial sum
    of G rows stays exact, G (2^s - 1)(p - 1) + 2^s (p - 1) < 2^52. Groups are summed mod p
    afterwards, so more results cost more groups, not more limbs (L = 2 at 2^31 - 1)."""
    bits = max(1, (p - 1).bit_length())
    for L in range(1, bits + 1):
        s = -(-bits // L)
        G = (_EXACT - 1 - (p - 1) * (1 << s)) // (((1 << s) - 1) * (p - 1))
        if G >= min(R, 16):
            return L, s, max(1, min(G, R))
    return None


def _outside_range(F: PrimeField, flat: Sequence[np.ndarray], which) -> None:
    # one-line error naming the first result (position in ``results``) with a non-field entry
    for i in which:
        y = flat[i]
        if y.size and int(y.view(np.uint64).max()) >= F.p:  # negatives wrap high
            raise DecodingError(
                f"result {i} has an entry outside [0, {F.p}): worker results must be field "
                "elements (reduce them mod p, or treat that worker as a liar)"
            )


def combine(F: PrimeField, D, results: Sequence[np.ndarray]) -> np.ndarray:
    r"""Exact :math:`D \cdot [y_1; \dots; y_R] \bmod p` without stacking the results.

    ``D`` is a (T x R) matrix over GF(p) and ``results`` R arrays of one shape with entries
    in [0, p); returns a (T, size) int64 array whose row t is
    :math:`\sum_r D[t, r]\, y_r` (flattened). Unit rows of D are copies, zero columns skip
    their result. Every result that is used is checked to hold field elements (else
    :class:`~ffcc.scheme.DecodingError`); the check costs no extra pass over memory.

    For p < 2^31 one fused compiled pass reads each result once: D is split into L limbs of
    s bits, :math:`D = \sum_l 2^{sl} D_l`, with :math:`R (2^s - 1)(p - 1) < 2^{52}`, so every
    :math:`\sum_r D_l[t, r]\, y_r` is an exact float64 sum (fused multiply-adds, vectorised);
    each is reduced with a rounded float quotient and the limbs are recombined by Horner's
    rule. L = 2 for p = 2^31 - 1; more than 31 results are summed in groups of 31 (then
    mod p). Larger p use :meth:`PrimeField.matmul`.

    >>> from ffcc.field import PrimeField
    >>> F = PrimeField(7)
    >>> combine(F, [[1, 2], [3, 6]], [np.array([1, 1]), np.array([3, 5])]).tolist()
    [[0, 4], [0, 5]]
    >>> combine(F, [[1, 2]], [np.array([1, 1]), np.array([3, 7])])
    Traceback (most recent call last):
    ffcc.scheme.DecodingError: result 1 has an entry outside [0, 7): ...
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
    plan = _limb_plan(F.p, len(used)) if F.fast and rest and n else None
    # results only copied, or combined by the matmul fallback, are checked here; the fused
    # kernel checks the ones it reads
    _outside_range(F, flat, used if plan is None else sorted({u for u in unit if u >= 0}))
    for t in range(T):
        if unit[t] >= 0:
            out[t] = flat[unit[t]]
    if not rest or n == 0:
        if rest:
            out[rest] = 0
        return out
    Dr = np.ascontiguousarray(D[np.ix_(rest, used)])
    ys = [flat[i] for i in used]
    if plan is not None and not use_kernel(_combine_serial, len(rest) * len(ys) * n, F.p):
        _outside_range(F, flat, used)
        plan = None  # a small job: numpy (F.matmul's exact small path) instead of a compile
    if plan is None or not ys:
        out[rest] = F.matmul(Dr, np.stack(ys)) if ys else 0
        return out
    L, s, G = plan
    Dl = np.stack([((Dr >> (s * l)) & ((1 << s) - 1)).astype(np.float64) for l in range(L)])
    addrs = np.array([y.ctypes.data for y in ys], dtype=np.int64)
    R = len(ys)
    direct = len(rest) == 1 and L <= 2  # no float copy of the chunk: stream in big chunks
    chunk = _CHUNK if direct else max(_BLOCK, min(_CHUNK, _L2_STAGE // (8 * R)) // _BLOCK * _BLOCK)
    kernel = _combine_parallel if n * R >= _PARALLEL_MIN else _combine_serial
    target = out if len(rest) == T else np.empty((len(rest), n), dtype=np.int64)
    if kernel(Dl, addrs, n, s, G, F.p, target, chunk):
        _outside_range(F, flat, used)
    if target is not out:
        out[rest] = target
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

    _checks_range = True  # decoding reads the results through combine, which checks them

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


def block_form(
    name: str,
    basis: Sequence[int],
    a_exp: Sequence[int],
    b_exp: Sequence[int],
    t_exp: Sequence[int],
    nodes: Sequence[int],
    s: int,
    a_scale: Sequence | None = None,
    notes: tuple[str, ...] = (),
) -> CodeForm:
    r"""The exact form of a two-coordinate exponent code: basis input l of A gets
    :math:`c_l z^{a_l}` (:math:`c_l` = ``a_scale[l]``, default 1), input l of B gets
    :math:`z^{b_l}`, the workers sit at the affine ``nodes`` and target t is the coefficient
    of :math:`z^{t_t}` in h. MatDot, polynomial, entangled-polynomial and PolyDot codes are
    such codes (:func:`block_code`); so are the secure codes of :mod:`ffcc.codes.secure`.

    >>> f = block_form("toy", (2, 2), [0, 1], [1, 0], [1], [1, 2, 3], 0)
    >>> f.w, f.targets
    (3, ((0, ((1, 'coeff', 1),)),))
    """
    sc = [1] * len(a_exp) if a_scale is None else list(a_scale)
    polys = ({l: (Term(sc[l], int(e)),) for l, e in enumerate(a_exp)},
             {l: (Term(1, int(e)),) for l, e in enumerate(b_exp)})  # fmt: skip
    part = FormPart(polys, tuple((1, int(x)) for x in nodes))
    targets = tuple((0, ((1, "coeff", int(e)),)) for e in t_exp)
    return CodeForm(name, tuple(int(b) for b in basis), (part,), targets, int(s), tuple(notes))


def block_code(
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
    notes: tuple[str, ...] = (),
) -> BlockProductScheme:
    r"""The block-product evaluation code with the given exponents at w = K + s nodes
    1, ..., w: the numeric scheme of its :func:`block_form` (A is an m x q grid of blocks,
    B q x n; exponents below K). Used by every code of this module and by
    :func:`ffcc.codes.matdot.matdot` (m = n = 1).

    >>> S = block_code("toy", 1, 1, 2, [0, 1], [1, 0], [1], 3, 1, 11)  # MatDot, m = 2
    >>> S.w, S.targets[0], S.E[0].tolist()
    (4, (((0, 0), 1), ((1, 1), 1)), [[1, 1], [1, 2], [1, 3], [1, 4]])
    """
    for label, v in (("m", m), ("n", n), ("q", q)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise SchemeError(f"{name}: {label} must be a positive integer, got {v!r}")
    if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
        raise SchemeError(f"{name}: s must be a non-negative integer, got {s!r}")
    F = PrimeField(p)
    w = K + s
    x = F.nodes(w, what=f"evaluation points for {name} (w = {w} workers)")
    form = block_form(name, [m * q, q * n], a_exp, b_exp, t_exp, x.tolist(), s, a_scale, notes)
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
    return build_scheme(form, F, BlockProductScheme, name=name, params=params)


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
    note = "A_i -> z^i, B_j -> z^(m j); target C_ij = [z^(i + m j)] h"
    return block_code("polynomial", m, n, 1, a_exp, b_exp, t_exp, K, s, p, notes=(note,))


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
    note = "A_(i,t) -> z^(t + q i), B_(t,j) -> z^(q-1-t + q m j); C_ij = [z^(q-1 + q i + q m j)] h"
    return block_code("entangled-polynomial", m, n, q, a_exp, b_exp, t_exp, K, s, p,
                      notes=(note,))  # fmt: skip


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
    note = "A_(i,t) -> z^(i + m t), B_(t,j) -> z^(m(q-1-t) + m(2q-1) j)"
    return block_code("polydot", m, n, q, a_exp, b_exp, t_exp, K, s, p, notes=(note,))


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
