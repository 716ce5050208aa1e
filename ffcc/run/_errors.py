"""Errors raised by :mod:`ffcc.run`; every failure of a run is a :class:`RunError`."""

from __future__ import annotations

__all__ = ["RunError", "InputError", "TooManyFaults", "VerificationFailed", "InjectedFault"]


class RunError(RuntimeError):
    """A coded run that could not return an exact, checked result."""


class InputError(RunError, ValueError):
    """Inputs that ffcc refuses: wrong shape or dtype, NaN or Inf, a malformed trace file."""


class TooManyFaults(RunError):
    """More workers were missing or lied than the scheme tolerates (s stragglers, b liars)."""


class VerificationFailed(RunError):
    """The decoded product failed the Freivalds check: a wrong result was not corrected."""


class InjectedFault(RuntimeError):
    """Raised inside a worker by fault injection (``Faults(raises=...)``)."""
