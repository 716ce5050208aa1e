r"""ffcc: exact finite-field toolkit for compression-informed coded computing.

The data flows one way: sketch -> plan -> scheme -> run -> decode -> reconstruct.

A product :math:`AB` is first *sketched* (:mod:`ffcc.sketch`: CR-MM samples k
column-row block pairs, Lemma 1 of Rudow, Charalambides, Hero, Rashmi,
"Compression-Informed Coded Computing"); the sampled pairs form a graph whose structure
(:mod:`ffcc.structure`, :mod:`ffcc.theorem2`) makes some products linearly dependent; the
*planner* (:mod:`ffcc.plan`) groups them and picks a code for each group from the catalog
(:mod:`ffcc.codes`), which needs fewer than the :math:`w_{k,s} = 2k - 1 + s` workers of a
code that ignores the dependencies; :mod:`ffcc.run` runs the groups on workers exactly
over GF(p) and decodes. Every code is a :class:`Scheme`, and :func:`verify` checks
that *every* R-subset of its workers decodes, in the field it runs in.

The names here are the entry points:

* :class:`PrimeField` -- exact arithmetic over GF(p), p < 2^63 (:mod:`ffcc.field`);
* :class:`Scheme`, :func:`load`, :func:`loads` -- a coded computation and its file
  format (:mod:`ffcc.scheme`, ``docs/scheme-format.md``);
* :func:`verify`, :class:`VerifyReport`, :func:`recovery_threshold` -- the exhaustive
  check (:mod:`ffcc.verify`);
* the errors: :class:`FfccError`; :class:`InputError` (wrong input, CLI exit 2) with
  :class:`FieldError`, :class:`SchemeError`, :class:`ResourceError`; :class:`FailureError`
  (a check or run failed, exit 1) with :class:`DecodingError`.

Example
-------
A replication code: two workers both compute :math:`A_0 B_0`, so either suffices (s = 1).

>>> import ffcc
>>> S = ffcc.Scheme(65537, basis=[1, 1], encoders=[[[1], [1]], [[1], [1]]],
...                 targets=[[((0, 0), 1)]], stragglers=1, name="replication")
>>> ffcc.verify(S, progress=False).holds  # both 1-subsets decode
True
>>> ffcc.loads(S.dumps()).w  # through the file format and back
2
>>> ffcc.recovery_threshold(S)
1
"""

import importlib
import sys
import types

from ._errors import FailureError, FfccError, InputError, ResourceError

# The rest is imported on first access (PEP 562), so that `ffcc --help` and the error
# classes do not pay for numpy.
_LAZY = {
    "FieldError": "field",
    "PrimeField": "field",
    "DecodingError": "scheme",
    "Scheme": "scheme",
    "SchemeError": "scheme",
    "load": "scheme",
    "loads": "scheme",
    "VerifyReport": "verify",
    "recovery_threshold": "verify",
    "verify": "verify",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ffcc' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    # Importing the submodule ffcc.verify sets the attribute ffcc.verify to the module;
    # the public name is the function, as with an eager `from .verify import verify`.
    def __setattr__(self, name, value):
        if name == "verify" and isinstance(value, types.ModuleType):
            value = value.verify
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__version__ = "0.1.0"

__all__ = [
    "DecodingError",
    "FailureError",
    "FfccError",
    "FieldError",
    "InputError",
    "PrimeField",
    "ResourceError",
    "Scheme",
    "SchemeError",
    "VerifyReport",
    "load",
    "loads",
    "recovery_threshold",
    "verify",
]
