"""Compiled scalar and batched kernels over GF(p), exact for every prime p < 2^63.

All values are int64 in [0, p). Products are formed with ``(a * b) % p`` while
p < 2^31 (the product stays below 2^62) and with an overflow-free double-and-add
otherwise, so no path ever wraps an int64.
"""

from __future__ import annotations

import numba as nb
import numpy as np

FAST_LIMIT = 1 << 31  # p below this: a*b fits int64


@nb.njit(cache=True, inline="always")
def addmod(a, b, p):
    # a + b may exceed 2^63 when p is near 2^63, so compare against p - b first.
    if a >= p - b:
        return a - (p - b)
    return a + b


@nb.njit(cache=True, inline="always")
def submod(a, b, p):
    if a >= b:
        return a - b
    return a + (p - b)


@nb.njit(cache=True)
def _mulmod_slow(a, b, p):
    r = 0
    x = a
    while b > 0:
        if b & 1:
            r = addmod(r, x, p)
        x = addmod(x, x, p)
        b >>= 1
    return r


@nb.njit(cache=True, inline="always")
def mulmod(a, b, p):
    if p < FAST_LIMIT:
        return (a * b) % p
    return _mulmod_slow(a, b, p)


@nb.njit(cache=True)
def invmod(a, p):
    """Inverse by the extended Euclidean algorithm; 0 has none (returns 0)."""
    if a == 0:
        return 0
    t0, t1 = 0, 1
    r0, r1 = p, a
    while r1 != 0:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        t0, t1 = t1, t0 - q * t1
    if t0 < 0:
        t0 += p
    return t0


@nb.njit(cache=True)
def powmod(a, e, p):
    r = 1 % p
    x = a % p
    while e > 0:
        if e & 1:
            r = mulmod(r, x, p)
        x = mulmod(x, x, p)
        e >>= 1
    return r


@nb.njit(cache=True)
def mul_arrays(a, b, p):
    out = np.empty_like(a)
    fa = a.ravel()
    fb = b.ravel()
    fo = out.ravel()
    for i in range(fa.size):
        fo[i] = mulmod(fa[i], fb[i], p)
    return out


@nb.njit(cache=True, inline="always")
def reduce_small(x, p, pinv):
    """x mod p for 0 <= x < 2 p^2, p < 2^31, without an integer division (vectorises).

    The float quotient x * (1/p) has relative error below 2^-51, so for x < 2 p^2 it is
    off from the true quotient by less than 1 and one correction each way suffices."""
    q = np.int64(float(x) * pinv)
    r = x - q * p
    r = r + p if r < 0 else r
    return r - p if r >= p else r


@nb.njit(cache=True)
def _rref_small(M, p, ncols):
    # rref_inplace for p < 2^31: row updates a + (p - f) b < 2 p^2, reduced branch-free
    n, m = M.shape
    pinv = 1.0 / p
    pivots = np.empty(min(n, ncols), dtype=np.int64)
    r = 0
    for c in range(ncols):
        if r == n:
            break
        piv = -1
        for i in range(r, n):
            if M[i, c] != 0:
                piv = i
                break
        if piv < 0:
            continue
        if piv != r:
            for j in range(m):
                M[r, j], M[piv, j] = M[piv, j], M[r, j]
        inv = invmod(M[r, c], p)
        for j in range(c, m):
            M[r, j] = (M[r, j] * inv) % p
        for i in range(n):
            if i != r and M[i, c] != 0:
                g = p - M[i, c]
                for j in range(c, m):
                    M[i, j] = reduce_small(M[i, j] + g * M[r, j], p, pinv)
        pivots[r] = c
        r += 1
    return pivots[:r]


