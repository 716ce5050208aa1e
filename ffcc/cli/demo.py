"""``ffcc demo``: a short tour that builds, verifies and runs coded multiplications."""

from __future__ import annotations

import io
import json
import sys

from .._errors import ResourceError
from ..demo import demo
from ._common import NAT

__all__ = ["add_arguments", "cmd_demo"]

DEMO_MAX_S = 10  # the demo verifies codes exhaustively; larger s takes minutes


def add_arguments(p) -> None:
    """The arguments of ``ffcc demo`` (handler :func:`cmd_demo`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc demo")
    >>> add_arguments(p)
    >>> p.parse_args([]).stragglers, p.parse_args(["-s", "2"]).stragglers
    (1, 2)
    """
    p.add_argument("--seed", type=NAT, default=0, help="random seed (default 0)")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    p.add_argument("--json", action="store_true", help="print the tour's results as JSON")


def cmd_demo(args) -> int:
    """``ffcc demo``: calls :func:`ffcc.demo.demo`; ``--json`` prints its results.

    >>> from ffcc.cli import main
    >>> main(["demo"])  # doctest: +ELLIPSIS
    1. Exact arithmetic in GF(2^31 - 1)
       300x300 product in ... ms; rows checked against Python ints: True
    <BLANKLINE>
    2. MatDot, m = 4 blocks, s = 1: w = 2m - 1 + s = 8 workers
       verify: 8 of 8 subsets of size 7 decode -> HOLDS; measured threshold 7
    ...
    0
    """
    if args.stragglers > DEMO_MAX_S:
        raise ResourceError(
            f"demo -s {args.stragglers}: the tour verifies every subset of its codes, and the "
            f"time grows steeply with s (s = 16 takes minutes); choose -s <= {DEMO_MAX_S}"
        )
    if not args.json:
        return demo(seed=args.seed, stragglers=args.stragglers, out=sys.stdout)
    results: dict = {}
    code = demo(seed=args.seed, stragglers=args.stragglers, out=io.StringIO(), results=results)
    print(json.dumps(results))
    return code
