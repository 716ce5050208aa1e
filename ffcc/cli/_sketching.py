"""The inputs and the sketch of ``ffcc sketch`` and ``ffcc plan``: the shared arguments
(``--A/--B``, ``--graph``, ``--random``, ``--grid``, ``--k``) and the Grid CR-MM sketch
they describe."""

from __future__ import annotations

import argparse

import numpy as np

from .._resources import check_memory
from ..run import random_matrix
from ..sketch import grid_crmm, pad_to_grid
from ..structure import SampleGraph
from ._common import (
    NAT,
    POS,
    SKETCH_GRID,
    SKETCH_K,
    UserError,
    announce,
    check_picture,
    check_samples,
    input_boundary,
    parse_grid,
)
from ._inputs import add_input_arguments, read_inputs

__all__ = [
    "SKETCH_FLAGS",
    "MAIN_JOB_SKETCH",
    "add_sketch_arguments",
    "sketch_from_args",
    "graph_summary",
    "main_job_samples",
]

# dest -> flag of the arguments that describe a sketch (refused where no sketch is made)
SKETCH_FLAGS = {"a_path": "--A", "b_path": "--B", "graph": "--graph", "random": "--random",
                "skew": "--skew", "grid": "--grid", "k": "--k", "seed": "--seed"}  # fmt: skip
DEFAULT_GRAPH = "karate"  # the main job's input
# the flags of the main job's sketch: the default of every command that sketches or samples
MAIN_JOB_SKETCH = (
    f"--graph {DEFAULT_GRAPH} --grid {','.join(map(str, SKETCH_GRID))} --k {SKETCH_K} --seed 0"
)


def add_sketch_arguments(p) -> None:
    """The input and grid arguments shared by ``ffcc sketch`` and ``ffcc plan``."""
    add_input_arguments(p, random_help="Gaussian N x N A and B", graph_default=DEFAULT_GRAPH)
    p.add_argument("--skew", action="store_true", help="generate strongly unequal norms")
    p.add_argument("--seed", type=NAT, help="seed for generation and sampling (default 0)")
    grid = ",".join(map(str, SKETCH_GRID))
    p.add_argument(
        "--grid", metavar="M,N,Q", help=f"Grid CR-MM blocks (default {grid}; zero-padded)"
    )
    p.add_argument("--k", type=POS, help=f"samples per output block k_ij (default {SKETCH_K})")
    p.add_argument("--draw", metavar="PNG", help="draw the sample graph to this file")
    p.add_argument("--json", action="store_true", help="print JSON")


def _input_matrices(args):
    """A and B from .npy files or a bundled graph's adjacency (``--graph NAME``, default
    karate: A = B), or Gaussian from a seed (``--random N``, ``--skew`` skews block norms)."""
    if args.skew and args.random is None:
        raise UserError("--skew shapes generated matrices: add --random N or drop --skew")
    if args.a_path is None and args.b_path is None and args.random is None:
        args.graph = args.graph or DEFAULT_GRAPH
    given = read_inputs(args)
    if given is not None:
        A, B, text = given
        if args.graph:
            A = B = A.astype(np.float64)
        return A, B, text
    n = args.random
    check_memory(6 * 8 * n * n, f"generated {n:,} x {n:,} matrices", fix="lower --random")
    rng = np.random.default_rng(args.seed)  # one stream: A, then B
    A = random_matrix(n, kind="gaussian", seed=rng)
    B = random_matrix(n, kind="gaussian", seed=rng)
    if args.skew:
        # strongly unequal block norms: scale inner block iota by 10^(-3 iota / q)
        q = args.q
        scale = np.repeat(10.0 ** (-3 * np.arange(q) / q), n // q if n % q == 0 else 1)
        if scale.size == n:
            A = A * scale[None, :]
            B = B * scale[:, None]
    return A, B, f"Gaussian {n} x {n} matrices (seed {args.seed})"


def sketch_inputs(args, command: str | None = None):
    """The checked inputs (A, B) of a sketching command, not yet padded to the grid; sets
    ``args.m, n, q``, ``args.k``, ``args.seed`` and ``args.input_text``. Without inputs it
    takes the main job's (:data:`MAIN_JOB_SKETCH`) and, for ``command``, says so in a
    first line."""
    bare = args.a_path is None and args.graph is None and args.random is None
    args.m, args.n, args.q = SKETCH_GRID if args.grid is None else parse_grid(args.grid)
    args.k = SKETCH_K if args.k is None else args.k
    args.seed = 0 if args.seed is None else args.seed
    check_samples(args.m * args.n * args.k, "--grid M,N and --k")
    check_picture(getattr(args, "draw", None), "--draw")
    A, B, args.input_text = _input_matrices(args)
    if bare and command:
        announce(
            f"ffcc {command}: no input given; sketching the main job's input: ffcc {command} "
            f"--graph {args.graph} --grid {args.m},{args.n},{args.q} --k {args.k} --seed "
            f"{args.seed} (choose with --A FILE [--B FILE], --graph NAME or --random N)",
            json=args.json,
        )
    return A, B


def sketch_from_args(args, command: str | None = None):
    """The :class:`~ffcc.sketch.GridSketch` the arguments describe; sets what
    :func:`sketch_inputs` sets and ``args.padding`` (rows, inner, columns of zeros added)."""
    A, B = sketch_inputs(args, command)
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


def main_job_samples() -> list:
    """The sampled block pairs of the main job's sketch (:data:`MAIN_JOB_SKETCH`, what a
    bare ``ffcc sketch`` draws): the default input of ``compare``, ``optimize`` and
    ``simulate``. Grid CR-MM draws k samples per output block, so there are m * n * k.

    >>> samples = main_job_samples()
    >>> len(samples) == 2 * 2 * 8  # m * n * k on the grid 2,2,17 with k = 8
    True
    """
    args = argparse.Namespace(**{dest: None for dest in SKETCH_FLAGS}, draw=None)
    args.skew = False
    return sketch_from_args(args).samples