@nb.njit(cache=True)
def rref_inplace(M, p, ncols):
    """Reduced row echelon form of M[:, :ncols] (row ops act on all columns).

    Returns the pivot columns; their count is the rank of M[:, :ncols].
    """
    if p < FAST_LIMIT:
        return _rref_small(M, p, ncols)
    n, m = M.shape
    pivots = np.empty(min(n, ncols), dtype=np.int64)
    r = 0
    for c in range(ncols):
        if r == n:
            break
        piv = -1
        for i in range(r, n):
            if M[i, c] != 0:
                piv = i
                break
        if piv < 0:
            continue
        if piv != r:
            for j in range(m):
                M[r, j], M[piv, j] = M[piv, j], M[r, j]
        inv = invmod(M[r, c], p)
        for j in range(c, m):
            M[r, j] = mulmod(M[r, j], inv, p)
        for i in range(n):
            if i != r and M[i, c] != 0:
                f = M[i, c]
                for j in range(c, m):
                    if M[r, j] != 0:
                        M[i, j] = submod(M[i, j], mulmod(f, M[r, j], p), p)
        pivots[r] = c
        r += 1
    return pivots[:r]


@nb.njit(cache=True)
def batched_rank(M, p):
    b = M.shape[0]
    out = np.empty(b, dtype=np.int64)
    for t in range(b):
        W = M[t].copy()
        out[t] = rref_inplace(W, p, W.shape[1]).size
    return out


@nb.njit(cache=True)
def batched_solve(A, Bv, p):
    """Solve A[t] X = Bv[t] for square A[t]; ok[t] is False when A[t] is singular."""
    b, n, _ = A.shape
    k = Bv.shape[2]
    X = np.zeros((b, n, k), dtype=np.int64)
    ok = np.zeros(b, dtype=np.bool_)
    aug = np.empty((n, n + k), dtype=np.int64)
    for t in range(b):
        aug[:, :n] = A[t]
        aug[:, n:] = Bv[t]
        piv = rref_inplace(aug, p, n)
        if piv.size == n:
            ok[t] = True
            X[t] = aug[:, n:]
    return X, ok


@nb.njit(cache=True)
def vandermonde_inverse(x, p):
    """Inverse of V[i, j] = x_i^j in O(n^2) via the master polynomial.

    Column i of V^-1 holds the coefficients of prod_{j != i}(z - x_j) / prod_{j != i}(x_i - x_j).
    """
    n = x.size
    master = np.zeros(n + 1, dtype=np.int64)  # coefficients, low degree first
    master[0] = 1
    for i in range(n):
        # master *= (z - x_i)
        neg = (p - x[i]) % p
        for d in range(i + 1, 0, -1):
            master[d] = addmod(master[d - 1], mulmod(master[d], neg, p), p)
        master[0] = mulmod(master[0], neg, p)
    inv = np.empty((n, n), dtype=np.int64)
    q = np.empty(n, dtype=np.int64)
    for i in range(n):
        # synthetic division of master by (z - x_i)
        q[n - 1] = master[n]
        for d in range(n - 1, 0, -1):
            q[d - 1] = addmod(master[d], mulmod(q[d], x[i], p), p)
        den = 1
        for j in range(n):
            if j != i:
                den = mulmod(den, submod(x[i], x[j], p), p)
        dinv = invmod(den, p)
        for d in range(n):
            inv[d, i] = mulmod(q[d], dinv, p)
    return inv


@nb.njit(cache=True)
def vandermonde(x, n, p):
    m = x.size
    V = np.empty((m, n), dtype=np.int64)
    for i in range(m):
        v = 1 % p
        for j in range(n):
            V[i, j] = v
            v = mulmod(v, x[i], p)
    return V


@nb.njit(cache=True)
def lagrange_matrix(nodes, points, p):
    """L[j, i] = l_i(points[j]), the Lagrange basis of ``nodes`` evaluated at ``points``."""
    n = nodes.size
    m = points.size
    L = np.zeros((m, n), dtype=np.int64)
    w = np.empty(n, dtype=np.int64)  # barycentric weights 1 / prod_{k != i}(x_i - x_k)
    for i in range(n):
        d = 1
        for k in range(n):
            if k != i:
                d = mulmod(d, submod(nodes[i], nodes[k], p), p)
        w[i] = invmod(d, p)
    for j in range(m):
        z = points[j]
        hit = -1
        for i in range(n):
            if nodes[i] == z:
                hit = i
                break
        if hit >= 0:
            L[j, hit] = 1
            continue
        full = 1
        for k in range(n):
            full = mulmod(full, submod(z, nodes[k], p), p)
        for i in range(n):
            L[j, i] = mulmod(mulmod(full, invmod(submod(z, nodes[i], p), p), p), w[i], p)
    return L


