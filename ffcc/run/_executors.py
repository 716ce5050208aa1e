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
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field

import numpy as np

from ._errors import InjectedFault, InputError, RunError
from ._faults import CORRUPT, KILL, RAISE

__all__ = [
    "Executor",
    "LocalExecutor",
    "DaskExecutor",
    "InlineExecutor",
    "ThreadExecutor",
    "WorkerEvent",
    "GroupJob",
    "GroupOutcome",
    "make_executor",
    "OK",
    "RAISED",
    "KILLED",
    "ABANDONED",
    "CORRUPTED",
]

OK, RAISED, KILLED, ABANDONED, CORRUPTED = (
    "ok",
    "raised",
    "killed",
    "abandoned",
    "corrupted-detected",
)
KILL_EXIT_CODE = 70  # what an injected kill exits with; SIGTERM (-15) marks collateral
_POLL = 0.005  # seconds between checks of the abandon flag while a delay runs


@dataclass
class WorkerEvent:
    """What happened to one worker of one group (times in seconds from the group start)."""

    group: int
    worker: int
    status: str = "pending"
    delay: float = 0.0
    fault: str | None = None
    attempts: int = 0
    started: float | None = None  # when the worker began (worker clock)
    finished: float | None = None  # when the coordinator saw the outcome
    pid: int | None = None
    slot_kept: float | None = None  # abandoned: how long the slot stayed busy afterwards
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class GroupJob:
    """One group's w coded tasks.

    Exact groups (``kind == "field"``) are encoded lazily, straight into wherever the
    operands go: worker j's coordinate c modulo ``primes[q]`` is
    ``sum_l E[q][c][j, l] * X[q][c][l]`` (X holds the reduced input blocks, flattened,
    one row per block). Precomputed operands (the float path) come as ``coded[q][j]``.
    """

    index: int
    kind: str
    primes: tuple
    w: int
    shapes: tuple  # block shape of each coordinate
    delays: np.ndarray
    faults: list
    product: Callable | None = None
    seed: int = 0
    label: str = ""
    E: list | None = None
    X: list | None = None
    coded: list | None = None
    encode_s: float = 0.0  # time spent encoding, wherever it happened
    tolerates: int = 0  # results the group may lose (s): one process loss must cost <= this

    @classmethod
    def from_coded(cls, index, kind, primes, coded, delays, faults, **kw) -> GroupJob:
        shapes = tuple(np.shape(x) for x in coded[0][0])
        return cls(
            index, kind, tuple(primes), len(coded[0]), shapes, delays, faults, coded=coded, **kw
        )

    @property
    def nq(self) -> int:
        return len(self.coded) if self.coded is not None else len(self.primes)

    @property
    def d(self) -> int:
        return len(self.shapes)

    @property
    def dtype(self):
        return np.float64 if self.kind == "float" else np.int64

    def out_shape(self) -> tuple[int, ...] | None:
        """Shape of a worker's result when known in advance (chained 2-D products)."""
        sh = self.shapes
        if self.product is not None or any(len(x) != 2 for x in sh):
            return None
        if any(sh[c][1] != sh[c + 1][0] for c in range(len(sh) - 1)):
            return None
        return (int(sh[0][0]), int(sh[-1][1]))

    def fill(self, q: int, c: int, out: np.ndarray, rows) -> None:
        """Write the coordinate-c operands of workers ``rows`` mod primes[q] into
        ``out`` (shape (len(rows), block size))."""
        t = time.perf_counter()
        rows = list(rows)
        if self.coded is not None:
            for r, j in enumerate(rows):
                out[r] = np.asarray(self.coded[q][j][c]).reshape(-1)
        else:
            from ._kernels import encode_into

            encode_into(self.primes[q], self.E[q][c][rows], self.X[q][c], out)
        self.encode_s += time.perf_counter() - t

    def operands(self, j: int) -> list:
        """Worker j's operands, one tuple of d arrays per prime."""
        out = []
        for q in range(self.nq):
            ops = []
            for c, shape in enumerate(self.shapes):
                a = np.empty((1, int(np.prod(shape, dtype=np.int64))), dtype=self.dtype)
                self.fill(q, c, a, [j])
                ops.append(a.reshape(shape))
            out.append(tuple(ops))
        return out


@dataclass
class GroupOutcome:
    """Results that arrived (``results[j][q]``), events, and timings of one group."""

    results: dict
    events: dict
    order: list  # workers in the order their results arrived
    t_enough: float | None
    t_done: float
    submissions: int = 0
    rebuilds: int = 0
    rebuild_s: float = 0.0
    notes: list = field(default_factory=list)


