"""Exhaustive verification split across Dask workers.

:func:`verify_dask` cuts the C(w, R) subsets into ``shards`` rank ranges
(``ffcc.verify.verify(scheme, shard=(i, n))``), runs them on a Dask cluster with the
scheme broadcast once to every worker, stops early when a shard finds a failing subset,
and merges the shard reports with :func:`ffcc.verify.merge` (``holds`` is True only when
the shards cover every rank). A shard whose worker dies is run again (twice at most), then
:class:`~ffcc.run.WorkerLost` is raised: a lost worker is a failed run (exit 1 with one
line), never a verdict on the scheme.

Example (not run here: it starts processes)::

    from ffcc.run import verify_dask
    rep = verify_dask(scheme, n_workers=2)          # a LocalCluster on 127.0.0.1
    rep = verify_dask(scheme, scheduler="tcp://10.0.0.5:8786")
    print(rep.summary())
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import CancelledError

from .._errors import FfccError
from .._progress import Progress
from ..verify import VerifyReport, merge, verify
from ._dask import DaskExecutor
from ._errors import RunError, WorkerLost

__all__ = ["verify_dask"]

_RETRIES = 2  # a shard whose worker died is run again this many times


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
    try:  # optional dependency (ffcc[distributed])
        import distributed  # noqa: F401
    except ImportError:
        raise RunError(
            "verify_dask needs dask.distributed: pip install 'ffcc[distributed]'"
        ) from None
    t = time.perf_counter()
    ex = DaskExecutor(scheduler, n_workers, client=client)
    try:
        out, n, lost = _run_shards(ex, scheme, R, shards, progress)
    except (OSError, CancelledError) as e:  # a connection closed under a dying worker
        raise WorkerLost(
            f"verify: the Dask cluster lost a worker or the scheduler ({type(e).__name__}); "
            "the check did not finish, so nothing is claimed"
        ) from None
    finally:
        ex.close()
    if lost:
        out.notes.append(f"{sum(lost.values())} shard(s) rerun after their Dask worker died")
    out.seconds = time.perf_counter() - t
    out.notes.append(f"split into {n} shards on {ex.processes} Dask worker threads")
    return out


def _run_shards(ex, scheme, R, shards, progress):
    """Run the shards, rerunning those lost with their worker; (merged report, n, lost)."""
    from distributed import as_completed  # optional dependency

    c = ex.client
    n = int(shards) if shards else 4 * max(1, ex.processes or 1)
    sfut = c.scatter(scheme, broadcast=True, hash=False)
    futs = {c.submit(_verify_shard, sfut, R, (i, n), pure=False): i for i in range(n)}
    ac = as_completed(list(futs))
    lost: Counter = Counter()
    reports = []
    with Progress(n, "verify shards", progress) as bar:
        while futs:
            ex._workers()  # raises RunError once the scheduler is gone
            if not ac.has_ready():
                time.sleep(0.01)
                continue
            for fut in ac.next_batch(block=False):
                i = futs.pop(fut)
                try:
                    rep = fut.result(timeout=ex.timeout)
                except FfccError:
                    raise
                except Exception as e:  # the worker holding the shard died
                    lost[i] += 1
                    if lost[i] > _RETRIES:
                        raise WorkerLost(
                            f"verify: shard {i} of {n} was lost with its Dask worker "
                            f"{lost[i]} times ({type(e).__name__}); the check did not "
                            "finish, so nothing is claimed"
                        ) from None
                    again = c.submit(_verify_shard, sfut, R, (i, n), pure=False)
                    futs[again] = i
                    ac.add(again)
                    continue
                reports.append(rep)
                bar.update(1)
                if rep.holds is False:
                    c.cancel(list(futs))
                    futs.clear()
                    break
    return merge(reports), n, lost
