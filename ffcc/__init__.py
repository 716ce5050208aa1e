"""ffcc: exact finite-field toolkit for compression-informed coded computing.

The data flows one way: sketch -> plan -> scheme -> run -> decode -> reconstruct.
"""

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
        import importlib

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
