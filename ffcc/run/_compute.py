r"""What a worker computes: its coded products, one per prime, and the injected faults.

Every engine's task ends in :func:`_compute` (the product of a worker's coded operands
modulo each prime, or one float product), after :func:`_fault_before_compute` (an
injected kill or raise) and an injected delay that ends early when the group is
abandoned (:func:`_sleep_or_abort`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np

from ._errors import InjectedFault
from ._faults import CORRUPT, KILL, RAISE

KILL_EXIT_CODE = 70  # what an injected kill exits with; SIGTERM (-15) marks collateral
_POLL = 0.005  # seconds between checks of the abandon flag while a delay runs

_FIELDS: dict = {}


def _field(p: int):
    if p not in _FIELDS:
        from ..field import PrimeField

        _FIELDS[p] = PrimeField(p)
    return _FIELDS[p]


def _sleep_or_abort(delay: float, aborted: Callable[[], bool]) -> bool:
    """Sleep ``delay`` seconds; return True (early) if ``aborted()`` becomes true."""
    end = time.monotonic() + max(float(delay), 0.0)
    while True:
        if aborted():
            return True
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, _POLL))


def _compute(kind, primes, product, ops, fault, rng_key) -> list[np.ndarray]:
    """Worker j's products: one per prime (or one float product), corrupted if asked."""
    outs = []
    if kind == "float":
        outs = [_chain(ops[0], np.matmul)]
    else:
        for q, coded in zip(primes, ops, strict=True):
            F = _field(q)
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
                outs[i] = _field(primes[i]).add(r, e)
    return outs


def _chain(xs, mul):
    out = xs[0]
    for x in xs[1:]:
        out = mul(out, x)
    return out


def _fault_before_compute(fault, group, j):
    if fault == KILL:
        os._exit(KILL_EXIT_CODE)  # a crash: no cleanup, no reply
    if fault == RAISE:
        raise InjectedFault(f"group {group}, worker {j}: injected failure")
