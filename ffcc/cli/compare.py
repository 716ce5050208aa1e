"""``ffcc compare``: every applicable construction's workers for one sample structure."""

from __future__ import annotations

import json

import numpy as np

from .._argtypes import int_at_least
from ..field import check_prime
from ..plan import compare
from ._common import EXIT_OK, NAT, POS, UserError, announce, read_samples
from ._sketching import MAIN_JOB_SKETCH, main_job_samples

__all__ = ["add_arguments", "cmd_compare"]

COMPARE_MAX_RANDOM = 512  # compare measures every construction by exhaustive checks
DESCRIPTION = (
    "For one input structure (sampled pairs), print every applicable construction's "
    "worker count: the formula and the value the exhaustive verifier measures."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc compare`` (handler :func:`cmd_compare`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc compare")
    >>> add_arguments(p)
    >>> p.parse_args([]).samples is None  # the main job's sketch
    True
    >>> p.parse_args(["--random", "6", "-s", "2"]).stragglers
    2
    """
    p.description = DESCRIPTION
    p.add_argument(
        "--samples",
        help="a samples file (JSON [[a, b], ...] or lines 'a b'; default: the main job's sketch)",
    )
    p.add_argument(
        "--random",
        type=int_at_least(1, COMPARE_MAX_RANDOM),
        metavar="N",
        help=f"N random samples instead (at most {COMPARE_MAX_RANDOM})",
    )
    p.add_argument("--blocks", type=POS, help="with --random: blocks per side (default 4)")
    p.add_argument("--seed", type=NAT, help="with --random: seed (default 0)")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    p.add_argument("--keep-repeats", action="store_true", help="code repeated samples apart")
    p.add_argument("--p", type=int, default=65537, help="field prime")
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_compare(args) -> int:
    """``ffcc compare``: calls :func:`ffcc.plan.compare`; prints formula and measured
    workers of every applicable construction.

    Six random samples on 2 + 2 blocks give 4 products; MatDot pays 2k - 1 + s:

    >>> from ffcc.cli import main
    >>> main(["compare", "--random", "6", "--blocks", "2"]
    ...      )  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    4 products, s = 1
    construction                        formula  measured  note
    uncoded                                   4         4  tolerates s = 0 only
    replication                               8         8
    matdot/lagrange                           8         5  2k - 1 + s; measured on the folded blocks
    theorem1 (locality-coordinates)           6         5  2k - u1 - u2 + 1 + s, ...
    polynomial                                5         5  complete grid
    planner (theorem1-all)                    5         -  1 groups, s paid per group
    0
    """
    if args.samples:
        for flag, val in (
            ("--random", args.random),
            ("--blocks", args.blocks),
            ("--seed", args.seed),
        ):
            if val is not None:
                raise UserError(f"{flag} draws random samples, but --samples reads them: drop one")
        samples = read_samples(args.samples)
    elif args.random is None:
        check_prime(args.p)  # the user's flags are checked before the default announces itself
        for flag, val in (("--blocks", args.blocks), ("--seed", args.seed)):
            if val is not None:
                raise UserError(f"{flag} shapes --random N: add --random N or drop {flag}")
        samples = main_job_samples()
        announce(
            f"ffcc compare: no samples given; comparing on the main job's sketch "
            f"({MAIN_JOB_SKETCH}: {len(samples)} samples); choose with --samples FILE or "
            "--random N",
            json=args.json,
        )
    else:
        n = args.random
        rng = np.random.default_rng(0 if args.seed is None else args.seed)
        pick = rng.integers(0, 4 if args.blocks is None else args.blocks, size=(n, 2))
        samples = [(int(a), int(b)) for a, b in pick]
    rows = compare(samples, args.stragglers, merge=not args.keep_repeats, p=args.p)
    if args.json:
        print(json.dumps(rows))
        return EXIT_OK
    k = rows[0]["k"]
    print(f"{k} products, s = {args.stragglers}")
    print(f"{'construction':<34}{'formula':>9}{'measured':>10}  note")
    for r in rows:
        meas = "-" if r["measured"] is None else r["measured"]
        print(f"{r['construction']:<34}{r['formula']:>9}{meas:>10}  {r['note']}")
    return EXIT_OK
