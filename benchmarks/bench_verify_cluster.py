"""Sharded exhaustive verification on a local Dask cluster: subsets/s against workers.

The general walk -- polynomial code 4 x 5 over GF(2^31 - 1), R = 20, ``--w`` workers
(default 29: C(29, 20) = 10,015,005 subsets) -- is cut into rank shards
(:func:`ffcc.run.verify_dask`, 4 shards per worker) and run on LocalClusters of 1, 2, ...
single-threaded worker processes. Every run is exhaustive: the merged report must say
HOLDS with every subset checked, or the benchmark stops.

All clusters are started first and warmed up (ffcc imported and the walk's numba cache
loaded on every worker); then the worker counts alternate round by round, so that a
change in machine load hits each alike. Per count: min and median wall time of one full
verification (scheduling, scatter and merge included), subsets/s, and the ratio to one
worker; also the same walk in this process without Dask, the baseline for Dask's cost.

The machine's core count is printed and marked in the figure: past it, workers share
cores and the curve must flatten (at 2 on the 2-core development machine). The figure
"subsets/s against workers" is written to docs/verify-cluster.png
(``make verify-cluster``); the numbers go to benchmarks/results.json ("verify_cluster").

``--w 34 --counts 2 --no-inline --reps 1 --section verify_cluster_big`` is a
1,391,975,640-subset exhaustive run (minutes; ``make verify-cluster-big``).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import time
from pathlib import Path

import _bench
import numpy as np  # noqa: E402  (after _bench pins the threads)
from bench_verify import polynomial_4x5  # noqa: E402

from ffcc.run import DaskExecutor, verify_dask  # noqa: E402
from ffcc.verify import verify  # noqa: E402

FIGURE = Path(__file__).resolve().parent.parent / "docs" / "verify-cluster.png"


def _warm():
    """Load the walk's compiled code in a worker (runs once on every worker)."""
    from ffcc.verify import verify as v

    v(polynomial_4x5(21), mds=False, progress=False)
    return os.getpid()


