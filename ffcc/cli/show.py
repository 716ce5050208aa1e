"""``ffcc show NAME``: the symbolic form of a catalogued construction."""

from __future__ import annotations

import json

from .. import codes
from ._common import EXIT_FAIL, EXIT_OK, UserError, parse_params

__all__ = ["add_arguments", "cmd_show"]

DESCRIPTION = (
    "Print construction NAME symbolically (sympy): encoder polynomials in z, the product "
    "polynomial h, the targets as functionals of h, the worker nodes and the decoding "
    "map in node symbols; then check the numeric scheme against it."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc show`` (handler :func:`cmd_show`)."""
    p.description = DESCRIPTION
    p.add_argument("name", help="construction name")
    p.add_argument(
        "--param", action="append", metavar="KEY=VALUE", help="a parameter, key=value (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_show(args) -> int:
    """``ffcc show NAME``: calls :func:`ffcc.codes.symbolic_form`; exit 1 when the
    catalog's numeric scheme differs from the form."""
    if args.name not in codes.CATALOG:
        raise UserError(f"unknown construction {args.name!r}; see `ffcc codes --names`")
    params = parse_params(args.param)
    form = codes.symbolic_form(args.name, **params)
    same = form.check(form.scheme())
    if args.json:
        print(json.dumps({"name": args.name, "params": params, "form": str(form),
                          "numeric_scheme_matches": bool(same)}))  # fmt: skip
        return EXIT_OK if same else EXIT_FAIL
    print(form)
    print(f"  the catalog's numeric scheme is this form at its nodes (mod p): {same}")
    return EXIT_OK if same else EXIT_FAIL
