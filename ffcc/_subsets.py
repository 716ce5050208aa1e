"""Compiled walks over R-subsets of workers, reusing the elimination of shared prefixes.

Coordinates are arranged so that the target space U is spanned by the last ``t``
coordinate vectors (columns ``D - t .. D - 1``). Rows are inserted into a row echelon
basis with the column order as given; a basis row whose pivot lies in the last t
columns is zero in all earlier columns, so it lies in U. Hence the number of such
pivots equals dim(span(rows) ∩ U), and a subset decodes every target iff it is t.

**Levels.** :func:`walk` visits the subsets in lexicographic order. Level L holds every
row of the workers after ``comb[L - 1]`` *reduced* against the basis of the first L
workers of the subset (zero in its pivot columns). Going one level down adds worker
``comb[L]``: its reduced row r (pivot c) is the new basis row, and each later row x is
updated by one fraction-free row operation ``x <- r_c x - x_c r`` (no inverse) on the
columns that are not pivots yet, instead of a full reduction against L rows. A leaf
(the last worker) costs a scan for the first non-zero entry of its reduced row. Most
steps of the walk change only the last one or two workers, so a subset costs a few short
row operations, not an R x D elimination.

**Reductions.** Entries are kept in [0, p). ``a x + g r`` is reduced without a scalar
``%``: by two shift-add folds for p = 2^31 - 1 (2^31 = 1 mod p), by a float quotient
estimate for other p < 2^31 (:func:`ffcc._kernels.reduce_wide`), both exact and
vectorisable; for 2^31 <= p < 2^63 by the exact double-and-add of
:func:`ffcc._kernels.mulmod` (slower, never rounded).
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numba as nb
import numpy as np

from ._kernels import FAST_LIMIT, addmod, mulmod, reduce_wide

MERSENNE31 = (1 << 31) - 1
_MODE_MERSENNE, _MODE_WIDE, _MODE_EXACT = 0, 1, 2


def reduction_mode(p: int) -> int:
    """How :func:`walk` reduces modulo p: shift-add (2^31 - 1), float quotient (p < 2^31)
    or double-and-add (2^31 <= p < 2^63)."""
    if p == MERSENNE31:
        return _MODE_MERSENNE
    return _MODE_WIDE if p < FAST_LIMIT else _MODE_EXACT


@nb.njit(cache=True, inline="always")
def _mod_mersenne31(x):
    """x mod 2^31 - 1 for 0 <= x < 2^63: x = h 2^31 + l = h + l, folded twice."""
    s = (x & 0x7FFFFFFF) + (x >> 31)  # < 2^33
    s = (s & 0x7FFFFFFF) + (s >> 31)  # <= 2^31 + 2
    return s - MERSENNE31 if s >= MERSENNE31 else s


@nb.njit(cache=True, inline="always")
def _cross_mod(a, x, g, r, p, pinv, mode):
    """(a x + g r) mod p for a, x, g, r in [0, p).

    a x + g r < 2 p^2 < 2^63 for p < 2^31; reduce_wide's quotient estimate is then off by
    at most one for every such p (its error 3 * 2^-53 * x / p stays below 1)."""
    if mode == 0:
        return _mod_mersenne31(a * x + g * r)
    if mode == 1:
        return reduce_wide(a * x + g * r, p, pinv)
    return addmod(mulmod(a, x, p), mulmod(g, r, p), p)


@nb.njit(cache=True)
def _eliminate(V, o, end, lo, p, pinv, mode):
    """Make row o of V a basis row: return its pivot c (first non-zero column, -1 for a
    zero row) and clear column c from rows o + 1 .. end - 1 by the fraction-free step
    x <- r_c x - x_c r (no inverse; a non-zero multiple of x modulo the basis is as good
    as x). Columns before ``lo`` must be zero in every row (they are pivot columns)."""
    D = V.shape[1]
    r = V[o]
    c = -1
    for j in range(lo, D):
        if r[j] != 0:
            c = j
            break
    if c < 0:
        return -1
    a = r[c]
    for q in range(o + 1, end):
        x = V[q]
        if x[c] == 0:
            continue
        g = p - x[c]
        for j in range(lo, D):
            x[j] = _cross_mod(a, x[j], g, r[j], p, pinv, mode)
    return c


@nb.njit(cache=True)
def _walk(G, starts, p, R, tstart, start, count, stop_at_first, mode):
    """Check ``count`` R-subsets of workers in lexicographic order from ``start``; worker
    j owns rows ``starts[j]:starts[j + 1]`` of G. Returns (checked, failed, first)."""
    nrow, D = G.shape
    w = starts.size - 1
    need = D - tstart
    pinv = 1.0 / p
    V = np.empty((R, nrow, D), dtype=np.int64)  # V[L]: rows reduced by comb[:L]'s rows
    V[0] = G
    inU = np.zeros(R, dtype=np.int64)  # pivots in U among comb[:L]'s basis rows
    ispiv = np.zeros((R, D), dtype=np.bool_)  # pivot columns of comb[:L]'s basis
    free = np.zeros(R, dtype=np.int64)  # first column that is not a pivot
    kmax = 1
    for j in range(w):
        kmax = max(kmax, starts[j + 1] - starts[j])
    leaf = np.empty((kmax, D), dtype=np.int64)
    comb = start.copy()
    first = -np.ones(R, dtype=np.int64)
    depth = 0  # levels 0..depth are valid for the current comb
    checked = 0
    failed = 0
    # one row per worker: the last level is not built; a leaf applies the row operation
    # of worker comb[R - 2] to its own row only, column by column, up to its pivot
    lazy = kmax == 1 and R >= 2
    top = R - 2 if lazy else R - 1
    pending = False  # the pivot of comb[R - 2] (lazy) is known
    pc, pa, pf = -1, 0, 0
    while checked < count:
        while depth < top:  # one level down: worker comb[depth] joins the basis
            lo, hi = starts[comb[depth]], starts[comb[depth] + 1]
            nxt = V[depth + 1]
            nxt[lo:] = V[depth, lo:]
            piv = ispiv[depth + 1]
            piv[:] = ispiv[depth]
            u, f = inU[depth], free[depth]
            for o in range(lo, hi):
                c = _eliminate(nxt, o, nrow, f, p, pinv, mode)
                if c >= 0:
                    piv[c] = True
                    while f < D and piv[f]:
                        f += 1
                    if c >= tstart:
                        u += 1
            inU[depth + 1], free[depth + 1] = u, f
            depth += 1
        lo, hi = starts[comb[R - 1]], starts[comb[R - 1] + 1]
        u = inU[R - 1]
        if lazy:
            L = R - 2
            r = V[L, starts[comb[L]]]
            if not pending:
                pc, pf = -1, free[L]
                for j in range(free[L], D):
                    if r[j] != 0:
                        pc = j
                        break
                if pc >= 0:
                    pa = r[pc]
                    while pf < D and (ispiv[L, pf] or pf == pc):
                        pf += 1
                pending = True
            u = inU[L]
            x = V[L, lo]
            if pc >= 0:
                if pc >= tstart:
                    u += 1
                g = p - x[pc] if x[pc] != 0 else 0
                for j in range(pf, D):
                    y = x[j] if g == 0 else _cross_mod(pa, x[j], g, r[j], p, pinv, mode)
                    if y != 0:
                        if j >= tstart:
                            u += 1
                        break
            else:
                for j in range(free[L], D):
                    if x[j] != 0:
                        if j >= tstart:
                            u += 1
                        break
        elif hi - lo == 1:  # one row: its pivot is its first non-zero entry
            row = V[R - 1, lo]
            for j in range(free[R - 1], D):
                if row[j] != 0:
                    if j >= tstart:
                        u += 1
                    break
        else:
            leaf[: hi - lo] = V[R - 1, lo:hi]
            for o in range(hi - lo):
                if _eliminate(leaf, o, hi - lo, 0, p, pinv, mode) >= tstart:
                    u += 1
        checked += 1
        if u < need:
            failed += 1
            if failed == 1:
                first[:] = comb
            if stop_at_first:
                break
        i = R - 1  # next combination: rightmost position that can still move
        while i >= 0 and comb[i] == w - R + i:
            i -= 1
        if i < 0:
            break
        comb[i] += 1
        for j in range(i + 1, R):
            comb[j] = comb[j - 1] + 1
        depth = min(depth, i)
        if i <= R - 2:
            pending = False
    return checked, failed, first


@nb.njit(cache=True)
def _check_each(G, starts, p, tstart, subsets, mode):
    """Check each row of ``subsets`` independently; a boolean 'decodes' per row."""
    n, R = subsets.shape
    D = G.shape[1]
    need = D - tstart
    pinv = 1.0 / p
    nmax = 0
    for t in range(n):
        k = 0
        for d in range(R):
            k += starts[subsets[t, d] + 1] - starts[subsets[t, d]]
        nmax = max(nmax, k)
    M = np.empty((max(nmax, 1), D), dtype=np.int64)
    ok = np.zeros(n, dtype=np.bool_)
    for t in range(n):
        k = 0
        for d in range(R):
            j = subsets[t, d]
            for r in range(starts[j], starts[j + 1]):
                M[k] = G[r]
                k += 1
        u = 0
        for o in range(k):
            if _eliminate(M, o, k, 0, p, pinv, mode) >= tstart:
                u += 1
        ok[t] = u >= need
    return ok


# the compiled kernels behind walk() and check_list(), for ffcc.field.use_kernel's choice
walk_kernel = _walk
check_kernel = _check_each


def _one_row_each(G) -> np.ndarray:
    return np.arange(G.shape[0] + 1, dtype=np.int64)


def walk(G, p, R, tstart, start, count, stop_at_first, compiled=True):
    """Check ``count`` R-subsets of the rows of G in lexicographic order from ``start``.

    Returns (checked, failed, first_failure) where first_failure is the first failing
    subset (or all -1). ``compiled`` False: :func:`_np_walk`, the same result without
    compiling (the caller decides with :func:`ffcc.field.use_kernel` and
    :func:`walk_work`).
    """
    return walk_groups(G, _one_row_each(G), p, R, tstart, start, count, stop_at_first,
                       compiled)  # fmt: skip


def check_list(G, p, tstart, subsets, compiled=True) -> np.ndarray:
    """Check each row of ``subsets`` independently; returns a boolean 'decodes' per row."""
    return check_list_groups(G, _one_row_each(G), p, tstart, subsets, compiled)


def unrank(rank: int, w: int, R: int) -> np.ndarray:
    """The combination of lexicographic rank ``rank`` among R-subsets of range(w)."""
    out = np.empty(R, dtype=np.int64)
    x = 0
    for i in range(R):
        while comb(w - x - 1, R - i - 1) <= rank:
            rank -= comb(w - x - 1, R - i - 1)
            x += 1
        out[i] = x
        x += 1
    return out


def rank_of(subset, w: int) -> int:
    """Inverse of :func:`unrank`."""
    R = len(subset)
    r = 0
    prev = -1
    for i, x in enumerate(subset):
        for y in range(prev + 1, x):
            r += comb(w - y - 1, R - i - 1)
        prev = x
    return r


# -- workers with several outputs: a worker contributes all its product rows at once -----------


def walk_groups(G, starts, p, R, tstart, start, count, stop_at_first, compiled=True):
    """:func:`walk` for workers that return several products: worker j owns the rows
    ``starts[j]:starts[j + 1]`` of G, and a subset of workers inserts all of them.

    Returns (checked, failed, first_failure) as :func:`walk`.
    """
    if not compiled:
        return _np_walk(G, starts, p, R, tstart, start, count, stop_at_first)
    return _walk(G, starts, p, R, tstart, start, count, stop_at_first, reduction_mode(p))


def check_list_groups(G, starts, p, tstart, subsets, compiled=True) -> np.ndarray:
    """:func:`check_list` for workers with several outputs (see :func:`walk_groups`)."""
    subsets = np.asarray(subsets, dtype=np.int64)
    if not compiled:
        return _np_check_each(G, starts, p, tstart, subsets)
    return _check_each(G, starts, p, tstart, subsets, reduction_mode(p))


# -- the same tests in numpy, exact, for small work: nothing to compile --------------------


def walk_work(count: int, rows: int, D: int) -> int:
    """Multiply-adds of :func:`_np_check_each` on ``count`` subsets of ``rows`` rows each
    (at most D eliminations of ``rows`` x D): the size :func:`ffcc.field.use_kernel` weighs."""
    return count * rows * D * D


def _np_decodes(M, p, tstart) -> np.ndarray:
    """For a stack M (n, k, D) of rows with entries in [0, p): whether each stack's rows
    span the last D - tstart coordinates modulo the first tstart, the test of
    :func:`_check_each`. Column by column, every matrix at once: a row not yet a pivot with
    a non-zero in column c becomes the pivot and clears c from the other such rows by the
    fraction-free step x <- a x + (p - x_c) r (each product < p^2 reduced before the sum,
    int64 for p < 2^31, Python integers above). The pivots in columns >= tstart count
    dim(span ∩ U); all need = D - tstart of them must be there."""
    n, k, D = M.shape
    M = M.astype(np.int64 if p < FAST_LIMIT else object)
    free = np.ones((n, k), dtype=bool)  # rows that are not pivots yet
    inU = np.zeros(n, dtype=np.int64)
    for c in range(D):
        cand = free & (M[:, :, c] != 0)
        has = np.flatnonzero(cand.any(axis=1))
        if has.size == 0:
            continue
        r = cand[has].argmax(axis=1)
        free[has, r] = False
        if c >= tstart:
            inU[has] += 1
        piv = M[has, r, c:]  # (m, D - c)
        sub = M[has, :, c:]
        a = piv[:, :1, None]
        g = (p - sub[:, :, :1]) % p
        new = (a * sub % p + g * piv[:, None, :] % p) % p
        M[has, :, c:] = np.where(free[has][:, :, None], new, sub)
    return inU >= D - tstart


def _np_stack(G, starts, subsets) -> np.ndarray:
    """The rows of each subset's workers, zero-padded to one height (zero rows do not
    change a span)."""
    lens = starts[1:] - starts[:-1]
    if np.all(lens == 1):  # one row per worker: a gather
        return G[starts[subsets]]
    rows = [np.concatenate([np.arange(starts[j], starts[j + 1]) for j in s]) for s in subsets]
    k = max(1, int(lens[subsets].sum(axis=1).max(initial=0)))
    M = np.zeros((len(subsets), k, G.shape[1]), dtype=G.dtype)
    for t, rw in enumerate(rows):
        M[t, : rw.size] = G[rw]
    return M


def _np_check_each(G, starts, p, tstart, subsets) -> np.ndarray:
    """:func:`_check_each` in numpy (see :func:`_np_decodes`)."""
    subsets = np.asarray(subsets, dtype=np.int64)
    if len(subsets) == 0:  # before the reshape, which cannot infer a width from no rows
        return np.zeros(0, dtype=bool)
    subsets = subsets.reshape(len(subsets), -1)
    return _np_decodes(_np_stack(G, np.asarray(starts), subsets), p, tstart)


def _np_lex(start, w: int, count: int) -> np.ndarray:
    """``count`` R-subsets of range(w) in lexicographic order from ``start`` (fewer at the
    end): each next one moves the rightmost element that can still move."""
    comb = [int(x) for x in start]
    R = len(comb)
    out = []
    for _ in range(count):
        out.append(list(comb))
        i = R - 1
        while i >= 0 and comb[i] == w - R + i:
            i -= 1
        if i < 0:
            break
        comb[i] += 1
        comb[i + 1 :] = range(comb[i] + 1, comb[i] + R - i)
    return np.array(out, dtype=np.int64).reshape(-1, R)


def _np_walk(G, starts, p, R, tstart, start, count, stop_at_first):
    """:func:`_walk`'s result from :func:`_np_check_each`: (checked, failed, first)."""
    starts = np.asarray(starts)
    subsets = _np_lex(start, starts.size - 1, count)
    ok = _np_check_each(G, starts, p, tstart, subsets)
    bad = np.flatnonzero(~ok)
    first = subsets[bad[0]].copy() if bad.size else -np.ones(R, dtype=np.int64)
    if stop_at_first and bad.size:  # the kernel stops at the first failure
        return int(bad[0]) + 1, 1, first
    return subsets.shape[0], int(bad.size), first


