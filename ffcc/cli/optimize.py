"""``ffcc optimize``: the fewest workers found for a sample structure, beside a lower bound
valid for every linear scheme."""

from __future__ import annotations

from .._argtypes import positive_float
from ..optimize import optimize
from ._common import EXIT_OK, NAT, read_samples

__all__ = ["add_arguments", "cmd_optimize"]

DESCRIPTION = (
    "Search catalog codes, biclique frame codes and monomial exponent codes for the "
    "sampled products, verify the best exhaustively, and put a lower bound valid for "
    "every linear scheme beside it (closed when they meet)."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc optimize`` (handler :func:`cmd_optimize`)."""
    p.description = DESCRIPTION
    p.add_argument("--samples", required=True, help="a samples file (JSON [[a, b], ...])")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    p.add_argument(
        "--time-limit", type=positive_float, default=10.0, metavar="SECONDS",
        help="search seconds (10)",
    )  # fmt: skip
    p.add_argument("--seed", type=NAT, default=0, help="seed of the randomised searches")
    p.add_argument("--p", type=int, default=65537, help="field prime")
    p.add_argument("--output", "-o", metavar="SCHEME.json", help="write the best scheme file here")
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_optimize(args) -> int:
    """``ffcc optimize``: calls :func:`ffcc.optimize.optimize`; prints the result and
    writes the best scheme (``--output``)."""
    res = optimize(
        read_samples(args.samples),
        args.stragglers,
        time_limit=args.time_limit,
        p=args.p,
        seed=args.seed,
        progress=None if not args.json else False,
    )
    if args.output:
        res.scheme.save(args.output)
        res.notes.append(f"wrote {args.output}")
    print(res.to_json() if args.json else res.summary())
    return EXIT_OK
