"""The compression-informed pipeline: sketch -> plan -> run -> decode -> reconstruct."""

import numpy as np
import pytest

from ffcc.cli import main
from ffcc.run import Faults, run_sketched
from ffcc.sketch import grid_crmm


def skewed(n, seed):
    rng = np.random.default_rng(seed)
    scale = np.repeat(10.0 ** (-np.arange(8) / 2), n // 8)
    return rng.integers(-9, 10, (n, n)) * np.round(100 * scale).astype(np.int64)[None, :]


@pytest.mark.parametrize("s,b,faults", [(1, 0, Faults()), (1, 0, Faults(raises=[0])),
                                        (0, 1, Faults(corrupt=[1]))])  # fmt: skip
def test_integer_inputs_reconstruct_the_float_sketch(s, b, faults):
    A, B = skewed(32, 1), skewed(32, 2).T.copy()
    A0, B0 = A.copy(), B.copy()
    est, rep, P = run_sketched(
        A, B, grid=(2, 2, 8), k=6, stragglers=s, byzantine=b, seed=3,
        executor="inline", faults=faults, progress=False,
    )  # fmt: skip
    sk = grid_crmm(A, B, 2, 2, 8, 6, 3)  # the same draws: same seed
    # exact integer products weighted in float64: equal to the float sketch up to rounding
    assert np.allclose(est, sk.estimate(), rtol=1e-12, atol=1e-9 * np.abs(sk.estimate()).max())
    assert (A == A0).all() and (B == B0).all()
    assert rep.workers_compare["MatDot"] == P.baseline_workers == 2 * P.k - 1 + s + 2 * b
    assert rep.freivalds["passed"]
    if b:
        assert rep.liars  # the corrupted worker was found and corrected


def test_float_inputs_are_quantized_and_the_error_reported():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((16, 16)), rng.standard_normal((16, 16))
    est, rep, _ = run_sketched(
        A, B, grid=(2, 2, 4), k=3, frac_bits=24, executor="inline", progress=False
    )
    sk = grid_crmm(A, B, 2, 2, 4, 3, 0)
    # rounding moves each entry by at most h = 2^-(f+1); one block product of inner size
    # 4 then moves by at most 4 h (max|A| + max|B| + h) per entry, and the estimate of block
    # (i, j) sums those with the sketch's weights w_iota
    h = 2.0**-25
    per_product = 4 * h * (np.abs(A).max() + np.abs(B).max() + h)
    worst = max(sum(w.values()) for w in sk.weights.values()) * per_product
    assert np.abs(est - sk.estimate()).max() <= worst * (1 + 1e-9)
    assert rep.errors["quant_rel_to_float_sketch"] < 1e-5


def test_run_sketch_cli(capsys):
    code = main(["run", "--sketch", "--random", "32", "--grid", "2,2,8", "--k", "5",
                 "--executor", "inline", "--json"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert '"sketch+plan"' in out and "rel_error" in out


def test_demo_runs(capsys):
    assert main(["demo", "-s", "1"]) == 0
    out = capsys.readouterr().out
    assert "13 + s workers" in out and "HOLDS" in out and "True" in out
