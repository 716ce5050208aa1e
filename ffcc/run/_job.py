r"""The job model shared by every engine: what an engine is given and what it returns.

An engine receives one group's :class:`GroupJob` (w coded tasks: operands or their
encoding, per-worker delays and faults) and returns a :class:`GroupOutcome` (the results
that arrived, one :class:`WorkerEvent` per worker, timings). :class:`Executor` is the
interface the engines implement (:mod:`ffcc.run._local`, :mod:`ffcc.run._dask`);
:class:`GroupTracker` is the bookkeeping they share (which results are in, whether they
suffice, whether enough can still arrive).

Example
-------
A group of w = 3 workers over GF(7). Worker j's operand of coordinate c is
``sum_l E[c][j, l] X[c][l]``: here workers 0 and 1 get the blocks themselves and worker 2
their sum, so worker 0 computes a0 . b0 = 1*5 + 2*6 = 17 = 3 and worker 1 computes
a1 . b1 = 3*1 + 4*1 = 7 = 0 (mod 7). Two results suffice; the third task is abandoned.

>>> import numpy as np
>>> from ffcc.run import InlineExecutor
>>> E = np.array([[1, 0], [0, 1], [1, 1]])
>>> X = [np.array([[1, 2], [3, 4]]), np.array([[5, 6], [1, 1]])]  # rows: a0, a1 and b0, b1
>>> job = GroupJob(0, "field", (7,), 3, ((1, 2), (2, 1)), np.zeros(3), [None] * 3,
...                E=[[E, E]], X=[X])
>>> [a.tolist() for a in job.operands(2)[0]]  # a0 + a1 and b0 + b1, mod 7
[[[4, 6]], [[6], [0]]]
>>> out = InlineExecutor().run_group(job, lambda ok: len(ok) >= 2, lambda bad: len(bad) <= 1)
>>> out.order, [int(out.results[j][0][0, 0]) for j in out.order]
([0, 1], [3, 0])
>>> out.events[2].status
'abandoned'
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from ._errors import RunError
from ._kernels import encode_into

__all__ = [
    "OK",
    "RAISED",
    "KILLED",
    "ABANDONED",
    "CORRUPTED",
    "WorkerEvent",
    "GroupJob",
    "GroupOutcome",
    "GroupTracker",
    "Executor",
]

# a worker's status: its result arrived, its task raised, its process died (or an injected
# kill), it was no longer needed, or its result was a lie that the decoder corrected
OK, RAISED, KILLED, ABANDONED, CORRUPTED = (
    "ok",
    "raised",
    "killed",
    "abandoned",
    "corrupted-detected",
)


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
        """The event as a plain dict (for JSON reports).

        >>> WorkerEvent(0, 3, status="ok", delay=0.5).to_dict()["status"]
        'ok'
        """
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
        """A job whose operands are already coded: ``coded[q][j]`` is worker j's tuple of
        d arrays (modulo ``primes[q]``, or floats for ``kind == "float"``).

        >>> import numpy as np
        >>> ops = [(np.eye(2), np.ones((2, 1))) for _ in range(3)]
        >>> job = GroupJob.from_coded(0, "float", (), [ops], np.zeros(3), [None] * 3)
        >>> job.w, job.shapes, job.nq, job.d
        (3, ((2, 2), (2, 1)), 1, 2)
        """
        shapes = tuple(np.shape(x) for x in coded[0][0])
        return cls(
            index, kind, tuple(primes), len(coded[0]), shapes, delays, faults, coded=coded, **kw
        )

    @property
    def nq(self) -> int:
        """How many moduli each worker computes in (1 for a float job)."""
        return len(self.coded) if self.coded is not None else len(self.primes)

    @property
    def d(self) -> int:
        """How many operands each worker multiplies (the coordinates of the product)."""
        return len(self.shapes)

    @property
    def dtype(self):
        """float64 for a float job; int64 residues otherwise."""
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


class GroupTracker:
    """The coordinator's bookkeeping of one group while its tasks run, shared by the engines.

    ``enough(ok_workers)`` says the results in hand suffice; ``possible(failed_workers)``
    says enough results can still arrive. The group is :meth:`finished` as soon as either
    answer settles it. ``t0`` (``perf_counter``) and ``wall0`` (``time.time``, the clock
    workers stamp their start with) mark the group's start.

    >>> import time, numpy as np
    >>> job = GroupJob(0, "field", (7,), 3, ((1, 1),), np.zeros(3), [None] * 3)
    >>> tr = GroupTracker(job, lambda ok: len(ok) >= 2, lambda bad: len(bad) <= 1, None,
    ...                   time.perf_counter(), time.time())
    >>> tr.record_fail(1, RAISED, "boom"); tr.record_ok(2, None, ["r2"]); tr.finished()
    False
    >>> tr.record_ok(0, None, ["r0"]); tr.finished(), tr.order
    (True, [2, 0])
    """

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
        """Seconds since the group started."""
        return time.perf_counter() - self.t0

    def submitted(self, j):
        """Count one more attempt of worker j's task."""
        self.events[j].attempts += 1

    def _times(self, ev, info):
        if info and info.get("start") is not None:
            ev.started = info["start"] - self.wall0
        ev.pid = info.get("pid") if info else ev.pid
        ev.finished = self.now()

    def record_ok(self, j, info, results):
        """Worker j's results arrived (``info``: the task's ``start`` and ``pid``, if any)."""
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
        """Worker j's task ended without a result, with ``status`` (raised, killed, ...)."""
        ev = self.events[j]
        self._times(ev, info)
        ev.status = status
        ev.detail = detail
        self.failed.add(j)

    def finished(self) -> bool:
        """Whether the results suffice, or enough can no longer arrive."""
        return self.t_enough is not None or not self.possible(set(self.failed))

    def abandon_rest(self, keep_busy: dict | None = None):
        """Mark every pending worker abandoned; ``keep_busy[j]``: how long its slot stays
        busy (a task already computing cannot be stopped)."""
        now = self.now()
        for j, ev in self.events.items():
            if ev.status == "pending":
                ev.status = ABANDONED
                ev.finished = now
                if keep_busy is not None and j in keep_busy:
                    ev.slot_kept = keep_busy[j]

    def check_timeout(self, timeout: float | None) -> None:
        """Raise :class:`RunError` once the group has run longer than ``timeout`` seconds."""
        if timeout is not None and self.now() > timeout:
            raise RunError(
                f"group {self.job.index}: only {len(self.ok)} of {self.job.w} results after "
                f"the {timeout:g} s timeout, not enough to decode"
            )

    def outcome(self, **kw) -> GroupOutcome:
        """The group's :class:`GroupOutcome` as of now (``kw``: the engine's counters)."""
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
        """Run ``job``'s w tasks until ``enough`` results are in (or enough are no longer
        ``possible``); the rest are abandoned. ``progress`` (a bar, or None) counts results;
        past ``timeout`` seconds a :class:`RunError` says how many arrived."""
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        """Release the engine's processes or threads (also on leaving a ``with`` block)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
