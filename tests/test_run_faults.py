"""Straggler models and fault specifications (no processes)."""

import math

import numpy as np
import pytest

from ffcc.run import (
    Faults,
    InputError,
    NoStragglers,
    Pareto,
    ShiftedExponential,
    SlowWorkers,
    TraceReplay,
    parse_model,
)


def test_models_are_seeded():
    m = ShiftedExponential(0.1, 5.0)
    a = m.sample(50, np.random.default_rng(7))
    b = m.sample(50, np.random.default_rng(7))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, m.sample(50, np.random.default_rng(8)))


def test_shifted_exponential_moments():
    # mean shift + 1/rate, sd 1/rate: the sample mean of n lies within 5 sd/sqrt(n)
    shift, rate, n = 0.2, 4.0, 20000
    x = ShiftedExponential(shift, rate).sample(n, np.random.default_rng(1))
    assert x.min() >= shift
    assert abs(x.mean() - (shift + 1 / rate)) < 5 * (1 / rate) / math.sqrt(n)


def test_pareto_tail():
    # P(X > t) = (scale / t)^shape; the empirical frequency is binomial
    scale, shape, n = 0.01, 1.5, 20000
    x = Pareto(scale, shape).sample(n, np.random.default_rng(2))
    assert x.min() >= scale
    for t in (0.02, 0.05, 0.2):
        p = (scale / t) ** shape
        assert abs((x > t).mean() - p) < 5 * math.sqrt(p * (1 - p) / n)
    assert Pareto(scale, shape).quantile(0.5) == pytest.approx(scale * 2 ** (1 / shape))


def test_slow_workers_and_none():
    d = SlowWorkers((1, 3, 9), 0.5, base=0.01).sample(5, np.random.default_rng(0))
    assert d.tolist() == [0.01, 0.5, 0.01, 0.5, 0.01]
    assert NoStragglers().sample(3, None).tolist() == [0.0, 0.0, 0.0]


def test_trace_replay_in_order_and_file(tmp_path):
    t = TraceReplay([0.1, 0.2, 0.3])
    rng = np.random.default_rng(0)
    assert t.sample(2, rng).tolist() == [0.1, 0.2]
    assert t.sample(3, rng).tolist() == [0.3, 0.1, 0.2]  # cycles
    f = tmp_path / "lat.txt"
    f.write_text("# measured\n0.5\n\n1.25  # slow\n")
    assert TraceReplay.from_file(f).sample(2, rng).tolist() == [0.5, 1.25]
    assert parse_model(f"trace:{f}").sample(1, rng).tolist() == [0.5]


@pytest.mark.parametrize(
    "text, where",
    [("0.5\nabc\n", "line 2"), ("0.1\n-3\n", "line 2"), ("nan\n", "line 1"), ("# only\n", "no")],
)
def test_trace_file_errors_name_the_line(tmp_path, text, where):
    f = tmp_path / "bad.txt"
    f.write_text(text)
    with pytest.raises(InputError, match=where):
        TraceReplay.from_file(f)


def test_parse_model():
    assert parse_model("none") == NoStragglers()
    assert parse_model("exp:0.1,20") == ShiftedExponential(0.1, 20.0)
    assert parse_model("pareto:0.01,1.5") == Pareto(0.01, 1.5)
    assert parse_model("slow:1,2@0.3") == SlowWorkers((1, 2), 0.3)
    for bad in ("gauss:1", "exp:1", "exp:a,b", "slow:1,2", "exp:0.1,-2", "trace:"):
        with pytest.raises(InputError):
            parse_model(bad)


def test_faults():
    f = Faults.parse(kill="1", raises="0:2", corrupt="3")
    assert f.for_group(0, 5) == [None, "kill", "raise", "corrupt", None]
    assert f.for_group(1, 5) == [None, "kill", None, "corrupt", None]  # (0, 2) only in group 0
    assert f.for_group(0, 2) == [None, "kill"]  # out-of-range workers are ignored
    assert not Faults() and f
    with pytest.raises(InputError, match="both"):
        Faults(kill=[1], corrupt=[1])
    with pytest.raises(InputError):
        Faults.parse(kill="x")