def walk_bytes(rows: int, D: int, R: int) -> int:
    """Bytes :func:`walk` allocates for its levels: R copies of the rows (int64)."""
    return 8 * R * rows * D


# -- the MDS fast path: every D-subset of the rows of a w x D matrix of rank D ------------
#
# Bring G to systematic form G' = G G[I]^-1 on an information set I (G'[I] = identity) and
# let P = G'[rest]. A D-subset S = (I \ B) + A (A rows of P it adds, B the information
# rows it drops, |A| = |B| = k) has det G'[S] = +-det P[A, B]. All k x k minors of P
# follow from the (k-1) x (k-1) ones by cofactor expansion along the last row of A:
# k multiply-adds per subset, level by level (field-notes: "minors reformulation").


@nb.njit(cache=True)
def _binomials(n):
    C = np.zeros((n + 2, n + 2), dtype=np.int64)
    for i in range(n + 2):
        C[i, 0] = 1
        for j in range(1, i + 1):
            C[i, j] = C[i - 1, j - 1] + C[i - 1, j]
    return C


@nb.njit(cache=True)
def _colex_table(n, k, C):
    """All k-subsets of range(n) as rows, row r the subset of colex rank r."""
    m = C[n, k]
    out = np.empty((m, max(k, 1)), dtype=np.int64)
    comb = np.arange(k)
    for _ in range(m):
        r = 0
        for j in range(k):
            r += C[comb[j], j + 1]
        for j in range(k):
            out[r, j] = comb[j]
        i = k - 1  # next subset in lexicographic order
        while i >= 0 and comb[i] == n - k + i:
            i -= 1
        if i < 0:
            break
        comb[i] += 1
        for j in range(i + 1, k):
            comb[j] = comb[j - 1] + 1
    return out


