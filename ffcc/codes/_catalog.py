"""The catalog of constructions, in the manner of Sage's ``codes.`` catalogs.

Each construction module registers itself with :func:`register`; ``ffcc codes`` and
``ffcc export NAME`` read :data:`CATALOG`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..scheme import Scheme

__all__ = ["Construction", "CATALOG", "register", "build"]


@dataclass(frozen=True)
class Construction:
    """One entry of the catalog.

    ``build(**params)`` returns a :class:`~ffcc.scheme.Scheme`; ``defaults`` are the
    sensible default parameters (every parameter ``build`` accepts, with its default);
    ``workers(**params)`` is the worker count the threshold formula promises, given the
    same parameters; ``threshold`` states that formula in words.
    """

    name: str
    build: Callable[..., Scheme]
    defaults: dict
    threshold: str
    workers: Callable[..., int]
    reference: str
    summary: str
    param_help: dict = field(default_factory=dict)


CATALOG: dict[str, Construction] = {}


def register(entry: Construction) -> Construction:
    if entry.name in CATALOG:
        raise ValueError(f"construction {entry.name!r} registered twice")
    CATALOG[entry.name] = entry
    return entry


def build(name: str, **params) -> Scheme:
    """Build a catalogued construction by name, unknown names and parameters refused."""
    if name not in CATALOG:
        raise KeyError(f"unknown construction {name!r}; known: {', '.join(sorted(CATALOG))}")
    entry = CATALOG[name]
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise ValueError(f"{name} takes parameters {sorted(entry.defaults)}, not {sorted(unknown)}")
    return entry.build(**{**entry.defaults, **params})
