"""Helpers shared by the command modules of :mod:`ffcc.cli`: exit codes, argument
checks, one-line errors and the readers of the user's files.

This module is imported by ``ffcc --help``: it imports only the standard library and
ffcc's light helpers at its top; heavier modules are imported inside the one function
that needs them (said where it happens).

>>> parse_params(["m=3", "samples=0-0,0-1"])
{'m': 3, 'samples': '0-0,0-1'}
>>> count(21), count(math.comb(199, 99))
('21', '4.53e+58')
>>> duration(90), duration(7200)
('90.0 s', '2 h')
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

from .._argtypes import int_at_least
from .._errors import InputError, ResourceError
from .._json import parse_json
from .._resources import check_memory

__all__ = [
    "EXIT_OK",
    "EXIT_FAIL",
    "EXIT_USAGE",
    "EXIT_BUG",
    "NAT",
    "POS",
    "UserError",
    "one_line",
    "parse_params",
    "params_text",
    "catalog_params",
    "input_boundary",
    "count",
    "duration",
    "read_samples",
    "parse_grid",
    "check_samples",
    "check_picture",
    "check_scheduler",
    "load_scheme",
    "process_age",
    "announce",
    "DEFAULT_CONSTRUCTION",
]

NAT, POS = int_at_least(0), int_at_least(1)  # argparse types: >= 0, >= 1
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
MAX_SAMPLES_BYTES = 64 * 2**20
MAX_SKETCH_SAMPLES = 10**6  # m * n * k: beyond this, sketching and planning take minutes
# the sketch of the main job (`ffcc run`, `make run`): the default of every sketching command
SKETCH_GRID, SKETCH_K = (2, 2, 17), 8
# what a bare `ffcc verify`, `export` and `show` use: the catalog's first teaching example
DEFAULT_CONSTRUCTION = "matdot"
MODEL_HELP = (
    "straggler model: none, exp:SHIFT,RATE, pareto:SCALE,SHAPE, slow:J1,J2@DELAY, "
    "trace:FILE (one delay per line) or trace-shuffle:FILE"
)


class UserError(InputError):
    """A mistake in what the user asked for; printed as one line, exit 2."""


def announce(text: str, *, json: bool = False) -> None:
    """Print the first line of a bare command: which default it used and how to change it.
    It goes to stdout, or to stderr when stdout carries data (``--json``, a scheme file),
    so that the output still parses.

    >>> announce("ffcc show: no construction named; showing matdot")
    ffcc show: no construction named; showing matdot
    """
    print(text, file=sys.stderr if json else sys.stdout, flush=True)


def one_line(e: BaseException | str) -> str:
    """The message of an exception (or a text) on one line.

    >>> one_line(KeyError("no such\\n key"))
    'no such key'
    """
    msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
    return " ".join(str(msg).split())


def parse_params(items: list[str] | None) -> dict:
    """``["m=3", "samples=0-0,0-1"]`` -> ``{"m": 3, "samples": "0-0,0-1"}``."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--param {item!r} must look like key=value")
        key, val = item.split("=", 1)
        try:
            out[key.strip()] = int(val)
        except ValueError:
            out[key.strip()] = val
    return out


def params_text(params: dict) -> str:
    """Parameters as ``--param`` takes them, the unset (None) left out.

    >>> params_text({"m": 4, "s": 1, "weights": None})
    'm=4, s=1'
    """
    return ", ".join(f"{k}={v}" for k, v in params.items() if v is not None)


def catalog_params(name: str, items: list[str] | None) -> dict:
    """The ``--param KEY=VALUE`` items of catalogued construction ``name``, checked: the
    name must exist, each key must be one of its parameters, an integer one takes an
    integer. Returns only the given parameters (the catalog fills in the rest).

    >>> catalog_params("matdot", ["m=3"])
    {'m': 3}
    >>> catalog_params("matdot", ["m=x"])
    Traceback (most recent call last):
    ...
    ffcc.cli._common.UserError: --param m=x: m takes an integer (default 4)
    """
    from ..codes import CATALOG  # here: 0.6 s (numba), and `ffcc --help` imports this module

    if name not in CATALOG:
        raise UserError(
            f"unknown construction {name!r}; see `ffcc codes --names` "
            f"({', '.join(sorted(CATALOG))})"
        )
    defaults = CATALOG[name].defaults
    params = parse_params(items)
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        known = ", ".join(sorted(defaults))
        raise UserError(f"{name} takes --param {known}; not {', '.join(unknown)}")
    for key, val in params.items():
        default = defaults[key]
        if isinstance(default, int) and not isinstance(default, bool) and isinstance(val, str):
            raise UserError(f"--param {key}={val}: {key} takes an integer (default {default})")
    return params


class input_boundary:
    """Turn the ValueError/TypeError/KeyError a library call raises on the user's values
    into a one-line input error (exit 2). Used only around calls whose arguments come
    straight from the command line, so bugs elsewhere still surface as exit 3.

    >>> with input_boundary("export x"):
    ...     int("seven")
    Traceback (most recent call last):
    ...
    ffcc.cli._common.UserError: export x: invalid literal for int() with base 10: 'seven'
    """

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, (ValueError, TypeError, KeyError)):
            if isinstance(exc, InputError):
                return False
            raise UserError(f"{self.what}: {one_line(exc)}") from exc
        return False


