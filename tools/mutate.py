"""Mutation testing: change one operator or constant of a module, run the tests that can see
the change, and count the mutants they kill. ``make mutate`` runs it over the listed modules;
``--modules`` picks some. Not in CI (hours of CPU for all modules).

A small AST mutator rather than mutmut: it works on this layout, numba kernels included (the
mutated source is recompiled; see "numba" below), and needs only ``coverage``. Operators:
``+ <-> -``, ``* -> //``, ``// -> *``, ``% -> *``, ``< <-> <=``, ``> <-> >=``, ``== <-> !=``,
``and <-> or``, ``not x -> x``, integer constants ``n -> n + 1`` and ``True <-> False``
(docstrings and other strings are left alone). The work happens in scratch copies of the
tree, so an interrupted run never leaves a mutant behind.

How a module is run (``run_module``):

1. **Coverage map.** The module's tests (``TESTS``, plus the module's own doctests) run once
   under ``coverage`` with one context per test, in a subprocess: line -> the tests that
   execute it, and each test's duration.
2. **Selection.** A mutant inside a function body runs only the tests that executed its
   statement, fastest first, with ``-x``; no covering test means ``uncovered`` (counted as
   survived, no run). Code that runs at import (module level, class bodies, decorators,
   default arguments) and code inside ``@njit`` kernels (coverage cannot trace compiled
   code) runs the whole test files.
3. **Fork server.** The parent imports numpy, numba, sympy, pytest, hypothesis, flint once;
   each mutant is a ``fork()`` whose child imports ``ffcc`` from a scratch tree holding the
   mutant and calls ``pytest.main``. No interpreter start-up or third-party import per mutant.
   Bytecode is never cached for the mutated file (a ``.pyc`` keyed by mtime in seconds and
   size could be a stale, unmutated one).
4. **numba.** A mutant of a module that holds ``@njit`` code gets a private
   ``NUMBA_CACHE_DIR``: numba's cache is keyed by the source file's mtime and size and does
   not track kernels inlined from other files, so a reused cache could silently run the
   unmutated kernel (a false "survived"; ``--prove-cache`` shows it happening). The private
   cache is a copy of one the unmutated tree warmed (the baseline run, in each scratch tree)
   without the entries of the mutated module and of every module importing it, directly or
   not (the only kernels that can inline a mutated one): those recompile from the mutant's
   source, the rest (``field``'s kernels under a ``_combine`` mutant, say) load. Other modules
   share a cache warmed by the unmutated tree, whose kernels they do not change.

Every mutant is reported (module, line, a stable key, what changed, status, seconds) as JSON
lines; ``--report`` prints ``docs/mutation.md``'s table. Statuses: ``killed`` (a test
failed or collection broke), ``timeout`` (counted as killed), ``crash`` (the child died of
a fault signal, e.g. a mutated kernel writing out of bounds; counted as killed),
``survived``, ``uncovered``
(survived without a run), ``error`` (pytest could not run the selection; not counted).

Usage::

    python tools/mutate.py --modules ffcc/sketch.py [--limit N] [--jobs 2] [--out F.jsonl]
    python tools/mutate.py --modules ffcc/sketch.py --only-survivors docs/mutation-results.jsonl
    python tools/mutate.py --report docs/mutation-results.jsonl [--write docs/mutation.md]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# module -> its own fast tests (the mapping `make mutate` uses); the module's doctests are added
# the evaluation codes (polynomial, Lagrange, secure) decode through one another's paths
_EVALUATION_CODE_TESTS = [
    "tests/test_codes_mds.py",
    "tests/test_forms.py",
    "tests/test_codes_digests.py",
    "tests/test_decoding_contract.py",
    "tests/test_ntt_decode.py",
    "tests/test_secure_batch.py",
]
TESTS = {
    "ffcc/field.py": ["tests/test_field.py", "tests/test_primes.py"],
    "ffcc/_kernels.py": ["tests/test_field.py"],
    "ffcc/scheme.py": ["tests/test_scheme.py", "tests/test_scheme_format2.py"],
    "ffcc/_json.py": ["tests/test_json.py"],
    "ffcc/verify.py": [
        "tests/test_verify.py",
        "tests/test_verify_mds.py",
        "tests/test_verify_ledger.py",
        "tests/test_verify_walk.py",
        "tests/test_verify_small.py",
        "tests/test_mds_numpy.py",
        "tests/test_certificate.py",
        "tests/test_secure_batch.py",
        "tests/test_run_secrecy_check.py",
    ],
    "ffcc/_subsets.py": [
        "tests/test_verify_walk.py",
        "tests/test_verify_small.py",
        "tests/test_mds_numpy.py",
        "tests/test_verify_mds.py",
    ],
    "ffcc/_combine.py": ["tests/test_run_kernels.py", "tests/test_codes_mds.py"],
    "ffcc/codes/_catalog.py": [
        "tests/test_codes_mds.py",
        "tests/test_codes_digests.py",
        "tests/test_forms.py",
        "tests/test_wiring.py",
        "tests/test_codes_int_params.py",
    ],
    "ffcc/codes/_form.py": ["tests/test_forms.py", "tests/test_codes_digests.py"],
    "ffcc/codes/_symbolic.py": ["tests/test_symbolic.py"],
    "ffcc/codes/batch.py": [
        "tests/test_secure_batch.py",
        "tests/test_codes_digests.py",
        "tests/test_forms.py",
        "tests/test_codes_int_params.py",
    ],
    "ffcc/codes/coordinates.py": [
        "tests/test_codes_locality.py",
        "tests/test_codes_digests.py",
        "tests/test_forms.py",
        "tests/test_wiring.py",
        "tests/test_codes_int_params.py",
    ],
    "ffcc/codes/dependency.py": [
        "tests/test_codes_locality.py",
        "tests/test_codes_digests.py",
        "tests/test_forms.py",
    ],
    "ffcc/codes/lagrange.py": [*_EVALUATION_CODE_TESTS, "tests/test_codes_int_params.py"],
    "ffcc/codes/matdot.py": [
        "tests/test_codes_mds.py",
        "tests/test_codes_digests.py",
        "tests/test_forms.py",
        "tests/test_codes_int_params.py",
    ],
    "ffcc/codes/nodecode.py": ["tests/test_codes_locality.py", "tests/test_codes_digests.py"],
    "ffcc/codes/ntt.py": ["tests/test_ntt_decode.py"],
    "ffcc/codes/parsing.py": ["tests/test_codes_locality.py", "tests/test_codes_int_params.py"],
    "ffcc/codes/polyarith.py": ["tests/test_forms.py", "tests/test_codes_digests.py"],
    "ffcc/codes/polynomial.py": _EVALUATION_CODE_TESTS,
    "ffcc/codes/secure.py": [*_EVALUATION_CODE_TESTS, "tests/test_codes_int_params.py"],
    "ffcc/codes/threem.py": ["tests/test_codes_locality.py", "tests/test_codes_digests.py"],
    "ffcc/sketch.py": ["tests/test_sketch.py"],
    "ffcc/structure.py": ["tests/test_structure.py"],
    "ffcc/plan.py": [
        "tests/test_plan.py",
        "tests/test_wiring.py",
        "tests/test_optimize.py",
        "tests/test_codes_int_params.py",
    ],
}
# the order of `make mutate` (the list; modules others still edit come last)
ORDER = ["ffcc/sketch.py", "ffcc/structure.py", "ffcc/scheme.py", "ffcc/field.py",
         "ffcc/_kernels.py", "ffcc/verify.py", "ffcc/_json.py", "ffcc/_subsets.py",
         "ffcc/_combine.py", "ffcc/plan.py", "ffcc/codes/_catalog.py", "ffcc/codes/_form.py",
         "ffcc/codes/_symbolic.py", "ffcc/codes/batch.py", "ffcc/codes/coordinates.py",
         "ffcc/codes/dependency.py", "ffcc/codes/lagrange.py", "ffcc/codes/matdot.py",
         "ffcc/codes/nodecode.py", "ffcc/codes/ntt.py", "ffcc/codes/parsing.py",
         "ffcc/codes/polyarith.py", "ffcc/codes/polynomial.py", "ffcc/codes/secure.py",
         "ffcc/codes/threem.py"]  # fmt: skip
# imported once by the fork server (never ffcc: the children import it from the mutant's tree)
PRELOAD = ["numpy", "numba", "numba.core.registry", "numba.np.ufunc", "sympy", "mpmath",
           "flint", "pytest", "_pytest.doctest", "hypothesis", "hypothesis.strategies",
           "yaml", "jsonschema"]  # fmt: skip

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


def _describe(node, kind) -> str:
    if kind == "binop":
        return f"{type(node.op).__name__} -> {_BIN[type(node.op)].__name__}"
    if kind == "compare":
        return f"{type(node.ops[0]).__name__} -> {_CMP[type(node.ops[0])].__name__}"
    if kind == "boolop":
        return "And -> Or" if isinstance(node.op, ast.And) else "Or -> And"
    if kind == "not":
        return "not x -> x"
    new = (not node.value) if isinstance(node.value, bool) else node.value + 1
    return f"{node.value!r} -> {new!r}"


def mutate(source: str, index: int) -> tuple[str, str, int]:
    """The source with mutation ``index`` applied: (new source, description, line)."""
    tree = ast.parse(source)
    node, kind, line = mutation_points(tree)[index]
    what = _describe(node, kind)
    if kind == "binop":
        node.op = _BIN[type(node.op)]()
    elif kind == "compare":
        node.ops = [_CMP[type(node.ops[0])]()]
    elif kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":
        parent = next(p for p in ast.walk(tree) for c in ast.iter_child_nodes(p) if c is node)
        for field, value in ast.iter_fields(parent):
            if value is node:
                setattr(parent, field, node.operand)
            elif isinstance(value, list):
                setattr(parent, field, [node.operand if v is node else v for v in value])
    else:
        node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
    return ast.unparse(tree), what, line


@dataclass
class Point:
    """One mutant of a module: where, what, and which code runs it."""

    index: int
    line: int
    what: str
    key: str  # stable while the line's text is unchanged: "<line text> @<cols> <what>"
    lines: tuple[int, ...]  # the lines of its statement (header) that coverage may report
    scope: str  # "function" | "import" | "njit"


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
        and isinstance(stmt.value.value, str)  # fmt: skip


def _is_njit(fn) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("njit", "jit", "vectorize", "guvectorize", "cfunc", "intrinsic", "overload"):
            return True
    return False


def _statement_of(tree) -> dict[int, tuple[tuple[int, ...], str]]:
    """id(expression node) -> (lines of the statement evaluating it, scope)."""
    out: dict[int, tuple[tuple[int, ...], str]] = {}

    def header(stmt) -> tuple[int, ...]:
        bodies = [getattr(stmt, f, None) for f in ("body", "orelse", "finalbody", "handlers")]
        firsts = [b[0].lineno for b in bodies if isinstance(b, list) and b]
        end = min(firsts) - 1 if firsts else stmt.end_lineno
        return tuple(range(stmt.lineno, max(end, stmt.lineno) + 1))

    def expressions(node, lines, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                visit(child, scope)
            elif isinstance(child, ast.excepthandler | ast.match_case):
                if getattr(child, "type", None) is not None:
                    expressions_only(child.type, header(child), scope)
                for s in child.body:
                    visit(s, scope)
            else:
                expressions_only(child, lines, scope)

    def expressions_only(node, lines, scope):
        for sub in ast.walk(node):
            out[id(sub)] = (lines, scope)

    def visit(stmt, scope):
        lines = header(stmt)
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            for d in stmt.decorator_list:
                expressions_only(d, lines, scope)
            inner = "njit" if scope == "njit" or _is_njit(stmt) else "function"
            # a default is evaluated once but only seen by calls: the tests covering the body
            body = (
                stmt.body[1:] if len(stmt.body) > 1 and _is_docstring(stmt.body[0]) else stmt.body
            )
            expressions_only(stmt.args, header(body[0]), inner)
            if stmt.returns is not None:
                expressions_only(stmt.returns, lines, scope)
            for s in stmt.body:
                visit(s, inner)
            return
        if isinstance(stmt, ast.ClassDef):
            for d in [*stmt.decorator_list, *stmt.bases, *stmt.keywords]:
                expressions_only(d, lines, scope)
            for s in stmt.body:
                visit(s, scope)
            return
        expressions(stmt, lines, scope)

    for s in tree.body:
        visit(s, "import")
    return out


def points(source: str) -> list[Point]:
    """Every mutant of a module's source, with a stable key and the scope it runs in."""
    tree = ast.parse(source)
    where = _statement_of(tree)
    text = source.splitlines()
    out = []
    for i, (node, kind, line) in enumerate(mutation_points(tree)):
        lines, scope = where.get(id(node), ((line,), "import"))
        raw = text[line - 1]
        indent = len(raw) - len(raw.lstrip())
        end = node.end_col_offset - indent if node.end_lineno == line else "+"
        what = _describe(node, kind)
        key = f"{raw.strip()} @{node.col_offset - indent}:{end} {what}"
        out.append(Point(i, line, what, key, lines, scope))
    # the same text can occur on several lines: number the repeats in line order
    seen: dict[str, int] = {}
    for p in sorted(out, key=lambda p: (p.line, p.index)):
        seen[p.key] = seen.get(p.key, 0) + 1
        if seen[p.key] > 1:
            p.key += f" #{seen[p.key]}"
    return out


