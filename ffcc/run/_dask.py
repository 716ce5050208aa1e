r"""The Dask engine: the tasks of a group on the workers of a :mod:`dask.distributed`
cluster (:class:`DaskExecutor`).

Dask is an optional dependency (``pip install 'ffcc[distributed]'``): it is imported where
it is used, so that this module, and :mod:`ffcc.run`, import without it.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import threading
import time
import uuid
from collections import Counter, deque

from ._compute import POLL_S, fail_if_injected, worker_products
from ._errors import InputError, RunError
from ._job import ABANDONED, KILLED, OK, RAISED, Executor, GroupTracker

__all__ = ["DaskExecutor"]


class DaskExecutor(Executor):
    """Workers of a :mod:`dask.distributed` cluster.

    Parameters
    ----------
    scheduler:
        Address of a running scheduler (``tcp://host:port``); None starts a
        ``LocalCluster(n_workers, threads_per_worker=1, processes=True)`` on 127.0.0.1.
    n_workers:
        Workers of the local cluster.
    timeout:
        Seconds to wait for the scheduler to answer and for a first worker to join; past
        that a :class:`RunError` says which (a scheduler with no workers never hangs).

    At most one task per worker thread is in flight, each pinned with ``workers=``; its
    operands are scattered to that worker only. ``allowed-failures = 0`` makes a lost
    worker's task fail at once with ``KilledWorker`` (set before the local cluster starts;
    for an external scheduler it must be set in that scheduler's configuration; either
    way a worker that leaves the cluster is noticed here and its tasks count as lost).

    **Failure domains.** A worker *process* is what dies; every task in flight on it is
    lost with it. A group that tolerates s missing results therefore never has more than
    s tasks in flight on one process (when s >= 1): one process loss costs at most the
    budget. The cap is reported in the group's events when it limits a multi-threaded
    worker.

    Example
    -------
    Making one starts (or connects to) a cluster, so it is not run here::

        ex = DaskExecutor(n_workers=4)                  # a LocalCluster on 127.0.0.1
        ex = DaskExecutor("tcp://10.0.0.5:8786")        # or a running scheduler
        C, rep = run_matmul(A, B, m=2, executor=ex)
        ex.close()

    ``run_matmul(..., executor="dask")`` makes and closes one itself. What every engine
    declares:

    >>> DaskExecutor.name, DaskExecutor.concurrent  # groups may share the cluster at once
    ('dask', True)
    """

    name = "dask"
    concurrent = True

    def __init__(
        self,
        scheduler: str | None = None,
        n_workers: int = 2,
        *,
        client=None,
        silence_logs: bool = True,
        timeout: float = 30.0,
    ):
        import dask  # optional dependency: see the module docstring
        from distributed import Client, LocalCluster

        if client is None and not scheduler and (isinstance(n_workers, bool) or int(n_workers) < 1):
            raise InputError(f"a local Dask cluster needs n_workers >= 1, got {n_workers!r}")
        t = time.perf_counter()
        self.timeout = float(timeout)
        self._cfg = dask.config.set({"distributed.scheduler.allowed-failures": 0})
        # a lost scheduler or worker is reported once, by ffcc, not also by dask's logs
        self._log = logging.getLogger("distributed.client")
        self._log_level = self._log.level
        if silence_logs:
            self._log.setLevel(logging.CRITICAL)
        self._own_client = client is None
        self.cluster = None
        self.client = client
        try:
            if client is not None:
                pass
            elif scheduler:
                try:
                    self.client = Client(scheduler, timeout=self.timeout)
                except (OSError, TimeoutError) as e:
                    raise RunError(
                        f"cannot reach the Dask scheduler at {scheduler} within "
                        f"{self.timeout:g} s ({type(e).__name__}); is it running?"
                    ) from None
            else:
                try:
                    self.cluster = LocalCluster(
                        n_workers=int(n_workers),
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL if silence_logs else logging.WARNING,
                    )
                except (RuntimeError, OSError) as e:  # e.g. "Nanny failed to start"
                    raise RunError(
                        f"the local Dask cluster of {n_workers} workers failed to start "
                        f"({type(e).__name__}: {_first_line(e)})"
                    ) from None
                self.client = Client(self.cluster, timeout=self.timeout)
            try:
                self.client.wait_for_workers(1, timeout=self.timeout)
            except TimeoutError:
                where = scheduler or "the local cluster"
                raise RunError(
                    f"no Dask worker joined the scheduler at {where} within {self.timeout:g} s; "
                    f"start workers with `dask worker {scheduler or 'ADDRESS'}`"
                ) from None
            # import ffcc and load the kernels in every worker now, not in the first task
            # (a worker dying meanwhile only misses its warm-up)
            self.client.run(_dask_warmup, on_error="return")
            self.processes = sum(self.worker_threads().values())
        except BaseException:
            self.close()
            raise
        self.start_s = time.perf_counter() - t
        self.submissions: list = []
        self._lingering: dict = {}  # futures of abandoned tasks still holding a thread
        self._inflight: dict = {}  # future -> worker address, over every group in flight
        self._lock = threading.RLock()  # groups run concurrently, one thread each

    def close(self):
        """Close the client and the local cluster this executor started (not an external
        scheduler or a client it was given), and restore dask's settings and logging."""
        with contextlib.suppress(Exception):
            if self._own_client and self.client is not None:
                self.client.close(timeout=2)
        with contextlib.suppress(Exception):
            if self.cluster is not None:
                self.cluster.close(timeout=5)
        self.cluster = None
        with contextlib.suppress(Exception):
            self._cfg.__exit__(None, None, None)
        self._log.setLevel(self._log_level)

    def worker_threads(self) -> dict:
        """{address: threads} of the workers the scheduler has now; a RunError if the
        scheduler itself is gone."""
        if self.client.status not in ("running", "connecting", "newly-created"):
            raise RunError(f"lost the Dask scheduler (client {self.client.status})")
        try:
            return dict(self.client.nthreads())
        except Exception as e:
            raise RunError(
                f"lost the Dask scheduler ({type(e).__name__}: {_first_line(e)})"
            ) from None

    def _free_slots(self, nthreads: dict, cap: int | None, mine: Counter) -> dict:
        """Tasks worker a may take now: its free threads (after abandoned tasks and every
        group's tasks in flight), and at most ``cap`` of this group's tasks in flight."""
        busy = Counter(self._inflight.values())
        for fut, addr in list(self._lingering.items()):
            if fut.done():
                del self._lingering[fut]
            else:
                busy[addr] += 1
        return {a: min(n - busy[a], (cap or n) - mine[a]) for a, n in nthreads.items()}

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        """:meth:`Executor.run_group` on the cluster: tasks go to free worker threads (at
        most s of this group's per worker process), each with its operands scattered to
        that worker; a worker that leaves the cluster costs the tasks it held."""
        from distributed import Event, as_completed  # optional dependency

        client = self.client
        token = f"ffcc-abandon-{uuid.uuid4().hex}"
        tr = GroupTracker(job, enough, possible, progress, time.perf_counter(), time.time())
        queue = deque(range(job.w))
        running: dict = {}
        ac = as_completed([], raise_errors=False)
        n_sub = 0
        # one process loss may cost at most the s missing results the group tolerates
        cap = job.tolerates if job.tolerates and job.tolerates >= 1 else None
        nthreads = self.worker_threads()
        if cap is not None and any(n > cap for n in nthreads.values()):
            for ev in tr.events.values():
                ev.detail = f"at most {cap} task(s) in flight per worker process (s = {cap})"
        last_check = time.perf_counter()
        try:
            while not tr.finished():
                if time.perf_counter() - last_check > 0.1:
                    nthreads = self.worker_threads()
                    last_check = time.perf_counter()
                    for fut, (j, addr) in list(running.items()):
                        if addr not in nthreads:  # its process is gone, and the task with it
                            del running[fut]
                            with self._lock:
                                self._inflight.pop(fut, None)
                            fut.cancel()
                            tr.record_fail(j, KILLED, f"worker {addr} left the cluster")
                    if tr.finished():
                        break
                if queue:
                    with self._lock:  # slots are shared by the groups in flight
                        mine = Counter(addr for _j, addr in running.values())
                        free = self._free_slots(nthreads, cap, mine)
                        for addr, n in free.items():
                            while n > 0 and queue:
                                j = queue.popleft()
                                try:
                                    fut = self._submit(job, j, addr, token)
                                except RunError:
                                    raise
                                except Exception:  # that worker just went away: try another
                                    queue.appendleft(j)
                                    nthreads.pop(addr, None)
                                    break
                                running[fut] = (j, addr)
                                self._inflight[fut] = addr
                                ac.add(fut)
                                self.submissions.append((job.index, j, 0))
                                tr.submitted(j)
                                n_sub += 1
                                n -= 1
                if not ac.has_ready():
                    time.sleep(POLL_S)
                    tr.check_timeout(timeout)
                    continue
                for fut in ac.next_batch(block=False):
                    if fut not in running:
                        continue  # already counted lost
                    j, _addr = running.pop(fut)
                    with self._lock:
                        self._inflight.pop(fut, None)
                    self._record(tr, fut, j)
        finally:
            with contextlib.suppress(Exception):
                Event(token, client=client).set()  # ends the delays of abandoned stragglers
            for fut, (_j, addr) in running.items():
                with contextlib.suppress(Exception):
                    fut.cancel()  # does not stop a running task: it keeps its thread
                with self._lock:
                    self._inflight.pop(fut, None)
                    self._lingering[fut] = addr  # later groups count that thread as busy
        tr.abandon_rest()
        for _fut, (j, _addr) in running.items():
            tr.events[j].detail = (
                "cancelled: an injected delay ends at once, but a task already computing "
                "keeps its thread until it finishes"
            )
        return tr.outcome(submissions=n_sub)

    def _submit(self, job, j, addr, token):
        ops = self.client.scatter(
            _Ops(job.operands(j)), workers=[addr], hash=False, timeout=self.timeout
        )
        return self.client.submit(
            _dask_task,
            ops,
            job.kind,
            tuple(job.primes),
            job.product,
            j,
            float(job.delays[j]),
            job.faults[j],
            (job.seed, job.index, j),
            token,
            workers=[addr],
            allow_other_workers=False,
            pure=False,
            key=f"ffcc-g{job.index}-w{j}-{uuid.uuid4().hex[:8]}",
        )

    @staticmethod
    def _record(tr, fut, j):
        from distributed import KilledWorker  # optional dependency

        try:
            if fut.status == "finished":
                info, outs = fut.result(timeout=30)
                if info["status"] == OK:
                    tr.record_ok(j, info, outs)
                else:
                    tr.record_fail(j, ABANDONED, "worker saw the abandon event", info)
                return
            exc = fut.exception(timeout=30) if fut.status == "error" else None
        except Exception as e:  # lost between finishing and fetching, or cancelled
            tr.record_fail(j, KILLED, f"worker lost ({type(e).__name__})")
            return
        if isinstance(exc, KilledWorker) or fut.status != "error":
            why = type(exc).__name__ if exc is not None else f"task {fut.status}"
            tr.record_fail(j, KILLED, f"worker lost ({why})")
        else:
            tr.record_fail(j, RAISED, f"{type(exc).__name__}: {exc}")


def _first_line(e) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


class _Ops:
    """Wrapper so that scatter sends one object (a list would be scattered item by item)."""

    def __init__(self, ops):
        self.ops = ops


def _dask_warmup():
    importlib.import_module("ffcc.run._preload")
    return os.getpid()


def _dask_task(ops, kind, primes, product, j, delay, fault, rng_key, token):
    t_start = time.time()
    info = {"start": t_start, "pid": os.getpid()}
    if delay > 0:
        from distributed import Event  # optional dependency

        if Event(token).wait(timeout=delay):
            info.update(status=ABANDONED, end=time.time())
            return info, None
    fail_if_injected(fault, rng_key[1], j)
    outs = worker_products(kind, primes, product, ops.ops, fault, rng_key)
    info.update(status=OK, end=time.time())
    return info, outs
