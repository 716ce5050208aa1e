"""Bounded waits on local worker processes: a stopped worker never holds the run or its
exit, a --timeout is one line and exit 1, closing never waits for a worker."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from ffcc.cli import main
from ffcc.run import LocalExecutor, TooManyFaults, TraceReplay, run_matmul

RNG = np.random.default_rng(5)
A = RNG.integers(-99, 100, (20, 16))
B = RNG.integers(-99, 100, (16, 12))


def _alive(pid) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _close_within(ex, seconds) -> float:
    """Close in a thread (a hang must not hang the test suite); the time it took."""
    t = time.perf_counter()
    th = threading.Thread(target=ex.close, daemon=True)
    th.start()
    th.join(seconds + 5)
    took = time.perf_counter() - t
    assert not th.is_alive(), "close() hangs on a stopped worker"
    return took


def _stop_later(pids, delay=0.3):
    def go():
        time.sleep(delay)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)

    th = threading.Thread(target=go, daemon=True)
    th.start()
    return th


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_stopped_worker_within_budget_then_prompt_exit():
    # m = 2, s = 1: w = 4, R = 3; every task sleeps 1 s, one process is stopped at 0.3 s
    ex = LocalExecutor(processes=4)
    ex.start()
    pids = list(ex._pool._processes)
    _stop_later(pids[1:2])
    C, rep = run_matmul(
        A, B, m=2, stragglers=1, executor=ex, progress=False,
        straggler_model=TraceReplay([1.0] * 4),
    )  # fmt: skip
    assert (C == A @ B).all() and rep.checked
    # a stopped worker then an idle one: close() never waits for them
    os.kill(list(ex._pool._processes)[0], signal.SIGSTOP)
    procs = list(ex._pool._processes)
    assert _close_within(ex, 1.0) < 2.0
    assert not any(_alive(p) for p in pids + procs)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_stopped_workers_beyond_budget_fail_loudly_and_fast():
    ex = LocalExecutor(processes=4)
    ex.start()
    pids = list(ex._pool._processes)
    _stop_later(pids[1:3])
    t = time.perf_counter()
    with pytest.raises(TooManyFaults, match="exit code -9"):
        run_matmul(
            A, B, m=2, stragglers=1, executor=ex, progress=False,
            straggler_model=TraceReplay([1.0] * 4), timeout=20,
        )  # fmt: skip
    assert time.perf_counter() - t < 30  # not a hang (the tasks sleep 1 s)
    _close_within(ex, 1.0)
    assert not any(_alive(p) for p in pids)


def test_timeout_is_one_line_exit_1_and_prompt(capsys):
    # two of four workers straggle 60 s, s = 1: only the timeout ends the run
    argv = ["run", "--random", "8", "--m", "2", "-s", "1", "--model", "slow:0,1@60"]
    t = time.perf_counter()
    assert main(argv + ["--timeout", "1"]) == 1
    took = time.perf_counter() - t
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and "timeout" in err
    assert took < 40  # the sleeping stragglers are abandoned, not waited for (60 s)