# ---------------------------------------------------------------- coverage map (subprocess)

_TRACE = r"""
import json, sys, time
import coverage, pytest
target, out, tests = sys.argv[1], sys.argv[2], sys.argv[3:]
cov = coverage.Coverage(data_file=None, include=[target], branch=False)
durations, order = {}, []
class Contexts:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        cov.switch_context(item.nodeid)
        t0 = time.perf_counter()
        yield
        durations[item.nodeid] = time.perf_counter() - t0
        order.append(item.nodeid)
        cov.switch_context("")
cov.start()
rc = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:randomly", *tests],
                 plugins=[Contexts()])
cov.stop()
data = cov.get_data()
lines = {}
for f in data.measured_files():
    for line, ctxs in data.contexts_by_lineno(f).items():
        lines[line] = sorted(c for c in ctxs if c)
json.dump({"rc": int(rc), "lines": lines, "durations": durations, "order": order},
          open(out, "w"))
"""


def mutant_tests(module: str) -> str:
    """The file of tests written to kill a module's survivors: ``ffcc/codes/threem.py`` ->
    ``tests/test_mutants_codes_threem.py``."""
    stem = module.removeprefix("ffcc/").removesuffix(".py").replace("/", "_").lstrip("_")
    return f"tests/test_mutants_{stem.replace('/_', '_')}.py"


