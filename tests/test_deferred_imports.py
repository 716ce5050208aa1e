"""Imports sit at module top unless laziness pays, and then a comment says why (issue 13).

An import inside a function runs on first call instead of at import time. That is worth it
for an optional dependency (matplotlib, dask.distributed, networkx, threadpoolctl), for a
measured start-up cost (numba through ``ffcc.codes`` or ``ffcc._subsets``, galois, sympy),
or to break a cycle, and each such import says which with a ``#`` comment: on its line, on
a comment line right above, or on the ``try:`` / ``with`` line or a line of the block of
imports it belongs to. Everything else belongs at the module top, where a reader looks for
a module's dependencies. Startup itself is guarded by tests/test_startup.py and
benchmarks/bench_startup.py.

Every module is parsed with :mod:`ast`; nothing is imported.
"""

from __future__ import annotations

import ast

from test_layering import ROOT, import_graph

# Modules whose deferred imports are someone else's to settle (issue 13 split the work).
OWNED_ELSEWHERE = {
    "ffcc._subsets": "TODO(lead): `from math import comb as C` x3; its walk kernels are "
    "being rewritten by another engineer",
}
OWNED_ELSEWHERE_PACKAGES = ("ffcc.cli", "ffcc.codes", "proofs")  # TODO(lead): other owners


def unexplained_in(source: str) -> list[int]:
    """Lines of imports inside functions that no ``#`` comment explains."""
    lines = source.splitlines()
    out = []

    def has_comment(first: int, last: int) -> bool:  # 1-based, inclusive
        return any("#" in lines[i - 1] for i in range(max(first, 1), last + 1))

    def visit(body: list, in_function: bool, header: int | None) -> None:
        group: list[ast.stmt] = []
        for stmt in [*body, None]:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                group.append(stmt)
                continue
            if group and in_function:
                first, last = group[0].lineno, group[-1].end_lineno
                above = lines[first - 2].strip() if first >= 2 else ""
                starts_block = body[0] is group[0]
                extra = first - 1 if above.startswith("#") or starts_block else first
                if starts_block and header is not None:
                    extra = min(extra, header)
                if not has_comment(extra, last):
                    out.extend(s.lineno for s in group)
            group = []
            if stmt is None:
                break
            fn = isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody", "handlers"):
                child = getattr(stmt, field, None)
                if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
                    visit(child, in_function or fn, None if fn else stmt.lineno)
                elif isinstance(child, list):  # except handlers
                    for h in child:
                        if isinstance(h, ast.ExceptHandler):
                            visit(h.body, in_function, h.lineno)

    visit(ast.parse(source).body, False, None)
    return sorted(out)


def unexplained() -> list[str]:
    out = []
    for name in sorted(import_graph()):
        if name in OWNED_ELSEWHERE or any(
            name == p or name.startswith(p + ".") for p in OWNED_ELSEWHERE_PACKAGES
        ):
            continue
        path = ROOT.joinpath(*name.split("."))
        path = path / "__init__.py" if (path / "__init__.py").exists() else path.with_suffix(".py")
        out += [f"{path.relative_to(ROOT)}:{line}" for line in unexplained_in(path.read_text())]
    return out


def test_every_deferred_import_says_why():
    bad = unexplained()
    assert not bad, (
        "imports inside functions without a comment saying why (optional dependency, "
        "measured import cost, cycle); else move them to the module top:\n" + "\n".join(bad)
    )


def test_the_checker_sees_an_unexplained_import():
    # break it on purpose: one bare deferred import among explained ones
    source = (
        "import os\n"  # module top: fine
        "def f():\n"
        "    import json\n"  # bare: flagged
        "    try:  # optional dependency\n"
        "        import matplotlib\n"
        "        from matplotlib import lines\n"
        "    except ImportError:\n"
        "        pass\n"
        "    # measured: 1 s\n"
        "    import numba\n"
        "    import sympy  # measured: 0.5 s\n"
        "class K:\n"
        "    def g(self):\n"
        "        from . import _kernels\n"  # bare, in a method: flagged
    )
    assert unexplained_in(source) == [3, 14]
