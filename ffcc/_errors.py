"""The one exception hierarchy of ffcc.

Every error ffcc raises on purpose derives from :class:`FfccError`. Two branches decide
what the command line does with it:

- :class:`InputError` -- what the user gave is wrong (a non-prime p, a malformed file,
  mismatched shapes, a resource budget exceeded). The CLI prints one line and exits 2.
- :class:`FailureError` -- the input was fine but the check or the run failed (a scheme
  that does not hold, more faults than the budget, a product that failed its check).
  The CLI prints one line and exits 1.

Anything else reaching the CLI is a bug in ffcc: one line with a hint to rerun with
``--debug``, exit 3.

Examples
--------
>>> from ffcc import FieldError, SchemeError, DecodingError, FfccError
>>> issubclass(FieldError, InputError) and issubclass(SchemeError, InputError)
True
>>> issubclass(DecodingError, FailureError) and issubclass(DecodingError, FfccError)
True
"""

from __future__ import annotations

__all__ = ["FfccError", "InputError", "FailureError", "ResourceError"]


class FfccError(Exception):
    """Base class of every error ffcc raises on purpose."""


class InputError(FfccError, ValueError):
    """The user's input is wrong; the message names what and how to fix it (CLI exit 2)."""


class ResourceError(InputError):
    """Refused before allocating or enumerating: the estimate exceeds the budget (exit 2)."""


class FailureError(FfccError, RuntimeError):
    """A well-formed request whose check or run failed (CLI exit 1)."""
