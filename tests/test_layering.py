"""Data flows one way: no module imports from a higher layer, and no import cycle.

Every module of ``ffcc`` (and the ``proofs`` package, which the ``claims`` command loads) is
parsed with :mod:`ast`; nothing is imported. Each module belongs to one layer of ``LAYERS``
(bottom first) and may import only from its own layer and the layers below. Imports inside
functions count too: a deferred import from a higher layer is still an upward dependency. The
module-level imports (those that run when the module is imported, ``TYPE_CHECKING`` blocks
excepted) must form no cycle; importing ``a.b.c`` also runs the packages ``a`` and ``a.b``.

Known violations are listed in ``ALLOWED`` with the reason; the list should only shrink, and
an entry that no longer occurs fails :func:`test_allowed_list_has_no_stale_entries`.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ffcc", "proofs")

# Bottom to top. An entry names a module or a package (then it covers every module inside,
# unless a longer entry claims it); the package root "ffcc" is matched exactly.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "helpers",  # private helpers every layer may use
        (
            "ffcc._errors",
            "ffcc._json",
            "ffcc._kernels",
            "ffcc._ntt",
            "ffcc._progress",
            "ffcc._resources",
            "ffcc._subsets",
        ),
    ),
    ("field", ("ffcc.field",)),
    ("scheme", ("ffcc.scheme",)),
    ("decode", ("ffcc._combine",)),  # the fused decoder: field kernels, DecodingError
    # the package root re-exports field, scheme and verify
    ("verify", ("ffcc.verify", "ffcc._certificate", "ffcc")),
    ("codes", ("ffcc.codes",)),
    ("structure", ("ffcc.structure", "ffcc.theorem2", "ffcc.sketch")),
    ("strategies", ("ffcc.strategies",)),  # draws schemes from the catalog
    ("plan", ("ffcc.plan", "ffcc.optimize")),
    ("run", ("ffcc.run",)),
    ("proofs", ("proofs",)),  # the paper's claims; use the library, used by `ffcc claims`
    # the command line: ffcc.cli and its command modules (ffcc.cli.run, ffcc.cli.verify, ...)
    ("cli", ("ffcc.cli", "ffcc._argtypes", "ffcc.demo", "ffcc.__main__")),
]

# (importer, imported): known upward imports, each with the reason and the way out.
ALLOWED: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for pkg in PACKAGES
        for p in sorted((ROOT / pkg).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


class _Imports(ast.NodeVisitor):
    """Collect ``(target, line, at_module_level)`` for every import of a known module."""

    def __init__(self, name: str, is_package: bool, known: set[str]):
        self.package = name if is_package else name.rpartition(".")[0]
        self.known = known
        self.depth = 0  # > 0 inside a function body (runs later, if at all)
        self.type_checking = 0
        self.found: list[tuple[str, int, bool]] = []

    def _add(self, target: str, line: int) -> None:
        while target and target not in self.known:  # `import ffcc.x.y` where y is a name
            target = target.rpartition(".")[0]
        if target:
            top = self.depth == 0 and self.type_checking == 0
            self.found.append((target, line, top))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".") if self.package else []
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:  # `from pkg import submodule` imports the submodule
            sub = f"{source}.{alias.name}"
            self._add(sub if sub in self.known else source, node.lineno)

    def _nested(self, node) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _nested

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            self.type_checking += 1
            for child in node.body:
                self.visit(child)
            self.type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)


@functools.cache
def import_graph() -> dict[str, list[tuple[str, int, bool]]]:
    """``{module: [(imported module, line, at module level), ...]}``."""
    mods = _modules()
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        v = _Imports(name, path.name == "__init__.py", known)
        v.visit(ast.parse(path.read_text(), filename=str(path)))
        graph[name] = v.found
    return graph


def layer_of(module: str) -> int:
    best, rank = -1, None
    for i, (_, entries) in enumerate(LAYERS):
        for e in entries:
            hit = module == e or (e != "ffcc" and module.startswith(e + "."))
            if hit and len(e) > best:
                best, rank = len(e), i
    if rank is None:
        raise AssertionError(f"module {module} has no layer: add it to LAYERS in {__file__}")
    return rank


def upward_imports() -> list[tuple[str, str, int]]:
    out = set()
    for mod, imports in import_graph().items():
        for target, line, _ in imports:
            if layer_of(target) > layer_of(mod):
                out.add((mod, target, line))
    return sorted(out)


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def module_level_cycles() -> list[list[str]]:
    """Strongly connected components (size > 1 or self-loops) of the module-level graph."""
    edges: dict[str, set[str]] = {m: set() for m in import_graph()}
    for mod, imports in import_graph().items():
        own = set(_ancestors(mod)) | {mod}
        for target, _, top in imports:
            if not top:
                continue
            # importing a.b.c first runs a and a.b (except the importer's own packages,
            # which are already being imported)
            for t in [*_ancestors(target), target]:
                if t not in own and t in edges:
                    edges[mod].add(t)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan; the graph is small, recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges[v]:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


# ----------------------------------------------------------------------------------- tests


def test_every_module_has_a_layer():
    for mod in import_graph():
        layer_of(mod)


def test_no_module_imports_from_a_higher_layer():
    bad = [
        f"{mod} (layer {LAYERS[layer_of(mod)][0]}) imports {target} "
        f"(layer {LAYERS[layer_of(target)][0]}) at line {line}"
        for mod, target, line in upward_imports()
        if (mod, target) not in ALLOWED
    ]
    assert not bad, "imports from a higher layer:\n" + "\n".join(bad)


def test_no_import_cycle_at_module_level():
    cycles = module_level_cycles()
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_allowed_list_has_no_stale_entries():
    seen = {(mod, target) for mod, target, _ in upward_imports()}
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, f"fixed, remove from ALLOWED in {__file__}: {stale}"


def test_the_checker_sees_violations():
    # break it on purpose: an upward import and a cycle, in a throwaway graph
    v = _Imports("ffcc.field", False, {"ffcc.field", "ffcc.plan", "ffcc.scheme"})
    v.visit(ast.parse("from .plan import plan\ndef f():\n    from . import scheme\n"))
    assert v.found == [("ffcc.plan", 1, True), ("ffcc.scheme", 3, False)]
    assert layer_of("ffcc.plan") > layer_of("ffcc.field")
    assert layer_of("ffcc.cli.run") > layer_of("ffcc.run._pipeline")
    assert layer_of("ffcc.cli.verify") > layer_of("ffcc.verify")
    assert layer_of("ffcc.codes.matdot") == layer_of("ffcc.codes")
    v = _Imports("ffcc.run", True, {"ffcc.run", "ffcc.run._x"})
    v.visit(ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import _x"))
    assert v.found == [("ffcc.run._x", 3, False)]  # counted for layers, not for cycles
