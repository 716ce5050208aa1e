"""No module uses another module's private names (issue 13).

A name starting with ``_`` is private to the module that defines it. Every module of
``ffcc`` and ``proofs`` is parsed with :mod:`ast` (nothing is imported) and two forms are
flagged when the name belongs to another ffcc module:

* ``from .x import _y`` / ``from ffcc.x import _y`` (at any depth, inside functions too);
* ``x._y`` where ``x`` was bound by an import to an ffcc module.

Private *modules* are not private names: ``from . import _exact`` in ``ffcc.run`` imports a
module of its own package, and ``from .._errors import FfccError`` a public name of a
package-private module. A helper shared by several modules is made public in its one home
(documented there) or moved to the module that uses it.

Known uses are listed in ``ALLOWED`` with the reason; an entry that no longer occurs fails
:func:`test_allowed_list_has_no_stale_entries`.
"""

from __future__ import annotations

import ast
import functools

from test_layering import ROOT, import_graph

# (importer, "module.name"): known uses of another module's private name, with the reason.
ALLOWED: dict[tuple[str, str], str] = {}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    base = (importer if is_package else importer.rpartition(".")[0]).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def private_uses_in(importer: str, source: str, known: set[str], is_package: bool = False):
    """``[(line, "module.name"), ...]``: private names of other ffcc modules that
    ``source`` (the text of module ``importer``) imports or reads as attributes."""
    tree = ast.parse(source)
    out = []
    aliases: dict[str, str] = {}  # local name -> ffcc module it is bound to

    def foreign_private(module: str, name: str) -> bool:
        return (
            name.startswith("_")
            and not name.startswith("__")
            and module in known
            and module != importer
            and f"{module}.{name}" not in known  # a private module, not a private name
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _resolve(importer, is_package, node)
            for alias in node.names:
                if foreign_private(module, alias.name):
                    out.append((node.lineno, f"{module}.{alias.name}"))
                elif f"{module}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known and alias.asname:
                    aliases[alias.asname] = alias.name
                elif alias.name.split(".")[0] in known and not alias.asname:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if module and foreign_private(module, node.attr):
                out.append((node.lineno, f"{module}.{node.attr}"))
    return sorted(set(out))


@functools.cache
def private_uses() -> list[tuple[str, str, int]]:
    """``[(importer, "module.name", line), ...]`` over every module of ffcc and proofs."""
    known = set(import_graph())
    out = []
    for importer in sorted(known):
        parts = importer.split(".")
        path = ROOT.joinpath(*parts)
        is_package = (path / "__init__.py").exists()
        path = path / "__init__.py" if is_package else path.with_suffix(".py")
        for line, name in private_uses_in(importer, path.read_text(), known, is_package):
            out.append((importer, name, line))
    return out


def test_no_module_uses_another_modules_private_names():
    bad = [
        f"{importer} line {line} uses {name}"
        for importer, name, line in private_uses()
        if (importer, name) not in ALLOWED
    ]
    assert not bad, (
        "private names used across modules (make the name public in its one home, "
        "or local):\n" + "\n".join(bad)
    )


def test_allowed_list_has_no_stale_entries():
    seen = {(importer, name) for importer, name, _ in private_uses()}
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, f"fixed, remove from ALLOWED in {__file__}: {stale}"


def test_the_checker_sees_private_uses():
    # break it on purpose: each form once, beside the forms that are fine
    known = {"ffcc", "ffcc.verify", "ffcc.run", "ffcc.run._exact", "ffcc.run._pipeline"}
    source = (
        "from ..verify import _run_walk, verify\n"  # private name: flagged
        "from . import _exact\n"  # private module of the own package: fine
        "import ffcc.verify as V\n"
        "def f():\n"
        "    from ffcc.verify import _walk\n"  # inside a function: flagged
        "    return _exact._split(V._kernel, _exact.quantize, V.__name__)\n"
    )
    found = private_uses_in("ffcc.run._pipeline", source, known)
    assert found == [
        (1, "ffcc.verify._run_walk"),
        (5, "ffcc.verify._walk"),
        (6, "ffcc.run._exact._split"),
        (6, "ffcc.verify._kernel"),
    ]
    # a module's own private names are its own
    assert private_uses_in("ffcc.verify", "from .verify import _walk\n", known) == []
