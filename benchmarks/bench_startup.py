"""Start-up cost: ``import ffcc`` and ``ffcc --help`` against ``import numpy`` and an empty
interpreter, each a fresh subprocess, interleaved, min and median of ``--reps`` rounds.

Targets: ``import ffcc`` <= 2.5x ``import numpy`` (also shown: importing the public names
PrimeField, Scheme and verify, which pulls in numpy); ``ffcc --help`` within 0.2 s of
``python -c pass``. Physical limit: the interpreter's own start (``python -c pass``).

Run: ``python benchmarks/bench_startup.py`` (about 20 s).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import _bench  # noqa: F401  (pins threads before numpy)

CMDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import numpy": [sys.executable, "-c", "import numpy"],
    "import ffcc": [sys.executable, "-c", "import ffcc"],
    "from ffcc import PrimeField, Scheme, verify": [
        sys.executable,
        "-c",
        "from ffcc import PrimeField, Scheme, verify",
    ],
    "ffcc --help": [sys.executable, "-m", "ffcc.cli", "--help"],
}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args(argv)
    runs = {
        name: (lambda c=cmd: subprocess.run(c, check=True, stdout=subprocess.DEVNULL))
        for name, cmd in CMDS.items()
    }
    t = _bench.interleave(runs, args.reps)
    print(f"{'command':<46} {'min s':>7} {'median s':>9}")
    for name, ts in t.items():
        s = _bench.stats(ts)
        print(f"{name:<46} {s['min']:7.3f} {s['median']:9.3f}")
    imp = _bench.ratio(t["import ffcc"], t["import numpy"])
    full = _bench.ratio(t["from ffcc import PrimeField, Scheme, verify"], t["import numpy"])
    base = _bench.stats(t["python -c pass"])
    helpt = _bench.stats(t["ffcc --help"])
    over = {k: helpt[k] - base[k] for k in ("min", "median")}
    print(
        f"import ffcc / import numpy: {imp['min']:.2f} (min) {imp['median']:.2f} (median)"
        f"  target <= 2.5"
    )
    print(f"public names / import numpy: {full['min']:.2f} (min) {full['median']:.2f} (median)")
    print(
        f"ffcc --help - python -c pass: {over['min']:.3f} s (min) {over['median']:.3f} s "
        f"(median)  target <= 0.2 s"
    )
    out = {"import_ratio": imp, "public_import_ratio": full, "help_over_pass_s": over,
           "reps": args.reps}  # fmt: skip
    _bench.record("startup", out)
    return out


if __name__ == "__main__":
    main()
