"""``ffcc codes``: the catalog of constructions."""

from __future__ import annotations

import json

from ..codes import CATALOG
from ._common import EXIT_OK

__all__ = ["add_arguments", "cmd_codes"]


def add_arguments(p) -> None:
    """The arguments of ``ffcc codes`` (handler :func:`cmd_codes`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc codes")
    >>> add_arguments(p)
    >>> p.parse_args(["--names"]).names
    True
    """
    p.add_argument("--names", action="store_true", help="one construction name per line")
    p.add_argument("--json", action="store_true", help="print the catalog as JSON")


def cmd_codes(args) -> int:
    """``ffcc codes``: prints :data:`ffcc.codes.CATALOG` (names, thresholds, references).

    >>> from ffcc.cli import main
    >>> main(["codes"])  # doctest: +ELLIPSIS
    batch-mds: ...
    matdot: AB = sum_i A_i B_i ...
        threshold: 2m - 1
        defaults:  m=4, s=1, p=65537, weights=None  (w = 8)
    ...
    0
    """
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
