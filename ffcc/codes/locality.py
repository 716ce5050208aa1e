"""Locality-based codes, gathered: the one-dependency code and the paper's Theorem 1 code.

The codes live in their own modules -- :mod:`ffcc.codes.dependency` (Rudow, Rashmi,
Guruswami 2021: k pairs with one linear dependency from 2k - 3 + s workers) and
:mod:`ffcc.codes.coordinates` (Rudow, Guruswami, Rashmi 2023; the paper's Theorem 1:
sampled block pairs from :math:`w_{k,s} + 2 - u_1 - u_2` workers) -- on the shared decoder
:class:`~ffcc.codes.nodecode.NodeCode`, the parameter parsers of :mod:`ffcc.codes.parsing`
and the polynomial helpers of :mod:`ffcc.codes.polyarith`. This module re-exports their
public names, so ``from ffcc.codes.locality import coordinate_code`` keeps working.

>>> from ffcc.codes.locality import dependency_code, theorem1_bound, FIGURE2
>>> dependency_code(4, s=1).w, theorem1_bound(FIGURE2, s=1)["workers"]
(6, 14)
"""

from __future__ import annotations

from .coordinates import (
    FIGURE2,
    CoordinateScheme,
    Theorem1Report,
    coordinate_code,
    coordinates_form,
    theorem1_bound,
    theorem1_report,
)
from .dependency import DependencyScheme, dependency_code, dependency_form, dependency_threshold
from .nodecode import NodeCode
from .parsing import parse_flag, parse_ints, parse_samples

__all__ = [
    "FIGURE2",
    "CoordinateScheme",
    "DependencyScheme",
    "NodeCode",
    "Theorem1Report",
    "coordinate_code",
    "coordinates_form",
    "dependency_code",
    "dependency_form",
    "dependency_threshold",
    "parse_flag",
    "parse_ints",
    "parse_samples",
    "theorem1_bound",
    "theorem1_report",
]
