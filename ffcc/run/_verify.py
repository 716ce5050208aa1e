"""Exhaustive verification split across Dask workers.

:func:`verify_dask` cuts the C(w, R) subsets into ``shards`` rank ranges
(``ffcc.verify.verify(scheme, shard=(i, n))``), runs them on a Dask cluster with the
scheme broadcast once to every worker, stops early when a shard finds a failing subset,
and merges the shard reports with :func:`ffcc.verify.merge` (``holds`` is True only when
the shards cover every rank). A shard whose worker dies is run again (twice at most), then
:class:`~ffcc.run.WorkerLost` is raised: a lost worker is a failed run (exit 1 with one
line), never a verdict on the scheme.

With ``ledger=FILE`` every finished shard is also recorded in a ledger
(:func:`ffcc.verify.verify_resumable`): a run killed midway, cluster and all, resumes from
it and only the missing shards run again.

Example (not run here: it starts processes)::

    from ffcc.run import verify_dask
    rep = verify_dask(scheme, n_workers=2)          # a LocalCluster on 127.0.0.1
    rep = verify_dask(scheme, scheduler="tcp://10.0.0.5:8786")
    rep = verify_dask(scheme, n_workers=2, ledger="verify.ledger")  # resumable
    print(rep.summary())
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import CancelledError

from .._errors import FfccError
from .._progress import Progress
from ..verify import VerifyReport, merge, shard_record, verify, verify_resumable
from ._dask import DaskExecutor
from ._errors import RunError, WorkerLost

__all__ = ["verify_dask"]

_RETRIES = 2  # a shard whose worker died is run again this many times


def _shard_report(scheme, R, shard):
    return verify(scheme, R, shard=shard, progress=False)


def _shard_record(scheme, R, shard):
    """What the ledger records of a shard (see :func:`ffcc.verify.verify_resumable`)."""
    return shard_record((scheme, R, *shard))


def verify_dask(
    scheme,
    R: int | None = None,
    *,
    shards: int | None = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    client=None,
    progress: bool | None = None,
    ledger=None,
) -> VerifyReport:
    """Verify every R-subset of ``scheme`` on Dask workers; returns the merged report.

    Parameters
    ----------
    shards:
        Rank ranges to cut the work into (default: 4 per worker thread; 64 with a ledger,
        as ``ffcc verify --ledger``).
    scheduler, n_workers, client:
        A scheduler address, or the size of a LocalCluster to start, or a Client to use.
    ledger:
        A ledger file: finished shards are recorded there, and a run with the same ledger
        skips them (a ledger made for another scheme, R or shard count is refused).

    Example
    -------
    It starts a cluster (see the module docstring); what it computes is the merge of the
    shard reports, here made in this process, shard by shard (MatDot m = 2, s = 1: every
    3-subset of its 4 workers, 4 subsets in 3 rank ranges):

    >>> from ffcc.codes import build
    >>> S = build("matdot", m=2, s=1)
    >>> rep = merge([verify(S, 3, shard=(i, 3), progress=False) for i in range(3)])
    >>> rep.holds, rep.total, rep.checked
    (True, 4, 4)
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
        if ledger is None:
            out, n, lost = _run_shards(ex, scheme, R, shards, progress)
        else:
            out, n, lost = _run_ledger(ex, scheme, R, shards or 64, ledger, progress)
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


def _results(ex, fn, scheme, R, todo, n, lost, bar):
    """Yield (i, fn(scheme, R, (i, n))) for the shards ``todo`` as they finish, rerunning
    those lost with their worker (``lost`` counts them); cancels what is left on exit."""
    from distributed import as_completed  # optional dependency

    c = ex.client
    sfut = c.scatter(scheme, broadcast=True, hash=False)
    futs = {c.submit(fn, sfut, R, (i, n), pure=False): i for i in todo}
    ac = as_completed(list(futs))
    try:
        while futs:
            ex.worker_threads()  # raises RunError once the scheduler is gone
            if not ac.has_ready():
                time.sleep(0.01)
                continue
            for fut in ac.next_batch(block=False):
                i = futs.pop(fut)
                try:
                    res = fut.result(timeout=ex.timeout)
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
                    again = c.submit(fn, sfut, R, (i, n), pure=False)
                    futs[again] = i
                    ac.add(again)
                    continue
                bar.update(1)
                yield i, res
    finally:
        if futs:
            c.cancel(list(futs))


def _run_shards(ex, scheme, R, shards, progress):
    """Run the shards, rerunning those lost with their worker; (merged report, n, lost)."""
    n = int(shards) if shards else 4 * max(1, ex.processes or 1)
    lost: Counter = Counter()
    reports = []
    with Progress(n, "verify shards", progress) as bar:
        for _, rep in _results(ex, _shard_report, scheme, R, range(n), n, lost, bar):
            reports.append(rep)
            if rep.holds is False:
                break
    return merge(reports), n, lost


def _run_ledger(ex, scheme, R, shards, ledger, progress):
    """:func:`~ffcc.verify.verify_resumable` with the shards run on the cluster."""
    lost: Counter = Counter()
    count = [int(shards)]

    def mapper(fn, items):  # fn is what the ledger records: _shard_record does the same
        items = list(items)
        n = count[0] = items[0][3]
        with Progress(len(items), "verify shards", progress) as bar:
            todo = [item[2] for item in items]
            for _, d in _results(ex, _shard_record, scheme, R, todo, n, lost, bar):
                yield d

    out = verify_resumable(scheme, ledger, shards=int(shards), R=R, mapper=mapper)
    return out, count[0], lost
