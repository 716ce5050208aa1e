"""A command line that works with its defaults (issue 13).

Bare ``ffcc run`` is the main job (``make run``); ``--sketch`` zero-pads A and B to the grid
(exact: zero blocks have probability 0 and the product is cropped); flags a mode ignores
are refused; every command takes ``--json``; the default ``ffcc sketch`` shows an error
below 1. All in-process through :func:`ffcc.cli.main`.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_cli

from ffcc.cli import main
from ffcc.run import graph_matrix
from ffcc.sketch import grid_crmm, pad_to_grid

cli = run_cli  # (exit code, stdout, stderr) of ffcc argv


@pytest.fixture
def sketched_call(monkeypatch):
    """Replace the sketched pipeline by a stub recording its arguments (no run)."""
    import ffcc.cli.run as run_command
    from ffcc.run import InputError

    calls = []

    def stub(A, B, **kw):
        calls.append((A, B, kw))
        raise InputError("stub: stopped before sketching")

    monkeypatch.setattr(run_command, "run_sketched", stub)
    return calls


# -- bare `ffcc run` is the main job ------------------------------------------------------
def test_bare_run_is_the_main_job(capsys, sketched_call):
    code, out, err = cli(capsys, "run")
    assert code == 2 and "stub" in err  # reached the sketched pipeline
    assert out.splitlines()[0] == (
        "ffcc run: no inputs given; running the main job: ffcc run --sketch --graph karate "
        "--grid 2,2,17 --k 8 -s 1 --model exp:0.02,50"
    )
    ((A, B, kw),) = sketched_call
    karate = graph_matrix("karate")
    assert A.shape == (34, 34) and (A == karate).all() and (B == karate).all()
    assert A.sum() == 2 * 78  # Zachary's karate club: 78 edges, symmetric adjacency
    assert kw["grid"] == (2, 2, 17) and kw["k"] == 8
    assert kw["stragglers"] == 1 and kw["byzantine"] == 0
    model = kw["straggler_model"]
    assert (model.shift, model.rate) == (0.02, 50.0)


def test_explicit_flags_override_the_main_job(capsys, sketched_call):
    code, out, _ = cli(capsys, "run", "-s", "2", "--k", "5", "--model", "none")
    assert code == 2
    first = out.splitlines()[0]
    assert first.startswith("ffcc run: no inputs given; running the main job:")
    assert "-s 2" in first and "--k 5" in first and "--model none" in first
    ((_, _, kw),) = sketched_call
    assert kw["stragglers"] == 2 and kw["k"] == 5 and kw["grid"] == (2, 2, 17)


def test_main_job_line_goes_to_stderr_with_json(capsys, sketched_call):
    code, out, err = cli(capsys, "run", "--json")
    assert code == 2 and out == "" and err.startswith("ffcc run: no inputs given")


def test_inputs_given_no_announcement(capsys, sketched_call):
    code, out, err = cli(capsys, "run", "--graph", "karate", "--sketch")
    assert code == 2 and "main job" not in out + err
    ((_, _, kw),) = sketched_call
    # every sketching command defaults to the main job's sketch (see test_cli_vocabulary.py)
    assert kw["grid"] == (2, 2, 17) and kw["k"] == 8


# -- flags a mode ignores are refused -----------------------------------------------------
@pytest.mark.parametrize(
    "flag",
    [["--m", "3"], ["--primes", "65537"], ["--scheme", "x.json"], ["--real"],
     ["--compare", "3M=12"]],
)  # fmt: skip
def test_sketch_refuses_the_flags_it_ignores(capsys, sketched_call, flag):
    for base in (["run", "--graph", "karate", "--sketch"], ["run"]):
        code, out, err = cli(capsys, *base, *flag)
        lines = err.splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("ffcc: error: "), err
        assert flag[0] in lines[0]
    assert sketched_call == []  # refused before any work


def test_sketch_keeps_the_flags_it_uses(capsys, sketched_call):
    # break-it-on-purpose counterpart: flags the sketched path passes on are not refused
    code, _, err = cli(capsys, "run", "--graph", "karate", "--sketch", "-b", "1",
                       "--frac-bits", "12", "--freivalds", "2")  # fmt: skip
    assert code == 2 and "stub" in err
    ((_, _, kw),) = sketched_call
    assert kw["byzantine"] == 1 and kw["frac_bits"] == 12 and kw["freivalds"] == 2


@pytest.mark.parametrize("flag", [["--grid", "2,2,2"], ["--k", "3"]])
def test_exact_run_refuses_sketch_flags(capsys, flag):
    code, _, err = cli(capsys, "run", "--random", "8", *flag)
    assert code == 2 and len(err.splitlines()) == 1 and "--sketch" in err


# -- --sketch pads to the grid --------------------------------------------------------------
def test_pad_to_grid_zero_blocks_never_sampled():
    rng = np.random.default_rng(1)
    A = rng.integers(1, 9, size=(7, 5)).astype(float)  # every real block is nonzero
    B = rng.integers(1, 9, size=(5, 5)).astype(float)
    Ap, Bp, pad = pad_to_grid(A, B, 2, 3, 4)
    assert pad == (1, 3, 1) and Ap.shape == (8, 8) and Bp.shape == (8, 6)
    assert (Ap[:7, :5] == A).all() and not Ap[7:].any() and not Ap[:, 5:].any()
    assert (Bp[:5, :5] == B).all() and not Bp[5:].any() and not Bp[:, 5:].any()
    # inner blocks have width 2: block 3 (columns 6, 7) is padding only
    for seed in range(20):
        sk = grid_crmm(Ap, Bp, 2, 3, 4, 6, seed)
        assert (sk.probabilities[..., 3] == 0).all()
        assert all(a[1] != 3 for a, _ in sk.samples)
        # rows 7 and column 5 of the output are padding: the estimate is zero there
        est = sk.estimate()
        assert not est[7:].any() and not est[:, 5:].any()


def test_padded_run_is_exact_on_the_original_shape():
    from ffcc.run import run_sketched

    rng = np.random.default_rng(2)
    A = rng.integers(-9, 10, size=(7, 5))
    A[:, 2:] = 0  # one nonzero inner block (columns 0, 1): p = 1, the sketch is exact
    B = rng.integers(-9, 10, size=(5, 5))
    est, rep, _ = run_sketched(A, B, grid=(2, 3, 4), k=3, executor="inline", progress=False)
    assert est.shape == (7, 5)
    assert (est == A @ B).all()  # integer-valued floats, compared exactly
    assert rep.inputs["padding"] == [1, 3, 1]
    assert any("padded with zeros" in n for n in rep.notes)


def test_padded_run_reconstructs_the_padded_sketch():
    from ffcc.run import run_sketched

    rng = np.random.default_rng(3)
    A = rng.integers(-9, 10, size=(7, 5))
    B = rng.integers(-9, 10, size=(5, 5))
    est, rep, _ = run_sketched(A, B, grid=(2, 3, 4), k=2, seed=4, executor="inline",
                               progress=False)  # fmt: skip
    Ap, Bp, _ = pad_to_grid(A, B, 2, 3, 4)
    sk = grid_crmm(Ap.astype(float), Bp.astype(float), 2, 3, 4, 2, 4)  # the same draws
    assert est.shape == (7, 5)
    np.testing.assert_allclose(est, sk.estimate()[:7, :5], rtol=1e-12, atol=1e-12)
    C = A @ B
    assert rep.errors["rel_error"] == pytest.approx(np.linalg.norm(C - est) / np.linalg.norm(C))


def test_karate_sketch_with_a_grid_that_does_not_divide_runs(capsys, tmp_path):
    out_file = tmp_path / "C.npy"
    code, out, err = cli(capsys, "run", "--graph", "karate", "--sketch", "--grid", "2,2,16",
                         "--k", "4", "--executor", "inline", "--json", "-o", out_file)  # fmt: skip
    assert code == 0, err
    rep = json.loads(out)
    assert rep["inputs"]["grid"] == [2, 2, 16] and rep["inputs"]["padding"] == [0, 14, 0]
    assert np.load(out_file).shape == (34, 34)


# -- --json everywhere --------------------------------------------------------------------
def test_every_command_has_json(capsys):
    code, out, _ = cli(capsys, "--help")
    import re

    commands = re.findall(r"^ {4}([a-z][\w-]*)(?:\s|$)", out, re.M)
    assert "demo" in commands and "export" in commands
    for c in commands:
        with pytest.raises(SystemExit):
            main([c, "--help"])
        assert "--json" in capsys.readouterr().out, c


def test_export_json_summary(capsys, tmp_path):
    from ffcc import load

    f = tmp_path / "m.json"
    code, out, err = cli(capsys, "export", "matdot", "--param", "m=3", "--param", "s=2",
                         "-o", f, "--json")  # fmt: skip
    assert code == 0, err
    got = json.loads(out)
    assert got == {"name": "matdot", "w": 2 * 3 - 1 + 2, "R": 2 * 3 - 1, "s": 2, "b": 0,
                   "p": load(f).p, "file": str(f)}  # fmt: skip
    code, out, err = cli(capsys, "export", "matdot", "--json")  # the scheme is the output
    assert code == 2 and "-o" in err


def test_show_json(capsys):
    code, out, _ = cli(capsys, "show", "matdot", "--json")
    got = json.loads(out)
    assert code == 0 and got["numeric_scheme_matches"] is True and "z" in got["form"]


def test_demo_json(capsys):
    code, out, _ = cli(capsys, "demo", "--json", "-s", "1")
    got = json.loads(out)
    assert code == 0
    assert got["matdot"]["w"] == 2 * 4 - 1 + 1 and got["matdot"]["holds"] is True
    assert got["matdot"]["decoded_equals_integer_product"] is True
    assert got["figure2"]["workers"] == 13 + 1 and got["figure2"]["matdot_workers"] == 15 + 1
    assert got["field"]["rows_match_python_ints"] is True


# -- the default sketch -------------------------------------------------------------------
def test_default_sketch_is_meaningful(capsys):
    code, out, _ = cli(capsys, "sketch", "--json")
    got = json.loads(out)
    assert code == 0 and got["grid"] == [2, 2, 17] and got["k"] == 8
    assert got["samples"] == 2 * 2 * 8
    assert got["relative_error"] < 1 and got["expected_relative_error"] < 1
    assert got["expected_relative_error"] <= got["lemma1_relative_bound"]  # Lemma 1
    code, out, _ = cli(capsys, "sketch")
    lines = out.splitlines()
    assert code == 0 and "karate" in lines[0] and "Lemma 1 bounds" in lines[-1]


def test_grid_is_the_one_spelling(capsys):
    code, out, _ = cli(capsys, "sketch", "--random", "32", "--grid", "2,4,8", "--k", "3", "--json")
    assert code == 0 and json.loads(out)["grid"] == [2, 4, 8] and json.loads(out)["k"] == 3
    for old in (["-m", "3"], ["-q", "8"], ["-k", "3"], ["--size", "32"]):  # issue 13
        code, _, err = cli(capsys, "sketch", *old)
        assert code == 2 and "unrecognized arguments" in err, old
    code, _, err = cli(capsys, "plan", "--graph", "karate", "--random", "8")
    assert code == 2 and "one input" in err
