"""ffcc: exact finite-field toolkit for compression-informed coded computing.

The data flows one way: sketch -> plan -> scheme -> run -> decode -> reconstruct.
"""

from ._errors import FailureError, FfccError, InputError, ResourceError
from .field import FieldError, PrimeField
from .scheme import DecodingError, Scheme, SchemeError, load, loads
from .verify import VerifyReport, recovery_threshold, verify

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
