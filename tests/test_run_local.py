"""Real worker processes (LocalExecutor): faults at and beyond the declared tolerance,
crash recovery, pool reuse, untouched inputs. One pool for the module."""

import numpy as np
import pytest

from ffcc.run import (
    Faults,
    Group,
    LocalExecutor,
    SlowWorkers,
    TooManyFaults,
    TraceReplay,
    VerificationFailed,
    matdot_scheme,
    plot_latency,
    run_matmul,
    run_plan,
)

RNG = np.random.default_rng(0)
A = RNG.integers(-99, 100, (30, 20))
B = RNG.integers(-99, 100, (20, 25))
REF = A @ B


@pytest.fixture(scope="module")
def ex():
    e = LocalExecutor(processes=5)
    e.start()
    yield e
    e.close()


def _run(ex, **kw):
    kw.setdefault("m", 2)
    kw.setdefault("stragglers", 1)
    return run_matmul(A, B, executor=ex, progress=False, **kw)


def _statuses(rep, g=0):
    return [e.status for e in rep.groups[g].events]


def test_straggler_is_not_waited_for(ex):
    # m = 2, s = 1: w = 4, R = 3; worker 0 sleeps 20 s, the run must not
    C, rep = _run(ex, straggler_model=SlowWorkers((0,), 20.0))
    assert (C == REF).all()
    assert rep.time_to_R_s < 10
    assert _statuses(rep) == ["abandoned", "ok", "ok", "ok"]
    assert rep.groups[0].events[0].slot_kept == 0.0  # it was sleeping: the flag freed it
    assert rep.groups[0].used == [1, 2, 3]


def test_crash_rebuilds_pool_and_resubmits_only_missing(ex):
    # worker 0 dies 0.6 s in; 1 and 2 finished long before; worker 3 (1.2 s delay) is in
    # flight, so the broken pool takes it down too: it alone is resubmitted
    before = len(ex.submissions)
    delays = TraceReplay([0.6, 0.0, 0.0, 1.2])
    C, rep = _run(ex, faults=Faults(kill=[0]), straggler_model=delays)
    assert (C == REF).all()
    g = rep.groups[0]
    assert _statuses(rep) == ["killed", "ok", "ok", "ok"]
    assert "exit code 70" in g.events[0].detail
    assert g.rebuilds == 1
    assert ex.submissions[before:] == [(0, 0, 0), (0, 1, 0), (0, 2, 0), (0, 3, 0), (0, 3, 1)]
    assert g.submissions == 5 and g.events[3].attempts == 2


def test_kills_beyond_tolerance_raise(ex):
    with pytest.raises(TooManyFaults, match=r"only \d of 4 .*worker 0 killed"):
        _run(ex, faults=Faults(kill=[0, 1]), straggler_model=SlowWorkers((2, 3), 0.3))


def test_raise_at_and_beyond_tolerance(ex):
    # worker 3 is slow, so the R = 3 results must include worker 2's slot: its error is seen
    C, rep = _run(ex, faults=Faults(raises=[2]), straggler_model=SlowWorkers((3,), 1.5))
    assert (C == REF).all() and _statuses(rep) == ["ok", "ok", "raised", "ok"]
    assert "InjectedFault" in rep.groups[0].events[2].detail
    with pytest.raises(TooManyFaults, match="worker 1 raised"):
        _run(ex, faults=Faults(raises=[1, 2]))


def test_byzantine_at_and_beyond_tolerance(ex):
    # m = 2, s = 0, b = 1: w = 5; one liar is located and corrected
    C, rep = _run(ex, stragglers=0, byzantine=1, faults=Faults(corrupt=[2]))
    assert (C == REF).all()
    assert rep.liars == [(0, 2)] and _statuses(rep)[2] == "corrupted-detected"
    with pytest.raises(TooManyFaults, match="b = 1"):
        _run(ex, stragglers=0, byzantine=1, faults=Faults(corrupt=[2, 4]))
    # with b = 0 a lie cannot be corrected, but it is never returned silently (worker 3
    # straggles, so the liar's result is among the R = 3 decoded)
    with pytest.raises(VerificationFailed):
        _run(ex, faults=Faults(corrupt=[1]), straggler_model=SlowWorkers((3,), 20.0))


def test_plan_reuses_one_pool_and_keeps_inputs(ex, tmp_path):
    pool = ex._pool
    A0, B0 = A.copy(), B.copy()
    groups = []
    for r in (0, 15):
        Ab = [A[r : r + 15, :10], A[r : r + 15, 10:]]
        groups.append(
            Group(lambda p: matdot_scheme(p, 2, 1), [Ab, [B[:10], B[10:]]], [(0, (r, 0))])
        )
    C, rep = run_plan(groups, shape=REF.shape, executor=ex, progress=False)
    assert (C == REF).all() and len(rep.groups) == 2
    assert ex._pool is pool  # no new pool for the second group
    assert np.array_equal(A, A0) and np.array_equal(B, B0)
    assert not np.shares_memory(C, A) and not np.shares_memory(C, B)
    png = plot_latency(rep, tmp_path / "lat.png")
    assert open(png, "rb").read(4) == b"\x89PNG"


def test_float_inputs_on_workers(ex):
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((12, 9)), rng.standard_normal((9, 7))
    X0 = X.copy()
    C, rep = run_matmul(
        X, Y, m=3, stragglers=1, executor=ex, progress=False, frac_bits=24, real=True
    )
    assert np.abs(C - X @ Y).max() <= rep.errors["quant_bound"]
    assert rep.errors["real_rel_error_vs_float64"] < 1e-12
    assert np.array_equal(X, X0)


def test_an_unknown_executor_name_is_an_input_error():
    from ffcc._errors import InputError as AnyInputError
    from ffcc.run._executors import make_executor

    with pytest.raises(AnyInputError, match="unknown executor 'gpu'; use local, dask"):
        make_executor("gpu")
