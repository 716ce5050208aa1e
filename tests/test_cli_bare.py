"""Every command works bare and teaches (issue 13: "the command with no options must work").

The test walks :data:`ffcc.cli.COMMANDS`, runs each command with no options in-process and
checks exit 0 and a value in its output that the test derives itself: the main job's
products K from the sketch's definition (karate club, grid 2,2,17, k = 8 per output block,
seed 0), MatDot's 2K - 1 + s workers, the closed-form median of the slowest of K shifted
exponentials, the catalog's MatDot at m = 4: 2m - 1 + s workers and C(w, R) subsets.

A bare command that fills in a default says so in its first line (``ffcc CMD: no ...``),
naming the flag that changes it; with ``--json`` that line goes to stderr so that stdout
still parses.

Bare ``claims`` runs every claim in quick mode (about 13 s of CPU, 30-45 s on a loaded
2-core machine): it runs here only with ``FFCC_SLOW=1`` (``tests/test_claims.py`` covers
the claims in CI).
"""

from __future__ import annotations

import json
import math
import os
import re

import pytest

from ffcc.cli import COMMANDS

SLOW = {"claims"}
S = 1  # the main job's stragglers
MATDOT_M = 4  # the catalog's MatDot at its defaults (m = 4, s = 1): `ffcc codes`
# bare commands that fill in an input and say so in their first line
ANNOUNCING = {"verify", "export", "show", "sketch", "plan", "run", "simulate", "compare",
              "optimize"}  # fmt: skip
SKETCHING = {"sketch", "plan", "run", "simulate", "compare", "optimize"}  # the main job's


@pytest.fixture(scope="module")
def main_job_products() -> int:
    """K, the distinct block products of the main job's sketch, from its definition: the
    karate club's adjacency A (34 x 34, no padding on the grid 2,2,17), A·A sketched with
    k = 8 samples per output block, seed 0."""
    from ffcc.run import graph_matrix
    from ffcc.sketch import grid_crmm

    A = graph_matrix("karate").astype(float)
    assert A.shape == (34, 34) and A.sum() == 2 * 78  # 78 edges
    sk = grid_crmm(A, A, 2, 2, 17, 8, 0)
    assert len(sk.samples) == 2 * 2 * 8
    return len(set(sk.samples))


def number(pattern: str, text: str) -> int:
    """The integer that ``pattern``'s group matches in ``text``."""
    m = re.search(pattern, text, re.M)
    assert m, f"{pattern!r} not in {text[:2000]!r}"
    return int(m.group(1))


def first_line(command: str, out: str, err: str) -> str:
    # `export` writes the scheme file to stdout: its announcement is on stderr
    return (err if command == "export" else out).splitlines()[0]


def check_verify(out, err, K):
    w = 2 * MATDOT_M - 1 + S
    assert number(r"w = (\d+), s = 1", out) == w and number(r"R = (\d+)$", out) == w - S
    assert number(r"checked (\d+) of", out) == math.comb(w, w - S)
    assert f"HOLDS: every {w - S}-subset of the {w} workers decodes" in out


def check_export(out, err, K):
    from ffcc import loads

    scheme = loads(out)
    assert scheme.w == len(json.loads(out)["workers"]) == 2 * MATDOT_M - 1 + S
    assert scheme.R == 2 * MATDOT_M - 1 and scheme.stragglers == S


def check_show(out, err, K):
    assert f"{2 * MATDOT_M - 1 + S} workers" in out.splitlines()[1]
    assert f"degree {2 * (MATDOT_M - 1)}" in out  # h = u1 u2, each of degree m - 1
    assert f"from any {2 * MATDOT_M - 1} answers" in out


def check_codes(out, err, K):
    matdot = out[out.index("matdot:") :]
    assert number(r"defaults:\s+m=4, s=1.*\(w = (\d+)\)", matdot) == 2 * MATDOT_M - 1 + S


def check_sketch(out, err, K):
    assert number(r"k = 8 samples per output block, (\d+) samples", out) == 2 * 2 * 8
    assert number(r"(\d+) distinct pairs", out) == K
    assert number(r"\((\d+) repeats\)", out) == 2 * 2 * 8 - K


def check_plan(out, err, K):
    assert number(r"32 samples -> (\d+) products", out) == K
    assert number(r"^\s+matdot\s+(\d+)", out) == 2 * K - 1 + S
    chosen = number(r"^chosen: .*?, (\d+) workers against MatDot's", out)
    assert K + S <= chosen <= 2 * K - 1 + S  # every product decoded, s workers to spare


def check_run(out, err, K):
    assert number(r"^workers: plan \d+, MatDot (\d+)", out) == 2 * K - 1 + S
    assert number(r"uncoded (\d+)$", out) == K
    assert "checked: yes" in out


def check_simulate(out, err, K):
    rows = dict(re.findall(r"^(uncoded x1|uncoded x2|MatDot|plan)\s+(\d+)", out, re.M))
    assert {name: int(w) for name, w in rows.items() if name != "plan"} == {
        "uncoded x1": K, "uncoded x2": 2 * K, "MatDot": 2 * K - 1 + S}  # fmt: skip
    groups = [tuple(map(int, g.split(":"))) for g in re.search(r"--plan (\S+)", out)[1].split("+")]
    assert int(rows["plan"]) == sum(w for w, _ in groups)
    assert all(w - R == S for w, R in groups) and sum(R for _, R in groups) >= K
    # the slowest of K shifted exponentials (shift 0.05, rate 20) has the median
    # 0.05 - ln(1 - 2^(-1/K)) / 20; two replicas each: the rate doubles
    closed = re.findall(r"^  closed form\s+([\d.]+)", out, re.M)
    for row, rate in ((0, 20), (1, 40)):
        assert float(closed[row]) == pytest.approx(0.05 - math.log(1 - 0.5 ** (1 / K)) / rate,
                                                   abs=5e-4)  # fmt: skip