@nb.njit(cache=True)
def mds_zero_minors(P, p, info, rest, maxout):
    """Bitmasks (bit j = worker j) of the D-subsets whose minor vanishes, in level order.

    P is (len(rest), D) over GF(p); info[c] is the worker of identity row c and rest[a]
    the worker of row a of P. Returns (number of vanishing minors, the first ``maxout``
    of their masks, minors computed).
    """
    nP, D = P.shape
    C = _binomials(max(nP, D))
    small = p < FAST_LIMIT
    every = (9223372036854775807 - p) // (p * p) if small else 1  # acc + every p^2 < 2^63
    full = 0
    for c in range(D):
        full |= np.int64(1) << info[c]
    out = np.empty(maxout, dtype=np.int64)
    nzero = 0
    done = 1  # level 0: S = I itself, minor 1
    prev = np.ones(1, dtype=np.int64)
    for k in range(1, min(nP, D) + 1):
        CA, CB, CBp = C[nP, k], C[D, k], C[D, k - 1]
        Btab = _colex_table(D, k, C)
        Atab = _colex_table(nP, k, C)
        sub = np.empty((CB, k), dtype=np.int64)  # colex rank of B minus its i-th element
        bmask = np.empty(CB, dtype=np.int64)
        for rb in range(CB):
            m = full
            for i in range(k):
                m ^= np.int64(1) << info[Btab[rb, i]]
                r = 0
                for j in range(k):
                    if j < i:
                        r += C[Btab[rb, j], j + 1]
                    elif j > i:
                        r += C[Btab[rb, j], j]
                sub[rb, i] = r
            bmask[rb] = m
        cur = np.empty(CA * CB, dtype=np.int64)
        for ra in range(CA):
            aL = Atab[ra, k - 1]
            base = (ra - C[aL, k]) * CBp  # colex rank of A minus its last element
            amask = np.int64(0)
            for j in range(k):
                amask |= np.int64(1) << rest[Atab[ra, j]]
            row = P[aL]
            for rb in range(CB):
                acc = 0
                if small:  # sum `every` products < p^2 before one reduction
                    cnt = 0
                    for i in range(k):
                        d = prev[base + sub[rb, i]]
                        if (k - 1 + i) & 1:
                            d = p - d
                        acc += row[Btab[rb, i]] * d
                        cnt += 1
                        if cnt == every:
                            acc %= p
                            cnt = 0
                    acc %= p
                else:
                    for i in range(k):
                        d = prev[base + sub[rb, i]]
                        if (k - 1 + i) & 1:
                            d = p - d if d != 0 else 0
                        acc = addmod(acc, mulmod(row[Btab[rb, i]], d, p), p)
                cur[ra * CB + rb] = acc
                if acc == 0:
                    if nzero < maxout:
                        out[nzero] = bmask[rb] | amask
                    nzero += 1
        done += CA * CB
        prev = cur
    return nzero, out[: min(nzero, maxout)], done


