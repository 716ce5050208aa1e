"""The planner with ffcc.optimize on real sketches: saving over the paper's plan and MatDot.

Sketches: A·A for Zachary's karate club (34 nodes, grid 2 x 2 x 17) and the Les Misérables
co-appearance graph (77 nodes, zero-padded to 78 so that q = 13 divides it; grid
2 x 2 x 13), k = 8 and 16 samples per output block, seed 0 -- both bundled with networkx. For
s = 1 and 2 the script plans with and without ``optimize`` (a time budget per plan; it
compares per-group straggler budgets with one code over all products, which pays s once),
checks that every group of every chosen plan verifies exhaustively, and writes the table
between ``<!-- plan-optimize:start -->`` and ``<!-- plan-optimize:end -->`` in README.md.

Usage: ``python scripts/plan_savings.py [--budget 10]`` (``make optimize-table``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ffcc.plan import plan  # noqa: E402
from ffcc.run import graph_matrix  # noqa: E402
from ffcc.sketch import grid_crmm  # noqa: E402

README = ROOT / "README.md"
START, END = "<!-- plan-optimize:start -->", "<!-- plan-optimize:end -->"


def sketches():
    A = graph_matrix("karate")
    L = graph_matrix("les-miserables")
    pad = 78 - L.shape[0]
    L = np.pad(L, ((0, pad), (0, pad)))
    for k in (8, 16):
        yield f"karate (34, grid 2x2x17), k = {k}", grid_crmm(A, A, 2, 2, 17, k, 0)
        yield (
            f"les-miserables (77 + 1 zero row/column, grid 2x2x13), k = {k}",
            grid_crmm(L, L, 2, 2, 13, k, 0),
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=10.0, help="optimize seconds per plan")
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args()
    lines = [
        "| sketch | s | products | MatDot | paper's plan | planner | + optimize, per-group s "
        "| + optimize, one shared s | chosen | saving vs paper | vs MatDot | groups verified "
        "| optimize time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
        "| ---: |",
    ]
    for name, sk in sketches():
        for s in (1, 2):
            base = plan(sk.samples, s)
            t0 = time.perf_counter()
            opt = plan(sk.samples, s, optimize=args.budget)
            sec = time.perf_counter() - t0
            ok = all(g.verified is True for g in opt.chosen.groups) and all(
                g.verified is True for g in base.chosen.groups
            )
            if not ok:
                raise SystemExit(f"{name}, s = {s}: a group failed or was not verified")
            w = opt.chosen.workers
            cand = {c.name: c.workers for c in opt.candidates}
            lines.append(
                f"| {name} | {s} | {opt.k} | {opt.baseline_workers} | {opt.paper_workers} | "
                f"{base.chosen.workers} | {cand['optimized']} | {cand['optimized-shared']} | "
                f"**{w}** | {opt.paper_workers - w} "
                f"({100 * (opt.paper_workers - w) / opt.paper_workers:.0f}%) | "
                f"{opt.baseline_workers - w} "
                f"({100 * (opt.baseline_workers - w) / opt.baseline_workers:.0f}%) | "
                f"all {len(opt.chosen.groups)} | {sec:.1f} s |"
            )
            print(lines[-1], file=sys.stderr)
    text = "\n".join(lines)
    print(text)
    if not args.no_readme:
        body = README.read_text()
        if START not in body or END not in body:
            raise SystemExit(f"README.md lacks the {START} ... {END} markers")
        head, rest = body.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(f"{head}{START}\n{text}\n{END}{tail}")


if __name__ == "__main__":
    main()
