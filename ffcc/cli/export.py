"""``ffcc export NAME``: write the scheme file of a catalogued construction."""

from __future__ import annotations

import json
import sys

from .. import codes
from .._resources import check_memory
from ._common import EXIT_OK, UserError, input_boundary, parse_params

__all__ = ["add_arguments", "cmd_export"]

DESCRIPTION = (
    "Write a scheme file for construction NAME (see `ffcc codes --names`), with "
    "parameters given as --param key=value."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc export`` (handler :func:`cmd_export`)."""
    p.description = DESCRIPTION
    p.add_argument("name", help="construction name")
    p.add_argument(
        "--param", action="append", metavar="KEY=VALUE", help="a parameter, key=value (repeatable)"
    )
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--compact", action="store_true", help="write one line of JSON")
    p.add_argument("--json", action="store_true", help="with -o: print a JSON summary")


def cmd_export(args) -> int:
    """``ffcc export NAME``: calls :func:`ffcc.codes.build` and writes the scheme file."""
    if args.name not in codes.CATALOG:
        raise UserError(
            f"unknown construction {args.name!r}; see `ffcc codes --names` "
            f"({', '.join(sorted(codes.CATALOG))})"
        )
    entry = codes.CATALOG[args.name]
    params = parse_params(args.param)
    unknown = sorted(set(params) - set(entry.defaults))
    if unknown:
        known = ", ".join(sorted(entry.defaults))
        raise UserError(f"{args.name} takes --param {known}; not {', '.join(unknown)}")
    for key, val in params.items():
        default = entry.defaults[key]
        if isinstance(default, int) and not isinstance(default, bool) and isinstance(val, str):
            raise UserError(f"--param {key}={val}: {key} takes an integer (default {default})")
    with input_boundary(f"export {args.name}"):
        w = int(entry.workers(**{**entry.defaults, **params}))
    # every construction has basis sizes below ~2w: coefficients and tensors are O(w^2)
    check_memory(48 * w * w, f"export {args.name} with {w:,} workers", fix="choose smaller params")
    with input_boundary(f"export {args.name}"):
        scheme = codes.build(args.name, **params)
    size = scheme.w * sum(scheme.basis) * (len(str(scheme.p)) + (2 if args.compact else 4))
    check_memory(3 * size, f"the scheme file of {scheme.w:,} workers (about {size:,} bytes)")
    text = json.dumps(scheme.to_dict(), indent=None if args.compact else 1)
    if args.output in (None, "-"):
        if args.json:
            raise UserError("--json prints a summary instead of the scheme: add -o FILE")
        print(text)
    else:
        with open(args.output, "w") as fh:
            fh.write(text + "\n")
        if args.json:
            summary = {"name": args.name, "w": scheme.w, "R": scheme.R, "s": scheme.stragglers,
                       "b": scheme.byzantine, "p": scheme.p, "file": args.output}  # fmt: skip
            print(json.dumps(summary))
        else:
            print(f"wrote {args.output} ({len(text) + 1:,} bytes): {scheme!r}", file=sys.stderr)
    return EXIT_OK
