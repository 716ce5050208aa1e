"""Shared benchmark plumbing: pinned threads, interleaved timing, results.json.

Import this module **before numpy** in every benchmark: it pins BLAS, OpenMP and numba to
one thread so that kernels compare like with like on a shared machine.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

for _var in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMBA_NUM_THREADS",
):
    os.environ.setdefault(_var, "1")

RESULTS = Path(__file__).with_name("results.json")


def interleave(contenders: dict, reps: int, warm: bool = True) -> dict[str, list[float]]:
    """Run every contender once per round, ``reps`` rounds; seconds per call by name.

    Interleaving makes a change in machine load hit every contender alike.
    """
    if warm:
        for f in contenders.values():
            f()
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(reps):
        for name, f in contenders.items():
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return times


def stats(ts: list[float]) -> dict:
    return {"min": min(ts), "median": statistics.median(ts)}


def ratio(num: list[float], den: list[float]) -> dict:
    """min/min and median/median of two interleaved timing lists."""
    return {
        "min": min(num) / min(den),
        "median": statistics.median(num) / statistics.median(den),
    }


def record(section: str, data: dict) -> None:
    """Store one benchmark's numbers under ``section`` in benchmarks/results.json."""
    doc = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    doc[section] = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), **data}
    RESULTS.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