def zero_minors(P, p, info, rest, maxout, compiled=True):
    """:func:`mds_zero_minors` (``compiled``) or :func:`_np_zero_minors`, the same result
    without compiling: the caller decides with :func:`ffcc.field.use_kernel` (a cold small
    run should not spend the kernel's 2-3 s of compile time on a few thousand minors).

    Workers 0, 1 hold the identity rows, worker 2 the row (1, 0): the subset {0, 2} (mask
    0b101) has the minor P[0, 1] = 0, and 3 minors are computed, one per 2-subset.

    >>> zero_minors(np.array([[1, 0]]), 7, np.array([0, 1]), np.array([2]), 10, False)
    (1, array([5]), 3)
    """
    return (mds_zero_minors if compiled else _np_zero_minors)(P, p, info, rest, maxout)


def mds_work(nP: int, D: int) -> int:
    """Multiply-adds of :func:`mds_zero_minors`: k per k x k minor, every level."""
    return sum(k * comb(nP, k) * comb(D, k) for k in range(1, min(nP, D) + 1))


def _np_colex(n: int, k: int) -> np.ndarray:
    """:func:`_colex_table` in numpy: all k-subsets of range(n), row r of colex rank r
    (colex order sorts by the largest element first, then the next largest, ...)."""
    rows = np.array(list(combinations(range(n), k)), dtype=np.int64).reshape(-1, k)
    return rows[np.lexsort(rows.T)]  # lexsort's primary key is its last row: the largest


