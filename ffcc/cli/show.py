"""``ffcc show NAME``: the symbolic form of a catalogued construction."""

from __future__ import annotations

import json

from .. import codes
from ._common import (
    DEFAULT_CONSTRUCTION,
    EXIT_FAIL,
    EXIT_OK,
    announce,
    catalog_params,
    input_boundary,
    params_text,
)

__all__ = ["add_arguments", "cmd_show"]

DESCRIPTION = (
    "Print construction NAME symbolically (sympy): encoder polynomials in z, the product "
    "polynomial h, the targets as functionals of h, the worker nodes and the decoding "
    "map in node symbols; then check the numeric scheme against it."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc show`` (handler :func:`cmd_show`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc show")
    >>> add_arguments(p)
    >>> a = p.parse_args(["lagrange", "--param", "k=2"])
    >>> a.name, a.param, p.parse_args([]).name  # no name: matdot
    ('lagrange', ['k=2'], None)
    """
    p.description = DESCRIPTION
    p.add_argument("name", nargs="?", help=f"construction name (default {DEFAULT_CONSTRUCTION})")
    p.add_argument(
        "--param", action="append", metavar="KEY=VALUE", help="a parameter, key=value (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_show(args) -> int:
    """``ffcc show NAME``: calls :func:`ffcc.codes.symbolic_form`; exit 1 when the
    catalog's numeric scheme differs from the form.

    >>> from ffcc.cli import main
    >>> main(["show", "matdot", "--param", "m=2"])  # doctest: +ELLIPSIS
    matdot {'m': 2, 's': 1, 'p': 65537, 'weights': None}: 4 workers, s = 1
      A_i -> c_i z^i, B_i -> z^(m-1-i); target: [z^(m-1)] h = sum_i c_i A_i B_i
      u1(z) = X0_0 + X0_1*z
      u2(z) = X1_0*z + X1_1
      h(z) = u1(z)*u2(z), degree 2
      worker nodes: [1, 2, 3, 4]
      target 0: (1)*[z^1]h = X0_0*X1_0 + X0_1*X1_1
    ...
      the catalog's numeric scheme is this form at its nodes (mod p): True
    0
    """
    bare = args.name is None
    args.name = DEFAULT_CONSTRUCTION if bare else args.name
    params = catalog_params(args.name, args.param)
    if bare:
        announce(
            f"ffcc show: no construction named; showing the catalog's {args.name} "
            f"({params_text({**codes.CATALOG[args.name].defaults, **params})}); choose with "
            "`ffcc show NAME --param KEY=VALUE` (names: `ffcc codes --names`)",
            json=args.json,
        )
    with input_boundary(f"show {args.name}"):
        form = codes.symbolic_form(args.name, **params)
    same = form.check(form.scheme())
    if args.json:
        print(json.dumps({"name": args.name, "params": params, "form": str(form),
                          "numeric_scheme_matches": bool(same)}))  # fmt: skip
        return EXIT_OK if same else EXIT_FAIL
    print(form)
    print(f"  the catalog's numeric scheme is this form at its nodes (mod p): {same}")
    return EXIT_OK if same else EXIT_FAIL
