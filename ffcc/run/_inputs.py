"""Matrices to run on: .npy files, seeded random matrices, and bundled real graphs.

Example
-------
>>> from ffcc.run import graph_matrix, random_matrix
>>> A = graph_matrix("karate")  # Zachary's karate club, shipped with networkx
>>> A.shape, int(A.sum()) // 2  # 34 members, 78 friendships
((34, 34), 78)
>>> int((A @ A)[0, 0])  # 2-paths from member 0 back to itself: its degree
16
>>> random_matrix(2, 3, seed=0).shape
(2, 3)
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np

from .._resources import check_memory
from ..field import crt, is_prime
from ._errors import InputError
from ._exact import choose_primes, max_abs, reduce_mod

__all__ = ["load_matrix", "save_matrix", "random_matrix", "graph_matrix", "GRAPHS"]

# name -> networkx function returning a bundled graph (no download)
GRAPHS = {
    "karate": "karate_club_graph",
    "les-miserables": "les_miserables_graph",
    "florentine": "florentine_families_graph",
    "davis": "davis_southern_women_graph",
}


_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"
BIGINT_FORMAT = "ffcc-bigint/1"


def load_matrix(path) -> np.ndarray:
    """A 2-D numeric matrix from a ``.npy`` file (``allow_pickle=False``), or the exact
    integers of an ``ffcc-bigint/1`` archive written by :func:`save_matrix`.

    The header is read first, without allocating: non-numeric dtypes (object, string,
    complex, structured), shapes that are not 2-D or empty, files shorter than their
    header declares and arrays beyond the memory budget
    (:func:`ffcc._resources.memory_budget`) are refused with one line saying what was
    found. Float entries must be finite.

    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from ffcc.run import load_matrix
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "A.npy"
    >>> np.save(path, np.arange(6).reshape(2, 3))
    >>> load_matrix(path).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
            if head.startswith(_ZIP_MAGIC):
                return _load_bigint(p)
            if not head:
                raise InputError(f"{p} is empty; a matrix file is a .npy written by numpy.save")
            if not head.startswith(_NPY_MAGIC):
                raise InputError(
                    f"{p} is not a .npy file (no NUMPY header); write one with numpy.save"
                )
            fh.seek(0)
            shape, dtype, offset = _npy_header(fh, p)
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"matrix file {p} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{p} is a directory; give a .npy file") from None
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror or e}") from None
    if dtype.hasobject:
        raise InputError(f"{p} holds an object (pickled) array; save plain numbers with np.save")
    if dtype.kind not in "iubf":
        raise InputError(f"{p} has dtype {dtype}; expected an integer or float matrix")
    if len(shape) != 2:
        raise InputError(f"{p} holds a {len(shape)}-D array of shape {shape}; expected a matrix")
    if 0 in shape:
        raise InputError(f"{p} holds an empty matrix of shape {shape}")
    nbytes = math.prod(shape) * dtype.itemsize
    check_memory(
        nbytes * 2,  # the array and the pipeline's int64/float64 copy
        f"{p} (a {shape[0]:,} x {shape[1]:,} {dtype} matrix)",
        fix="split the product into smaller blocks",
    )
    if size < offset + nbytes:
        raise InputError(
            f"{p} is truncated: its header declares a {shape[0]} x {shape[1]} {dtype} matrix "
            f"({nbytes:,} bytes) but the file holds {max(size - offset, 0):,}"
        )
    try:
        a = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise InputError(f"{p} is not a readable .npy file: {' '.join(str(e).split())}") from None
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise InputError(f"{p} holds {a[idx]} at {idx}; entries must be finite")
    return a


def _npy_header(fh, p):
    fmt = np.lib.format
    try:
        version = fmt.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(fh)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = fmt.read_array_header_2_0(fh)
        else:
            raise ValueError(f"unknown .npy version {version}")
    except (ValueError, EOFError, SyntaxError, TypeError) as e:
        raise InputError(
            f"{p} has a malformed .npy header ({' '.join(str(e).split())[:120]})"
        ) from None
    return tuple(int(n) for n in shape), np.dtype(dtype), fh.tell()