def coverage_map(scratch: Path, module: str, tests: list[str], env: dict, nojit: bool) -> dict:
    """Run ``tests`` once under coverage with a context per test: line -> covering tests.
    With ``nojit`` the kernels run as Python (NUMBA_DISABLE_JIT=1) so that coverage sees
    their lines; a test that fails only without the JIT still maps the lines it ran."""
    out = scratch.parent / "coverage-map.json"
    cmd = [sys.executable, "-c", _TRACE, str(scratch / module), str(out), *tests]
    if nojit:
        env = {**env, "NUMBA_DISABLE_JIT": "1"}
    proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True)
    if (proc.returncode != 0 and not nojit) or not out.exists():
        raise SystemExit(f"the unmutated tests of {module} fail; fix them first:\n"
                         + proc.stdout[-3000:] + proc.stderr[-3000:])  # fmt: skip
    cmap = json.loads(out.read_text())
    cmap["lines"] = {int(k): v for k, v in cmap["lines"].items()}
    return cmap


def select(point: Point, cmap: dict, tests: list[str]) -> list[str] | None:
    """The pytest arguments that can see ``point`` (fastest first), or None if none can."""
    if point.scope == "import":
        return list(tests)  # runs at import: every test of the files
    covering = set()
    for line in point.lines:
        covering.update(cmap["lines"].get(line, ()))
    if not covering:
        # a kernel line the NUMBA_DISABLE_JIT=1 trace did not reach: every test, to be safe
        return list(tests) if point.scope == "njit" else None
    return sorted(covering, key=lambda t: (cmap["durations"].get(t, 0.0), t))


