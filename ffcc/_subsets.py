"""Compiled walks over R-subsets of workers, reusing the elimination of shared prefixes.

Coordinates are arranged so that the target space U is spanned by the last ``t``
coordinate vectors (columns ``D - t .. D - 1``). Rows are inserted into a row echelon
basis with the column order as given; a basis row whose pivot lies in the last t
columns is zero in all earlier columns, so it lies in U. Hence the number of such
pivots equals dim(span(rows) ∩ U), and a subset decodes every target iff it is t.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ._kernels import FAST_LIMIT, addmod, invmod, mulmod, reduce_wide, submod


@nb.njit(cache=True)
def _insert(basis, rowof, v, p, D):
    """Reduce v against the basis and insert it; return its pivot or -1 if dependent."""
    for c in range(D):
        if v[c] == 0:
            continue
        r = rowof[c]
        if r < 0:
            inv = invmod(v[c], p)
            for j in range(c, D):
                v[j] = mulmod(v[j], inv, p)
            return c
        row = basis[r]
        if p < FAST_LIMIT and p > 3072:  # v + (p - f) row < 2^63: one division-free reduction
            g = p - v[c]
            pinv = 1.0 / p
            for j in range(c, D):
                v[j] = reduce_wide(v[j] + g * row[j], p, pinv)
        else:
            f = v[c]
            for j in range(c, D):
                if row[j] != 0:
                    v[j] = submod(v[j], mulmod(f, row[j], p), p)
    return -1


@nb.njit(cache=True)
def walk(G, p, R, tstart, start, count, stop_at_first):
    """Check ``count`` R-subsets in lexicographic order from ``start``.

    Returns (checked, failed, first_failure) where first_failure is the first failing
    subset (or all -1).
    """
    w, D = G.shape
    need = D - tstart
    basis = np.zeros((R, D), dtype=np.int64)
    rowof = -np.ones(D, dtype=np.int64)
    piv_at = -np.ones(R, dtype=np.int64)  # pivot added at each depth, -1 if dependent
    comb = start.copy()
    first = -np.ones(R, dtype=np.int64)
    v = np.empty(D, dtype=np.int64)
    nrows = 0
    inU = 0
    depth = 0  # rows 0..depth-1 of comb are inserted
    checked = 0
    failed = 0
    while checked < count:
        while depth < R:
            for j in range(D):
                v[j] = G[comb[depth], j]
            c = _insert(basis, rowof, v, p, D)
            piv_at[depth] = c
            if c >= 0:
                basis[nrows] = v
                rowof[c] = nrows
                nrows += 1
                if c >= tstart:
                    inU += 1
            depth += 1
        checked += 1
        if inU < need:
            failed += 1
            if failed == 1:
                first[:] = comb
            if stop_at_first:
                break
        # next combination: rightmost position that can still move
        i = R - 1
        while i >= 0 and comb[i] == w - R + i:
            i -= 1
        if i < 0:
            break
        while depth > i:  # undo insertions at depths i..R-1
            depth -= 1
            c = piv_at[depth]
            if c >= 0:
                nrows -= 1
                rowof[c] = -1
                if c >= tstart:
                    inU -= 1
        comb[i] += 1
        for j in range(i + 1, R):
            comb[j] = comb[j - 1] + 1
    return checked, failed, first


@nb.njit(cache=True)
def check_list(G, p, tstart, subsets):
    """Check each row of ``subsets`` independently; returns a boolean 'decodes' per row."""
    n, R = subsets.shape
    w, D = G.shape
    need = D - tstart
    ok = np.zeros(n, dtype=np.bool_)
    basis = np.zeros((R, D), dtype=np.int64)
    rowof = -np.ones(D, dtype=np.int64)
    v = np.empty(D, dtype=np.int64)
    for t in range(n):
        rowof[:] = -1
        nrows = 0
        inU = 0
        for d in range(R):
            for j in range(D):
                v[j] = G[subsets[t, d], j]
            c = _insert(basis, rowof, v, p, D)
            if c >= 0:
                basis[nrows] = v
                rowof[c] = nrows
                nrows += 1
                if c >= tstart:
                    inU += 1
        ok[t] = inU >= need
    return ok


def unrank(rank: int, w: int, R: int) -> np.ndarray:
    """The combination of lexicographic rank ``rank`` among R-subsets of range(w)."""
    from math import comb as C

    out = np.empty(R, dtype=np.int64)
    x = 0
    for i in range(R):
        while C(w - x - 1, R - i - 1) <= rank:
            rank -= C(w - x - 1, R - i - 1)
            x += 1
        out[i] = x
        x += 1
    return out


def rank_of(subset, w: int) -> int:
    """Inverse of :func:`unrank`."""
    from math import comb as C

    R = len(subset)
    r = 0
    prev = -1
    for i, x in enumerate(subset):
        for y in range(prev + 1, x):
            r += C(w - y - 1, R - i - 1)
        prev = x
    return r


# -- workers with several outputs: a worker contributes all its product rows at once -----------


@nb.njit(cache=True)
def walk_groups(G, starts, p, R, tstart, start, count, stop_at_first):
    """:func:`walk` for workers that return several products: worker j owns the rows
    ``starts[j]:starts[j + 1]`` of G, and a subset of workers inserts all of them.

    Returns (checked, failed, first_failure) as :func:`walk`.
    """
    w = starts.size - 1
    D = G.shape[1]
    need = D - tstart
    basis = np.zeros((D, D), dtype=np.int64)
    rowof = -np.ones(D, dtype=np.int64)
    nmax = 0
    for j in range(w):
        nmax = max(nmax, starts[j + 1] - starts[j])
    piv_at = -np.ones((R, nmax), dtype=np.int64)  # pivots added per depth and output
    comb = start.copy()
    first = -np.ones(R, dtype=np.int64)
    v = np.empty(D, dtype=np.int64)
    nrows = 0
    inU = 0
    depth = 0
    checked = 0
    failed = 0
    while checked < count:
        while depth < R:
            j = comb[depth]
            for o in range(starts[j + 1] - starts[j]):
                piv_at[depth, o] = -1
                if nrows == D:
                    continue  # the basis is complete: every further row is dependent
                for k in range(D):
                    v[k] = G[starts[j] + o, k]
                c = _insert(basis, rowof, v, p, D)
                piv_at[depth, o] = c
                if c >= 0:
                    basis[nrows] = v
                    rowof[c] = nrows
                    nrows += 1
                    if c >= tstart:
                        inU += 1
            depth += 1
        checked += 1
        if inU < need:
            failed += 1
            if failed == 1:
                first[:] = comb
            if stop_at_first:
                break
        i = R - 1
        while i >= 0 and comb[i] == w - R + i:
            i -= 1
        if i < 0:
            break
        while depth > i:  # undo the insertions of depths i..R-1, last row first
            depth -= 1
            j = comb[depth]
            for o in range(starts[j + 1] - starts[j] - 1, -1, -1):
                c = piv_at[depth, o]
                if c >= 0:
                    nrows -= 1
                    rowof[c] = -1
                    if c >= tstart:
                        inU -= 1
        comb[i] += 1
        for k in range(i + 1, R):
            comb[k] = comb[k - 1] + 1
    return checked, failed, first


def check_list_groups(G, starts, p, tstart, subsets) -> np.ndarray:
    """:func:`check_list` for workers with several outputs (see :func:`walk_groups`)."""
    ok = np.zeros(len(subsets), dtype=bool)
    for t, sub in enumerate(subsets):
        _, failed, _ = walk_groups(
            G, starts, p, len(sub), tstart, np.asarray(sub, np.int64), 1, True
        )
        ok[t] = failed == 0
    return ok


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


def mds_level_sizes(nP: int, D: int) -> int:
    """The largest level array mds_zero_minors allocates (entries)."""
    from math import comb as C

    return max((C(nP, k) * C(D, k) for k in range(min(nP, D) + 1)), default=1)
