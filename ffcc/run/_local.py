r"""Engines on this machine: a process pool (:class:`LocalExecutor`), threads of this
process (:class:`ThreadExecutor`) and one task after the other (:class:`InlineExecutor`).

Only the process pool makes every worker its own failure domain: a task that crashes its
process (an injected ``kill``, a signal from outside) costs that result, and the pool is
rebuilt. The overview of every engine is in :mod:`ffcc.run._executors`.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from ._compute import cached_field, fail_if_injected, sleep_or_abort, worker_products
from ._errors import RunError
from ._faults import KILL
from ._job import ABANDONED, KILLED, OK, RAISED, Executor, GroupTracker
from ._shm import GroupFile, open_group

__all__ = ["InlineExecutor", "ThreadExecutor", "LocalExecutor"]


def _init_worker(blas_threads):
    # the coordinator handles Ctrl-C; workers must not each print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(ImportError):  # optional: cap BLAS threads if available
        from threadpoolctl import threadpool_limits

        if blas_threads:
            threadpool_limits(blas_threads)


def _warmup(i):
    F = cached_field(65537)
    x = np.ones((4, 4), dtype=np.int64)
    F.matmul(x, x)
    time.sleep(0.05)  # spread the warm-up tasks over the processes
    return os.getpid()


def _local_task(path, j, attempt, delay, fault):
    t_start = time.time()
    pid = os.getpid()
    g = open_group(path)
    if g is None:
        return {"status": ABANDONED, "start": t_start, "end": time.time(), "pid": pid}
    h = g.header
    flags, state = g.view("flags"), g.view("state")
    state[j, 0], state[j, 1], state[j, 2] = pid, attempt + 1, int(t_start * 1e6)
    if sleep_or_abort(delay, lambda: flags[j] != 0):
        return {"status": ABANDONED, "start": t_start, "end": time.time(), "pid": pid}
    fail_if_injected(fault, h["group"], j)
    ops = [tuple(g.view(("in", q, c))[j] for c in range(h["d"])) for q in range(h["nq"])]
    outs = worker_products(
        h["kind"], h["primes"], h["product"], ops, fault, (h["seed"], h["group"], j)
    )
    ret = {"status": OK, "start": t_start, "pid": pid, "results": None}
    if h["out"]:
        for q, r in enumerate(outs):
            g.view(("out", q))[j] = r
    else:
        ret["results"] = outs
    ret["end"] = time.time()
    return ret


class InlineExecutor(Executor):
    """Runs tasks one by one in this process, in the order of their delays (no sleeps).

    A ``kill`` fault is recorded as killed without exiting; useful to test decoding.

    >>> import numpy as np
    >>> from ffcc.run._job import GroupJob
    >>> ops = [(np.array([[j]]), np.array([[2]])) for j in range(3)]  # worker j: 2j mod 7
    >>> job = GroupJob.from_coded(0, "field", (7,), [ops], np.zeros(3), ["kill", "raise", None])
    >>> out = InlineExecutor().run_group(job, lambda ok: len(ok) >= 1, lambda bad: len(bad) <= 2)
    >>> [out.events[j].status for j in range(3)], int(out.results[2][0][0, 0])
    (['killed', 'raised', 'ok'], 4)
    """

    name = "inline"

    def __init__(self):
        self.submissions: list = []

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        """:meth:`Executor.run_group`, one task after the other, shortest delay first;
        ``timeout`` does not apply (no task is waited for)."""
        tr = GroupTracker(job, enough, possible, progress, time.perf_counter(), time.time())
        for j in np.argsort(job.delays, kind="stable"):
            j = int(j)
            if tr.finished():
                break
            self.submissions.append((job.index, j, 0))
            tr.submitted(j)
            info = {"start": tr.wall0 + float(job.delays[j]), "pid": os.getpid()}
            if job.faults[j] == KILL:
                tr.record_fail(j, KILLED, "injected kill", info)
                continue
            try:
                fail_if_injected(job.faults[j], job.index, j)  # raise (a kill is recorded above)
                outs = worker_products(
                    job.kind,
                    job.primes,
                    job.product,
                    job.operands(j),
                    job.faults[j],
                    (job.seed, job.index, j),
                )
            except Exception as e:  # a raising task is a missing result, by design
                tr.record_fail(j, RAISED, f"{type(e).__name__}: {e}", info)
                continue
            tr.record_ok(j, info, outs)
        tr.abandon_rest()
        return tr.outcome(submissions=sum(e.attempts for e in tr.events.values()))


def _thread_task(job, j, abort, wall0):
    t_start = time.time()
    info = {"start": t_start, "pid": os.getpid()}
    if abort.wait(max(float(job.delays[j]), 0.0)):
        info.update(status=ABANDONED, end=time.time())
        return info, None
    fault = job.faults[j]
    if fault == KILL:
        info.update(status=KILLED, end=time.time())
        return info, None
    fail_if_injected(fault, job.index, j)
    key = (job.seed, job.index, j)
    outs = worker_products(job.kind, job.primes, job.product, job.operands(j), fault, key)
    info.update(status=OK, end=time.time())
    return info, outs


class ThreadExecutor(Executor):
    """Threads of this process: no pool to start, for small jobs.

    Every task sleeps its injected delay (ending early when its group is abandoned) and
    then computes in a thread, so stragglers and the groups' latencies are real; the
    field GEMMs release the GIL, so the threads use every core. ``executor="auto"`` picks
    this engine below a measured size (``ffcc.run._pipeline.SMALL_JOB_WORK``), where a
    process pool would cost more to start than the whole job. A ``kill`` fault is
    recorded as killed without killing anything (a thread is not a failure domain): runs
    that inject kills use processes.

    >>> import numpy as np
    >>> from ffcc.run._job import GroupJob
    >>> ops = [(np.array([[j]]), np.array([[2]])) for j in range(3)]  # worker j: 2j mod 7
    >>> delays = np.array([0.0, 30.0, 0.0])  # worker 1 straggles for 30 s
    >>> job = GroupJob.from_coded(0, "field", (7,), [ops], delays, [None] * 3)
    >>> with ThreadExecutor() as ex:
    ...     out = ex.run_group(job, lambda ok: len(ok) >= 2, lambda bad: len(bad) <= 1)
    >>> sorted(out.results), int(out.results[2][0][0, 0]), out.events[1].status
    ([0, 2], 4, 'abandoned')
    >>> out.t_done < 30  # nobody waited for the straggler
    True
    """

    name = "threads"
    concurrent = True

    def __init__(self, max_threads: int = 256):
        self._pool = ThreadPoolExecutor(max_threads, thread_name_prefix="ffcc-task")
        self.processes = 1
        self.submissions: list = []

    def close(self):
        """Cancel queued tasks; running ones end with their (abandoned) delay."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        """:meth:`Executor.run_group` with one thread per task; the group's abandoned
        delays end at once when it is decided."""
        tr = GroupTracker(job, enough, possible, progress, time.perf_counter(), time.time())
        abort = threading.Event()
        futs = {}
        for j in range(job.w):
            futs[self._pool.submit(_thread_task, job, j, abort, tr.wall0)] = j
            self.submissions.append((job.index, j, 0))
            tr.submitted(j)
        try:
            while not tr.finished():
                if not futs:
                    raise RunError(f"group {job.index}: no task in flight and too few results")
                done, _ = futures_wait(list(futs), timeout=0.1, return_when=FIRST_COMPLETED)
                tr.check_timeout(timeout)
                for f in done:
                    j = futs.pop(f)
                    exc = f.exception()
                    if exc is not None:
                        tr.record_fail(j, RAISED, f"{type(exc).__name__}: {exc}")
                        continue
                    info, outs = f.result()
                    if info["status"] == OK:
                        tr.record_ok(j, info, outs)
                    elif info["status"] == KILLED:
                        why = "injected kill (threads: recorded, not executed)"
                        tr.record_fail(j, KILLED, why, info)
                    else:
                        tr.record_fail(j, ABANDONED, "worker saw the abandon flag", info)
        finally:
            abort.set()  # pending delays end now
            for f in futs:
                f.cancel()
        tr.abandon_rest()
        return tr.outcome(submissions=job.w)


@contextlib.contextmanager
def _blas_env(threads: int | None):
    """Set BLAS thread counts for processes started inside (user settings win)."""
    keys = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {k: os.environ.get(k) for k in keys}
    if threads:
        for k in keys:
            os.environ.setdefault(k, str(threads))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _stopped(pid) -> bool:
    """Whether a process is stopped (SIGSTOP, SIGTSTP) or traced: it cannot finish a task
    until someone resumes it. Linux /proc only; elsewhere never True."""
    try:
        with open(f"/proc/{int(pid)}/stat", "rb") as fh:
            stat = fh.read()
    except (OSError, ValueError):
        return False
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] in (b"T", b"t")


_UNKNOWN_EXIT = 255  # multiprocessing's forkserver reports this when it has no status
_MAX_COLLATERAL = 3  # rebuilds a task may be caught in before it counts as lost
_CLOSE_GRACE = 0.3  # seconds idle workers get to exit on their own before SIGKILL
_CRASH_GRACE = 1.0  # after a crash: the pool's SIGTERM reaches every running worker in ms


def _stop_pool(pool, grace: float) -> dict:
    """Shut a process pool down without ever waiting on a stopped or hung worker.

    The workers are asked to exit (``shutdown(wait=False)``; a broken pool has already
    sent them SIGTERM) and get ``grace`` seconds; whoever is still alive then -- a worker
    stopped with SIGSTOP (which holds a SIGTERM pending), hung, or still computing an
    abandoned task -- is killed with SIGKILL. ``shutdown(wait=True)`` would wait for
    every one of them. Returns {pid: exit code}: -9 marks a process found stopped and
    killed here; one that was merely slow to exit is reported as -15 (collateral, like
    the pool's own SIGTERM), so that a loaded machine does not turn it into a crash.
    """
    procs = dict(getattr(pool, "_processes", None) or {})
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for p in procs.values():
        with contextlib.suppress(Exception):
            p.join(max(0.0, deadline - time.monotonic()))
    forced = {}
    for pid, p in procs.items():
        with contextlib.suppress(Exception):
            if p.is_alive():
                forced[pid] = -signal.SIGKILL if _stopped(pid) else -signal.SIGTERM
                p.kill()  # SIGKILL works on a stopped process too
    for p in procs.values():
        with contextlib.suppress(Exception):
            p.join(1.0)
    return {pid: forced.get(pid, p.exitcode) for pid, p in procs.items()}


class LocalExecutor(Executor):
    """Worker processes on this machine (ProcessPoolExecutor, forkserver).

    Parameters
    ----------
    processes:
        Pool size; by default as many processes as the widest group has workers, so that
        every coded worker has its own process (a sleeping straggler then holds no other
        worker's task back).
    blas_threads:
        BLAS threads per worker process (default 1: the processes already share the cores).
    start_method:
        ``forkserver`` (default) or ``spawn``.

    ``submissions`` lists every task sent as ``(group, worker, attempt)``; ``rebuilds``
    counts pools rebuilt after a crash.

    Example
    -------
    The pool starts on first use (or :meth:`start`), so making one costs nothing; a run
    given an executor leaves it open for the next run, to be closed by its owner::

        ex = LocalExecutor(processes=4)
        C, rep = run_matmul(A, B, m=2, executor=ex)   # starts the pool
        C, rep = run_matmul(A, B, m=3, executor=ex)   # reuses it
        ex.close()

    >>> ex = LocalExecutor(processes=4)
    >>> ex.name, ex.processes, ex.start_s, ex.submissions  # nothing started yet
    ('local', 4, 0.0, [])
    >>> ex.close()
    """

    name = "local"
    concurrent = True

    def __init__(
        self,
        processes: int | None = None,
        *,
        blas_threads: int | None = 1,
        start_method: str = "forkserver",
    ):
        self.processes = processes
        self.blas_threads = blas_threads
        self.start_method = start_method
        self._pool = None
        self._size = 0
        self.submissions: list = []
        self.rebuilds = 0
        self.start_s = 0.0
        # groups run concurrently, one coordinator thread each: the pool is replaced under
        # this lock, and every pool's exit codes are kept by generation for crash blame
        self._lock = threading.RLock()
        self._gen = 0
        self._codes: dict = {}

    def start(self, n: int | None = None) -> float:
        """Start (and warm up) the pool now; returns the seconds it took."""
        n = int(self.processes or n or os.cpu_count() or 2)
        with self._lock:
            if self._healthy() and self._size >= n:
                return 0.0
            t = time.perf_counter()
            self._shutdown()
            self._pool = self._new_pool(n)
            self._gen += 1
            self.start_s = time.perf_counter() - t
        return self.start_s

    def _new_pool(self, n):
        ctx = mp.get_context(self.start_method)
        if self.start_method == "forkserver":
            # the server imports ffcc and loads the kernels once; workers fork warm from it
            # (applies when this process starts the server, i.e. on first use)
            ctx.set_forkserver_preload(["ffcc.run._preload"])
        with _blas_env(self.blas_threads):
            pool = ProcessPoolExecutor(
                n, mp_context=ctx, initializer=_init_worker, initargs=(self.blas_threads,)
            )
            # start all n processes now (the pool otherwise spawns lazily, during the run);
            # a CPython internal, hence the guard: without it the warm-up below still helps
            with contextlib.suppress(AttributeError, AssertionError):
                pool._launch_processes()
            # start (and warm) the processes while the BLAS variables are set
            futures_wait([pool.submit(_warmup, i) for i in range(n)])
        self._size = n
        return pool

    def _shutdown(self):
        if self._pool is not None:
            _stop_pool(self._pool, _CLOSE_GRACE)
            self._pool = None

    def close(self):
        """Stop the pool: idle workers get 0.3 s to exit, then whoever is left is killed."""
        self._shutdown()

    def _kill_stopped(self) -> list:
        """SIGKILL pool processes that are stopped (SIGSTOP): an idle one may hold the
        task queue's lock and block every other worker, a busy one never finishes. Its
        task then counts as lost (exit code -9), like a crash."""
        procs = getattr(self._pool, "_processes", None) or {}
        gone = []
        for pid, p in list(procs.items()):
            if _stopped(pid):
                with contextlib.suppress(Exception):
                    p.kill()
                    gone.append(pid)
        return gone

    def _healthy(self) -> bool:
        # a worker that died after its group was decoded leaves a broken pool behind
        return self._pool is not None and not getattr(self._pool, "_broken", False)

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        """:meth:`Executor.run_group` on the pool (started, grown or rebuilt as needed):
        the operands go through a :class:`~ffcc.run._shm.GroupFile`; a crashed task counts
        as missing and the tasks caught in the crash are sent again."""
        with self._lock:
            if self._pool is None:
                self.start(job.w)
            elif self._kill_stopped() or not self._healthy():
                self._replace_pool()
            if self.processes is None and self._size < job.w:
                self._replace_pool(job.w)
        gf = GroupFile(job)
        try:
            return self._run(job, gf, enough, possible, progress, timeout)
        finally:
            gf.flags[:] = 1  # a timeout or an error: pending delays end now, not later
            gf.close()

    def _replace_pool(self, n: int | None = None) -> None:
        """Stop the current pool (keeping its processes' exit codes for the groups that had
        tasks on it) and start a new one. Caller holds the lock."""
        if self._pool is not None:
            self._codes[self._gen] = _stop_pool(self._pool, _CRASH_GRACE)
            self._pool = None
        self._pool = self._new_pool(int(n or self._size or self.processes or 2))
        self._gen += 1

    def _run(self, job, gf, enough, possible, progress, timeout):
        tr = GroupTracker(job, enough, possible, progress, time.perf_counter(), time.time())
        futs: dict = {}  # future -> (worker, pool generation it went to)
        attempt = Counter()
        n_sub, rebuilds, rebuild_s = 0, 0, 0.0

        unsent: list = []

        def submit(j):
            nonlocal n_sub
            with self._lock:
                pool, gen = self._pool, self._gen
                try:
                    fut = pool.submit(
                        _local_task, gf.path, j, attempt[j], float(job.delays[j]), job.faults[j]
                    )
                except (BrokenProcessPool, RuntimeError):  # broke since the last check
                    unsent.append((j, gen))  # sent again once the pool is rebuilt
                    return
            futs[fut] = (j, gen)
            self.submissions.append((job.index, j, attempt[j]))
            tr.submitted(j)
            n_sub += 1

        for j in range(job.w):
            submit(j)
        while not tr.finished():
            if not futs and not unsent:  # cannot happen: every task ends ok or failed
                raise RunError(f"group {job.index}: no task in flight and too few results")
            done, _ = futures_wait(list(futs), timeout=0.1, return_when=FIRST_COMPLETED)
            tr.check_timeout(timeout)
            with self._lock:
                self._kill_stopped()  # the pool then breaks: handled below like a crash
            broken = []
            for f in done:
                j, gen = futs.pop(f)
                # cancelled: another group's thread replaced the pool while it was queued
                exc = BrokenProcessPool() if f.cancelled() else f.exception()
                if exc is None:
                    info = f.result()
                    if info["status"] == OK:
                        res = info["results"]
                        if res is None:  # views: the mapping outlives the file's name
                            res = [gf.view(("out", q))[j] for q in range(job.nq)]
                        tr.record_ok(j, info, res)
                    else:  # abandoned by a stale flag cannot happen mid-group; be safe
                        tr.record_fail(j, ABANDONED, "worker saw the abandon flag", info)
                elif isinstance(exc, BrokenProcessPool):
                    broken.append((j, gen))
                else:
                    tr.record_fail(j, RAISED, f"{type(exc).__name__}: {exc}")
            if (broken or unsent) and not tr.finished():
                t = time.perf_counter()
                # every task on a broken pool is lost; tasks on a newer pool run on
                bad = {gen for _j, gen in broken + unsent}
                lost = broken + [jg for jg in futs.values() if jg[1] in bad]
                for f in [f for f, jg in futs.items() if jg[1] in bad]:
                    del futs[f]
                retry = unsent[:]
                unsent.clear()
                with self._lock:
                    # the first group to see a broken pool replaces it; the others find the
                    # exit codes of its processes under the generation their tasks went to
                    if self._gen in bad:
                        self._replace_pool()
                        rebuilds += 1
                        self.rebuilds += 1
                    crashed = self._identify_crashed(gf, lost, attempt)
                for j in crashed:
                    tr.record_fail(j, KILLED, f"worker process died (exit code {crashed[j]})")
                for j, _gen in lost:
                    if j not in crashed:
                        attempt[j] += 1
                        submit(j)  # collateral damage: still needed, run it again
                for j, _gen in retry:
                    submit(j)
                rebuild_s += time.perf_counter() - t
        # abandon the rest: flags end pending delays; queued tasks are cancelled
        gf.flags[:] = 1
        wall = time.time()
        kept, computing = {}, []
        for f, (j, _gen) in futs.items():
            if f.cancel() or gf.state[j, 1] != attempt[j] + 1:
                continue  # never started
            started = gf.state[j, 2] / 1e6
            if wall < started + job.delays[j]:
                kept[j] = 0.0  # still sleeping: the flag frees its process within ms
            else:
                computing.append(j)
        tr.abandon_rest(kept)
        for j in computing:
            tr.events[j].detail = "computing when abandoned: keeps its process until done"
        return tr.outcome(submissions=n_sub, rebuilds=rebuilds, rebuild_s=rebuild_s)

    def _identify_crashed(self, gf, lost, attempt) -> dict:
        """{worker: exit code} of the lost tasks whose own process died, from the exit codes
        of the stopped pool each went to. Processes ended by the pool's SIGTERM are
        collateral; tasks that never started are innocent. (A crash of an abandoned task
        of an earlier group blames nobody.)"""
        crashed = {}
        for j, gen in lost:
            pid, att = int(gf.state[j, 0]), int(gf.state[j, 1])
            if att != attempt[j] + 1:
                continue  # never started: innocent
            code = self._codes.get(gen, {}).get(pid, "unknown")
            # 255: the forkserver lost track of the exit status (not a crash of its own);
            # a task caught in that many rebuilds in a row counts as lost all the same
            if code not in (-signal.SIGTERM, _UNKNOWN_EXIT) or attempt[j] >= _MAX_COLLATERAL:
                crashed[j] = code
        return crashed
