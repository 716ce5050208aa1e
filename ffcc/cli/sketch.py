"""``ffcc sketch``: Grid CR-MM of A·B and a summary of its sample graph."""

from __future__ import annotations

import json

import numpy as np

from ..structure import SampleGraph
from ._common import EXIT_OK
from ._sketching import add_sketch_arguments, graph_summary, sketch_from_args

__all__ = ["add_arguments", "cmd_sketch"]


def add_arguments(p) -> None:
    """The arguments of ``ffcc sketch`` (handler :func:`cmd_sketch`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc sketch")
    >>> add_arguments(p)
    >>> a = p.parse_args(["--random", "64", "--grid", "2,2,4", "--k", "2"])
    >>> a.random, a.grid, a.k
    (64, '2,2,4', 2)
    """
    add_sketch_arguments(p)


def cmd_sketch(args) -> int:
    """``ffcc sketch``: calls :func:`ffcc.sketch.grid_crmm`; prints the sample graph, the
    error of this draw, its exact expectation and Lemma 1's bound.

    >>> from ffcc.cli import main
    >>> main(["sketch", "--random", "64", "--grid", "2,2,4", "--k", "2"])  # doctest: +ELLIPSIS
    input: Gaussian 64 x 64 matrices (seed 0)
    Grid CR-MM: A cut 2 x 4, B cut 4 x 2, k = 2 samples per output block, 8 samples
    sample graph: 5 distinct pairs (3 repeats) on 5 A-blocks and 5 B-blocks, ...
    relative error ||C - C^||/||C|| = ... for this draw; ... which Lemma 1 bounds by ...
    0
    """
    sk = sketch_from_args(args, "sketch")
    summ = graph_summary(sk)
    C = sk.A @ sk.B
    est = sk.estimate()
    rel = float(np.linalg.norm(C - est) / max(np.linalg.norm(C), 1e-300))
    exp_rel = float(np.sqrt(sk.expected_sq_error.sum()) / max(np.linalg.norm(C), 1e-300))
    bound_rel = float(np.sqrt(sk.lemma1_bound.sum()) / max(np.linalg.norm(C), 1e-300))
    pad = [int(x) for x in getattr(args, "padding", (0, 0, 0))]
    out = {
        **summ,
        "input": args.input_text,
        "grid": [sk.m, sk.n, sk.q],
        "k": args.k,
        "padding": pad,
        "relative_error": rel,
        "expected_relative_error": exp_rel,
        "lemma1_relative_bound": bound_rel,
    }
    if args.draw:
        SampleGraph(sk.samples).draw(args.draw)
        out["picture"] = args.draw
    if args.json:
        print(json.dumps(out))
        return EXIT_OK
    print(f"input: {args.input_text}")
    print(
        f"Grid CR-MM: A cut {sk.m} x {sk.q}, B cut {sk.q} x {sk.n}, k = {args.k} samples per "
        f"output block, {summ['samples']} samples"
        + (f"; zero-padded by {pad[0]} rows, {pad[1]} inner, {pad[2]} columns (exact: zero "
           "blocks are never sampled)" if any(pad) else "")
    )  # fmt: skip
    print(
        f"sample graph: {summ['distinct_pairs']} distinct pairs ({summ['repeats']} repeats) on "
        f"{summ['a_blocks']} A-blocks and {summ['b_blocks']} B-blocks, "
        f"{summ['components']} components (largest {summ['largest_component']} samples), "
        f"u1 = {summ['u1']}, u2 = {summ['u2']}"
    )
    print(
        f"relative error ||C - C^||/||C|| = {rel:.4f} for this draw; {exp_rel:.4f} expected "
        f"(exact sqrt(E||C - C^||^2)/||C||), which Lemma 1 bounds by {bound_rel:.4f}"
    )
    if args.draw:
        print(f"wrote {args.draw}")
    return EXIT_OK