def plot(res: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    ns = [r["workers"] for r in res["runs"]]
    best = [r["best_rate"] / 1e6 for r in res["runs"]]
    med = [r["median_rate"] / 1e6 for r in res["runs"]]
    fig = Figure(figsize=(6, 4), dpi=120)
    ax = fig.add_subplot()
    ax.plot(ns, best, "o-", label="Dask LocalCluster, best of rounds")
    ax.plot(ns, med, "s--", alpha=0.7, label="median of rounds")
    ideal = [best[0] * min(n, res["cores"]) for n in ns]
    ax.plot(ns, ideal, ":", color="grey", label="ideal: min(workers, cores) x 1 worker")
    if all("rate_per_cpu_s" in r for r in res["runs"]):  # work per CPU second: no overhead
        cpu = [r["rate_per_cpu_s"] / 1e6 for r in res["runs"]]
        ax.plot(ns, cpu, "^-.", color="C4", label="per CPU second of the workers")
    if "inline" in res:
        ax.axhline(res["inline"]["best_rate"] / 1e6, color="C2", lw=1,
                   label="one process, no Dask")  # fmt: skip
    ax.axvline(res["cores"], color="C3", lw=1, ls="--", label=f"{res['cores']} cores")
    ax.set_xlabel("Dask workers (one thread each)")
    ax.set_ylabel("subsets checked per second (millions)")
    ax.set_xticks(ns)
    ax.set_ylim(0, 1.6 * max(ideal + best + med))  # room for the legend above the curves
    load = res.get("load_average_end")
    title = f"exhaustive verify, {res['subsets']:,} subsets (w = {res['w']}, R = 20)"
    ax.set_title(f"{title}\n{res['cores']} cores, load average {load:.1f} at the end",
                 fontsize=10)  # fmt: skip
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--w", type=int, default=29, help="workers of the scheme (R = 20)")
    ap.add_argument("--counts", default="1,2,3,4", help="Dask worker counts, e.g. 1,2,3,4")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-inline", action="store_true", help="skip the run without Dask")
    ap.add_argument("--figure", type=Path, default=FIGURE, help="'' for none")
    ap.add_argument("--section", default="verify_cluster", help="key in results.json")
    args = ap.parse_args(argv)
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.core",
                 "distributed.batched"):  # fmt: skip
        logging.getLogger(name).setLevel(logging.CRITICAL)  # no close-down chatter
    S = polynomial_4x5(args.w)
    total = math.comb(S.w, S.R)
    cores = os.cpu_count() or 1
    counts = [int(n) for n in args.counts.split(",")]
    print(f"sharded verify, polynomial 4x5 over GF(2^31-1), w = {S.w}, R = {S.R}: "
          f"{total:,} subsets; {cores} cores; Dask workers {counts}")  # fmt: skip
    clusters = {}
    try:
        for n in counts:
            ex = clusters[n] = DaskExecutor(n_workers=n)
            ex.client.run(_warm)

        worker_cpu: dict[int, list[float]] = {n: [] for n in counts}

        def on(n):
            def run():
                c = clusters[n].client
                c0 = sum(c.run(time.process_time).values())
                rep = verify_dask(S, client=c, progress=False)
                assert rep.holds is True and rep.checked == total, rep.summary()
                worker_cpu[n].append(sum(c.run(time.process_time).values()) - c0)

            return run

        def inline():
            rep = verify(S, mds=False, progress=False)
            assert rep.holds is True and rep.checked == total

        contenders = {} if args.no_inline else {"inline": inline}
        contenders.update({f"dask{n}": on(n) for n in counts})
        t = _bench.interleave(contenders, args.reps, warm=False)
    finally:
        for ex in clusters.values():
            ex.close()

    def rates(ts):
        med = float(np.median(ts))
        return {"min_s": min(ts), "median_s": med,
                "best_rate": total / min(ts), "median_rate": total / med}  # fmt: skip

    res = {"w": S.w, "R": S.R, "subsets": total, "cores": cores, "reps": args.reps,
           "load_average_end": _bench.load_average(), "runs": []}  # fmt: skip
    print(
        f"  load average {res['load_average_end']:.1f} on {cores} cores (other processes "
        "take their share: the ideal is min(workers, free cores) x one worker)"
    )
    if "inline" in t:
        res["inline"] = inl = rates(t["inline"])
        print(f"  one process, no Dask {inl['best_rate']:>14,.0f} /s best "
              f"{inl['median_rate']:>14,.0f} /s median")  # fmt: skip
    for n in counts:
        cpu = float(np.median(worker_cpu[n]))  # summed over the workers: the work done
        r = {"workers": n, **rates(t[f"dask{n}"]), "worker_cpu_s": cpu,
             "rate_per_cpu_s": total / max(cpu, 1e-9)}  # fmt: skip
        res["runs"].append(r)
    one = res["runs"][0]
    for r in res["runs"]:
        r["speedup_min"] = one["min_s"] / r["min_s"]
        r["speedup_median"] = one["median_s"] / r["median_s"]
    for r in res["runs"]:
        note = "  (more workers than cores)" if r["workers"] > cores else ""
        print(f"  {r['workers']} Dask worker(s)   {r['best_rate']:>14,.0f} /s best "
              f"{r['median_rate']:>14,.0f} /s median   x{r['speedup_min']:.2f} (min) "
              f"x{r['speedup_median']:.2f} (median) vs {one['workers']}; workers' CPU "
              f"{r['worker_cpu_s']:.1f} s ({r['rate_per_cpu_s']:,.0f} /s per CPU s)"
              + note)  # fmt: skip
    if str(args.figure) not in ("", "."):
        plot(res, args.figure)
        res["figure"] = os.path.relpath(args.figure, Path(__file__).resolve().parent.parent)
        print(f"  figure: {res['figure']}")
    _bench.record(args.section, res)
    return res


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"  ({time.perf_counter() - t0:.0f} s in all)")
