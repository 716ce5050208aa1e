"""Imported once by the forkserver: worker processes fork from a warm interpreter.

Importing ffcc (sympy, numba) and loading the compiled kernels from numba's cache costs
seconds per process; done here once, every forked worker inherits it.
"""

import numpy as np

from . import _compute

for _p in (65537, 33554393, 2147483647):
    _F = _compute.cached_field(_p)
    _x = np.ones((2, 2), dtype=np.int64)
    _F.matmul(_x, _x)
    _F.lift(_F.add(_x, _x))
del _p, _F, _x