def count(n: int) -> str:
    """21 -> '21'; C(199, 99) -> '4.53e+58' (exact digits only while they are readable)."""
    from decimal import Decimal  # here: `ffcc --help` imports this module, and needs none

    return f"{n:,}" if n < 10**15 else format(Decimal(n), ".3g")


def duration(seconds: float) -> str:
    """Seconds as a person reads them: '90.0 s', '5 min', '2 h', '3.2 years'."""
    if not math.isfinite(seconds) or seconds > 1e300:
        return "longer than the age of the universe"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400 * 365:
        return f"{seconds / 3600:,.0f} h"
    return f"{seconds / (86400 * 365):.2g} years"


def read_samples(path: str):
    """A samples file: JSON list of [a, b] pairs, or lines 'a b' / 'a,b' / 'a-b'."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_SAMPLES_BYTES + 1)
    except OSError as e:
        raise UserError(f"cannot read samples file {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise UserError(f"samples file {path} is not text (UTF-8)") from None
    if len(text) > MAX_SAMPLES_BYTES:
        raise UserError(f"samples file {path} is larger than {MAX_SAMPLES_BYTES:,} bytes")
    if text.lstrip().startswith("["):
        data = parse_json(text, f"samples file {path}")
        ok = isinstance(data, list) and all(
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(x, (int, str)) and not isinstance(x, bool) for x in pair)
            for pair in data
        )
        if not ok:
            raise UserError(
                f"samples file {path}: expected a JSON list of [a, b] pairs of integers or "
                'strings, e.g. [[0, 1], [1, 2]] or [["A0", "B1"]]'
            )
        if not data:
            raise UserError(f"samples file {path} holds no samples")
        return [(a, b) for a, b in data]
    pairs = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        parts = re.split(r"[\s,\-]+", line)
        if len(parts) != 2:
            raise UserError(f"samples file {path}, line {n}: expected two ids, got {line!r}")
        pairs.append(tuple(parts))
    if not pairs:
        raise UserError(f"samples file {path} holds no samples")
    return pairs


def parse_grid(text: str) -> tuple[int, int, int]:
    """``--grid M,N,Q``: three positive integers.

    >>> parse_grid("2,2,17")
    (2, 2, 17)
    """
    try:
        grid = tuple(int(x) for x in text.split(","))
    except ValueError:
        grid = ()
    if len(grid) != 3 or min(grid) < 1:
        example = ",".join(map(str, SKETCH_GRID))
        raise UserError(f"--grid {text!r} must be three positive integers M,N,Q, e.g. {example}")
    return grid


def check_samples(n: int, what: str) -> None:
    """Refuse a sketch of more than :data:`MAX_SKETCH_SAMPLES` samples."""
    if n > MAX_SKETCH_SAMPLES:
        raise ResourceError(
            f"{what} ask for {n:,} samples (m * n * k); at most {MAX_SKETCH_SAMPLES:,}: "
            "lower k or the grid"
        )


def check_picture(path, flag: str) -> None:
    """A picture to write later: its directory must exist and matplotlib must know its
    format (checked now, not after minutes of work)."""
    if not path:
        return
    p = Path(path)
    if not p.resolve().parent.is_dir():
        raise InputError(f"{flag} {path}: the directory does not exist")
    if p.suffix:
        try:  # matplotlib is optional (ffcc[plot]) and slow to import: only when drawing
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError:
            raise InputError(f"{flag} needs matplotlib: pip install 'ffcc[plot]'") from None
        known = FigureCanvasBase.get_supported_filetypes()
        if p.suffix[1:].lower() not in known:
            raise InputError(f"{flag} {path}: unknown picture format; use one of "
                             f"{', '.join(sorted(known))}")  # fmt: skip


def check_scheduler(addr: str | None, timeout: float = 3.0) -> None:
    """A TCP scheduler address must parse and accept a connection: a wrong address is the
    user's input (exit 2), not 30 seconds of retries ending in an OSError."""
    if not addr:
        return
    import socket  # here: about 15 ms, and `ffcc --help` imports this module

    proto, sep, rest = addr.rpartition("://")
    if sep and proto not in ("tcp", "tls"):
        return  # inproc://, ucx://, ...: left to Dask
    host, colon, port = rest.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--scheduler {addr!r} must look like tcp://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]") or "localhost", int(port)), timeout).close()
    except OSError as e:
        raise InputError(
            f"--scheduler {addr}: cannot connect ({e.strerror or e}); is `dask scheduler` "
            "running there?"
        ) from None


def load_scheme(path, tensors: bool = True):
    """A scheme file, refused up front when parsing it or (``tensors``) forming its worker
    tensors (as verifying and decoding do) would exceed the memory budget."""
    # imported here: ffcc.scheme and ffcc.verify load numpy, and `ffcc --help` imports
    # this module
    from ..scheme import load
    from ..verify import tensor_bytes

    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0  # load() says what is wrong with the path
    check_memory(16 * size, f"parsing the scheme file {path} ({size:,} bytes)")  # Python ints
    scheme = load(path)
    if not tensors:
        return scheme
    check_memory(
        tensor_bytes(scheme),
        f"the worker tensors of {path} ({scheme.w:,} workers x {math.prod(scheme.basis):,} "
        "coordinates)",
    )
    return scheme


def process_age() -> float | None:
    """Seconds since this process started (Linux /proc; None elsewhere): the interpreter's
    start-up and imports, when called as a command begins its work."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            started = int(fh.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return max(uptime - started / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return None
