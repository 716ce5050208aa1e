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


CPU: dict[str, list[float]] = {}  # process CPU seconds of the last interleave() calls


def interleave(contenders: dict, reps: int, warm: bool = True) -> dict[str, list[float]]:
    """Run every contender once per round, ``reps`` rounds; wall seconds per call by name.

    Interleaving makes a change in machine load hit every contender alike. The process
    CPU time of each call (what an idle core would take, for single-threaded code) goes
    to :data:`CPU` under the same names.
    """
    if warm:
        for f in contenders.values():
            f()
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for k in contenders:
        CPU[k] = []
    for _ in range(reps):
        for name, f in contenders.items():
            c0, t0 = time.process_time(), time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
            CPU[name].append(time.process_time() - c0)
    return times


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


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
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    doc[section] = {"measured": when, "load_average": load_average(), **data}
    RESULTS.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
