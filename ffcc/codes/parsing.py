"""Catalog parameters as Python values or command-line strings (``--param k=v``).

The one home of the small parsers the constructions share: integer lists (``"1,2,-3"``),
sample lists (``"0-0,0-1,1-1"``), flags (``"1"``, ``"true"``) and counts (``check_int``).
Each returns Python values or raises :class:`~ffcc.scheme.SchemeError` naming the
parameter and the form it expects.

>>> parse_ints("1, 2,-3", "alphas"), parse_flag("yes", "merge"), parse_samples("0-1,2-0")
([1, 2, -3], True, [(0, 1), (2, 0)])
"""

from __future__ import annotations

import re

import numpy as np

from ..scheme import SchemeError

__all__ = ["check_int", "parse_flag", "parse_ints", "parse_samples"]


def check_int(value, name: str, lowest: int = 1) -> int:
    """``value`` as an int when it is an integer >= ``lowest``, else a one-line
    :class:`~ffcc.scheme.SchemeError` naming it. A float is refused even when integral
    (2.0): a count is never rounded, and 2.5 stragglers must not become 2. A bool is refused
    too: ``True`` is an int in Python, but ``m=True`` is a slip, not the count 1. Every
    catalog construction checks its counts here (``tests/test_codes_int_params.py``).

    >>> check_int(3, "polynomial: m"), check_int(0, "polynomial: s", lowest=0)
    (3, 0)
    >>> check_int(2.0, "polynomial: m")
    Traceback (most recent call last):
    ...
    ffcc.scheme.SchemeError: polynomial: m must be a positive integer, got 2.0
    >>> check_int(True, "matdot: m")
    Traceback (most recent call last):
    ...
    ffcc.scheme.SchemeError: matdot: m must be a positive integer, got True
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lowest:
        kinds = {0: "a non-negative integer", 1: "a positive integer"}
        kind = kinds.get(lowest, f"an integer >= {lowest}")
        raise SchemeError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def parse_ints(value, name: str = "value") -> list[int]:
    """``"1,2,-3"``, ``"1 2 3"``, ``[1, 2, 3]`` or None (empty) -> list of ints.

    >>> parse_ints(None), parse_ints(7), parse_ints([1, 2])
    ([], [7], [1, 2])
    """
    if value is None:
        return []
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return [int(value)]
    if isinstance(value, str):
        parts = [x for x in re.split(r"[,\s]+", value.strip().strip("[]()")) if x]
        try:
            return [int(x) for x in parts]
        except ValueError:
            raise SchemeError(
                f"{name} must be integers separated by commas, e.g. '1,2,3'; got {value!r}"
            ) from None
    try:
        out = []
        for v in value:
            if isinstance(v, bool) or int(v) != v:
                raise TypeError
            out.append(int(v))
        return out
    except (TypeError, ValueError):
        raise SchemeError(f"{name} must be a list of integers, got {value!r}") from None


def parse_samples(value) -> list[tuple[int, int]]:
    """Samples as ``"0-0,0-1,1-1"`` (l-r pairs, comma separated) or ``[(0, 0), (0, 1)]``.

    Indices are non-negative integers (0-based basis labels); order and repeats are kept.

    >>> parse_samples("0-0, 0-1,1-1")
    [(0, 0), (0, 1), (1, 1)]
    """
    if isinstance(value, str):
        out = []
        for item in (x.strip() for x in value.split(",")):
            if not item:
                continue
            m = re.fullmatch(r"(\d+)\s*[-:]\s*(\d+)", item)
            if not m:
                raise SchemeError(
                    f"samples: {item!r} is not an 'l-r' pair of basis indices; write samples "
                    "like '0-0,0-1,1-1'"
                )
            out.append((int(m.group(1)), int(m.group(2))))
    else:
        out = []
        try:
            for pair in value:
                l, r = pair
                if any(isinstance(v, bool) or int(v) != v or v < 0 for v in (l, r)):
                    raise ValueError
                out.append((int(l), int(r)))
        except (TypeError, ValueError):
            raise SchemeError(
                f"samples must be pairs (l, r) of non-negative integers, got {value!r}"
            ) from None
    if not out:
        raise SchemeError("samples: need at least one sampled pair")
    return out


def parse_flag(value, name: str | None = None) -> bool:
    """A flag from Python or from the command line: a bool, the integer 1 or 0, or one of
    the strings 1/0, true/false, yes/no, on/off ("" is false). Anything else (2, 0.5, None)
    is refused rather than read by its truth value.

    >>> parse_flag("0"), parse_flag(True), parse_flag("On"), parse_flag(1)
    (False, True, True, True)
    >>> parse_flag(2, "merge")
    Traceback (most recent call last):
    ...
    ffcc.scheme.SchemeError: merge must be true or false (1/0, yes/no, on/off), got 2
    """
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off", ""):
            return False
    elif isinstance(value, (bool, np.bool_, int, np.integer)) and value in (0, 1):
        return bool(value)
    what = f"{name} must be" if name else "expected"
    raise SchemeError(f"{what} true or false (1/0, yes/no, on/off), got {value!r}")
