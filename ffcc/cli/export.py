"""``ffcc export NAME``: write the scheme file of a catalogued construction."""

from __future__ import annotations

import json
import sys

from .. import codes
from .._resources import check_memory
from ._common import (
    DEFAULT_CONSTRUCTION,
    EXIT_OK,
    UserError,
    announce,
    catalog_params,
    input_boundary,
    params_text,
)

__all__ = ["add_arguments", "cmd_export"]

DESCRIPTION = (
    "Write a scheme file for construction NAME (see `ffcc codes --names`), with "
    "parameters given as --param key=value."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc export`` (handler :func:`cmd_export`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc export")
    >>> add_arguments(p)
    >>> a = p.parse_args(["lagrange", "--param", "k=3", "-o", "s.json"])
    >>> a.name, a.param, a.output
    ('lagrange', ['k=3'], 's.json')
    """
    p.description = DESCRIPTION
    p.add_argument("name", nargs="?", help=f"construction name (default {DEFAULT_CONSTRUCTION})")
    p.add_argument(
        "--param", action="append", metavar="KEY=VALUE", help="a parameter, key=value (repeatable)"
    )
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--compact", action="store_true", help="write one line of JSON")
    p.add_argument("--json", action="store_true", help="with -o: print a JSON summary")


def cmd_export(args) -> int:
    """``ffcc export NAME``: calls :func:`ffcc.codes.build` and writes the scheme file.

    >>> from ffcc.cli import main
    >>> main(["export", "matdot", "--param", "m=2", "--compact"])  # doctest: +ELLIPSIS
    {"format": "ffcc-scheme/2", "name": "matdot", "field": 65537, "stragglers": 1, ...}
    0
    """
    bare = args.name is None
    args.name = DEFAULT_CONSTRUCTION if bare else args.name
    params = catalog_params(args.name, args.param)
    entry = codes.CATALOG[args.name]
    if bare:
        where = "to standard output" if args.output in (None, "-") else f"to {args.output}"
        announce(
            f"ffcc export: no construction named; writing the catalog's {args.name} "
            f"({params_text({**entry.defaults, **params})}) {where}; choose with "
            "`ffcc export NAME --param KEY=VALUE -o FILE` (names: `ffcc codes --names`)",
            json=True,  # stdout carries the scheme file
        )
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
