r"""The fused exact decoder: :math:`D \cdot [y_1; \dots; y_R] \bmod p` in one pass.

Every evaluation code decodes by one (targets x R) matrix D over GF(p) applied to the R
answers it received (:meth:`ffcc.codes.polynomial.EvaluationCode.decode`,
:mod:`ffcc.codes.lagrange`, ``ffcc run``'s decode step). :func:`combine` applies it without
stacking the answers, reading each one once, and checks on the way that every answer holds
field elements.

Example
-------
>>> import numpy as np
>>> from ffcc.field import PrimeField
>>> combine(PrimeField(7), [[1, 2]], [np.array([1, 1]), np.array([3, 5])]).tolist()
[[0, 4]]
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import numba as nb
import numpy as np
from numba import types
from numba.extending import intrinsic

from .field import PrimeField, use_kernel
from .scheme import DecodingError

__all__ = ["combine"]


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


if nb.config.DISABLE_JIT:  # the kernels run as Python (coverage, debugging): ctypes views

    def _cols(addr, c0, cw):
        ptr = ctypes.cast(int(addr + 8 * c0), ctypes.POINTER(ctypes.c_int64))
        return np.ctypeslib.as_array(ptr, (cw,)) if cw else np.empty(0, np.int64)


@nb.njit(cache=True, inline="always")
def _outside(v, off):  # pragma: no cover - compiled
    # nonzero iff v is not in [0, p), for off = 2^31 - p: v and v + off must lie in [0, 2^31)
    return (np.uint64(v) | np.uint64(v + off)) >> np.uint64(31)


@nb.njit(cache=True, inline="always", fastmath=_FMA)
def _stage(addrs, c0, cw, off, Yf):  # pragma: no cover - compiled
    # columns [c0, c0 + cw) of the y as float64 (exact: below 2^31 once checked), in
    # blocks Yf[b] of _BLOCK columns, read row by row (long runs
    # for the prefetcher); nonzero when an entry is outside [0, p)
    bad = np.uint64(0)
    width = Yf.shape[2] - _PAD
    for r in range(addrs.size):
        for b in range((cw + width - 1) // width):
            bw = min(width, cw - b * width)
            y = _cols(addrs[r], c0 + b * width, bw)
            row = Yf[b, r]
            for j in range(bw):
                v = y[j]
                bad |= _outside(v, off)
                row[j] = np.int32(v)  # the int32 convert vectorises, the int64 one not
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
def _combine_chunk(Dl, addrs, n, s, G, p, outs, c0, cw, Yf, acc):  # pragma: no cover
    """Columns [c0, c0 + cw) of the output at outs[t]: sum_l 2^(s l) sum_r Dl[l, t, r] y_r
    (mod p), where y_r lives at addrs[r]; nonzero when one of those y entries is outside
    [0, p).

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
            _finish(acc, 0, L, p, pf, pinv, two_s, _cols(outs[0], c0, cw), cw, r0 > 0)
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
                    o = _cols(outs[t + k], b0, bw)
                    _finish(acc, 2 * k, L, p, pf, pinv, two_s, o, bw, r0 > 0)
            t += 2 if two else 1
    return bad


# -- the integer path for p = 2^31 - 1 ----------------------------------------------------
# A product of two residues is below 2^62 and 32 x 32 -> 64-bit multiplies are exact (AVX2
# vpmuludq, four lanes): one multiply-add per coefficient where float64 needs one per limb.
# Since 2^31 = 1 (mod p), a sum x < 2^64 folds to (x & p) + (x >> 31) < 2^34, and a folded
# sum plus four products stays below 2^34 + 4 (p - 1)^2 < 2^64: one fold every four rows.
# vpmuludq reads the low 32 bits of each 64-bit lane, so the int64 results are multiplied
# where they lie (masked to 32 bits; a checked entry is below 2^31) with no uint32 copy.

_MERSENNE = (1 << 31) - 1
_IROWS = 4  # rows per fold, and the unit R and T are padded to


@nb.njit(cache=True, inline="always")
def _fold(x):  # pragma: no cover - compiled
    return (x & np.uint64(_MERSENNE)) + (x >> np.uint64(31))


@nb.njit(cache=True, inline="always")
def _widen(c):  # pragma: no cover - compiled
    return np.uint64(c[0]), np.uint64(c[1]), np.uint64(c[2]), np.uint64(c[3])