# -- worker-side code ---------------------------------------------------------------------
_FIELDS: dict = {}


def _field(p: int):
    if p not in _FIELDS:
        from ..field import PrimeField

        _FIELDS[p] = PrimeField(p)
    return _FIELDS[p]


def _sleep_or_abort(delay: float, aborted: Callable[[], bool]) -> bool:
    """Sleep ``delay`` seconds; return True (early) if ``aborted()`` becomes true."""
    end = time.monotonic() + max(float(delay), 0.0)
    while True:
        if aborted():
            return True
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, _POLL))


def _compute(kind, primes, product, ops, fault, rng_key) -> list[np.ndarray]:
    """Worker j's products: one per prime (or one float product), corrupted if asked."""
    outs = []
    if kind == "float":
        outs = [_chain(ops[0], np.matmul)]
    else:
        for q, coded in zip(primes, ops, strict=True):
            F = _field(q)
            outs.append(product(F, coded) if product is not None else _chain(coded, F.matmul))
    if fault == CORRUPT:
        rng = np.random.default_rng(rng_key)
        for i, r in enumerate(outs):
            if kind == "float":
                noise = rng.standard_normal(np.shape(r)) * (1.0 + float(np.abs(r).max(initial=0)))
                outs[i] = r + noise
            else:
                # a random matrix with every entry non-zero: a lie on every coordinate
                e = rng.integers(1, primes[i], size=np.shape(r), dtype=np.int64)
                outs[i] = _field(primes[i]).add(r, e)
    return outs


def _chain(xs, mul):
    out = xs[0]
    for x in xs[1:]:
        out = mul(out, x)
    return out


def _fault_before_compute(fault, group, j):
    if fault == KILL:
        os._exit(KILL_EXIT_CODE)  # a crash: no cleanup, no reply
    if fault == RAISE:
        raise InjectedFault(f"group {group}, worker {j}: injected failure")


# -- the shared group file ----------------------------------------------------------------
_ALIGN = 64


def _shm_dir() -> str | None:
    d = "/dev/shm"
    return d if os.path.isdir(d) and os.access(d, os.W_OK) else None


