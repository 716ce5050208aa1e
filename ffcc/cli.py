"""The ``ffcc`` command line.

User errors print one line (``ffcc: error: ...``) and exit 2; a check that does not hold
exits 1; success exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from .field import FieldError
from .scheme import DecodingError, SchemeError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A mistake in what the user asked for; printed as one line, exit 2."""


_USER_ERRORS = (UserError, FieldError, SchemeError, DecodingError, ValueError, KeyError, OSError)


def _one_line(e: BaseException) -> str:
    msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
    return " ".join(str(msg).split())


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: one line, exit 2
        sys.stderr.write(f"ffcc: error: {message} (see ffcc {self.prog.split()[-1]} --help)\n")
        sys.exit(EXIT_USAGE)


def parse_params(items: list[str] | None) -> dict:
    """``["m=3", "samples=0-0,0-1"]`` -> ``{"m": 3, "samples": "0-0,0-1"}``."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--param {item!r} must look like key=value")
        key, val = item.split("=", 1)
        try:
            out[key.strip()] = int(val)
        except ValueError:
            out[key.strip()] = val
    return out


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UserError(f"--shard {text!r} must look like i/n, e.g. 0/4") from None
    if not 0 <= i < n:
        raise UserError(f"--shard {text!r}: need 0 <= i < n")
    return i, n


# -- subcommands ------------------------------------------------------------------------
def cmd_verify(args) -> int:
    from .scheme import load
    from .verify import verify

    scheme = load(args.file)
    if args.stragglers is not None or args.byzantine is not None:
        scheme = scheme.with_faults(args.stragglers, args.byzantine)
    rep = verify(
        scheme,
        args.R,
        sample=args.sample,
        shard=_parse_shard(args.shard) if args.shard else None,
        count_failures=args.count_failures,
        threshold=args.threshold,
        seed=args.seed,
        progress=False if args.json else None,
    )
    print(rep.to_json() if args.json else rep.summary())
    return EXIT_FAIL if rep.holds is False else EXIT_OK


def cmd_export(args) -> int:
    from . import codes

    scheme = codes.build(args.name, **parse_params(args.param))
    text = json.dumps(scheme.to_dict(), indent=None if args.compact else 1)
    if args.output in (None, "-"):
        print(text)
    else:
        with open(args.output, "w") as fh:
            fh.write(text + "\n")
        print(f"wrote {args.output}: {scheme!r}", file=sys.stderr)
    return EXIT_OK


def cmd_codes(args) -> int:
    from .codes import CATALOG

    if args.names:
        print("\n".join(sorted(CATALOG)))
        return EXIT_OK
    rows = []
    for name in sorted(CATALOG):
        c = CATALOG[name]
        rows.append(
            {
                "name": name,
                "summary": c.summary,
                "threshold": c.threshold,
                "defaults": c.defaults,
                "workers_at_defaults": c.workers(**c.defaults),
                "reference": c.reference,
                "params": c.param_help,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=1))
        return EXIT_OK
    for r in rows:
        print(f"{r['name']}: {r['summary']}")
        print(f"    threshold: {r['threshold']}")
        defaults = ", ".join(f"{k}={v}" for k, v in r["defaults"].items())
        print(f"    defaults:  {defaults}  (w = {r['workers_at_defaults']})")
        for k, v in r["params"].items():
            print(f"    --param {k}=...  {v}")
        print(f"    reference: {r['reference']}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import demo

    return demo(seed=args.seed, stragglers=args.stragglers, out=sys.stdout)


# -- parser -----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="ffcc",
        description="Exact finite-field toolkit for compression-informed coded computing.",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(name: str, fn: Callable, help_: str, desc: str | None = None):
        p = sub.add_parser(name, help=help_, description=desc or help_)
        p.set_defaults(fn=fn)
        return p

    p = add(
        "demo",
        cmd_demo,
        "a short tour: build, verify and run coded multiplications exactly",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--stragglers", "-s", type=int, default=1, help="stragglers s (default 1)")

    p = add(
        "verify",
        cmd_verify,
        "check that every R-subset of a scheme file's workers decodes every target",
        "Verify a scheme file exhaustively: every subset of R = w - s - 2b workers must "
        "determine every target. Exits 0 if it holds, 1 if a subset fails, 2 on bad input.",
    )
    p.add_argument("file", help="a scheme file (ffcc-scheme/1 JSON)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--threshold", action="store_true", help="also find the smallest working R")
    p.add_argument("--R", type=int, help="check subsets of this size instead of w - s - 2b")
    p.add_argument("--stragglers", "-s", type=int, help="override the file's stragglers s")
    p.add_argument("--byzantine", "-b", type=int, help="override the file's byzantine b")
    p.add_argument("--sample", type=int, help="check N random subsets only (reported as SAMPLED)")
    p.add_argument("--shard", help="check shard i of n rank ranges, written i/n")
    p.add_argument("--count-failures", action="store_true", help="count every failing subset")
    p.add_argument("--seed", type=int, default=0, help="seed for --sample")

    p = add(
        "export",
        cmd_export,
        "write a scheme file for a catalogued construction",
        "Write a scheme file for construction NAME (see `ffcc codes --names`), with "
        "parameters given as --param key=value.",
    )
    p.add_argument("name", help="construction name")
    p.add_argument("--param", "-p", action="append", help="a parameter, key=value (repeatable)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--compact", action="store_true", help="write one line of JSON")

    p = add("codes", cmd_codes, "list the catalogued constructions")
    p.add_argument("--names", action="store_true", help="one construction name per line")
    p.add_argument("--json", action="store_true", help="print the catalog as JSON")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        print("ffcc: interrupted", file=sys.stderr)
        return 130
    except _USER_ERRORS as e:
        print(f"ffcc: error: {_one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
