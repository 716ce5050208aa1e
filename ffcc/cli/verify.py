"""``ffcc verify FILE``: check that every R-subset of a scheme file's workers decodes.

Exhaustive by default (with an estimate of the time first, refused past ``--budget``),
proved without enumeration by a certificate when one applies, or split: ``--sample N``
(SAMPLED), ``--shard i/n``, ``--ledger FILE`` (resumable) or Dask (``--dask-local N``,
``--scheduler ADDR``).
"""

from __future__ import annotations

import json
import math
import sys
from concurrent.futures import ProcessPoolExecutor

from .._argtypes import positive_float
from .._certificate import CertificateError, certify
from .._errors import InputError, ResourceError
from .._json import parse_json
from .._resources import check_memory
from ..verify import (
    CERTIFY_ABOVE,
    check_certificate,
    estimate_seconds,
    subset_count,
    tensor_bytes,
    verify,
    verify_resumable,
    verify_secrecy,
)
from ._common import (
    DEFAULT_CONSTRUCTION,
    EXIT_FAIL,
    EXIT_OK,
    NAT,
    POS,
    UserError,
    announce,
    check_scheduler,
    count,
    duration,
    load_scheme,
    one_line,
    params_text,
)

__all__ = ["add_arguments", "cmd_verify"]

