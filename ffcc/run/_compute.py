r"""What a worker computes: its coded products, one per prime, and the injected faults.

Every engine's task is the same three steps, wherever it runs (a process of the local
pool, a thread, a Dask worker): an injected delay that ends early when the group is
abandoned (:func:`sleep_or_abort`), an injected kill or raise (:func:`fail_if_injected`),
then :func:`worker_products` -- the product of the worker's coded operands modulo each
prime, or one float product, replaced by a lie when the worker is to corrupt its result.

Example
-------
Worker operands (x, y) over GF(7) and GF(11): the worker returns x @ y in each field.

>>> import numpy as np
>>> x, y = np.array([[3, 4]]), np.array([[5], [6]])  # 3*5 + 4*6 = 39
>>> [r.tolist() for r in worker_products("field", (7, 11), None, [(x, y), (x, y)], None, 0)]
[[[4]], [[6]]]
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np

from ..field import PrimeField
from ._errors import InjectedFault
from ._faults import CORRUPT, KILL, RAISE

__all__ = [
    "KILL_EXIT_CODE",
    "POLL_S",
    "cached_field",
    "sleep_or_abort",
    "worker_products",
    "fail_if_injected",
]

KILL_EXIT_CODE = 70  # what an injected kill exits with; SIGTERM (-15) marks collateral
POLL_S = 0.005  # seconds between checks of the abandon flag while a delay runs

_FIELDS: dict = {}


def cached_field(p: int) -> PrimeField:
    """``PrimeField(p)``, built once per process (a worker reuses it for every task).

    >>> cached_field(65537) is cached_field(65537)
    True
    """
    if p not in _FIELDS:
        _FIELDS[p] = PrimeField(p)
    return _FIELDS[p]


def sleep_or_abort(delay: float, aborted: Callable[[], bool]) -> bool:
    """Sleep ``delay`` seconds; return True (early) if ``aborted()`` becomes true.

    ``aborted`` is polled every :data:`POLL_S` seconds, so an abandoned straggler frees its
    slot within milliseconds.

    >>> sleep_or_abort(60.0, lambda: True), sleep_or_abort(0.0, lambda: False)
    (True, False)
    """
    end = time.monotonic() + max(float(delay), 0.0)
    while True:
        if aborted():
            return True
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, POLL_S))


def worker_products(kind, primes, product, ops, fault, rng_key) -> list[np.ndarray]:
    """Worker j's products: one per prime (or one float product), corrupted if asked.

    ``ops[q]`` holds the worker's d operands modulo ``primes[q]`` (``ops[0]`` for a float
    job); the result is their chained product ``ops[q][0] @ ... @ ops[q][d-1]`` in
    GF(primes[q]), or ``product(field, ops[q])`` when the scheme multiplies otherwise.
    With ``fault == CORRUPT`` every entry of every result is changed: a field result gets a
    random non-zero residue added (seeded by ``rng_key``), a float result noise larger than
    its entries, so that the decoder has a lie on every coordinate to find.

    >>> import numpy as np
    >>> x = np.array([[6]])  # 6 * 6 = 36 = 1 (mod 7)
    >>> ok = worker_products("field", (7,), None, [(x, x)], None, 0)[0]
    >>> bad = worker_products("field", (7,), None, [(x, x)], "corrupt", 0)[0]
    >>> int(ok[0, 0]), int(bad[0, 0]) != 1
    (1, True)
    """
    outs = []
    if kind == "float":
        outs = [_chain(ops[0], np.matmul)]
    else:
        for q, coded in zip(primes, ops, strict=True):
            F = cached_field(q)
            outs.append(product(F, coded) if product is not None else _chain(coded, F.matmul))
    if fault == CORRUPT:
        rng = np.random.default_rng(rng_key)
        for i, r in enumerate(outs):
            if kind == "float":
                noise = rng.standard_normal(np.shape(r)) * (1.0 + float(np.abs(r).max(initial=0)))
                outs[i] = r + noise
            else:
                # a random matrix with every entry non-zero: a lie on every coordinate
                e = rng.integers(1, primes[i], size=np.shape(r), dtype=np.int64)
                outs[i] = cached_field(primes[i]).add(r, e)
    return outs


def _chain(xs, mul):
    out = xs[0]
    for x in xs[1:]:
        out = mul(out, x)
    return out


def fail_if_injected(fault, group, j):
    """Act out an injected kill or raise of worker j of ``group``, before it computes.

    ``kill`` ends the process at once with :data:`KILL_EXIT_CODE` (no cleanup, no reply:
    a crash, as the engines see it); ``raise`` raises :class:`InjectedFault`. Any other
    fault (None, ``corrupt``) does nothing here. Engines where a kill would end the
    coordinator itself (threads, inline) record the kill instead of calling this with it.

    >>> fail_if_injected(None, 0, 1)
    >>> fail_if_injected("raise", 0, 1)
    Traceback (most recent call last):
    ...
    ffcc.run._errors.InjectedFault: group 0, worker 1: injected failure
    """
    if fault == KILL:
        os._exit(KILL_EXIT_CODE)  # a crash: no cleanup, no reply
    if fault == RAISE:
        raise InjectedFault(f"group {group}, worker {j}: injected failure")
