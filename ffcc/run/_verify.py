"""Exhaustive verification split across Dask workers.

:func:`verify_dask` cuts the C(w, R) subsets into ``shards`` rank ranges
(``ffcc.verify.verify(scheme, shard=(i, n))``), runs them on a Dask cluster with the
scheme broadcast once to every worker, stops early when a shard finds a failing subset,
and merges the shard reports with :func:`ffcc.verify.merge` (``holds`` is True only when
the shards cover every rank).

Example (not run here: it starts processes)::

    from ffcc.run import verify_dask
    rep = verify_dask(scheme, n_workers=2)          # a LocalCluster on 127.0.0.1
    rep = verify_dask(scheme, scheduler="tcp://10.0.0.5:8786")
    print(rep.summary())
"""

from __future__ import annotations

import time

from .._progress import Progress
from ..verify import VerifyReport, merge, verify
from ._errors import RunError
from ._executors import DaskExecutor

__all__ = ["verify_dask"]


def _verify_shard(scheme, R, shard):
    return verify(scheme, R, shard=shard, progress=False)


def verify_dask(
    scheme,
    R: int | None = None,
    *,
    shards: int | None = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    client=None,
    progress: bool | None = None,
) -> VerifyReport:
    """Verify every R-subset of ``scheme`` on Dask workers; returns the merged report.

    Parameters
    ----------
    shards:
        Rank ranges to cut the work into (default: 4 per worker thread).
    scheduler, n_workers, client:
        A scheduler address, or the size of a LocalCluster to start, or a Client to use.
    """
    try:
        from distributed import as_completed
    except ImportError:
        raise RunError(
            "verify_dask needs dask.distributed: pip install 'ffcc[distributed]'"
        ) from None
    t = time.perf_counter()
    ex = DaskExecutor(scheduler, n_workers, client=client)
    try:
        c = ex.client
        n = int(shards) if shards else 4 * max(1, ex.processes or 1)
        sfut = c.scatter(scheme, broadcast=True, hash=False)
        futs = [c.submit(_verify_shard, sfut, R, (i, n), pure=False) for i in range(n)]
        reports = []
        with Progress(n, "verify shards", progress) as bar:
            for fut in as_completed(futs):
                rep = fut.result()
                reports.append(rep)
                bar.update(1)
                if rep.holds is False:
                    c.cancel([f for f in futs if not f.done()])
                    break
        out = merge(reports)
    finally:
        ex.close()
    out.seconds = time.perf_counter() - t
    out.notes.append(f"split into {n} shards on {ex.processes} Dask worker threads")
    return out
