"""Errors raised by :mod:`ffcc.run`: bad inputs are :class:`InputError` (exit 2), every
failure of a run is a :class:`RunError` (exit 1); both derive from ``ffcc.FfccError``."""

from __future__ import annotations

from .._errors import FailureError, InputError

__all__ = [
    "RunError",
    "InputError",
    "TooManyFaults",
    "VerificationFailed",
    "WorkerLost",
    "FieldCheckFailed",
    "InjectedFault",
]


class RunError(FailureError):
    """A coded run that could not return an exact, checked result."""


class TooManyFaults(RunError):
    """More workers were missing or lied than the scheme tolerates (s stragglers, b liars)."""


class VerificationFailed(RunError):
    """The decoded product failed the Freivalds check: a wrong result was not corrected."""


class WorkerLost(RunError):
    """Worker processes were lost and the work could not be completed (e.g. a Dask worker
    killed during ``verify --dask-local``): the run failed; nothing is claimed."""


class FieldCheckFailed(RunError):
    """A group's scheme does not hold in a field the run would compute in (some R-subset
    of its workers does not decode there): found before dispatch, nothing was run."""


class InjectedFault(RuntimeError):
    """Raised inside a worker by fault injection (``Faults(raises=...)``)."""