# ------------------------------------------------------------------------- fork server


def preload() -> None:
    """Import the heavy third-party packages once, before any fork (never ffcc)."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _child(tree: Path, args: list[str], numba_cache: Path, log: Path) -> None:
    """In the forked child: import ffcc from ``tree``, run pytest, exit with its code."""
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.chdir(tree)
        sys.path.insert(0, str(tree))
        sys.dont_write_bytecode = True  # never a .pyc of a mutant (stale-by-mtime risk)
        os.environ["PYTHONPATH"] = str(tree)  # for subprocesses the tests start
        os.environ["NUMBA_CACHE_DIR"] = str(numba_cache)
        import numba

        numba.config.CACHE_DIR = str(numba_cache)  # config was read at import, in the parent
        import pytest

        opts = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        rc = pytest.main([*opts, *args])
        if rc == 4 and any("::" in a for a in args):
            # usage error: a selected test id is gone (the mutant changed a value a
            # parametrize id is computed from): run the whole files of the selection
            rc = pytest.main([*opts, *sorted({a.split("::")[0] for a in args})])
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(rc))
    except BaseException:  # noqa: BLE001 -- the child must never return into the parent
        import traceback

        traceback.print_exc()
        os._exit(3)


@dataclass
class Slot:
    """One scratch tree a child can run in (``--jobs`` of them)."""

    tree: Path
    pid: int = 0
    started: float = 0.0
    deadline: float = 0.0
    job: object = None


def _status(rc: int) -> str:
    # 0 all passed; 1 a test failed; 2 interrupted (collection error, e.g. the mutant no
    # longer imports); anything else: pytest could not run the selection
    # killed by a signal a fault raises (an out-of-bounds write in a mutated kernel): the
    # tests did not pass, so the mutant is detected -- counted as killed, recorded as crash
    if -rc in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGFPE, signal.SIGILL):
        return "crash"
    return {0: "survived", 1: "killed", 2: "killed"}.get(rc, "error")


def importers(module: str, root: Path = ROOT) -> list[str]:
    """``module`` and every ffcc module that imports it, directly or through others: the
    modules whose compiled kernels can hold (inline) a kernel of ``module``."""
    imports: dict[str, set[str]] = {}
    for path in (root / "ffcc").rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        package = rel.split("/")[:-1]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                parts = [*base, *(node.module.split(".") if node.module else [])]
                found.add("/".join(parts))
                found.update("/".join([*parts, a.name]) for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name.replace(".", "/") for a in node.names)
        imports[rel] = {f"{m}.py" for m in found} | {f"{m}/__init__.py" for m in found}
    out, todo = {module}, [module]
    while todo:
        m = todo.pop()
        for rel, used in imports.items():
            if m in used and rel not in out:
                out.add(rel)
                todo.append(rel)
    return sorted(out)


def seed_cache(warm: Path, cache: Path, tree: Path, stale: list[str]) -> None:
    """``cache`` := a copy of the numba cache ``warm`` (filled by the unmutated ``tree``)
    without the entries of the ``stale`` modules (numba names them ``<stem>.<function>-...``
    in a directory per source directory)."""
    from numba.core.caching import _CacheLocator

    drop: dict[str, set[str]] = {}
    for rel in stale:
        sub = _CacheLocator.get_suitable_cache_subpath(str(tree / rel))
        drop.setdefault(sub, set()).add(Path(rel).stem + ".")

    def ignore(directory, names):
        prefixes = drop.get(Path(directory).name, ())
        return [n for n in names if any(n.startswith(x) for x in prefixes)]

    shutil.rmtree(cache, ignore_errors=True)
    if warm.exists():
        shutil.copytree(warm, cache, ignore=ignore)
    else:
        cache.mkdir()


def run_jobs(jobs: list[dict], slots: list[Slot], target_rel: str, private_cache: bool,
             shared_cache: Path, done, warm: bool = False) -> None:  # fmt: skip
    """Run every job (a dict with source, args, timeout) in the slots; calls
    ``done(job, status, wall seconds, CPU seconds)`` for each. With ``private_cache`` each
    job gets its own numba cache: with ``warm`` that cache is the slot's warm cache itself
    (the unmutated baseline fills it), else a copy of it without the mutated module's
    entries (:func:`seed_cache`)."""
    pending = list(jobs)
    running: dict[int, Slot] = {}
    stale = importers(target_rel) if private_cache else []
    while pending or running:
        for slot in slots:
            if slot.pid or not pending:
                continue
            job = pending.pop(0)
            (slot.tree / target_rel).write_text(job["source"])
            cache = shared_cache
            if private_cache:
                warm_cache = slot.tree.parent / f"nb-warm-{slot.tree.name}"
                cache = warm_cache if warm else slot.tree.parent / f"nb-{slot.tree.name}"
                if warm:
                    shutil.rmtree(cache, ignore_errors=True)
                    cache.mkdir()
                else:
                    seed_cache(warm_cache, cache, slot.tree, stale)
            log = slot.tree.parent / f"log-{slot.tree.name}.txt"
            pid = os.fork()
            if pid == 0:
                _child(slot.tree, job["args"], cache, log)
            slot.pid, slot.job, slot.started = pid, job, time.perf_counter()
            slot.deadline = slot.started + job["timeout"]
            running[pid] = slot
        if not running:
            continue
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        if pid == 0:
            now = time.perf_counter()
            for slot in list(running.values()):
                if now > slot.deadline:
                    os.kill(slot.pid, signal.SIGKILL)
                    os.waitpid(slot.pid, 0)
                    del running[slot.pid]
                    done(slot.job, "timeout", now - slot.started, None)
                    slot.pid = 0
            time.sleep(0.02)
            continue
        if pid not in running:
            continue  # a grandchild reaped by us? never expected; ignore
        slot = running.pop(pid)
        rc = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime  # the child's own CPU: robust to a loaded machine
        done(slot.job, _status(rc), time.perf_counter() - slot.started, cpu)
        slot.pid = 0


def _copy_tree(dst: Path) -> None:
    skip = (".git", ".venv", "*.pyc", "__pycache__", ".hypothesis", "*.egg-info", "mutation-*")
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(*skip))


def _has_kernels(source: str) -> bool:
    return any(p.scope == "njit" for p in points(source))


def run_module(module: str, args, out, only: set[str] | None = None) -> dict:
    """Mutate ``module`` (all points, or the keys in ``only``); write a JSON line per mutant."""
    tests = [*TESTS[module], module]  # the module's doctests too
    extra = mutant_tests(module)
    if (ROOT / extra).exists():
        tests.insert(-1, extra)
    src = (ROOT / module).read_text()
    pts = points(src)
    if only is not None:
        pts = [p for p in pts if p.key in only]
    if args.resume and Path(args.out).exists():
        seen = {r.get("key") for r in load(args.out) if r["module"] == module}
        pts = [p for p in pts if p.key not in seen]
    if args.limit is not None:
        pts = pts[: args.limit]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", module], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    commit += "+dirty" if dirty else ""
    counts = {"killed": 0, "survived": 0, "timeout": 0, "uncovered": 0, "error": 0, "crash": 0}
    with tempfile.TemporaryDirectory(prefix="ffcc-mutate-") as tmp:
        tmp = Path(tmp)
        slots = [Slot(tmp / f"tree{j}") for j in range(args.jobs)]
        for slot in slots:
            _copy_tree(slot.tree)
        shared_cache = tmp / "nb-shared"
        env = {**os.environ, "PYTHONPATH": str(slots[0].tree),
               "NUMBA_CACHE_DIR": str(shared_cache)}  # fmt: skip
        t0 = time.perf_counter()
        cpu_total = [0.0]
        fresh = _has_kernels(src)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cmap = coverage_map(slots[0].tree, module, tests, env, nojit=fresh)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        t_map = time.perf_counter() - t0
        cpu_map = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        jobs = []
        for p in pts:
            sel = select(p, cmap, tests)
            rec = {"module": module, "commit": commit, "index": p.index, "line": p.line,
                   "key": p.key, "mutation": p.what, "scope": p.scope}  # fmt: skip
            if sel is None:
                rec.update(status="uncovered", at=round(time.time()), tests=0, seconds=0.0)
                counts["uncovered"] += 1
                out.write(json.dumps(rec) + "\n")
                continue
            whole = sel == tests
            budget = sum(cmap["durations"].values()) if whole \
                else sum(cmap["durations"].get(t, 0.0) for t in sel)  # fmt: skip
            new, _, _ = mutate(src, p.index)
            rec["tests"] = len(cmap["durations"]) if whole else len(sel)
            jobs.append({"rec": rec, "source": new, "args": sel,
                         "timeout": args.timeout or 60 + 10 * budget})  # fmt: skip
        out.flush()

        def done(job, status, seconds, cpu):
            rec = {**job["rec"], "status": status, "at": round(time.time()),
                   "seconds": round(seconds, 2),
                   "cpu": None if cpu is None else round(cpu, 2)}  # fmt: skip
            cpu_total[0] += cpu or 0.0
            counts[status] += 1
            out.write(json.dumps(rec) + "\n")
            out.flush()
            print(f"{module}:{rec['line']} {rec['mutation']} [{rec['tests']} tests]: {status}"
                  f" {seconds:.1f}s", file=sys.stderr, flush=True)  # fmt: skip

        # the unparsed-but-unmutated source must pass: else every mutant would look killed;
        # for a kernel module it runs in every slot, to warm the cache the mutants copy
        base = {"rec": {}, "source": ast.unparse(ast.parse(src)), "args": tests, "timeout": 1e4}
        verdict = []
        run_jobs([base] * (len(slots) if fresh else 1), slots, module, fresh, shared_cache,
                 lambda j, s, sec, cpu: verdict.append((s, sec)), warm=True)  # fmt: skip
        if any(v[0] != "survived" for v in verdict):
            raise SystemExit(f"{module}: the unparsed, unmutated module fails its tests "
                             f"({verdict}); see the log in the scratch tree")  # fmt: skip
        t1 = time.perf_counter()
        run_jobs(jobs, slots, module, fresh, shared_cache, done)
        t_run = time.perf_counter() - t1
    counts["mutants"] = len(pts)
    counts["run"] = len(jobs)
    counts["map_seconds"] = round(t_map, 1)
    counts["seconds"] = round(t_run, 1)
    counts["cpu"] = round(cpu_total[0], 1)
    counts["map_cpu"] = round(cpu_map, 1)
    counts["commit"] = commit
    return counts


_PROBE = """
import numpy as np
from ffcc._subsets import check_list
G = np.array([[1, 1, 1], [2, 2, 2], [1, 2, 4], [3, 1, 2]], dtype=np.int64)
# rows 0, 1 are parallel: subset (0, 1, 2) has rank 2 (does not decode), (0, 2, 3) rank 3
print(check_list(G, 7, 0, np.array([[0, 1, 2], [0, 2, 3]], dtype=np.int64)).tolist())
"""


def prove_cache() -> int:
    """Why a kernel module's mutant needs an empty numba cache: mutate ``mulmod`` in
    ``_kernels.py`` (``% p -> * p``) and run ``_subsets.check_list``, which inlines it, with
    the cache the unmutated tree left behind and with an empty one."""
    with tempfile.TemporaryDirectory(prefix="ffcc-mutate-") as tmp:
        tree = Path(tmp) / "tree"
        _copy_tree(tree)

        def probe(cache: str) -> str:
            env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": str(Path(tmp) / cache)}
            return subprocess.run([sys.executable, "-c", _PROBE], cwd=tree, env=env, text=True,
                                  capture_output=True, check=True).stdout.strip()  # fmt: skip

        kernels = tree / "ffcc/_kernels.py"
        src = kernels.read_text()
        print("unmutated, warms the shared cache:", probe("shared"))
        assert "return (a * b) % p" in src
        kernels.write_text(src.replace("return (a * b) % p", "return (a * b) * p"))
        stale, fresh = probe("shared"), probe("fresh")
        print("mutant, shared (stale) cache:     ", stale)
        print("mutant, empty cache:              ", fresh)
    print("stale cache hides the mutant" if stale != fresh else "no difference shown")
    return 0 if stale != fresh else 1


# Survivors argued equivalent (same observable behaviour): docs/mutation-equivalent.jsonl,
# one {"module", "key", "why"} per line, keyed by Point.key (the line's text, the columns and
# the change), so an entry survives edits elsewhere in the module.
EQUIVALENT_FILE = ROOT / "docs" / "mutation-equivalent.jsonl"


def _equivalent() -> dict[tuple[str, str], str]:
    if not EQUIVALENT_FILE.exists():
        return {}
    rows = [json.loads(line) for line in EQUIVALENT_FILE.read_text().splitlines() if line.strip()]
    return {(r["module"], r["key"]): r["why"] for r in rows}


EQUIVALENT = _equivalent()


def load(path: str) -> list[dict]:
    """The newest record of every mutant in a results file: the latest ``at`` (when it was
    recorded); records without one (older runs) by their place in the file, later replacing
    earlier. The time matters because branches merge the file by union, which can put an
    older record after a newer one."""
    recs: dict[tuple[str, str], dict] = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            key = (r["module"], r["key"] if "key" in r else str(r["index"]))
            if key not in recs or r.get("at", 0) >= recs[key].get("at", 0):
                recs[key] = r
    return list(recs.values())


def report(path: str) -> str:
    """docs/mutation.md's table from a results file: killed (incl. timeouts), equivalent,
    survived (incl. uncovered) per module, and every survivor with its argument or 'needs a
    test'. Records of lines that no longer exist in the module (stale keys) are left out."""
    mods: dict[str, dict] = {}
    survivors = []
    current: dict[str, dict[str, int]] = {}  # module -> key -> its line in the source now
    for r in load(path):
        if r["module"] not in current:  # keys of the module as it is now; older ones are stale
            src = ROOT / r["module"]
            current[r["module"]] = (
                {p.key: p.line for p in points(src.read_text())} if src.exists() else {}
            )
        if r.get("key") not in current[r["module"]]:
            continue
        r = {**r, "line": current[r["module"]][r["key"]]}  # the line it is on now
        c = mods.setdefault(r["module"], {"mutants": 0, "killed": 0, "survived": 0, "equiv": 0,
                                          "uncovered": 0, "error": 0, "commit": set()})  # fmt: skip
        c["mutants"] += 1
        c["commit"].add(r.get("commit", "?"))
        if r.get("cpu") is not None:
            c.setdefault("cpu", []).append(r["cpu"])
        if r["status"] in ("killed", "timeout", "crash"):
            c["killed"] += 1
            continue
        if r["status"] == "error":
            c["error"] += 1
            continue
        why = EQUIVALENT.get((r["module"], r.get("key", "")))
        if why:
            c["equiv"] += 1
        else:
            c["survived"] += 1
            c["uncovered"] += r["status"] == "uncovered"
        survivors.append((r, why))
    for m in TESTS:  # a module never run still gets its row: 0 of its points run
        if m not in mods:
            current[m] = {p.key: p.line for p in points((ROOT / m).read_text())}
            mods[m] = {"mutants": 0, "killed": 0, "survived": 0, "equiv": 0, "uncovered": 0,
                       "error": 0, "commit": {"-"}}  # fmt: skip
    lines = ["| module | commit | mutants run / points | killed | equivalent | survived (uncovered)"
             " | error | killed of non-equivalent | goal (>= 90%, every point run)"
             " | CPU s per run mutant (mean) |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for m in sorted(mods, key=lambda m: ORDER.index(m) if m in ORDER else 99):
        c = mods[m]
        live = c["mutants"] - c["equiv"] - c["error"]
        pct = f"{100 * c['killed'] / live:.1f}%" if live else "-"
        cpu = f"{sum(c['cpu']) / len(c['cpu']):.2f}" if c.get("cpu") else "-"
        complete = c["mutants"] == len(current[m])
        goal = ("**met**" if live and c["killed"] >= 0.9 * live else "not met") if complete \
            else "incomplete"  # fmt: skip
        lines.append(f"| `{m}` | {', '.join(sorted(c['commit']))} | {c['mutants']} / "
                     f"{len(current[m])} | "
                     f"{c['killed']} | {c['equiv']} | {c['survived']} ({c['uncovered']}) | "
                     f"{c['error']} | {pct} | {goal} | {cpu} |")  # fmt: skip
    run = sum(c["mutants"] for c in mods.values())
    cpu = sum(sum(c.get("cpu", ())) for c in mods.values())
    killed = sum(c["killed"] for c in mods.values())
    live = sum(c["mutants"] - c["equiv"] - c["error"] for c in mods.values())
    lines += ["", f"All modules: {run} of {sum(len(current[m]) for m in mods)} points run, "
              f"{killed} of {live} non-equivalent killed ({100 * killed / max(live, 1):.1f}%); "
              f"the recorded mutant runs took {cpu / 3600:.2f} CPU hours "
              "(coverage maps and baselines not included)."]  # fmt: skip
    if survivors:
        lines += ["", "Survivors:", ""]
        for r, why in sorted(survivors, key=lambda x: (x[0]["module"], x[0]["line"])):
            tag = "uncovered" if r["status"] == "uncovered" else "**needs a test**"
            lines.append(f"- `{r['module']}:{r['line']}` `{r.get('key', r['mutation'])}`: "
                         + (f"equivalent -- {why}" if why else tag))  # fmt: skip
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", nargs="*", default=ORDER, help="modules (paths)")
    ap.add_argument("--limit", type=int, help="at most this many mutants per module")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at once (scratch trees)")
    ap.add_argument("--timeout", type=float, help="seconds per mutant (default: from the map)")
    ap.add_argument("--out", default="mutation-results.jsonl", help="JSON lines of all mutants")
    ap.add_argument("--only-survivors", metavar="JSONL",
                    help="re-run only the mutants that survived in this results file")  # fmt: skip
    ap.add_argument("--resume", action="store_true", help="skip mutants already in --out")
    ap.add_argument("--report", metavar="JSONL", help="only print the table of a results file")
    ap.add_argument("--write", metavar="MD", help="with --report: replace the table in this file")
    ap.add_argument("--prove-cache", action="store_true",
                    help="show that a shared numba cache hides a kernel mutant")  # fmt: skip
    args = ap.parse_args(argv)
    if args.prove_cache:
        return prove_cache()
    if args.report:
        table = report(args.report)
        if args.write:
            doc = Path(args.write)
            text = doc.read_text()
            start, end = "<!-- mutate:table -->", "<!-- /mutate:table -->"
            head, rest = text.split(start, 1)
            doc.write_text(f"{head}{start}\n{table}\n{end}{rest.split(end, 1)[1]}")
        else:
            print(table)
        return 0
    unknown = [m for m in args.modules if m not in TESTS]
    if unknown:
        ap.error(f"no test mapping for {unknown}; known: {sorted(TESTS)}")
    preload()
    rows = []
    with open(args.out, "a") as out:
        for module in args.modules:
            only = None
            if args.only_survivors:
                only = {r["key"] for r in load(args.only_survivors) if r["module"] == module
                        and r["status"] in ("survived", "uncovered", "error")
                        and (module, r.get("key")) not in EQUIVALENT}  # fmt: skip
            c = run_module(module, args, out, only)
            rows.append((module, c))
            print(f"{module}: {c}", file=sys.stderr, flush=True)
    print("| module | commit | mutants | run | killed | timeout | survived | uncovered | error "
          "| map wall / CPU | run wall / CPU | CPU s per mutant |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for module, c in rows:
        per = (c["cpu"] + c["map_cpu"]) / c["mutants"] if c["mutants"] else 0.0
        print(f"| `{module}` | {c['commit']} | {c['mutants']} | {c['run']} | {c['killed']} | "
              f"{c['timeout']} | {c['survived']} | {c['uncovered']} | {c['error']} | "
              f"{c['map_seconds']} / {c['map_cpu']} s | {c['seconds']} / {c['cpu']} s | "
              f"{per:.2f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
