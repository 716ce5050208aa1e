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

from pathlib import Path

import numpy as np

from ._errors import InputError

__all__ = ["load_matrix", "random_matrix", "graph_matrix", "GRAPHS"]

# name -> networkx function returning a bundled graph (no download)
GRAPHS = {
    "karate": "karate_club_graph",
    "les-miserables": "les_miserables_graph",
    "florentine": "florentine_families_graph",
    "davis": "davis_southern_women_graph",
}


def load_matrix(path) -> np.ndarray:
    """A 2-D numeric matrix from a ``.npy`` file (``allow_pickle=False``).

    Refuses object arrays, non-numeric dtypes, NaN or Inf, and anything not 2-D, with a
    message saying what was found.

    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from ffcc.run import InputError, load_matrix
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "A.npy"
    >>> np.save(path, np.arange(6).reshape(2, 3))
    >>> load_matrix(path).tolist()
    [[0, 1, 2], [3, 4, 5]]
    >>> np.save(path, np.arange(3))
    >>> try:
    ...     load_matrix(path)
    ... except InputError as e:
    ...     print(str(e).split(" holds ")[1])
    a 1-D array of shape (3,); expected a matrix
    """
    p = Path(path)
    try:
        a = np.load(p, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"matrix file {p} does not exist") from None
    except ValueError as e:
        if "allow_pickle" in str(e) or "pickle" in str(e).lower():
            raise InputError(
                f"{p} holds an object (pickled) array; save plain numbers with np.save"
            ) from None
        raise InputError(f"{p} is not a readable .npy file: {e}") from None
    except OSError as e:
        raise InputError(f"cannot read {p}: {e}") from None
    if isinstance(a, np.lib.npyio.NpzFile):  # pragma: no cover - np.load on .npz
        raise InputError(f"{p} is an .npz archive; save one matrix per .npy file")
    if a.dtype.kind not in "iubf":
        raise InputError(f"{p} has dtype {a.dtype}; expected an integer or float matrix")
    if a.ndim != 2:
        raise InputError(f"{p} holds a {a.ndim}-D array of shape {a.shape}; expected a matrix")
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise InputError(f"{p} holds {a[idx]} at {idx}; entries must be finite")
    return a


def random_matrix(
    n: int, m: int | None = None, *, low: int = -8, high: int = 8, seed=0, dtype: str = "int"
) -> np.ndarray:
    """A seeded n x m matrix: integers in [low, high] (``dtype="int"``), or floats
    uniform in [low, high) (``dtype="float"``). ``m`` defaults to ``n``.

    >>> import numpy as np
    >>> from ffcc.run import random_matrix
    >>> A = random_matrix(3, seed=1)
    >>> A.shape, A.dtype, bool((A >= -8).all() and (A <= 8).all())
    ((3, 3), dtype('int64'), True)
    >>> bool((random_matrix(3, seed=1) == A).all())  # the seed fixes it
    True
    >>> random_matrix(2, 4, low=0, high=1, dtype="float").dtype
    dtype('float64')
    """
    m = n if m is None else m
    rng = np.random.default_rng(seed)
    if dtype == "int":
        return rng.integers(low, high + 1, size=(int(n), int(m)), dtype=np.int64)
    if dtype == "float":
        return rng.uniform(low, high, size=(int(n), int(m)))
    raise InputError(f"dtype must be 'int' or 'float', got {dtype!r}")


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
    try:
        import networkx as nx
    except ImportError:
        raise InputError(
            "bundled graphs need networkx: pip install 'ffcc[graphs]' (or pip install networkx)"
        ) from None
    G = getattr(nx, GRAPHS[key])()
    nodes = list(G.nodes())
    A = nx.to_numpy_array(G, nodelist=nodes, weight="weight" if weighted else None)
    return np.rint(A).astype(np.int64)