@nb.njit(cache=True)
def matmul_slow(A, B, p):
    """Exact product for any p < 2^63, one mulmod per term (the slow exact path)."""
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m), dtype=np.int64)
    for i in range(n):
        for t in range(k):
            a = A[i, t]
            if a == 0:
                continue
            for j in range(m):
                C[i, j] = addmod(C[i, j], mulmod(a, B[t, j], p), p)
    return C


@nb.njit(cache=True)
def horner_shift_combine(D, shift, p):
    """acc = sum_s D[s] * 2^(shift*s) mod p, for D[s] in [0, p), any p < 2^63."""
    L = D.shape[0]
    n = D.shape[1]
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        acc = 0
        for s in range(L - 1, -1, -1):
            for _ in range(shift):
                acc = addmod(acc, acc, p)
            acc = addmod(acc, D[s, i], p)
        out[i] = acc
    return out


@nb.njit(cache=True, inline="always")
def _fmodp(x, pf, pinv):
    # x is an exact integer below 2^53; floor(x * pinv) is off by at most one.
    r = x - pf * np.floor(x * pinv)
    if r < 0.0:
        r += pf
    elif r >= pf:
        r -= pf
    return r


@nb.njit(cache=True)
def split_limbs(A, L, s, out):
    """out[l*n + i, j] = limb l (s bits) of A[i, j], as float64."""
    n, k = A.shape
    mask = (1 << s) - 1
    for i in range(n):
        for j in range(k):
            a = A[i, j]
            for limb in range(L):
                out[limb * n + i, j] = float((a >> (s * limb)) & mask)


@nb.njit(cache=True)
def reduce_limbs(prod, L, n, s, p, acc):
    """acc = (acc + sum_l 2^(s l) (prod[l] mod p)) mod p, all in exact float64."""
    pf = float(p)
    pinv = 1.0 / pf
    scale = float(1 << s)
    m = prod.shape[1]
    for i in range(n):
        for j in range(m):
            v = _fmodp(prod[(L - 1) * n + i, j], pf, pinv)
            for limb in range(L - 2, -1, -1):
                v = _fmodp(v * scale + _fmodp(prod[limb * n + i, j], pf, pinv), pf, pinv)
            v += acc[i, j]
            if v >= pf:
                v -= pf
            acc[i, j] = v


@nb.njit(cache=True)
def encode_rows(E, X, out, p, every):  # pragma: no cover - compiled
    """out[j] = sum_l E[j, l] X[l] mod p, reducing every ``every`` products (p < 2^31).

    Above p = 3072 the reduction is :func:`reduce_wide` (no integer division), so the
    loop over entries vectorises; ``every`` keeps the running sum below 2^63."""
    w, lam = E.shape
    n = X.shape[1]
    wide = p > 3072
    pinv = 1.0 / p
    blk = 4096  # a strip of entries stays in cache across the w output rows
    acc = np.empty(blk, dtype=np.int64)
    for i0 in range(0, n, blk):
        i1 = min(i0 + blk, n)
        for j in range(w):
            for i in range(i1 - i0):
                acc[i] = 0
            cnt = 0
            for l in range(lam):
                e = E[j, l]
                for i in range(i1 - i0):
                    acc[i] += e * X[l, i0 + i]
                cnt += 1
                if cnt == every or l == lam - 1:
                    cnt = 0
                    if wide:
                        for i in range(i1 - i0):
                            acc[i] = reduce_wide(acc[i], p, pinv)
                    else:
                        for i in range(i1 - i0):
                            acc[i] = acc[i] % p
            for i in range(i1 - i0):
                out[j, i0 + i] = acc[i]


@nb.njit(cache=True, inline="always")
def reduce_wide(x, p, pinv):
    """x mod p for 0 <= x < 2^63 and 3072 < p < 2^31, vectorisable (no division).

    float(x) * (1/p) has relative error below 3 * 2^-53, i.e. an absolute error below
    3 * 2^10 / p < 1 in the quotient, so q is off by at most one either way."""
    q = np.int64(float(x) * pinv)
    r = x - q * p
    r = r + p if r < 0 else r
    return r - p if r >= p else r
