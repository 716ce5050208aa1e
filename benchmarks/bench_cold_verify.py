"""A cold ``ffcc verify`` of a small scheme against a warm one (issue 12: "a cold first run
<= 5 s; compile only the kernels a command uses").

The scheme is ``ffcc export matdot --param m=3 --param s=2`` (w = 7, 21 subsets). Each call
is a fresh subprocess running ``ffcc verify s.json --no-certificate``; contenders,
interleaved, min and median of ``--reps`` rounds:

- cold: an empty numba cache (a new NUMBA_CACHE_DIR per call). Small work takes the exact
  numpy walk (:func:`ffcc.field.use_kernel`), so nothing compiles;
- warm: one numba cache directory kept across calls (the usual case);
- cold, compiled walk: an empty cache with the walk forced onto the numba kernel, which is
  what every verification did before the numpy walk (its compile is the cost saved).

Physical limit: the interpreter plus ``import ffcc`` (see bench_startup.py); the 21 rank
tests themselves take about a millisecond.

Run: ``python benchmarks/bench_cold_verify.py`` (about a minute with the default reps).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import _bench

ROOT = Path(__file__).resolve().parents[1]
FORCE_COMPILED = (
    "import importlib, sys; v = importlib.import_module('ffcc.verify');"
    "v.use_kernel = lambda kernel, work, p: True;"
    "from ffcc.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _env(cache: str) -> dict:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=path)


def _call(cmd: list[str], cache: str) -> None:
    r = subprocess.run(cmd, env=_env(cache), capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")


def _cold(cmd: list[str]):
    def run():
        cache = tempfile.mkdtemp(prefix="ffcc-numba-")
        try:
            _call(cmd, cache)
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    return run


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        scheme = str(Path(tmp) / "s.json")
        warm_cache = str(Path(tmp) / "numba")
        export = ["export", "matdot", "--param", "m=3", "--param", "s=2", "-o", scheme]
        _call([sys.executable, "-m", "ffcc.cli", *export], warm_cache)
        verify = ["verify", scheme, "--no-certificate"]
        runs = {
            "cold": _cold([sys.executable, "-m", "ffcc.cli", *verify]),
            "warm": lambda: _call([sys.executable, "-m", "ffcc.cli", *verify], warm_cache),
            "cold, compiled walk": _cold([sys.executable, "-c", FORCE_COMPILED, *verify]),
        }
        t = _bench.interleave(runs, args.reps)  # warm-up call: fills the warm cache
    print(f"{'ffcc verify (matdot m=3 s=2)':<30} {'min s':>7} {'median s':>9}")
    for name, ts in t.items():
        s = _bench.stats(ts)
        print(f"{name:<30} {s['min']:7.3f} {s['median']:9.3f}")
    cold_warm = _bench.ratio(t["cold"], t["warm"])
    saved = _bench.ratio(t["cold, compiled walk"], t["cold"])
    cold = _bench.stats(t["cold"])
    print(f"cold / warm: {cold_warm['min']:.2f} (min) {cold_warm['median']:.2f} (median)")
    print(f"cold compiled walk / cold: {saved['min']:.2f} (min) {saved['median']:.2f} (median)")
    print(f"cold: {cold['median']:.2f} s (median)  target <= 5 s")
    out = {"cold_over_warm": cold_warm, "compiled_walk_over_cold": saved, "cold_s": cold,
           "warm_s": _bench.stats(t["warm"]), "reps": args.reps}  # fmt: skip
    _bench.record("cold_verify", out)
    return out


if __name__ == "__main__":
    main()
