"""Resource guards: estimate before allocating, refuse with the estimate.

The memory budget is ``FFCC_MEMORY_BUDGET`` (bytes, or with a suffix K, M, G, T, e.g.
``4G``; the CLI sets it from ``--memory-budget``), else half the memory the system
reports available. A request whose estimate exceeds it raises
:class:`~ffcc._errors.ResourceError` (an ``InputError``: CLI exit 2) saying how much it
needs and how to change it.

>>> format_bytes(3 * 2**30)
'3.0 GiB'
>>> parse_bytes("1.5G") == 1.5 * 2**30
True
>>> check_memory(8 * 10**18, "a 10^9 x 10^9 float64 matrix", budget=2**30)
Traceback (most recent call last):
...
ffcc._errors.ResourceError: a 10^9 x 10^9 float64 matrix would need about 6.9 EiB of \
memory; the budget is 1.0 GiB (set FFCC_MEMORY_BUDGET or --memory-budget to change it)
"""

from __future__ import annotations

import math
import os

from ._errors import InputError, ResourceError

__all__ = ["ENV", "memory_budget", "check_memory", "format_bytes", "parse_bytes"]

ENV = "FFCC_MEMORY_BUDGET"
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units, one decimal."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024:
            return f"{n:.0f} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} EiB"


def parse_bytes(text: str, what: str = ENV) -> int:
    """``"4G"``, ``"512M"``, ``"1000000"`` -> bytes (a positive integer)."""
    t = str(text).strip().upper().removesuffix("IB").removesuffix("B")
    unit = t[-1:] if t[-1:] in _UNITS else ""
    try:
        val = float(t[: len(t) - len(unit)]) * _UNITS[unit]
    except ValueError:
        val = math.nan
    if not math.isfinite(val) or val < 1:
        raise InputError(f"{what} = {text!r}: write a size such as 4G, 512M or 1000000 (bytes)")
    return int(val)


def _available() -> int:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # not Linux
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def memory_budget() -> int:
    """Bytes one request may allocate: ``FFCC_MEMORY_BUDGET``, else half of available RAM."""
    env = os.environ.get(ENV)
    if env:
        return parse_bytes(env)
    return max(_available() // 2, 64 * 2**20)


def check_memory(nbytes: float, what: str, *, fix: str = "", budget: int | None = None) -> None:
    """Raise :class:`ResourceError` when ``what`` needs more than the budget."""
    limit = memory_budget() if budget is None else budget
    if nbytes > limit:
        hint = f"; {fix}" if fix else ""
        raise ResourceError(
            f"{what} would need about {format_bytes(nbytes)} of memory; the budget is "
            f"{format_bytes(limit)}{hint} (set {ENV} or --memory-budget to change it)"
        )
