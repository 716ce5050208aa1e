r"""Engines that run one group of w coded tasks and keep the first results that suffice.

One interface, four engines:

* :class:`LocalExecutor` (default, no extra dependency): a
  :class:`concurrent.futures.ProcessPoolExecutor` on the ``forkserver`` context. The coded
  operands of a group are written once into a memory-mapped file (``/dev/shm`` when
  present); a task is only (file, worker index, delay, fault). Workers write their result
  into the same file, so nothing large crosses a pipe. A worker process that dies breaks
  the whole pool (:class:`~concurrent.futures.process.BrokenProcessPool`): the executor
  tells the crashed task from the collateral ones by exit code, counts the crashed one as
  missing, rebuilds the pool and resubmits only the tasks still outstanding.
* :class:`DaskExecutor`: :mod:`dask.distributed`, on a scheduler address or on a
  :class:`~distributed.LocalCluster` it starts. At most one task per worker thread is in
  flight (pinned with ``workers=``), so a fast task never queues behind a straggler; a lost
  worker is reported at once as ``KilledWorker`` (``allowed-failures = 0``).
* :class:`ThreadExecutor`: threads of this process, delays slept for real; for small
  jobs, where starting processes costs more than the job (``kill`` is recorded only).
* :class:`InlineExecutor`: runs the tasks one after the other in this process (for
  debugging and fast tests; ``kill`` is recorded, not executed).

Several groups may be in flight at once, each with its own coordinator thread calling
``run_group`` (engines with ``concurrent = True``): the local pool is shared and replaced
under a lock after a crash (each group blames its own tasks from the exit codes of the
pool they ran on), and Dask's worker threads are counted over every group in flight.

Every engine returns per-worker :class:`WorkerEvent` records (status ``ok``, ``raised``,
``killed``, ``abandoned`` or, after decoding, ``corrupted-detected``).

Injected delays are sleeps that end early when the group is abandoned (the coordinator
sets a flag), so an abandoned straggler frees its slot; a task already computing cannot
be stopped and keeps its slot until it finishes (reported as ``slot_kept``).

Where each part lives: the job model and the engine interface in :mod:`ffcc.run._job`,
what a worker computes (and its injected faults) in :mod:`ffcc.run._compute`, the shared
group file in :mod:`ffcc.run._shm`, the local, thread and inline engines in
:mod:`ffcc.run._local`, the Dask engine in :mod:`ffcc.run._dask`; this module picks one
by name (:func:`make_executor`).
"""

from __future__ import annotations

from ._dask import DaskExecutor
from ._errors import InputError, RunError
from ._job import Executor
from ._local import InlineExecutor, LocalExecutor, ThreadExecutor

__all__ = [
    "Executor",
    "LocalExecutor",
    "DaskExecutor",
    "InlineExecutor",
    "ThreadExecutor",
    "make_executor",
]


def make_executor(name: str | Executor = "local", **kw) -> Executor:
    """The engine called ``name``: ``local`` (default), ``dask``, ``threads`` or ``inline``;
    keyword arguments go to the engine (``local``, ``dask``).

    An :class:`Executor` instance is returned unchanged; an unknown name is an
    :class:`~ffcc.InputError` (exit 2), ``dask`` without :mod:`dask.distributed` installed a
    :class:`~ffcc.run.RunError`.

    >>> ex = make_executor("inline")
    >>> ex.name, make_executor(ex) is ex
    ('inline', True)
    >>> make_executor("gpu")
    Traceback (most recent call last):
    ...
    ffcc._errors.InputError: unknown executor 'gpu'; use local, dask, threads or inline
    """
    if isinstance(name, Executor):
        return name
    name = str(name).lower()
    if name == "local":
        return LocalExecutor(**kw)
    if name == "inline":
        return InlineExecutor()
    if name == "threads":
        return ThreadExecutor()
    if name == "dask":
        try:  # optional dependency (ffcc[distributed])
            import distributed  # noqa: F401
        except ImportError:
            raise RunError(
                "the dask executor needs dask.distributed: pip install 'ffcc[distributed]'"
            ) from None
        return DaskExecutor(**kw)
    raise InputError(f"unknown executor {name!r}; use local, dask, threads or inline")