def _np_zero_minors(P, p, info, rest, maxout):
    """:func:`mds_zero_minors` with numpy level arrays, exact: each product < p^2 is
    reduced before k of them are summed (k p < 2^63) for p < 2^31, Python integers above.
    The same cofactor expansion, levels and output order as the kernel."""
    nP, D = P.shape
    n = max(nP, D)
    C = np.array([[comb(a, b) for b in range(n + 2)] for a in range(n + 2)], dtype=np.int64)
    dtype = np.int64 if p < FAST_LIMIT else object
    info, rest = np.asarray(info, dtype=np.int64), np.asarray(rest, dtype=np.int64)
    full = int(np.sum(np.int64(1) << info))  # distinct bits: the sum is the union
    found: list[np.ndarray] = []
    nzero, done = 0, 1  # level 0: S = I itself, minor 1
    prev = np.ones(1, dtype=dtype)
    for k in range(1, min(nP, D) + 1):
        Btab, Atab = _np_colex(D, k), _np_colex(nP, k)
        up, same = C[Btab, np.arange(1, k + 1)], C[Btab, np.arange(k)]
        # colex rank of B minus its i-th element: elements before i keep their place j
        # (C(b, j + 1)), those after move down one (C(b, j))
        before = np.cumsum(up, axis=1) - up
        after = np.cumsum(same[:, ::-1], axis=1)[:, ::-1] - same
        sub = before + after
        bmask = full ^ np.sum(np.int64(1) << info[Btab], axis=1)
        amask = np.sum(np.int64(1) << rest[Atab], axis=1)
        aL = Atab[:, k - 1]
        base = (np.arange(Atab.shape[0]) - C[aL, k]) * C[D, k - 1]
        rows = P[aL].astype(dtype)
        cur = np.zeros((Atab.shape[0], Btab.shape[0]), dtype=dtype)
        for i in range(k):  # expansion along A's last row: sign (-1)^(k-1+i)
            d = prev[base[:, None] + sub[None, :, i]]
            if (k - 1 + i) & 1:
                d = (p - d) % p
            cur += rows[:, Btab[:, i]] * d % p
        cur %= p
        zero = np.flatnonzero(cur.ravel() == 0)
        if zero.size and nzero < maxout:
            ra, rb = np.divmod(zero[: maxout - nzero], Btab.shape[0])
            found.append(amask[ra] | bmask[rb])
        nzero += zero.size
        done += cur.size
        prev = cur.ravel()
    out = np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)
    return nzero, out, done


def mds_level_sizes(nP: int, D: int) -> int:
    """The largest level array mds_zero_minors allocates (entries)."""
    return max((comb(nP, k) * comb(D, k) for k in range(min(nP, D) + 1)), default=1)