def save_matrix(path, C) -> str:
    """Write a product: a plain ``.npy`` (``numpy.save``) when it fits int64 or is float;
    an ``ffcc-bigint/1`` archive when it holds integers beyond int64 (no pickle).

    ``ffcc-bigint/1`` is an uncompressed ``.npz`` (zip) archive with three arrays:
    ``format`` (the string ``"ffcc-bigint/1"``), ``moduli`` (k distinct primes, int64)
    and ``residues`` (int64, shape (k, rows, cols), entries in [0, q_i)). Entry (r, c)
    is the unique integer x with -M/2 < x <= M/2, M = prod(moduli), and
    x = residues[i, r, c] mod moduli[i] for every i (Chinese remainder theorem).
    Returns the format written ("npy" or "ffcc-bigint/1"). See docs/matrix-files.md.

    >>> import tempfile, os
    >>> C = np.array([[2**70, -(3**50)], [0, -1]], dtype=object)
    >>> f = os.path.join(tempfile.mkdtemp(), "C.npz")
    >>> save_matrix(f, C)
    'ffcc-bigint/1'
    >>> bool((load_matrix(f) == C).all())
    True
    """
    a = np.asarray(C)
    if a.dtype != object:
        np.save(path, a, allow_pickle=False)
        return "npy"
    if a.ndim != 2 or any(not isinstance(v, (int, np.integer)) for v in a.ravel()):
        raise InputError("save_matrix writes 2-D matrices of integers or floats")
    moduli = choose_primes(max_abs(a))
    residues = np.stack([reduce_mod(a, q) for q in moduli])
    with open(path, "wb") as fh:  # exactly the given name (np.savez would append .npz)
        np.savez(
            fh, format=np.array(BIGINT_FORMAT), moduli=np.array(moduli, dtype=np.int64),
            residues=residues,
        )  # fmt: skip
    return BIGINT_FORMAT


def _load_bigint(p: Path) -> np.ndarray:
    what = f"{p} is a zip (.npz) archive"
    try:
        with np.load(p, allow_pickle=False) as z:
            if set(z.files) != {"format", "moduli", "residues"} or str(z["format"]) != (
                BIGINT_FORMAT
            ):
                raise InputError(
                    f"{what} but not an {BIGINT_FORMAT} matrix; save one matrix per .npy file"
                )
            moduli = z["moduli"]
            header = z.zip.open("residues.npy")
            shape, dtype, _ = _npy_header(header, p)
            k = len(moduli)
            if moduli.dtype.kind != "i" or moduli.ndim != 1 or not 1 <= k <= 4096:
                raise InputError(f"{p}: 'moduli' must be a list of primes")
            if dtype != np.int64 or len(shape) != 3 or shape[0] != k or 0 in shape:
                raise InputError(f"{p}: 'residues' must be int64 of shape (k, rows, cols)")
            check_memory(
                math.prod(shape) * 8 + math.prod(shape[1:]) * 8 * (k + 2) * 3,
                f"{p} (a {shape[1]:,} x {shape[2]:,} matrix of {k}-prime integers)",
            )
            residues = z["residues"]
    except InputError:
        raise
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as e:
        raise InputError(f"{what} that cannot be read: {' '.join(str(e).split())}") from None
    qs = [int(q) for q in moduli]
    if len(set(qs)) != k or any(q < 2 or not is_prime(q) for q in qs):
        raise InputError(f"{p}: 'moduli' {qs[:8]} must be distinct primes")
    if (residues < 0).any() or (residues >= moduli[:, None, None]).any():
        raise InputError(f"{p}: residues must lie in [0, q) for their modulus q")
    return crt(list(residues), qs)


