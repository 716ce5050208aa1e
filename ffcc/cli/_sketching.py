"""The inputs and the sketch of ``ffcc sketch`` and ``ffcc plan``: the shared arguments
(``--A/--B``, ``--graph``, ``--random``, ``--grid``, ``--k``) and the Grid CR-MM sketch
they describe."""

from __future__ import annotations

import numpy as np

from .._resources import check_memory
from ..run import GRAPHS, graph_matrix, load_matrix
from ..sketch import grid_crmm, pad_to_grid
from ..structure import SampleGraph
from ._common import (
    NAT,
    POS,
    SKETCH_GRID,
    SKETCH_K,
    UserError,
    check_picture,
    check_samples,
    input_boundary,
    parse_grid,
)

__all__ = ["SKETCH_FLAGS", "add_sketch_arguments", "sketch_from_args", "graph_summary"]

# dest -> flag of the arguments that describe a sketch (refused where no sketch is made)
SKETCH_FLAGS = {"A": "--A", "B": "--B", "graph": "--graph", "size": "--random",
                "skew": "--skew", "grid": "--grid", "k": "--k", "seed": "--seed"}  # fmt: skip


def add_sketch_arguments(p) -> None:
    """The input and grid arguments shared by ``ffcc sketch`` and ``ffcc plan``."""
    p.add_argument("--A", help="A as a .npy file (allow_pickle=False)")
    p.add_argument("--B", help="B as a .npy file")
    p.add_argument(
        "--graph",
        choices=sorted(GRAPHS),
        metavar="NAME",
        help=f"a bundled graph's A·A: {', '.join(sorted(GRAPHS))} (default karate)",
    )
    p.add_argument("--random", dest="size", type=POS, metavar="N", help="Gaussian N x N A, B")
    p.add_argument("--skew", action="store_true", help="generate strongly unequal norms")
    p.add_argument("--seed", type=NAT, help="seed for generation and sampling (default 0)")
    grid = ",".join(map(str, SKETCH_GRID))
    p.add_argument(
        "--grid", metavar="M,N,Q", help=f"Grid CR-MM blocks (default {grid}; zero-padded)"
    )
    p.add_argument("--k", type=POS, help=f"samples per output block k_ij (default {SKETCH_K})")
    p.add_argument("--draw", metavar="PNG", help="draw the sample graph to this file")
    p.add_argument("--json", action="store_true", help="print JSON")


def _load_npy(path: str, name: str):
    X = load_matrix(path)
    if X.dtype == object:
        raise UserError(f"--{name} {path}: integers beyond int64; sketches need real numbers")
    return X


def _input_matrices(args):
    """A and B from .npy files, Gaussian from a seed (``--random N``, ``--skew`` skews block
    norms) or a bundled graph's adjacency (``--graph NAME``, default karate: A = B)."""
    if sum(x is not None for x in (args.A or args.B or None, args.size, args.graph)) > 1:
        raise UserError("give one input: --A/--B FILES, --random N or --graph NAME")
    if args.skew and args.size is None:
        raise UserError("--skew shapes generated matrices: add --random N or drop --skew")
    if args.A or args.B:
        if not (args.A and args.B):
            raise UserError("give both --A and --B, or neither (then they are generated)")
        return _load_npy(args.A, "A"), _load_npy(args.B, "B"), f"--A {args.A} --B {args.B}"
    if args.size is None:
        name = args.graph or "karate"
        A = graph_matrix(name).astype(np.float64)
        return A, A, f"the {name} graph's adjacency A ({A.shape[0]} x {A.shape[1]}), A·A"
    n = args.size
    check_memory(6 * 8 * n * n, f"generated {n:,} x {n:,} matrices", fix="lower --random")
    rng = np.random.default_rng(args.seed)
    A = rng.standard_normal((n, n))
    B = rng.standard_normal((n, n))
    if args.skew:
        # strongly unequal block norms: scale inner block iota by 10^(-3 iota / q)
        q = args.q
        scale = np.repeat(10.0 ** (-3 * np.arange(q) / q), n // q if n % q == 0 else 1)
        if scale.size == n:
            A = A * scale[None, :]
            B = B * scale[:, None]
    return A, B, f"Gaussian {n} x {n} matrices (seed {args.seed})"


def sketch_from_args(args):
    """The :class:`~ffcc.sketch.GridSketch` the arguments describe; sets ``args.m, n, q``,
    ``args.input_text`` and ``args.padding`` (rows, inner, columns of zeros added)."""
    args.m, args.n, args.q = SKETCH_GRID if args.grid is None else parse_grid(args.grid)
    args.k = SKETCH_K if args.k is None else args.k
    args.seed = 0 if args.seed is None else args.seed
    check_samples(args.m * args.n * args.k, "--grid M,N and --k")
    check_picture(getattr(args, "draw", None), "--draw")
    A, B, args.input_text = _input_matrices(args)
    if A.ndim == 2 and B.ndim == 2 and A.shape[1] == B.shape[0]:
        A, B, args.padding = pad_to_grid(A, B, args.m, args.n, args.q)  # exact, see its doc
    with input_boundary("sketch"):
        return grid_crmm(A, B, args.m, args.n, args.q, args.k, args.seed)


def graph_summary(sk) -> dict:
    """Counts of a sketch's sample graph: samples, distinct pairs, blocks, components, u."""
    g = SampleGraph(sk.samples)
    comps = g.components()
    u1, u2 = g.u()
    return {
        "samples": g.k,
        "distinct_pairs": len(g.edges),
        "a_blocks": len(g.left),
        "b_blocks": len(g.right),
        "components": len(comps),
        "largest_component": max(len(c.samples) for c in comps),
        "u1": u1,
        "u2": u2,
        "repeats": g.k - len(g.edges),
    }
