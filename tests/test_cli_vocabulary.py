"""One vocabulary across commands (issue 13), read from the live parsers.

A flag means one thing everywhere: every spelling belongs to the same set of spellings in
every command that has it (``-s`` is always ``--stragglers``, ``-o`` always ``--output``);
``--param`` is never ``-p``; one prime is ``--p``, several ``--primes``; every command takes
``--json``; the sketching commands (``sketch``, ``plan``, ``run``) share their inputs and
``--grid``/``--k``, with one default: the main job's sketch as the Makefile's ``make run``
spells it. Flags that a mode ignores are refused with one line naming the flag. Each
command's module is imported only when that command runs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ffcc import InputError
from ffcc.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parent.parent
SKETCHING = ("sketch", "plan", "run")


def spellings() -> dict[str, dict[str, frozenset[str]]]:
    """``{command: {option string: all spellings of its argument}}``, parsers filled in."""
    ap = build_parser()
    out = {}
    for name, p in ap.subparsers.items():
        p.format_help()  # fills in the command's arguments from its module
        out[name] = {s: frozenset(a.option_strings) for a in p._actions for s in a.option_strings}
    return out


def inconsistent(table: dict[str, dict[str, frozenset[str]]]) -> dict[str, set]:
    """Option strings that come with different spellings in different commands."""
    seen: dict[str, set[frozenset[str]]] = {}
    for flags in table.values():
        for s, group in flags.items():
            seen.setdefault(s, set()).add(group)
    return {s: groups for s, groups in seen.items() if len(groups) > 1}


def test_a_flag_is_spelled_one_way_in_every_command():
    table = spellings()
    assert sorted(table) == sorted(COMMANDS)
    assert not inconsistent(table)


def test_the_consistency_check_sees_a_second_spelling():
    # break it on purpose: `-k` beside `--k` in one command only
    table = spellings()
    table["sketch"]["-k"] = table["sketch"]["--k"] = frozenset({"--k", "-k"})
    assert set(inconsistent(table)) == {"--k"}


def test_the_issue_vocabulary():
    table = spellings()
    every = {s for flags in table.values() for s in flags}
    assert "-p" not in every  # --param is never shortened
    assert not every & {"-m", "-n", "-q", "-k", "--size", "--prime", "--out", "--ledger-shards"}
    for name, flags in table.items():
        assert "--json" in flags, f"ffcc {name} has no --json"
        if "--param" in flags:
            assert flags["--param"] == {"--param"}
    for name in SKETCHING:
        for flag in ("--A", "--B", "--graph", "--random", "--grid", "--k", "--json"):
            assert flag in table[name], f"ffcc {name} lacks {flag}"
    assert "--primes" in table["run"] and "--p" not in table["run"]  # several primes
    for name in ("plan", "compare", "optimize"):  # one prime
        assert "--p" in table[name] and "--primes" not in table[name]
    for name in ("export", "run", "optimize"):  # one output file
        assert table[name]["-o"] == {"-o", "--output"}


def test_every_sketching_command_defaults_to_the_main_job_sketch(ffcc_cli, monkeypatch):
    # the main job as `make run` spells it, read from the Makefile (not from ffcc)
    make_run = re.search(r"ffcc run (.*)", (ROOT / "Makefile").read_text()).group(1).split()
    grid = [int(x) for x in make_run[make_run.index("--grid") + 1].split(",")]
    k = int(make_run[make_run.index("--k") + 1])
    code, out, err = ffcc_cli("sketch", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["grid"] == grid and got["k"] == k
    assert got["samples"] == grid[0] * grid[1] * k  # k samples per output block

    import ffcc.cli.run as run_command

    seen = {}

    def stop(A, B, **kw):
        seen.update(kw)
        raise InputError("stopped before sketching")

    monkeypatch.setattr(run_command, "run_sketched", stop)
    assert ffcc_cli("run", "--graph", "karate", "--sketch")[0] == 2
    assert list(seen["grid"]) == grid and seen["k"] == k


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["plan", "--samples", "S.json", "--graph", "karate"], "--graph"),
        (["plan", "--samples", "S.json", "--grid", "2,2,2"], "--grid"),
        (["plan", "--samples", "S.json", "--k", "3"], "--k"),
        (["sketch", "--skew"], "--skew"),
        (["run", "--graph", "karate", "--float"], "--float"),
        (["run", "--random", "8", "--real-basis", "monomial"], "--real-basis"),
        (["run", "--random", "8", "--executor", "threads", "--dask-local", "2"], "--dask-local"),
        (["verify", "S.json", "--shards", "4"], "--shards"),
        (["verify", "S.json", "--processes", "2"], "--processes"),
        (["verify", "S.json", "--seed", "2"], "--seed"),
        (["compare", "--samples", "S.json", "--random", "4"], "--random"),
        (["compare", "--samples", "S.json", "--seed", "1"], "--seed"),
        (["simulate", "--plan", "5:4", "-s", "2"], "-s"),
        (["export", "matdot", "-p", "m=2"], "-p"),
    ],
)
def test_flags_a_mode_ignores_are_refused(ffcc_cli, tmp_path, argv, flag):
    samples = tmp_path / "S.json"
    samples.write_text("[[0, 0], [0, 1], [1, 1]]")
    from ffcc.codes import build

    build("matdot", m=2).save(tmp_path / "S.json.scheme")
    argv = [str(samples) if a == "S.json" else a for a in argv]
    if argv[0] == "verify":
        argv[1] = str(tmp_path / "S.json.scheme")
    code, out, err = ffcc_cli(*argv)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("ffcc: error: "), err
    assert flag in lines[0]


def test_help_imports_no_command_module_and_a_command_only_its_own():
    code = (
        "import sys\nfrom ffcc.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(m for m in sys.modules if m.startswith('ffcc.cli.')), file=sys.stderr)"
    )

    def loaded(*argv):
        out = subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True
        )
        return set(out.stderr.split()) - {"ffcc.cli._common"}

    assert loaded("--help") == set()
    assert loaded("codes", "--names") == {"ffcc.cli.codes"}


def test_python_dash_m_ffcc_and_version():
    for mod in ("ffcc", "ffcc.cli"):
        out = subprocess.run(
            [sys.executable, "-m", mod, "--version"], capture_output=True, text=True
        )
        assert out.returncode == 0 and out.stdout.startswith("ffcc "), out.stderr


def test_one_reader_of_the_matrix_inputs(ffcc_cli, tmp_path):
    import numpy as np

    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    np.save(a, np.arange(12.0).reshape(3, 4))
    np.save(b, np.ones((5, 2)))
    for cmd in (["sketch"], ["plan"], ["run", "--executor", "inline"]):
        for argv, fragment in (
            (["--A", a, "--B", b], "A is 3 x 4 and B is 5 x 2: A's columns must equal B's rows"),
            (["--B", b], "--B goes with --A"),
            (["--A", a, "--graph", "karate"], "give exactly one input"),
        ):
            code, _, err = ffcc_cli(*cmd, *argv)
            assert code == 2 and fragment in err, (cmd, argv, err)
    # --B defaults to --A in every command: A·A
    sq = tmp_path / "sq.npy"
    np.save(sq, np.arange(16.0).reshape(4, 4))
    alone = ffcc_cli("sketch", "--A", sq, "--grid", "1,1,2", "--k", "3", "--json")
    both = ffcc_cli("sketch", "--A", sq, "--B", sq, "--grid", "1,1,2", "--k", "3", "--json")
    assert alone[0] == both[0] == 0
    one, two = json.loads(alone[1]), json.loads(both[1])
    assert one.pop("input").endswith("(B = A)") and two.pop("input").endswith(f"--B {sq}")
    assert one == two
