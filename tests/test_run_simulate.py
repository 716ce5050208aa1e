"""simulate() against closed-form order statistics of shifted exponential latencies.

For i.i.d. X = shift + Exp(rate):

* the maximum of k has CDF (1 - e^{-rate u})^k, u = t - shift, so its q-quantile is
  shift - ln(1 - q^{1/k}) / rate;
* the minimum of r replicas is shift + Exp(r rate), so uncoded with replication r has
  q-quantile shift - ln(1 - q^{1/k}) / (r rate);
* the R-th smallest of w (Renyi) is shift + sum_{i<R} E_i / (rate (w - i)) with E_i i.i.d.
  Exp(1): mean shift + sum 1/(rate (w-i)), variance sum 1/(rate (w-i))^2.

The sample q-quantile of n runs has standard deviation about sqrt(q(1-q)/n) / f(t_q),
f the density at t_q; tolerances are 5 such deviations (the seed is fixed).
"""

import math

import numpy as np
import pytest

from ffcc.run import (
    InputError,
    Pareto,
    ShiftedExponential,
    SlowWorkers,
    coded,
    exact_quantile,
    parse_config,
    plan_config,
    plot_cdf,
    simulate,
    uncoded,
)

SHIFT, RATE = 0.05, 20.0
MODEL = ShiftedExponential(SHIFT, RATE)


def _max_quantile(k, q, rate=RATE):
    return SHIFT - math.log(1 - q ** (1 / k)) / rate


def _max_density(k, t, rate=RATE):
    u = t - SHIFT
    F = 1 - math.exp(-rate * u)
    return k * F ** (k - 1) * rate * math.exp(-rate * u)


@pytest.mark.parametrize("k, r", [(8, 1), (6, 2)])
def test_uncoded_percentiles_match_closed_form(k, r):
    n = 4000
    res = simulate([uncoded(k, r)], MODEL, runs=n, seed=3, progress=False)
    pc = res.percentiles()[f"uncoded x{r}"]
    for q in (50, 95):
        t = _max_quantile(k, q / 100, RATE * r)
        sd = math.sqrt(q / 100 * (1 - q / 100) / n) / _max_density(k, t, RATE * r)
        assert abs(pc[q] - t) < 5 * sd, (q, pc[q], t, sd)
        assert res.exact[f"uncoded x{r}"][q] == pytest.approx(t, rel=1e-9)


def test_coded_mean_matches_renyi():
    w, R, n = 9, 7, 4000
    res = simulate([coded(w, R, "MatDot")], MODEL, runs=n, seed=5, progress=False)
    x = res.samples["MatDot"]
    mean = SHIFT + sum(1 / (RATE * (w - i)) for i in range(R))
    var = sum(1 / (RATE * (w - i)) ** 2 for i in range(R))
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n)


def test_exact_quantile_special_cases():
    q = 0.9
    # R = w is the maximum; R = 1 is the minimum, shift + Exp(w rate)
    assert exact_quantile(coded(5, 5), MODEL, q) == pytest.approx(_max_quantile(5, q), rel=1e-9)
    t_min = SHIFT - math.log(1 - q) / (5 * RATE)
    assert exact_quantile(coded(5, 1), MODEL, q) == pytest.approx(t_min, rel=1e-9)
    # a plan of two identical independent groups: CDF squared
    F1 = lambda t: 1 - math.exp(-RATE * (t - SHIFT))  # noqa: E731
    t = exact_quantile(plan_config([(4, 4), (4, 4)]), MODEL, q)
    assert F1(t) ** 8 == pytest.approx(q, rel=1e-9)
    assert exact_quantile(coded(4, 2), SlowWorkers((0,), 1.0), q) is None


def test_coding_beats_uncoded_under_heavy_tail():
    res = simulate(
        [uncoded(4), coded(9, 7, "MatDot"), plan_config([(5, 4), (4, 3)], "plan")],
        Pareto(0.01, 1.2),
        runs=500,
        seed=0,
        progress=False,
    )
    p99 = {k: v[99] for k, v in res.percentiles().items()}
    assert p99["MatDot"] < p99["uncoded x1"]
    text = res.summary()
    assert "p99" in text and "MatDot" in text and "closed form" in text
    assert '"p50"' in res.to_json()


def test_parse_config_and_errors():
    assert parse_config("uncoded:4x2").groups == ((4, 2),)
    assert parse_config("MatDot=9:7").workers == 9
    assert parse_config("plan=5:4+4:3").groups == ((5, 4), (4, 3))
    for bad in ("uncoded:x", "foo", "a=1:2:3", "p=3:4"):
        with pytest.raises(InputError):
            parse_config(bad)
    with pytest.raises(InputError):
        simulate([coded(3, 2), coded(3, 2)], MODEL, runs=5)


def test_plot_cdf(tmp_path):
    res = simulate([uncoded(3), coded(5, 3)], MODEL, runs=50, seed=0, progress=False)
    out = plot_cdf(res, tmp_path / "cdf.png")
    assert open(out, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_samples_are_reproducible():
    a = simulate([coded(5, 3)], MODEL, runs=100, seed=11, progress=False)
    b = simulate([coded(5, 3)], MODEL, runs=100, seed=11, progress=False)
    assert np.array_equal(a.samples["coded 3/5"], b.samples["coded 3/5"])
