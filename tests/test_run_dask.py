"""dask.distributed: one real LocalCluster on loopback for the module, stopped cleanly."""

import time

import numpy as np
import pytest

pytest.importorskip("distributed")

from ffcc.run import (  # noqa: E402
    DaskExecutor,
    Faults,
    SlowWorkers,
    TooManyFaults,
    matdot_scheme,
    run_matmul,
    verify_dask,
)
from ffcc.scheme import Scheme  # noqa: E402
from ffcc.verify import verify  # noqa: E402

RNG = np.random.default_rng(0)
A = RNG.integers(-99, 100, (16, 12))
B = RNG.integers(-99, 100, (12, 10))


def _children():
    """Live descendants, without multiprocessing's per-process helpers (the resource
    tracker and forkserver live as long as this process, whoever started them)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover
        import multiprocessing as mp

        return {p.pid for p in mp.active_children()}
    out = set()
    for p in psutil.Process().children(recursive=True):
        try:
            cmd = " ".join(p.cmdline())
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                if "resource_tracker" not in cmd and "forkserver" not in cmd:
                    out.add(p.pid)
        except psutil.Error:
            pass
    return out


@pytest.fixture(scope="module")
def ex():
    before = _children()
    e = DaskExecutor(n_workers=2)
    yield e
    e.close()
    # every process the cluster started (workers, nannies, restarted workers) is gone
    deadline = time.monotonic() + 10
    while (_children() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (_children() - before)


def test_dask_run_with_straggler_and_raise(ex):
    # m = 2, s = 1: w = 4 on 2 worker threads, so tasks go out as threads free up; worker 0
    # straggles 20 s and holds one thread, the other thread serves the rest
    C, rep = run_matmul(
        A,
        B,
        m=2,
        stragglers=1,
        executor=ex,
        progress=False,
        straggler_model=SlowWorkers((0,), 20.0),
        faults=Faults(raises=[5]),
    )
    assert (C == A @ B).all()
    assert rep.executor == "dask" and rep.time_to_R_s < 15
    ev = rep.groups[0].events
    assert ev[0].status == "abandoned" and [e.status for e in ev[1:]] == ["ok"] * 3


def test_dask_raise_beyond_tolerance(ex):
    with pytest.raises(TooManyFaults, match="raised"):
        run_matmul(
            A, B, m=2, stragglers=1, executor=ex, progress=False, faults=Faults(raises=[0, 3])
        )


def test_dask_killed_worker_is_missing_not_fatal(ex):
    # the others take 1 s, so the kill (reported in ~20 ms) is seen before R results arrive
    C, rep = run_matmul(
        A,
        B,
        m=2,
        stragglers=1,
        executor=ex,
        progress=False,
        faults=Faults(kill=[1]),
        straggler_model=SlowWorkers((0, 2, 3), 1.0),
    )
    assert (C == A @ B).all()
    ev = rep.groups[0].events[1]
    # two paths notice the death, whichever comes first: the task's KilledWorker, or the
    # 0.1 s check of the scheduler's worker list (first under load)
    assert ev.status == "killed"
    assert "KilledWorker" in ev.detail or "left the cluster" in ev.detail, ev.detail


def test_verify_dask_matches_verify(ex):
    S = matdot_scheme(65537, 3, 2)  # every 5 of 7 workers decode
    rep = verify_dask(S, shards=5, client=ex.client, progress=False)
    ref = verify(S)
    assert rep.holds is True and rep.checked == ref.checked == ref.total
    # workers 0 and 2 together see X0 Y0 and (X0 + X1)(Y0 + Y1), not X0 Y0 + X1 Y1
    sq = Scheme(
        65537,
        [2, 2],
        [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[1, 1], [1, 1]]],
        [[((0, 0), 1), ((1, 1), 1)]],
        stragglers=1,
    )
    rep = verify_dask(sq, shards=3, client=ex.client, progress=False)
    assert rep.holds is verify(sq).holds is False


def test_dask_runs_every_group_at_once(ex):
    # the main job's 3 groups at once on 2 single-thread workers: exact and checked, every
    # group submitted at the start, at most 2 tasks running at a time, and no slot left
    # counted as busy afterwards (the in-flight count is shared by the groups)
    from ffcc.run import TraceReplay, run_sketched
    from ffcc.run._inputs import graph_matrix

    K = graph_matrix("karate")
    est, rep, _ = run_sketched(
        K, K, grid=(2, 2, 17), k=8, stragglers=1, executor=ex, progress=False,
        straggler_model=TraceReplay([0.05]),
    )  # fmt: skip
    ref, _, _ = run_sketched(K, K, grid=(2, 2, 17), k=8, stragglers=1, executor="inline",
                             progress=False)  # fmt: skip
    assert np.array_equal(est, ref) and rep.checked
    # run intervals, shrunk by 20 ms at each end (the groups' clocks differ by ms)
    spans = [
        (g.start_s + e.started + 0.02, g.start_s + e.finished - 0.02)
        for g in rep.exact_groups
        for e in g.events
        if e.started is not None and e.status == "ok"
    ]
    peak = max(sum(a <= t < b for a, b in spans) for t, _ in spans)
    assert 1 <= peak <= 2
    starts = sorted((g.start_s, g.index) for g in rep.exact_groups)
    assert starts[-1][0] - starts[0][0] < 0.5  # every group was submitted at the start
    assert not ex._inflight
