"""Coded-computing constructions over GF(p), each a :class:`~ffcc.scheme.Scheme`.

``ffcc.codes.CATALOG`` lists them by name with parameters, threshold formulas and
references (like Sage's ``codes.`` catalogs); :func:`ffcc.codes.build` builds one by name.

>>> from ffcc import codes
>>> S = codes.build("matdot", m=3, s=1)
>>> S.w, S.R
(6, 5)

Builders live in their modules (``ffcc.codes.matdot.matdot``, ``ffcc.codes.lagrange.lagrange``,
...), which keep the module names free.
"""

from . import batch as _batch  # noqa: F401  (registers itself)
from . import lagrange as _lagrange  # noqa: F401  (registers itself)
from . import locality as _locality  # noqa: F401
from . import matdot as _matdot  # noqa: F401
from . import polynomial as _polynomial  # noqa: F401
from . import secure as _secure  # noqa: F401
from . import threem as _threem  # noqa: F401
from ._catalog import (
    CATALOG,
    Construction,
    GroupRule,
    GroupSpec,
    build,
    group_rule,
    group_rules,
    register,
)
from .batch import batch_mds, separate_outputs
from .lagrange import LagrangeScheme
from .matdot import matdot_workers
from .ntt import at_roots_of_unity, ntt_decode
from .polynomial import entangled_for_grid, entangled_polynomial, polydot, polynomial_code
from .secure import gasp, gasp_r, polynomial_sharing, secure_matdot, share

__all__ = [
    "CATALOG",
    "Construction",
    "GroupRule",
    "GroupSpec",
    "group_rule",
    "group_rules",
    "LagrangeScheme",
    "at_roots_of_unity",
    "batch_mds",
    "SymbolicForm",
    "build",
    "entangled_for_grid",
    "entangled_polynomial",
    "gasp",
    "gasp_r",
    "matdot_workers",
    "ntt_decode",
    "polydot",
    "polynomial_code",
    "polynomial_sharing",
    "register",
    "secure_matdot",
    "separate_outputs",
    "share",
    "symbolic_form",
]


def __getattr__(name):  # the symbolic forms need sympy (~0.4 s): imported on first use
    if name in ("SymbolicForm", "symbolic_form"):
        from . import _symbolic

        return getattr(_symbolic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