class _GroupFile:
    """A memory-mapped file holding a group's operands, result slots, flags and state.

    Layout: 8-byte header length, pickled header, then 64-byte aligned arrays. The header
    gives every array as (offset from the data start, dtype, shape).
    """

    def __init__(self, job: GroupJob):
        w = job.w
        layout, off = {}, 0

        def reserve(key, dtype, shape):
            nonlocal off
            nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            layout[key] = (off, np.dtype(dtype).str, tuple(int(s) for s in shape))
            off += -(-nbytes // _ALIGN) * _ALIGN

        for q in range(job.nq):
            for c, shape in enumerate(job.shapes):
                reserve(("in", q, c), job.dtype, (w, *shape))
        out_shape = job.out_shape()
        if out_shape is not None:
            for q in range(job.nq):
                reserve(("out", q), job.dtype, (w, *out_shape))
        reserve("flags", np.uint8, (w,))
        reserve("state", np.int64, (w, 3))  # [pid, attempt + 1, start in µs] per worker
        header = {
            "kind": job.kind,
            "primes": tuple(job.primes),
            "product": job.product,
            "w": w,
            "d": job.d,
            "nq": job.nq,
            "out": out_shape is not None,
            "layout": layout,
            "group": job.index,
            "seed": job.seed,
        }
        hb = pickle.dumps(header)
        self.data_start = -(-(8 + len(hb)) // _ALIGN) * _ALIGN
        size = self.data_start + max(off, _ALIGN)
        fd, self.path = tempfile.mkstemp(prefix="ffcc-run-", suffix=".bin", dir=_shm_dir())
        try:
            os.ftruncate(fd, size)
            os.pwrite(fd, len(hb).to_bytes(8, "little") + hb, 0)
        finally:
            os.close(fd)
        self.mm = np.memmap(self.path, dtype=np.uint8, mode="r+", shape=(size,))
        self.layout = layout
        for q in range(job.nq):  # encode straight into the shared file
            for c in range(job.d):
                job.fill(q, c, self.view(("in", q, c)).reshape(w, -1), range(w))
        self.flags = self.view("flags")
        self.state = self.view("state")
        self.has_out = out_shape is not None

    def view(self, key) -> np.ndarray:
        off, dt, shape = self.layout[key]
        return np.ndarray(shape, dtype=np.dtype(dt), buffer=self.mm, offset=self.data_start + off)

    def close(self):
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        self.flags = self.state = None
        self.mm = None


class _MappedGroup:
    """Worker-side view of a group file."""

    def __init__(self, path):
        with open(path, "rb") as fh:
            n = int.from_bytes(fh.read(8), "little")
            self.header = pickle.loads(fh.read(n))
        self.data_start = -(-(8 + n) // _ALIGN) * _ALIGN
        self.mm = np.memmap(path, dtype=np.uint8, mode="r+")

    def view(self, key) -> np.ndarray:
        off, dt, shape = self.header["layout"][key]
        return np.ndarray(shape, dtype=np.dtype(dt), buffer=self.mm, offset=self.data_start + off)


_MAPPED: dict = {}


def _open_group(path):
    g = _MAPPED.get(path)
    if g is None:
        try:
            g = _MappedGroup(path)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return None  # the coordinator already finished this group
        while len(_MAPPED) >= 3:  # keep a few mappings; older groups are done
            _MAPPED.pop(next(iter(_MAPPED)))
        _MAPPED[path] = g
    return g


def _init_worker(blas_threads):
    # the coordinator handles Ctrl-C; workers must not each print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(ImportError):  # optional: cap BLAS threads if available
        from threadpoolctl import threadpool_limits

        if blas_threads:
            threadpool_limits(blas_threads)


def _warmup(i):
    F = _field(65537)
    x = np.ones((4, 4), dtype=np.int64)
    F.matmul(x, x)
    time.sleep(0.05)  # spread the warm-up tasks over the processes
    return os.getpid()


def _local_task(path, j, attempt, delay, fault):
    t_start = time.time()
    pid = os.getpid()
    g = _open_group(path)
    if g is None:
        return {"status": ABANDONED, "start": t_start, "end": time.time(), "pid": pid}
    h = g.header
    flags, state = g.view("flags"), g.view("state")
    state[j, 0], state[j, 1], state[j, 2] = pid, attempt + 1, int(t_start * 1e6)
    if _sleep_or_abort(delay, lambda: flags[j] != 0):
        return {"status": ABANDONED, "start": t_start, "end": time.time(), "pid": pid}
    _fault_before_compute(fault, h["group"], j)
    ops = [tuple(g.view(("in", q, c))[j] for c in range(h["d"])) for q in range(h["nq"])]
    outs = _compute(h["kind"], h["primes"], h["product"], ops, fault, (h["seed"], h["group"], j))
    ret = {"status": OK, "start": t_start, "pid": pid, "results": None}
    if h["out"]:
        for q, r in enumerate(outs):
            g.view(("out", q))[j] = r
    else:
        ret["results"] = outs
    ret["end"] = time.time()
    return ret


# -- bookkeeping shared by the engines --------------------------------------------------
class _Tracker:
    def __init__(self, job: GroupJob, enough, possible, progress, t0, wall0):
        self.job, self.enough, self.possible, self.bar = job, enough, possible, progress
        self.t0, self.wall0 = t0, wall0
        self.events = {
            j: WorkerEvent(job.index, j, delay=float(job.delays[j]), fault=job.faults[j])
            for j in range(job.w)
        }
        self.ok: dict = {}
        self.order: list = []
        self.failed: set = set()
        self.t_enough = None

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def submitted(self, j):
        self.events[j].attempts += 1

    def _times(self, ev, info):
        if info and info.get("start") is not None:
            ev.started = info["start"] - self.wall0
        ev.pid = info.get("pid") if info else ev.pid
        ev.finished = self.now()

    def record_ok(self, j, info, results):
        ev = self.events[j]
        self._times(ev, info)
        ev.status = OK
        self.ok[j] = results
        self.order.append(j)
        if self.bar is not None:
            self.bar.update(1)
        if self.t_enough is None and self.enough(set(self.ok)):
            self.t_enough = ev.finished

    def record_fail(self, j, status, detail="", info=None):
        ev = self.events[j]
        self._times(ev, info)
        ev.status = status
        ev.detail = detail
        self.failed.add(j)

    def finished(self) -> bool:
        return self.t_enough is not None or not self.possible(set(self.failed))

    def abandon_rest(self, keep_busy: dict | None = None):
        now = self.now()
        for j, ev in self.events.items():
            if ev.status == "pending":
                ev.status = ABANDONED
                ev.finished = now
                if keep_busy is not None and j in keep_busy:
                    ev.slot_kept = keep_busy[j]

    def outcome(self, **kw) -> GroupOutcome:
        return GroupOutcome(
            results=self.ok,
            events=self.events,
            order=self.order,
            t_enough=self.t_enough,
            t_done=self.now(),
            **kw,
        )


class Executor:
    """Interface: ``run_group(job, enough, possible, progress, timeout) -> GroupOutcome``.

    ``enough(ok_workers)`` says the results in hand suffice; ``possible(failed_workers)``
    says enough results can still arrive. Executors are context managers; ``close()``
    releases their processes.
    """

    name = "executor"
    processes: int | None = None
    start_s: float = 0.0
    # whether run_group may be called from several threads at once (all groups in flight)
    concurrent = False

    def run_group(self, job, enough, possible, progress=None, timeout=None) -> GroupOutcome:
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _check_timeout(tr: _Tracker, timeout):
    if timeout is not None and tr.now() > timeout:
        raise RunError(
            f"group {tr.job.index}: only {len(tr.ok)} of {tr.job.w} results after the "
            f"{timeout:g} s timeout, not enough to decode"
        )


class InlineExecutor(Executor):
    """Runs tasks one by one in this process, in the order of their delays (no sleeps).

    A ``kill`` fault is recorded as killed without exiting; useful to test decoding.
    """

    name = "inline"

    def __init__(self):
        self.submissions: list = []

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        tr = _Tracker(job, enough, possible, progress, time.perf_counter(), time.time())
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
                if job.faults[j] == RAISE:
                    raise InjectedFault(f"group {job.index}, worker {j}: injected failure")
                outs = _compute(
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
    _fault_before_compute(fault, job.index, j)
    key = (job.seed, job.index, j)
    outs = _compute(job.kind, job.primes, job.product, job.operands(j), fault, key)
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
    """

    name = "threads"
    concurrent = True

    def __init__(self, max_threads: int = 256):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_threads, thread_name_prefix="ffcc-task")
        self.processes = 1
        self.submissions: list = []

    def close(self):
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        tr = _Tracker(job, enough, possible, progress, time.perf_counter(), time.time())
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
                _check_timeout(tr, timeout)
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
        import multiprocessing as mp

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
        with self._lock:
            if self._pool is None:
                self.start(job.w)
            elif self._kill_stopped() or not self._healthy():
                self._replace_pool()
            if self.processes is None and self._size < job.w:
                self._replace_pool(job.w)
        gf = _GroupFile(job)
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
        tr = _Tracker(job, enough, possible, progress, time.perf_counter(), time.time())
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
            _check_timeout(tr, timeout)
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
        import logging

        import dask
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
            self.processes = sum(self._workers().values())
        except BaseException:
            self.close()
            raise
        self.start_s = time.perf_counter() - t
        self.submissions: list = []
        self._lingering: dict = {}  # futures of abandoned tasks still holding a thread
        self._inflight: dict = {}  # future -> worker address, over every group in flight
        self._lock = threading.RLock()  # groups run concurrently, one thread each

    def close(self):
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

    def _workers(self) -> dict:
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
        from distributed import Event, as_completed

        client = self.client
        token = f"ffcc-abandon-{uuid.uuid4().hex}"
        tr = _Tracker(job, enough, possible, progress, time.perf_counter(), time.time())
        queue = deque(range(job.w))
        running: dict = {}
        ac = as_completed([], raise_errors=False)
        n_sub = 0
        # one process loss may cost at most the s missing results the group tolerates
        cap = job.tolerates if job.tolerates and job.tolerates >= 1 else None
        nthreads = self._workers()
        if cap is not None and any(n > cap for n in nthreads.values()):
            for ev in tr.events.values():
                ev.detail = f"at most {cap} task(s) in flight per worker process (s = {cap})"
        last_check = time.perf_counter()
        try:
            while not tr.finished():
                if time.perf_counter() - last_check > 0.1:
                    nthreads = self._workers()
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
                    time.sleep(_POLL)
                    _check_timeout(tr, timeout)
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
        from distributed import KilledWorker

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
    import importlib

    importlib.import_module("ffcc.run._preload")
    return os.getpid()


def _dask_task(ops, kind, primes, product, j, delay, fault, rng_key, token):
    t_start = time.time()
    info = {"start": t_start, "pid": os.getpid()}
    if delay > 0:
        from distributed import Event

        if Event(token).wait(timeout=delay):
            info.update(status=ABANDONED, end=time.time())
            return info, None
    _fault_before_compute(fault, rng_key[1], j)
    outs = _compute(kind, primes, product, ops.ops, fault, rng_key)
    info.update(status=OK, end=time.time())
    return info, outs


def make_executor(name: str | Executor = "local", **kw) -> Executor:
    """``local`` (default), ``dask`` or ``inline``; keyword arguments go to the engine.

    An :class:`Executor` instance is returned unchanged.
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
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise RunError(
                "the dask executor needs dask.distributed: pip install 'ffcc[distributed]'"
            ) from None
        return DaskExecutor(**kw)
    raise RunError(f"unknown executor {name!r}; use local, dask, threads or inline")