_LOW32 = 0xFFFFFFFF
_DBLOCK = 256  # columns per direct block: R rows of int64 (32 KiB at R = 16) stay in L1/L2


@nb.njit(cache=True, inline="always")
def _low(v):  # pragma: no cover - compiled
    # the low 32 bits of an int64 as a uint64 LLVM knows is zero-extended: vpmuludq
    return np.uint64(v) & np.uint64(_LOW32)


@nb.njit(cache=True, inline="always")
def _sweep_int(Du, t, addrs, b0, bw, acc, check):  # pragma: no cover - compiled
    # acc[k] = sum_r Du[t + k, r] y_r over columns [b0, b0 + bw), folded (< 2^34), four
    # targets, the int64 results multiplied in place by their low 32 bits (exact once
    # checked: below 2^31); with check, also the OR of every entry's out-of-range bits
    a0, a1, a2, a3 = acc[0], acc[1], acc[2], acc[3]
    for j in range(bw):
        a0[j] = 0
        a1[j] = 0
        a2[j] = 0
        a3[j] = 0
    bad = np.uint64(0)
    for r in range(0, Du.shape[1], _IROWS):
        y0, y1 = _cols(addrs[r], b0, bw), _cols(addrs[r + 1], b0, bw)
        y2, y3 = _cols(addrs[r + 2], b0, bw), _cols(addrs[r + 3], b0, bw)
        d = Du[t : t + 4, r : r + 4]
        d00, d01, d02, d03 = _widen(d[0])
        d10, d11, d12, d13 = _widen(d[1])
        d20, d21, d22, d23 = _widen(d[2])
        d30, d31, d32, d33 = _widen(d[3])
        if check:
            for j in range(bw):
                u0, u1, u2, u3 = y0[j], y1[j], y2[j], y3[j]
                bad |= _outside(u0, 1) | _outside(u1, 1) | _outside(u2, 1) | _outside(u3, 1)
                f0, f1, f2, f3 = _low(u0), _low(u1), _low(u2), _low(u3)
                a0[j] = _fold(a0[j] + d00 * f0 + d01 * f1 + d02 * f2 + d03 * f3)
                a1[j] = _fold(a1[j] + d10 * f0 + d11 * f1 + d12 * f2 + d13 * f3)
                a2[j] = _fold(a2[j] + d20 * f0 + d21 * f1 + d22 * f2 + d23 * f3)
                a3[j] = _fold(a3[j] + d30 * f0 + d31 * f1 + d32 * f2 + d33 * f3)
        else:
            for j in range(bw):
                f0, f1, f2, f3 = _low(y0[j]), _low(y1[j]), _low(y2[j]), _low(y3[j])
                a0[j] = _fold(a0[j] + d00 * f0 + d01 * f1 + d02 * f2 + d03 * f3)
                a1[j] = _fold(a1[j] + d10 * f0 + d11 * f1 + d12 * f2 + d13 * f3)
                a2[j] = _fold(a2[j] + d20 * f0 + d21 * f1 + d22 * f2 + d23 * f3)
                a3[j] = _fold(a3[j] + d30 * f0 + d31 * f1 + d32 * f2 + d33 * f3)
    return bad


