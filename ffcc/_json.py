"""Strict JSON input: depth-limited, no duplicate keys, one-line errors.

Python's :mod:`json` accepts duplicate keys (the last wins) and recurses without bound
(a deeply nested file raises ``RecursionError``). Every JSON file ffcc reads goes
through :func:`parse_json`.

>>> parse_json('{"a": [1, 2]}', "example")
{'a': [1, 2]}
>>> parse_json('{"a": 1, "a": 2}', "example")
Traceback (most recent call last):
...
ffcc._errors.InputError: example: duplicate key 'a' (line 1); remove one of them
"""

from __future__ import annotations

import json
import re

from ._errors import InputError

__all__ = ["MAX_DEPTH", "parse_json"]

MAX_DEPTH = 64  # far beyond any ffcc file; keeps json's recursion well inside the stack


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _depth(text: str) -> int:
    """Largest nesting of [ and { outside strings (a linear scan, no recursion).

    Strings and everything but brackets are dropped by regular expressions first, so the
    Python loop sees only the brackets (a 17 MB scheme file: 0.1 s instead of 1.7 s)."""
    depth = best = 0
    for ch in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if ch in "[{":
            depth += 1
            if depth > best:
                best = depth
                if best > MAX_DEPTH:
                    return best
        elif ch in "]}":
            depth -= 1
    return best


class _Duplicate(Exception):
    pass


def _pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise _Duplicate(k)
        out[k] = v
    return out


def parse_json(text: str, what: str):
    """Parse ``text`` strictly; ``what`` names the input in error messages."""
    if _depth(text) > MAX_DEPTH:
        raise InputError(f"{what}: JSON nested deeper than {MAX_DEPTH} levels; not an ffcc file")
    try:
        return json.loads(text, object_pairs_hook=_pairs)
    except _Duplicate as e:
        key = e.args[0]
        line = _line_of_key(text, key)
        raise InputError(
            f"{what}: duplicate key {key!r}{f' (line {line})' if line else ''}; remove one of them"
        ) from None
    except json.JSONDecodeError as e:
        raise InputError(f"{what}: not valid JSON (line {e.lineno}, column {e.colno})") from None
    except (RecursionError, ValueError) as e:  # huge numbers (int digits limit) and the like
        raise InputError(f"{what}: cannot parse JSON: {' '.join(str(e).split())}") from None


def _line_of_key(text: str, key: str) -> int | None:
    needle = json.dumps(key)
    first = text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    return text.count("\n", 0, second) + 1 if second >= 0 else None
