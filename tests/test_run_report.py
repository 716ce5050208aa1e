"""Report text and JSON, and the command-line handlers (inline executor: no processes)."""

import argparse
import json

import numpy as np
import pytest

from ffcc.cli.run import add_arguments as add_run_arguments
from ffcc.cli.run import cmd_run
from ffcc.cli.simulate import add_arguments as add_simulate_arguments
from ffcc.cli.simulate import cmd_simulate
from ffcc.run import Faults, InputError, run_matmul


def _parse(add, argv):
    p = argparse.ArgumentParser()
    add(p)
    return p.parse_args(argv)


def test_report_summary_and_json():
    rng = np.random.default_rng(0)
    A, B = rng.integers(-5, 6, (8, 6)), rng.integers(-5, 6, (6, 4))
    _, rep = run_matmul(
        A,
        B,
        m=3,
        stragglers=1,
        byzantine=1,
        executor="inline",
        progress=False,
        faults=Faults(corrupt=[2], raises=[4]),
        workers_compare={"MatDot": 8, "uncoded": 3},
        lemma1_bound=0.25,
    )
    text = rep.summary()
    for needle in (
        "w = 8",
        "R = 5",
        "workers that lied (corrected): [2]",
        "worker 4 raised",
        "Freivalds",
        "Lemma 1 bound",
        "MatDot 8",
        "plan 8",
    ):
        assert needle in text, needle
    d = json.loads(rep.to_json())
    assert d["liars"] == [[0, 2]] and d["workers_used"] == 8
    assert d["event_counts"]["corrupted-detected"] == 1 and d["event_counts"]["raised"] == 1
    assert d["groups"][0]["events"][4]["status"] == "raised"
    fv = d["freivalds"]  # 3 trials over a prime q < 2^30 that computed nothing
    assert fv["trials"] == 3 and fv["q"] not in rep.groups[0].primes and fv["q"] < 2**30
    assert fv["failure_probability"] == pytest.approx(fv["q"] ** -3.0)


def test_cmd_run_graph_json(capsys, tmp_path):
    out = tmp_path / "C.npy"
    args = _parse(
        add_run_arguments,
        ["--graph", "karate", "--executor", "inline", "--m", "2", "--json", "--output", str(out)],
    )
    assert cmd_run(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["inputs"]["A"] == [34, 34]
    from ffcc.run import graph_matrix

    A = graph_matrix("karate")
    assert (np.load(out) == A @ A).all()


def test_cmd_run_failure_exit_code(capsys):
    args = _parse(
        add_run_arguments, ["--random", "6", "--executor", "inline", "--m", "2", "--kill", "0,1"]
    )
    assert cmd_run(args) == 1
    assert "run failed" in capsys.readouterr().err
    with pytest.raises(InputError, match="exactly one"):
        cmd_run(_parse(add_run_arguments, ["--random", "4", "--graph", "karate"]))


def test_cmd_simulate(capsys, tmp_path):
    png = tmp_path / "cdf.png"
    args = _parse(
        add_simulate_arguments,
        ["--k", "4", "--plan", "5:4+4:3", "--runs", "50", "--plot", str(png)],
    )
    assert cmd_simulate(args) == 0
    text = capsys.readouterr().out
    assert "MatDot" in text and "plan" in text and "uncoded x2" in text
    assert png.exists()
