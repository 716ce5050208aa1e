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
    uniform in [low, high) (``dtype="float"``)."""
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
        import networkx as nx
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
