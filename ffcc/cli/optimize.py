"""``ffcc optimize``: the fewest workers found for a sample structure, beside a lower bound
valid for every linear scheme."""

from __future__ import annotations

from .._argtypes import positive_float
from ..field import check_prime
from ..optimize import optimize
from ._common import EXIT_OK, NAT, announce, read_samples
from ._sketching import MAIN_JOB_SKETCH, main_job_samples

__all__ = ["add_arguments", "cmd_optimize"]

TIME_LIMIT_S = 10.0  # search seconds for the user's samples
BARE_TIME_LIMIT_S = 1.0  # a bare `ffcc optimize` shows the search on the main job quickly
DESCRIPTION = (
    "Search catalog codes, biclique frame codes and monomial exponent codes for the "
    "sampled products, verify the best exhaustively, and put a lower bound valid for "
    "every linear scheme beside it (closed when they meet)."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc optimize`` (handler :func:`cmd_optimize`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc optimize")
    >>> add_arguments(p)
    >>> a = p.parse_args(["--samples", "s.json", "--time-limit", "2"])
    >>> a.samples, a.time_limit, a.stragglers
    ('s.json', 2.0, 1)
    """
    p.description = DESCRIPTION
    p.add_argument(
        "--samples", help="a samples file (JSON [[a, b], ...]; default: the main job's sketch)"
    )
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    p.add_argument(
        "--time-limit", type=positive_float, metavar="SECONDS",
        help=f"search seconds (default {TIME_LIMIT_S:g}; {BARE_TIME_LIMIT_S:g} on the main job's "
        "sketch)",
    )  # fmt: skip
    p.add_argument("--seed", type=NAT, default=0, help="seed of the randomised searches")
    p.add_argument("--p", type=int, default=65537, help="field prime")
    p.add_argument("--output", "-o", metavar="SCHEME.json", help="write the best scheme file here")
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_optimize(args) -> int:
    """``ffcc optimize``: calls :func:`ffcc.optimize.optimize`; prints the result and
    writes the best scheme (``--output``).

    Bare, it searches the main job's sketch (20 products), for 1 s unless --time-limit says:

    >>> from ffcc.cli import main
    >>> main(["optimize", "--time-limit", "0.2"])  # doctest: +ELLIPSIS
    ffcc optimize: no --samples given; searching on the main job's sketch (...: 32 samples) ...
    20 products, s = 1
    best: ... workers (threshold ...) by ...
    verified: every ...-subset of the ... workers decodes (... subsets)
    lower bound: ... workers ...
    0
    """
    if args.samples:
        samples = read_samples(args.samples)
        time_limit = TIME_LIMIT_S if args.time_limit is None else args.time_limit
    else:
        check_prime(args.p)  # the user's flags are checked before the default announces itself
        samples = main_job_samples()
        time_limit = BARE_TIME_LIMIT_S if args.time_limit is None else args.time_limit
        announce(
            f"ffcc optimize: no --samples given; searching on the main job's sketch "
            f"({MAIN_JOB_SKETCH}: {len(samples)} samples) for {time_limit:g} s; choose with "
            f"--samples FILE and --time-limit SECONDS (default {TIME_LIMIT_S:g})",
            json=args.json,
        )
    res = optimize(
        samples,
        args.stragglers,
        time_limit=time_limit,
        p=args.p,
        seed=args.seed,
        progress=None if not args.json else False,
    )
    if args.output:
        res.scheme.save(args.output)
        res.notes.append(f"wrote {args.output}")
    print(res.to_json() if args.json else res.summary())
    return EXIT_OK
