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

from ._kernels import invmod, mulmod, submod


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
        f = v[c]
        row = basis[r]
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