def random_matrix(
    n: int,
    m: int | None = None,
    *,
    kind: str = "int",
    low: int | None = None,
    high: int | None = None,
    seed=0,
) -> np.ndarray:
    """A seeded n x m matrix, the one generator of ffcc's random inputs (``ffcc run
    --random N`` and ``ffcc sketch --random N``). ``m`` defaults to ``n``.

    ``kind`` is the distribution of the entries:

    - ``"int"``: integers uniform in [low, high] (default [-8, 8]), int64; exact runs;
    - ``"float"``: floats uniform in [low, high) (default [-8, 8)); ``run --float``;
    - ``"gaussian"``: standard normal floats (mean 0, variance 1), whose sketch error
      Lemma 1 bounds; ``sketch --random``.

    ``seed`` is anything :func:`numpy.random.default_rng` takes; a
    :class:`numpy.random.Generator` is drawn from in place, so that two calls continue
    one stream.

    >>> import numpy as np
    >>> from ffcc.run import random_matrix
    >>> A = random_matrix(3, seed=1)
    >>> A.shape, A.dtype, bool((A >= -8).all() and (A <= 8).all())
    ((3, 3), dtype('int64'), True)
    >>> bool((random_matrix(3, seed=1) == A).all())  # the seed fixes it
    True
    >>> random_matrix(2, 4, kind="float", low=0, high=1).dtype
    dtype('float64')
    >>> rng = np.random.default_rng(0)  # one stream: B continues where A stopped
    >>> A = random_matrix(2, kind="gaussian", seed=rng)
    >>> B = random_matrix(2, kind="gaussian", seed=rng)
    >>> both = np.random.default_rng(0).standard_normal((4, 2))
    >>> bool((A == both[:2]).all() and (B == both[2:]).all())
    True
    """
    m = n if m is None else m
    for v, what in ((n, "n"), (m, "m")):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InputError(f"random_matrix: {what} must be a positive integer, got {v!r}")
    if kind not in ("int", "float", "gaussian"):
        raise InputError(f"random_matrix: kind must be 'int', 'float' or 'gaussian', got {kind!r}")
    if kind == "gaussian" and (low, high) != (None, None):
        raise InputError("random_matrix: low and high bound 'int' and 'float' entries; "
                         "'gaussian' ones are standard normal")  # fmt: skip
    low, high = -8 if low is None else low, 8 if high is None else high
    check_memory(
        int(n) * int(m) * 8 * 3,  # A, B and the product, int64 or float64
        f"random {n:,} x {m:,} matrices",
        fix="choose a smaller N",
    )
    rng = np.random.default_rng(seed)
    shape = (int(n), int(m))
    if kind == "int":
        return rng.integers(low, high + 1, size=shape, dtype=np.int64)
    if kind == "float":
        return rng.uniform(low, high, size=shape)
    return rng.standard_normal(shape)


def graph_matrix(name: str = "karate", weighted: bool = False) -> np.ndarray:
    """The int64 adjacency matrix of a graph bundled with networkx (nothing downloaded).

    ``A @ A`` counts 2-paths. Names: karate, les-miserables, florentine, davis.
    networkx is the optional extra ``graphs``.

    >>> from ffcc.run import graph_matrix
    >>> A = graph_matrix("florentine")  # 15 Florentine families, 20 marriage ties
    >>> A.shape, int(A.sum()) // 2, bool((A == A.T).all())
    ((15, 15), 20, True)
    """
    key = name.lower().replace("_", "-")
    if key not in GRAPHS:
        raise InputError(f"unknown graph {name!r}; choose from {', '.join(GRAPHS)}")
    if key == "karate" and not weighted:  # the main job's input: no networkx import (0.2 s)
        A = np.zeros((34, 34), dtype=np.int64)
        for edge in _KARATE_EDGES.split():
            u, v = (int(x) for x in edge.split("-"))
            A[u, v] = A[v, u] = 1
        return A
    try:
        import networkx as nx  # optional dependency (ffcc[graphs])
    except ImportError:
        raise InputError(
            "bundled graphs need networkx: pip install 'ffcc[graphs]' (or pip install networkx)"
        ) from None
    G = getattr(nx, GRAPHS[key])()
    nodes = list(G.nodes())
    A = nx.to_numpy_array(G, nodelist=nodes, weight="weight" if weighted else None)
    return np.rint(A).astype(np.int64)


# Zachary's karate club (networkx.karate_club_graph(), nodes 0..33, 78 edges); the tests
# check it against networkx
_KARATE_EDGES = (
    "0-1 0-2 0-3 0-4 0-5 0-6 0-7 0-8 0-10 0-11 0-12 0-13 0-17 0-19 0-21 0-31 1-2 1-3 1-7 1-13 "
    "1-17 1-19 1-21 1-30 2-3 2-7 2-8 2-9 2-13 2-27 2-28 2-32 3-7 3-12 3-13 4-6 4-10 5-6 5-10 "
    "5-16 6-16 8-30 8-32 8-33 9-33 13-33 14-32 14-33 15-32 15-33 18-32 18-33 19-33 20-32 "
    "20-33 22-32 22-33 23-25 23-27 23-29 23-32 23-33 24-25 24-27 24-31 25-31 26-29 26-33 "
    "27-33 28-31 28-33 29-32 29-33 30-32 30-33 31-32 31-33 32-33"
)