@nb.njit(cache=True, nogil=True)
def _mersenne_chunk(Du, addrs, outs, c0, cw, acc):  # pragma: no cover - compiled
    """Columns [c0, c0 + cw) of the output at outs[t]: sum_r Du[t, r] y_r mod 2^31 - 1, Du
    zero-padded to multiples of four targets and rows; returns nonzero when a y entry read
    is outside [0, p). Nothing is staged: every tile of four targets reads a block of
    _DBLOCK columns of each y straight from the results (the block stays in cache), and
    the first tile also checks it."""
    p = np.uint64(_MERSENNE)
    bad = np.uint64(0)
    for b in range((cw + _DBLOCK - 1) // _DBLOCK):
        b0 = c0 + b * _DBLOCK
        bw = min(_DBLOCK, cw - b * _DBLOCK)
        for t in range(0, Du.shape[0], _IROWS):
            bad |= _sweep_int(Du, t, addrs, b0, bw, acc, t == 0)
            for k in range(min(_IROWS, outs.size - t)):
                a, o = acc[k], _cols(outs[t + k], b0, bw)
                for j in range(bw):
                    x = _fold(a[j])  # < 2^31 + 8 < 2p
                    o[j] = np.int64(x - p if x >= p else x)
    return bad


@nb.njit(cache=True, parallel=True, nogil=True)
def _mersenne_parallel(Du, addrs, n, outs, chunk):  # pragma: no cover - compiled
    nc = (n + chunk - 1) // chunk
    bad = np.zeros(nc, dtype=np.uint64)
    for ci in nb.prange(nc):
        c0 = ci * chunk
        acc = np.empty((_IROWS, _DBLOCK + _PAD), dtype=np.uint64)
        bad[ci] = _mersenne_chunk(Du, addrs, outs, c0, min(chunk, n - c0), acc)
    return bad.any()


@nb.njit(cache=True, nogil=True)
def _mersenne_serial(Du, addrs, n, outs, chunk):  # pragma: no cover - compiled
    acc = np.empty((_IROWS, _DBLOCK + _PAD), dtype=np.uint64)
    bad = np.uint64(0)
    for c0 in range(0, n, chunk):
        bad |= _mersenne_chunk(Du, addrs, outs, c0, min(chunk, n - c0), acc)
    return bad != 0


@nb.njit(cache=True, inline="always")
def _zero(acc, rows, cw):  # pragma: no cover - compiled
    for l in range(rows):
        a = acc[l]
        for j in range(cw):
            a[j] = 0.0


@nb.njit(cache=True, parallel=True, nogil=True)
def _combine_parallel(Dl, addrs, n, s, G, p, outs, chunk):  # pragma: no cover - compiled
    L, _, R = Dl.shape
    nc = (n + chunk - 1) // chunk
    bad = np.zeros(nc, dtype=np.uint64)
    for ci in nb.prange(nc):
        c0 = ci * chunk
        Yf = np.empty(((chunk + _BLOCK - 1) // _BLOCK, R, _BLOCK + _PAD))
        acc = np.empty((max(L, 4), max(chunk, _BLOCK) + 3 * _PAD))
        bad[ci] = _combine_chunk(Dl, addrs, n, s, G, p, outs, c0, min(chunk, n - c0), Yf, acc)
    return bad.any()


@nb.njit(cache=True, nogil=True)
def _combine_serial(Dl, addrs, n, s, G, p, outs, chunk):  # pragma: no cover - compiled
    L, _, R = Dl.shape
    Yf = np.empty(((chunk + _BLOCK - 1) // _BLOCK, R, _BLOCK + _PAD))
    acc = np.empty((max(L, 4), max(chunk, _BLOCK) + 3 * _PAD))
    bad = np.uint64(0)
    for c0 in range(0, n, chunk):
        bad |= _combine_chunk(Dl, addrs, n, s, G, p, outs, c0, min(chunk, n - c0), Yf, acc)
    return bad != 0


_PARALLEL_MIN = 1 << 16  # below this many result entries, waking threads costs more


def _staged_chunk(column_bytes: int, block: int) -> int:
    """Columns per staged chunk, a multiple of ``block``: the staged copy of the results
    (``column_bytes`` per column) fills at most _L2_STAGE."""
    return max(block, min(_CHUNK, _L2_STAGE // column_bytes) // block * block)


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


def combine(
    F: PrimeField, D, results: Sequence[np.ndarray], *, rows: bool = False
) -> np.ndarray | list[np.ndarray]:
    r"""Exact :math:`D \cdot [y_1; \dots; y_R] \bmod p` without stacking the results.

    ``D`` is a (T x R) matrix over GF(p) and ``results`` R arrays of one shape with entries
    in [0, p); returns a (T, size) int64 array whose row t is
    :math:`\sum_r D[t, r]\, y_r` (flattened). Unit rows of D are copies, zero columns skip
    their result. Every result, also one a zero column skips, is checked to hold field
    elements (else :class:`~ffcc.scheme.DecodingError`); for the results the fused kernel
    reads the check costs no extra pass over memory.
    With ``rows=True`` the result is a list of T separate arrays instead: each is its own
    allocation, so a later decode reuses the blocks an earlier one freed (one (T, size)
    block above malloc's mmap threshold, 32 MiB, is faulted in afresh every time).

    For p < 2^31 one fused compiled pass reads each result once: D is split into L limbs of
    s bits, :math:`D = \sum_l 2^{sl} D_l`, with :math:`R (2^s - 1)(p - 1) < 2^{52}`, so every
    :math:`\sum_r D_l[t, r]\, y_r` is an exact float64 sum (fused multiply-adds, vectorised);
    each is reduced with a rounded float quotient and the limbs are recombined by Horner's
    rule; more results than one exact group takes are summed in groups (then mod p). At
    p = 2^31 - 1 with two or more targets the products are taken in integers instead, one
    exact 32 x 32 -> 64-bit multiply-add per coefficient where floats need two limbs, folded
    every four rows with :math:`2^{31} \equiv 1`, the results read in place (no copy).
    Larger p use :meth:`PrimeField.matmul`.

    >>> from ffcc.field import PrimeField
    >>> F = PrimeField(7)
    >>> combine(F, [[1, 2], [3, 6]], [np.array([1, 1]), np.array([3, 5])]).tolist()
    [[0, 4], [0, 5]]
    >>> [row.tolist() for row in combine(F, [[0, 1], [3, 6]], [[1, 1], [3, 5]], rows=True)]
    [[3, 5], [0, 5]]
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
    out = [np.empty(n, np.int64) for _ in range(T)] if rows else np.empty((T, n), np.int64)
    used = np.flatnonzero(D.any(axis=0))
    unit = [int(np.flatnonzero(row)[0]) if np.count_nonzero(row) == 1 and row.max() == 1 else -1
            for row in D]  # fmt: skip
    rest = [t for t in range(T) if unit[t] < 0]
    plan = _limb_plan(F.p, len(used)) if F.fast and rest and n else None
    # results skipped (a zero column: never read, still part of the answers) or combined by
    # the matmul fallback are checked here; the fused kernel checks every used result it
    # reads, the ones unit rows copy included (a copy's column is a used one)
    skipped = np.flatnonzero(~D.any(axis=0)).tolist()
    _outside_range(F, flat, sorted({*skipped, *(used.tolist() if plan is None else ())}))
    for t in range(T):
        if unit[t] >= 0:
            out[t][...] = flat[unit[t]]
    if not rest or n == 0:
        for t in rest:
            out[t][...] = 0
        return out
    Dr = np.ascontiguousarray(D[np.ix_(rest, used)])
    ys = [flat[i] for i in used]
    R = len(ys)
    integer = F.p == _MERSENNE and len(rest) > 1  # one target streams: float, memory-bound
    serial = _mersenne_serial if integer else _combine_serial
    if plan is not None and not use_kernel(serial, len(rest) * R * n, F.p):
        _outside_range(F, flat, used)
        plan = None  # a small job: numpy (F.matmul's exact small path) instead of a compile
    if plan is None or not ys:
        values = F.matmul(Dr, np.stack(ys)) if ys else np.zeros((len(rest), n), np.int64)
        for t, v in zip(rest, values, strict=True):
            out[t][...] = v
        return out
    addrs = np.array([y.ctypes.data for y in ys], dtype=np.int64)
    outs = np.array([out[t].ctypes.data for t in rest], dtype=np.int64)  # written in place
    parallel = n * R >= _PARALLEL_MIN
    if integer:
        Du = np.zeros((-(-len(rest) // _IROWS) * _IROWS, -(-R // _IROWS) * _IROWS), np.uint32)
        Du[: len(rest), :R] = Dr
        pad = np.full(Du.shape[1] - R, addrs[0])  # padded rows: zero coefficients, any y
        kernel = _mersenne_parallel if parallel else _mersenne_serial
        bad = kernel(Du, np.concatenate([addrs, pad]), n, outs, _CHUNK)
    else:
        L, s, G = plan
        Dl = np.stack([((Dr >> (s * l)) & ((1 << s) - 1)).astype(np.float64) for l in range(L)])
        direct = len(rest) == 1 and L <= 2  # no float copy of the chunk: stream in big chunks
        chunk = _CHUNK if direct else _staged_chunk(8 * R, _BLOCK)
        kernel = _combine_parallel if parallel else _combine_serial
        bad = kernel(Dl, addrs, n, s, G, F.p, outs, chunk)
    if bad:
        _outside_range(F, flat, used)
    return out
