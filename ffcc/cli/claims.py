"""``ffcc claims``: the paper's claims as executable proofs, with their verdicts."""

from __future__ import annotations

from ._common import EXIT_FAIL, EXIT_OK, UserError

__all__ = ["add_arguments", "cmd_claims"]


def add_arguments(p) -> None:
    """The arguments of ``ffcc claims`` (handler :func:`cmd_claims`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc claims")
    >>> add_arguments(p)
    >>> p.parse_args(["--only", "C04,C05"]).only, p.parse_args([]).full
    ('C04,C05', False)
    """
    p.add_argument("--full", action="store_true", help="full parameter ranges (minutes)")
    p.add_argument("--only", help="comma-separated claim ids, e.g. C04,C05")
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_claims(args) -> int:
    """``ffcc claims``: calls :func:`proofs.run_all`; exit 1 when a verdict moved from the
    recorded one or a negative control was not rejected.

    >>> from ffcc.cli import main
    >>> main(["claims", "--only", "C09"])  # doctest: +ELLIPSIS
    | claim | where in the paper | ...
    | C09 Entangled polynomial: mnq+q-1+s | ... | holds | rejected | ... |
    ...
    0
    """
    try:  # proofs ships with the source tree, not with the installed package
        import proofs
    except ImportError:
        raise UserError("the proofs package is not installed; run from a source checkout") from None
    only = None
    if args.only is not None:
        only = [x.strip().upper() for x in args.only.split(",") if x.strip()]
        known = proofs.claim_ids()
        bad = [x for x in only if x not in known]
        if not only or bad:
            raise UserError(
                f"--only {args.only!r}: "
                + (f"unknown claim id(s) {', '.join(bad)}" if bad else "no claim id given")
                + f"; choose from {','.join(known)}"
            )
    results = proofs.run_all(
        quick=not args.full, only=only, progress=None if not args.json else False
    )
    print(proofs.to_json(results) if args.json else proofs.table(results))
    broken = any(not r.expected or not r.negative_rejected for r in results)
    return EXIT_FAIL if broken else EXIT_OK
