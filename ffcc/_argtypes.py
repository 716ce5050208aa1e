"""argparse value types that refuse bad numbers at the flag that carries them.

``argparse`` turns an :class:`~argparse.ArgumentTypeError` into one line naming the flag,
e.g. ``ffcc: error: argument --m: must be >= 1, got 0``.

>>> int_at_least(1)("3")
3
>>> int_at_least(0)("-1")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be >= 0, got -1
>>> positive_float("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be a finite number > 0, got 'nan'
"""

from __future__ import annotations

import math
from argparse import ArgumentTypeError

__all__ = ["int_at_least", "positive_float"]


def int_at_least(lo: int, hi: int | None = None):
    """An integer in [lo, hi] (hi unbounded when None)."""

    def conv(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise ArgumentTypeError(f"expected an integer, got {text[:40]!r}") from None
        if v < lo:
            raise ArgumentTypeError(f"must be >= {lo}, got {v}")
        if hi is not None and v > hi:
            raise ArgumentTypeError(f"must be <= {hi:,}, got {v:,}")
        return v

    conv.__name__ = "integer"
    return conv


def positive_float(text: str) -> float:
    """A finite float > 0 (seconds, rates)."""
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and v > 0):
        raise ArgumentTypeError(f"must be a finite number > 0, got {text[:40]!r}")
    return v


positive_float.__name__ = "number"