VERIFY_BUDGET_S = 600.0  # refuse an exhaustive check estimated longer, unless --force
LEDGER_SHARDS = 64
DESCRIPTION = (
    "Verify a scheme file exhaustively: every subset of R = w - s - 2b workers must "
    "determine every target. Exits 0 if it holds, 1 if a subset fails, 2 on bad input."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc verify`` (handler :func:`cmd_verify`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc verify")
    >>> add_arguments(p)
    >>> a = p.parse_args(["s.json", "--sample", "100"])
    >>> a.file, a.sample, p.parse_args([]).file  # no file: the catalog's matdot
    ('s.json', 100, None)
    """
    p.description = DESCRIPTION
    p.add_argument(
        "file",
        nargs="?",
        help=f"a scheme file (ffcc-scheme/2 or /1 JSON; default: the catalog's "
        f"{DEFAULT_CONSTRUCTION} at its defaults)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--threshold", action="store_true", help="also find the smallest working R")
    p.add_argument("--R", type=POS, help="check subsets of this size instead of w - s - 2b")
    p.add_argument("--stragglers", "-s", type=NAT, help="override the file's stragglers s")
    p.add_argument("--byzantine", "-b", type=NAT, help="override the file's byzantine b")
    p.add_argument("--sample", type=POS, help="check N random subsets only (reported as SAMPLED)")
    p.add_argument("--shard", help="check shard i of n rank ranges, written i/n")
    p.add_argument("--count-failures", action="store_true", help="count every failing subset")
    p.add_argument("--seed", type=NAT, help="with --sample: the seed (default 0)")
    p.add_argument(
        "--secrecy",
        type=NAT,
        metavar="X",
        help="also check that no X colluding workers learn anything about the data "
        "(default: the file's 'secrecy'; 0 skips)",
    )
    p.add_argument(
        "--certificate", metavar="FILE", help="prove without enumeration and write the proof"
    )
    p.add_argument("--check-certificate", metavar="FILE", help="re-check a certificate file")
    p.add_argument("--no-certificate", action="store_true", help="always enumerate")
    p.add_argument("--ledger", metavar="FILE", help="enumerate in shards, resumable from FILE")
    p.add_argument(
        "--shards",
        type=POS,
        help=f"rank ranges to split into (default {LEDGER_SHARDS} with --ledger, "
        "4 per thread on Dask)",
    )
    p.add_argument("--processes", type=POS, help="with --ledger: local processes (default 1)")
    p.add_argument(
        "--budget",
        type=positive_float,
        default=VERIFY_BUDGET_S,
        metavar="SECONDS",
        help=f"refuse an exhaustive check estimated longer (default {VERIFY_BUDGET_S:.0f})",
    )
    p.add_argument("--force", action="store_true", help="check every subset whatever it costs")
    p.add_argument("--dask-local", type=POS, metavar="N", help="verify on a local Dask cluster")
    p.add_argument("--scheduler", metavar="ADDR", help="verify on this Dask scheduler")


def cmd_verify(args) -> int:
    """``ffcc verify FILE``: calls :func:`ffcc.verify` (or a certificate, a ledger, Dask)
    and prints the report; exit 0 when it holds, 1 when a subset fails.

    >>> import os, tempfile
    >>> from ffcc.codes import build
    >>> from ffcc.cli import main
    >>> f = os.path.join(tempfile.mkdtemp(), "matdot.json")
    >>> build("matdot", m=2).save(f)
    >>> main(["verify", f])  # doctest: +ELLIPSIS
    scheme matdot: GF(65537), w = 4, s = 1, b = 0, R = 3
    checked 4 of 4 3-subsets
    HOLDS: every 3-subset of the 4 workers decodes
    ...
    0
    """
    check_scheduler(args.scheduler)
    bare = args.file is None
    if bare:
        scheme = _default_scheme(args)
    else:
        scheme = load_scheme(args.file, tensors=False)  # a certificate needs no tensors
    if args.stragglers is not None or args.byzantine is not None:
        scheme = scheme.with_faults(args.stragglers, args.byzantine)
    if args.secrecy is not None and not 0 <= args.secrecy <= scheme.w:
        raise UserError(f"--secrecy {args.secrecy} must lie in [0, w = {scheme.w}]")
    if bare:  # after the checks of the user's flags
        announce(
            f"ffcc verify: no scheme file given; verifying the catalog's {args.file}, as "
            f"`ffcc export {DEFAULT_CONSTRUCTION} -o s.json && ffcc verify s.json` would; "
            "give FILE to verify yours",
            json=args.json,
        )
    if args.check_certificate:
        return _check_certificate(scheme, args)
    R = scheme.R if args.R is None else args.R
    if R > scheme.w:
        raise UserError(f"--R {R}: the scheme has only {scheme.w} workers; choose R <= {scheme.w}")
    shard = _parse_shard(args.shard) if args.shard else None
    dask = bool(args.dask_local or args.scheduler)
    if args.seed is not None and args.sample is None:
        raise UserError("--seed draws the subsets of --sample: add --sample N or drop --seed")
    if args.processes is not None and not args.ledger:
        raise UserError("--processes sizes the pool of --ledger: add --ledger FILE or drop it")
    if args.shards is not None and not (args.ledger or dask):
        raise UserError(
            "--shards splits a --ledger or Dask check (--shard i/n picks one part): add "
            "--ledger FILE or --dask-local N, or drop --shards"
        )
    cert = _try_certificate(scheme, R, args, dask, shard)
    if cert is None and args.sample is None and shard is None:
        check_memory(
            tensor_bytes(scheme),
            f"the worker tensors of {args.file} ({scheme.w:,} workers x "
            f"{math.prod(scheme.basis):,} coordinates)",
        )
        n_subsets, seconds = estimate_seconds(scheme, R)
        parallel = (args.dask_local or 1) if dask else 1
        seconds /= parallel
        if seconds > args.budget and not args.force:
            raise ResourceError(
                f"checking all {count(n_subsets)} subsets of size {R} would take about "
                f"{duration(seconds)} (budget {duration(args.budget)}); use --sample N, "
                "--shard i/n, --ledger FILE, --budget SECONDS or --force"
            )
        if not args.json:
            print(
                f"verify: {count(n_subsets)} subsets of size {R}; estimated {duration(seconds)}"
                + (f" on {parallel} workers" if parallel > 1 else ""),
                file=sys.stderr,
            )
    if args.ledger and not dask:  # with Dask, the ledger's shards run on the cluster
        return _verify_with_ledger(scheme, args)
    if dask:
        rep = _verify_on_dask(scheme, args)
        X = scheme.secrecy if args.secrecy is None else args.secrecy
        if X:
            rep.secrecy = verify_secrecy(scheme, X, progress=False if args.json else None)
        print(rep.to_json() if args.json else rep.summary())
        return EXIT_FAIL if rep.ok is False else EXIT_OK
    rep = verify(
        scheme,
        args.R,
        sample=args.sample,
        shard=shard,
        count_failures=args.count_failures,
        threshold=args.threshold,
        secrecy=args.secrecy,
        seed=0 if args.seed is None else args.seed,
        progress=False if args.json else None,
        certificate=cert if cert is not None else False,
    )
    print(rep.to_json() if args.json else rep.summary())
    if args.certificate:
        if rep.certificate is None:
            print("no certificate applies to this scheme: nothing written", file=sys.stderr)
        else:
            with open(args.certificate, "w") as fh:
                json.dump(rep.certificate, fh, separators=(",", ":"))
            print(f"wrote the certificate to {args.certificate}", file=sys.stderr)
    return EXIT_FAIL if rep.ok is False else EXIT_OK


def _default_scheme(args):
    """The catalog's :data:`DEFAULT_CONSTRUCTION` at its defaults, for a bare
    ``ffcc verify``; names it in ``args.file``."""
    from .. import codes  # here: 0.6 s (numba) that verifying a file does not need

    entry = codes.CATALOG[DEFAULT_CONSTRUCTION]
    args.file = f"{DEFAULT_CONSTRUCTION} ({params_text(entry.defaults)})"
    return codes.build(DEFAULT_CONSTRUCTION)


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UserError(f"--shard {text!r} must look like i/n, e.g. 0/4") from None
    if not 0 <= i < n:
        raise UserError(f"--shard {text!r}: need 0 <= i < n")
    return i, n


def _try_certificate(scheme, R, args, dask, shard) -> dict | None:
    """A certificate when one is asked for (``--certificate``) or when the count is large
    (above ``CERTIFY_ABOVE``); None when none applies or enumeration is asked for."""
    if (
        args.no_certificate or dask or shard is not None or args.sample is not None
        or args.count_failures or args.ledger or scheme.outputs is not None
    ):  # fmt: skip
        return None
    if not args.certificate and subset_count(scheme, R) <= CERTIFY_ABOVE:
        return None
    return certify(scheme, R)


def _verify_with_ledger(scheme, args) -> int:
    """``ffcc verify FILE --ledger L``: sharded, resumable exhaustive verification."""
    shards = LEDGER_SHARDS if args.shards is None else args.shards
    if (args.processes or 1) > 1:
        with ProcessPoolExecutor(args.processes) as ex:
            rep = verify_resumable(scheme, args.ledger, shards=shards, R=args.R, mapper=ex.map)
    else:
        rep = verify_resumable(scheme, args.ledger, shards=shards, R=args.R)
    print(rep.to_json() if args.json else rep.summary())
    return EXIT_FAIL if rep.holds is False else EXIT_OK


def _check_certificate(scheme, args) -> int:
    """``ffcc verify FILE --check-certificate CERT``: re-check a certificate, exit 0 or 1."""
    with open(args.check_certificate) as fh:
        cert = parse_json(fh.read(), f"certificate {args.check_certificate}")
    try:
        check_certificate(scheme, cert, args.R)
    except CertificateError as e:
        print(f"REJECTED: {one_line(e)}")
        return EXIT_FAIL
    print(
        f"certificate CHECKS: every {cert['R']}-subset of the {scheme.w} workers of "
        f"{scheme.name} decodes (evaluation code of degree {cert['degree']})"
    )
    return EXIT_OK


def _verify_on_dask(scheme, args):
    """The merged :class:`~ffcc.verify.VerifyReport` of a Dask-split verification."""
    # imported here: ffcc.run (executors, Dask glue) is needed only with --dask-local or
    # --scheduler, and takes most of `ffcc verify`'s start-up otherwise
    from ..run import verify_dask

    if args.sample or args.shard:
        raise InputError(
            "--dask-local/--scheduler split an exhaustive check; drop --sample/--shard"
        )
    return verify_dask(
        scheme,
        args.R,
        shards=args.shards,
        scheduler=args.scheduler,
        n_workers=args.dask_local or 2,
        progress=False if args.json else None,
        ledger=args.ledger,  # resumable: finished shards are recorded there
    )
