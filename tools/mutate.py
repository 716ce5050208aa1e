"""Mutation testing: change one operator or constant of a module, run the module's own fast
tests, and count the mutants they kill. ``make mutate`` runs it over the listed modules;
``--modules`` picks some. Not in CI (every mutant is a pytest run).

A small AST mutator rather than mutmut: it works on this layout (numba kernels included:
the mutated source is recompiled, the cache lives in the scratch copy) and needs nothing
installed. Operators: ``+ <-> -``, ``* -> //``, ``// -> *``, ``% -> *``, ``< <-> <=``,
``> <-> >=``, ``== <-> !=``, ``and <-> or``, ``not x -> x``, integer constants ``n -> n + 1``
and ``True <-> False`` (docstrings and other strings are left alone). The work happens in a
scratch copy of the tree, so an interrupted run never leaves a mutant behind.

Usage::

    python tools/mutate.py --modules ffcc/_json.py [--limit N] [--out docs/mutation.json]

Every mutant is reported (module, line, what changed, killed/survived/timeout) as JSON
lines; the summary per module goes to stdout in the table format of ``docs/mutation.md``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# module -> its own fast tests (the mapping `make mutate` uses)
TESTS = {
    "ffcc/field.py": ["tests/test_field.py"],
    "ffcc/_kernels.py": ["tests/test_field.py"],
    "ffcc/scheme.py": ["tests/test_scheme.py"],
    "ffcc/_json.py": ["tests/test_json.py"],
    "ffcc/verify.py": ["tests/test_verify.py"],
    "ffcc/_subsets.py": ["tests/test_verify.py"],
    "ffcc/codes/matdot.py": ["tests/test_codes_mds.py"],
    "ffcc/codes/lagrange.py": ["tests/test_codes_mds.py"],
    "ffcc/codes/polynomial.py": ["tests/test_codes_mds.py"],
    "ffcc/codes/locality.py": ["tests/test_codes_locality.py"],
    "ffcc/codes/threem.py": ["tests/test_codes_locality.py"],
    "ffcc/codes/_symbolic.py": ["tests/test_symbolic.py"],
    "ffcc/sketch.py": ["tests/test_sketch.py"],
    "ffcc/structure.py": ["tests/test_structure.py"],
    "ffcc/plan.py": ["tests/test_plan.py"],
}

_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult,
        ast.Mod: ast.Mult}  # fmt: skip
_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq}  # fmt: skip


def _docstring_nodes(tree) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def mutation_points(tree) -> list[tuple[ast.AST, str, int]]:
    """(node, kind, line) of every place one operator can mutate."""
    skip = _docstring_nodes(tree)
    pts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            pts.append((node, "binop", node.lineno))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP:
            pts.append((node, "compare", node.lineno))
        elif isinstance(node, ast.BoolOp):
            pts.append((node, "boolop", node.lineno))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            pts.append((node, "not", node.lineno))
        elif isinstance(node, ast.Constant) and id(node) not in skip:
            if isinstance(node.value, bool) or (type(node.value) is int):
                pts.append((node, "const", node.lineno))
    return pts


def mutate(source: str, index: int) -> tuple[str, str, int]:
    """The source with mutation ``index`` applied: (new source, description, line)."""
    tree = ast.parse(source)
    node, kind, line = mutation_points(tree)[index]
    if kind == "binop":
        old = type(node.op)
        node.op = _BIN[old]()
        what = f"{old.__name__} -> {type(node.op).__name__}"
    elif kind == "compare":
        old = type(node.ops[0])
        node.ops = [_CMP[old]()]
        what = f"{old.__name__} -> {type(node.ops[0]).__name__}"
    elif kind == "boolop":
        old = type(node.op)
        node.op = ast.Or() if old is ast.And else ast.And()
        what = f"{old.__name__} -> {type(node.op).__name__}"
    elif kind == "not":
        parent = next(p for p in ast.walk(tree) for c in ast.iter_child_nodes(p) if c is node)
        for field, value in ast.iter_fields(parent):
            if value is node:
                setattr(parent, field, node.operand)
            elif isinstance(value, list):
                setattr(parent, field, [node.operand if v is node else v for v in value])
        what = "not x -> x"
    else:
        old = node.value
        node.value = (not old) if isinstance(old, bool) else old + 1
        what = f"{old!r} -> {node.value!r}"
    return ast.unparse(tree), what, line


def run_module(module: str, limit: int | None, timeout: float, out) -> dict:
    tests = TESTS[module]
    src = (ROOT / module).read_text()
    n = len(mutation_points(ast.parse(src)))
    if limit is not None:
        n = min(n, limit)
    counts = {"killed": 0, "survived": 0, "timeout": 0}
    with tempfile.TemporaryDirectory(prefix="ffcc-mutate-") as tmp:
        scratch = Path(tmp) / "tree"
        shutil.copytree(ROOT, scratch, ignore=shutil.ignore_patterns(".git", ".venv", "*.pyc"))
        target = scratch / module
        env = {**os.environ, "PYTHONPATH": str(scratch), "NUMBA_CACHE_DIR": str(Path(tmp) / "nb")}
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "-p", "no:randomly", *tests]  # fmt: skip
        t0 = time.perf_counter()
        for i in range(n):
            new, what, line = mutate(src, i)
            target.write_text(new)
            try:
                rc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True,
                                    timeout=timeout).returncode  # fmt: skip
                status = "survived" if rc == 0 else "killed"
            except subprocess.TimeoutExpired:
                status = "timeout"  # counted as killed: the tests notice (they hang)
            counts[status] += 1
            rec = {"module": module, "index": i, "line": line, "mutation": what, "status": status}
            out.write(json.dumps(rec) + "\n")
            out.flush()
            print(f"{module}:{line} {what}: {status}", file=sys.stderr, flush=True)
        target.write_text(src)
    counts["mutants"] = n
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    return counts


# Survivors argued equivalent (same observable behaviour), keyed by (module, mutant index);
# an index is stable while the module's source is unchanged (the report shows line and change).
_KEY_AT_0 = "a duplicate key lies inside an object, after its '{', never at offset 0"
_FOUND = "second > first >= 1 whenever the key is found twice"
EQUIVALENT: dict[tuple[str, int], str] = {
    ("ffcc/_json.py", 4): _KEY_AT_0,  # first >= 0 -> first > 0
    ("ffcc/_json.py", 5): _FOUND,  # second >= 0 -> second > 0
    ("ffcc/_json.py", 8): _KEY_AT_0,  # first >= 0 -> first >= 1
    ("ffcc/_json.py", 10): "-1 -> -2: any negative 'second' means not found",
    ("ffcc/_json.py", 11): _FOUND,  # second >= 0 -> second >= 1
    ("ffcc/_json.py", 17): "find from first + 2: text[first + 1] is the key's first character "
    "(or an empty key's closing quote, then ':'), never the quote that opens the key again",
    ("ffcc/_json.py", 22): "depth > best -> depth >= best: sets best to the value it has",
}


def report(path: str) -> str:
    """docs/mutation.md's table from a results file: killed (incl. timeouts), survived,
    equivalent per module, and every survivor with its argument or 'needs a test'."""
    recs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    mods: dict[str, dict] = {}
    survivors = []
    for r in recs:
        c = mods.setdefault(r["module"], {"mutants": 0, "killed": 0, "survived": 0, "equiv": 0})
        c["mutants"] += 1
        if r["status"] in ("killed", "timeout"):
            c["killed"] += 1
            continue
        why = EQUIVALENT.get((r["module"], r["index"]))
        c["equiv" if why else "survived"] += 1
        survivors.append((r, why))
    lines = ["| module | mutants | killed | equivalent | survived | killed of non-equivalent |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for m, c in mods.items():
        live = c["mutants"] - c["equiv"]
        pct = f"{100 * c['killed'] / live:.0f}%" if live else "-"
        lines.append(f"| `{m}` | {c['mutants']} | {c['killed']} | {c['equiv']} | "
                     f"{c['survived']} | {pct} |")  # fmt: skip
    if survivors:
        lines += ["", "Survivors:", ""]
        for r, why in survivors:
            lines.append(f"- `{r['module']}:{r['line']}` {r['mutation']}: "
                         + (f"equivalent -- {why}" if why else "**needs a test**"))  # fmt: skip
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", nargs="*", default=sorted(TESTS), help="modules (paths)")
    ap.add_argument("--limit", type=int, help="at most this many mutants per module")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per test run")
    ap.add_argument("--out", default="mutation-results.jsonl", help="JSON lines of all mutants")
    ap.add_argument("--report", metavar="JSONL", help="only print the table of a results file")
    args = ap.parse_args(argv)
    if args.report:
        print(report(args.report))
        return 0
    unknown = [m for m in args.modules if m not in TESTS]
    if unknown:
        ap.error(f"no test mapping for {unknown}; known: {sorted(TESTS)}")
    rows = []
    with open(args.out, "a") as out:
        for module in args.modules:
            c = run_module(module, args.limit, args.timeout, out)
            rows.append((module, c))
    print("| module | mutants | killed | timeout | survived | time |")
    print("|---|---|---|---|---|---|")
    for module, c in rows:
        print(f"| `{module}` | {c['mutants']} | {c['killed']} | {c['timeout']} | "
              f"{c['survived']} | {c['seconds']} s |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
