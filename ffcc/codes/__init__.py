"""Coded-computing constructions over GF(p), each a :class:`~ffcc.scheme.Scheme`.

``ffcc.codes.CATALOG`` lists them by name with parameters, threshold formulas and
references; :func:`ffcc.codes.build` builds one by name.
"""

from ._catalog import CATALOG, Construction, build, register

__all__ = ["CATALOG", "Construction", "build", "register"]