def check_compare(out, err, K):
    assert number(r"^(\d+) products, s = 1", out) == K
    for name, workers in (("uncoded", K), ("replication", (S + 1) * K),
                          ("matdot/lagrange", 2 * K - 1 + S)):  # fmt: skip
        m = re.search(rf"^{re.escape(name)}\s+(\d+)\s+(\d+)", out, re.M)
        assert m and (int(m[1]), int(m[2])) == (workers, workers), (name, out)


def check_optimize(out, err, K):
    assert number(r"^(\d+) products, s = 1", out) == K
    best = number(r"^best: (\d+) workers", out)
    lower = number(r"^lower bound: (\d+) workers", out)
    assert K + S <= lower <= best <= 2 * K - 1 + S  # never worse than MatDot
    assert f"every {best - S}-subset of the {best} workers decodes" in out


def check_demo(out, err, K):
    assert f"w = 2m - 1 + s = {2 * MATDOT_M - 1 + S} workers" in out and "HOLDS" in out


def check_claims(out, err, K):
    import proofs

    verdicts = re.findall(r"^\| (C\d\d) .*\| (holds|\*\*partial\*\*) \| rejected \|", out, re.M)
    assert [c for c, _ in verdicts] == proofs.claim_ids()


CHECKS = {name[len("check_") :]: f for name, f in globals().items() if name.startswith("check_")}


def test_every_command_has_a_bare_check():
    """A new command needs its bare check here (and works bare)."""
    assert set(CHECKS) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_bare_command_works_and_teaches(command, ffcc_cli, main_job_products):
    if command in SLOW and os.environ.get("FFCC_SLOW") != "1":
        pytest.skip("every claim, ~30 s: FFCC_SLOW=1")
    code, out, err = ffcc_cli(command)
    assert code == 0, err
    CHECKS[command](out, err, main_job_products)
    if command in ANNOUNCING:
        line = first_line(command, out, err)
        assert line.startswith(f"ffcc {command}: no "), line
        # how to change it: the flag or argument, or the full command line it stands for
        assert re.search(r"(choose|give) .*(--|FILE)|: ffcc \w+ --", line), line
    if command in SKETCHING:  # and names the main job's sketch
        assert re.search(r"--graph karate --grid 2,2,17 --k 8\b", line), line


@pytest.mark.parametrize("command", ["verify", "show", "sketch", "simulate", "compare"])
def test_bare_json_still_parses(command, ffcc_cli):
    code, out, err = ffcc_cli(command, "--json")
    assert code == 0, err
    json.loads(out)
    assert err.startswith(f"ffcc {command}: no ")


def test_bare_simulate_takes_the_stragglers(ffcc_cli, main_job_products):
    """``-s`` applies to the main job's MatDot line and plan: 2K - 1 + s workers."""
    K = main_job_products
    code, out, err = ffcc_cli("simulate", "-s", "2", "--runs", "20")
    assert code == 0, err
    assert number(r"^MatDot\s+(\d+)", out) == 2 * K - 1 + 2
    assert "-s 2 --plan" in out.splitlines()[0]


def test_one_generator_keeps_each_commands_distribution(ffcc_cli, tmp_path):
    """``sketch --random N`` draws Gaussian A then B from one stream of the seed; ``run
    --random N`` draws integers in [-8, 8], A from the seed and B from seed + 1; both
    through :func:`ffcc.run.random_matrix`."""
    import numpy as np

    from ffcc.cli import build_parser
    from ffcc.cli._sketching import sketch_from_args

    argv = ["sketch", "--random", "8", "--seed", "5", "--grid", "2,2,2", "--k", "1"]
    sk = sketch_from_args(build_parser().parse_args(argv))
    both = np.random.default_rng(5).standard_normal((16, 8))
    assert (sk.A == both[:8]).all() and (sk.B == both[8:]).all()

    out_file = tmp_path / "C.npy"
    code, _, err = ffcc_cli("run", "--random", "6", "--seed", "3", "--executor", "inline",
                            "-o", out_file)  # fmt: skip
    assert code == 0, err
    A = np.random.default_rng(3).integers(-8, 9, (6, 6))
    B = np.random.default_rng(4).integers(-8, 9, (6, 6))
    assert (np.load(out_file) == A @ B).all()


@pytest.mark.parametrize(
    "argv",
    [["show", "--param", "m=x"], ["export", "--param", "q=1"], ["compare", "--p", "4"],
     ["optimize", "--p", "4"], ["verify", "-s", "9"], ["simulate", "--model", "bad"],
     ["sketch", "--grid", "0,1,1"], ["plan", "--k", "0"], ["compare", "--seed", "3"]],
)  # fmt: skip
def test_bare_command_refuses_a_wrong_flag_before_announcing(argv, ffcc_cli):
    """A wrong flag is one line on stderr, exit 2, and nothing on stdout: the default's
    announcement comes after the user's flags are checked."""
    code, out, err = ffcc_cli(*argv)
    assert code == 2 and out == "" and err.startswith("ffcc: error: ")
    assert len(err.splitlines()) == 1, err
